//! Countries by ISO 3166-1 alpha-2 code, backed by the `celes` tables.

use crate::Zone;
use std::fmt;

/// An ISO 3166-1 country, stored and rendered as its upper-case alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(celes::Country);

impl Country {
    /// Accepts an alpha-2 code in any case (`fr`, `FR`); also an alpha-3 code
    /// or an English name (`France`), since clients of older APIs send those.
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        let compact: String = trimmed
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        let found = match compact.len() {
            0 => return Err("must not be empty".into()),
            2 => celes::Country::from_alpha2(&compact),
            3 => celes::Country::from_alpha3(&compact)
                .or_else(|_| celes::Country::from_name(&compact)),
            _ => celes::Country::from_name(&compact)
                .or_else(|_| celes::Country::from_alias(&compact)),
        };
        found.map(Country).map_err(|_| {
            format!("{trimmed:?} is not an ISO 3166-1 country code (use two letters, e.g. \"FR\")")
        })
    }

    /// The upper-case alpha-2 code, e.g. `FR`.
    pub fn alpha2(&self) -> &'static str {
        self.0.alpha2
    }

    /// The short English name, as the time-zone database writes it (`France`,
    /// `United States`); the official name where it has none.
    pub fn name(&self) -> &'static str {
        crate::tzdb::country_name(self.alpha2()).unwrap_or(self.0.long_name)
    }

    /// The country an IANA zone belongs to (`Asia/Kolkata` -> `IN`), from the
    /// time-zone database's `zone.tab`. Zones of no single country (`UTC`) have none.
    pub fn of_zone(zone: Zone) -> Option<Self> {
        match crate::tzdb::zone_countries(zone.name()) {
            [code] => Country::parse(code).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha2())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha2_in_any_case_is_stored_upper_case() {
        assert_eq!(Country::parse("fr").unwrap().alpha2(), "FR");
        assert_eq!(Country::parse(" In ").unwrap().alpha2(), "IN");
    }

    #[test]
    fn alpha3_and_english_names_are_understood() {
        assert_eq!(Country::parse("DEU").unwrap().alpha2(), "DE");
        assert_eq!(Country::parse("France").unwrap().alpha2(), "FR");
        assert_eq!(Country::parse("United Kingdom").unwrap().alpha2(), "GB");
    }

    #[test]
    fn a_zone_of_one_country_gives_that_country() {
        let of = |zone: &str| Country::of_zone(Zone::parse(zone).unwrap()).map(|c| c.alpha2());
        assert_eq!(of("Asia/Kolkata"), Some("IN"));
        assert_eq!(of("Europe/Paris"), Some("FR"));
        assert_eq!(of("America/Sao_Paulo"), Some("BR"));
        assert_eq!(of("UTC"), None);
        assert_eq!(of("Etc/GMT-3"), None);
    }

    #[test]
    fn names_are_short_english_names() {
        assert_eq!(Country::parse("fr").unwrap().name(), "France");
        assert_eq!(Country::parse("US").unwrap().name(), "United States");
    }

    #[test]
    fn unknown_codes_are_refused() {
        for bad in ["", "XX", "ZZZ", "Atlantis", "1"] {
            assert!(Country::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
