//! Where an event is: a country and a free-text location, each defaulting
//! from what else the organizer said.

use crate::{Country, Location, Zone};

/// Fills in what an organizer left out: the country defaults to the country of
/// the event's time zone (when the zone belongs to exactly one), and the
/// location to the country's English name. A location is free text (a venue or
/// a city), so it is never read as a country.
///
/// The error is the message for the `country` field.
pub fn resolve_place(
    location: Option<Location>,
    country: Option<Country>,
    zone: Zone,
) -> Result<(Location, Country), String> {
    let country = match country.or_else(|| Country::of_zone(zone)) {
        Some(country) => country,
        None => {
            return Err(format!(
                "is required: the time zone {zone} belongs to no single country (give a country such as \"FR\", or the event's own time zone such as \"Europe/Paris\")"
            ));
        }
    };
    let location = match location {
        Some(location) => location,
        None => Location::parse(country.name()).map_err(|e| format!("has no usable name ({e})"))?,
    };
    Ok((location, country))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    #[test]
    fn what_is_given_is_kept() {
        let (location, country) = resolve_place(
            Some(Location::parse("Lyon").unwrap()),
            Some(Country::parse("FR").unwrap()),
            Zone::DEFAULT,
        )
        .unwrap();
        assert_eq!((location.as_str(), country.alpha2()), ("Lyon", "FR"));
    }

    #[test]
    fn the_country_comes_from_the_zone_and_the_location_from_the_country() {
        let (location, country) = resolve_place(None, None, Zone::DEFAULT).unwrap();
        assert_eq!((location.as_str(), country.alpha2()), ("India", "IN"));
        let (location, country) = resolve_place(None, None, zone("Europe/Paris")).unwrap();
        assert_eq!((location.as_str(), country.alpha2()), ("France", "FR"));
    }

    #[test]
    fn a_given_country_wins_over_the_zone() {
        let given = Country::parse("France").unwrap();
        let (location, country) = resolve_place(None, Some(given), Zone::DEFAULT).unwrap();
        assert_eq!((location.as_str(), country.alpha2()), ("France", "FR"));
    }

    #[test]
    fn a_location_is_not_read_as_a_country() {
        let location = Location::parse("Georgia").unwrap();
        let (_, country) = resolve_place(Some(location), None, zone("America/New_York")).unwrap();
        assert_eq!(country.alpha2(), "US");
    }

    #[test]
    fn a_zone_of_no_country_needs_a_country() {
        let err = resolve_place(None, None, zone("UTC")).unwrap_err();
        assert!(err.contains("UTC"), "{err}");
        let location = Some(Location::parse("Online").unwrap());
        assert!(resolve_place(location, None, zone("Etc/UTC")).is_err());
    }
}
