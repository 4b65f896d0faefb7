//! How events are listed: which ones, relative to now, and in what order.

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
}

impl EventSort {
    pub const NAMES: &'static str = "start_time, -start_time, title, -title, created_at, -created_at, seats_available, -seats_available";
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
            _ => return Err(format!("{s:?} is not one of {}", EventSort::NAMES)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_horizons_parse_from_their_wire_names() {
        assert_eq!(
            "-seats_available".parse::<EventSort>().unwrap(),
            EventSort::SeatsAvailableDesc
        );
        assert!("price".parse::<EventSort>().is_err());
        assert_eq!("past".parse::<When>().unwrap(), When::Past);
        assert!("soon".parse::<When>().is_err());
    }
}
