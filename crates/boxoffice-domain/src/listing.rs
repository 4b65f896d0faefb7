//! How events are listed: which ones, relative to now, and in what order.

use crate::Coordinates;
use std::str::FromStr;

/// Which events a listing covers, relative to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    /// Not yet ended (including those under way): the bookable horizon.
    #[default]
    Upcoming,
    /// Already ended.
    Past,
    All,
}

impl FromStr for When {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "upcoming" => Ok(When::Upcoming),
            "past" => Ok(When::Past),
            "all" => Ok(When::All),
            _ => Err(format!("{s:?} is not one of upcoming, past, all")),
        }
    }
}

/// Listing order; every order breaks ties by id so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventSort {
    #[default]
    StartAsc,
    StartDesc,
    TitleAsc,
    TitleDesc,
    CreatedAsc,
    CreatedDesc,
    SeatsAvailableAsc,
    SeatsAvailableDesc,
    /// Nearest first; only with a [`Near`] search.
    DistanceAsc,
    DistanceDesc,
}

impl EventSort {
    pub const NAMES: &'static str = "start_time, -start_time, title, -title, created_at, -created_at, seats_available, -seats_available, distance, -distance";

    /// Whether this order needs a point to measure from.
    pub fn needs_point(self) -> bool {
        matches!(self, EventSort::DistanceAsc | EventSort::DistanceDesc)
    }
}

impl FromStr for EventSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "start_time" => EventSort::StartAsc,
            "-start_time" => EventSort::StartDesc,
            "title" => EventSort::TitleAsc,
            "-title" => EventSort::TitleDesc,
            "created_at" => EventSort::CreatedAsc,
            "-created_at" => EventSort::CreatedDesc,
            "seats_available" => EventSort::SeatsAvailableAsc,
            "-seats_available" => EventSort::SeatsAvailableDesc,
            "distance" => EventSort::DistanceAsc,
            "-distance" => EventSort::DistanceDesc,
            _ => return Err(format!("{s:?} is not one of {}", EventSort::NAMES)),
        })
    }
}

/// The mean radius of the Earth (IUGG), used for every great-circle distance.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A search around a point: events within `radius_km` of `center`, along the Earth's surface.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    center: Coordinates,
    radius_km: f64,
}

impl Near {
    /// The radius when a search gives only the point.
    pub const DEFAULT_RADIUS_KM: f64 = 50.0;
    /// Half the Earth's circumference (rounded up): a larger radius would cover nothing more.
    pub const MAX_RADIUS_KM: f64 = 20_016.0;

    pub fn new(center: Coordinates, radius_km: Option<f64>) -> Result<Self, String> {
        let radius_km = radius_km.unwrap_or(Self::DEFAULT_RADIUS_KM);
        if !(radius_km > 0.0 && radius_km <= Self::MAX_RADIUS_KM) {
            return Err(format!(
                "must be more than 0 and at most {} (km)",
                Self::MAX_RADIUS_KM
            ));
        }
        Ok(Near { center, radius_km })
    }

    pub fn center(&self) -> Coordinates {
        self.center
    }

    pub fn radius_km(&self) -> f64 {
        self.radius_km
    }
}

/// Parses `lon,lat` in decimal degrees (the order of GeoJSON), e.g. `2.3522,48.8566`.
pub fn parse_point(text: &str) -> Result<Coordinates, String> {
    let format = "must be \"longitude,latitude\" in decimal degrees, e.g. 2.3522,48.8566";
    let (lon, lat) = text.split_once(',').ok_or(format)?;
    let degrees = |part: &str| -> Result<f64, String> {
        let part = part.trim();
        // Rust's float parser also reads "inf", "NaN" and "1e3": only plain decimals here.
        let plain = !part.is_empty()
            && part
                .trim_start_matches(['-', '+'])
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
        plain
            .then(|| part.parse::<f64>().ok())
            .flatten()
            .ok_or_else(|| format.to_owned())
    };
    Coordinates::new(degrees(lon)?, degrees(lat)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_longitude_then_latitude() {
        let point = parse_point(" 2.3522, 48.8566 ").unwrap();
        assert_eq!((point.lon(), point.lat()), (2.3522, 48.8566));
        assert_eq!(parse_point("-180,-90").unwrap().lon(), -180.0);
    }

    #[test]
    fn malformed_or_out_of_range_points_are_refused() {
        for bad in [
            "",
            "2.35",
            "2.35;48.85",
            "a,b",
            "inf,0",
            "NaN,0",
            "1e2,0",
            "2,3,4",
            ",",
        ] {
            assert!(parse_point(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse_point("181,0").unwrap_err().contains("longitude"));
        assert!(parse_point("0,-90.5").unwrap_err().contains("latitude"));
    }

    #[test]
    fn the_radius_defaults_and_has_bounds() {
        let center = Coordinates::new(0.0, 0.0).unwrap();
        assert_eq!(Near::new(center, None).unwrap().radius_km(), 50.0);
        assert_eq!(Near::new(center, Some(0.5)).unwrap().radius_km(), 0.5);
        for bad in [0.0, -1.0, 20_016.5, f64::NAN, f64::INFINITY] {
            assert!(Near::new(center, Some(bad)).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn sorts_and_horizons_parse_from_their_wire_names() {
        assert_eq!(
            "-seats_available".parse::<EventSort>().unwrap(),
            EventSort::SeatsAvailableDesc
        );
        assert!("price".parse::<EventSort>().is_err());
        assert!("-distance".parse::<EventSort>().unwrap().needs_point());
        assert_eq!("past".parse::<When>().unwrap(), When::Past);
        assert!("soon".parse::<When>().is_err());
    }
}
