//! Countries by ISO 3166-1 alpha-2 code, backed by the `celes` tables.

use std::fmt;

/// An ISO 3166-1 country, stored and rendered as its upper-case alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(celes::Country);

impl Country {
    /// Accepts an alpha-2 code in any case (`fr`, `FR`); also an alpha-3 code
    /// or an English name (`France`), since clients of older APIs send those.
    pub fn parse(input: &str) -> Result<Self, String> {
        crate::single_line(input)?;
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

    pub fn name(&self) -> &'static str {
        self.0.long_name
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
    fn unknown_codes_are_refused() {
        for bad in ["", "XX", "ZZZ", "Atlantis", "1"] {
            assert!(Country::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
