//! Facts from the time-zone database itself: which country a zone belongs to,
//! and the short English name of a country.
//!
//! The tables are tzdb's own files, embedded as published (see `tzdata/README.md`):
//! `zone.tab` gives each zone name the country it serves (one row per country and
//! zone), `backward` maps old names such as `Asia/Calcutta` to current ones, and
//! `iso3166.tab` names the countries. `zone1970.tab` is not used: it groups
//! zones whose clocks agree since 1970 (`Europe/Paris` covers France and Monaco),
//! which says nothing about the country of an event entered in `Europe/Paris`.

use std::collections::HashMap;
use std::sync::LazyLock;

const ZONE_TAB: &str = include_str!("../tzdata/zone.tab");
const BACKWARD: &str = include_str!("../tzdata/backward");
const ISO3166_TAB: &str = include_str!("../tzdata/iso3166.tab");

struct Tables {
    /// Zone name -> the alpha-2 codes of the countries it is listed under.
    countries: HashMap<&'static str, Vec<&'static str>>,
    /// Old zone name -> current name.
    links: HashMap<&'static str, &'static str>,
    /// Alpha-2 code -> short English name.
    names: HashMap<&'static str, &'static str>,
}

/// Data lines of a tzdb table: comments and blank lines dropped.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .filter(|line| !line.trim().is_empty())
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut countries: HashMap<&str, Vec<&str>> = HashMap::new();
    for line in data_lines(ZONE_TAB) {
        // code, coordinates, zone, optional comment; tab-separated.
        let mut columns = line.split('\t');
        if let (Some(code), Some(_), Some(zone)) = (columns.next(), columns.next(), columns.next())
        {
            let codes = countries.entry(zone.trim()).or_default();
            if !codes.contains(&code.trim()) {
                codes.push(code.trim());
            }
        }
    }
    let links = data_lines(BACKWARD)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("Link"), Some(target), Some(name)) => Some((name, target)),
                _ => None,
            }
        })
        .collect();
    let names = data_lines(ISO3166_TAB)
        .filter_map(|line| line.split_once('\t'))
        .map(|(code, name)| (code.trim(), name.trim()))
        .collect();
    Tables {
        countries,
        links,
        names,
    }
});

/// The countries a zone name is listed under, following old names to current ones.
/// Empty for zones of no country, such as `UTC` or `Etc/GMT+5`.
pub(crate) fn zone_countries(zone: &str) -> &'static [&'static str] {
    let tables = &*TABLES;
    let mut name = zone;
    // Links point at current names; the bound only guards against a malformed table.
    for _ in 0..4 {
        if let Some(codes) = tables.countries.get(name) {
            return codes;
        }
        match tables.links.get(name) {
            Some(target) => name = target,
            None => break,
        }
    }
    &[]
}

/// The short English name tzdb gives a country (`FR` -> `France`).
pub(crate) fn country_name(alpha2: &str) -> Option<&'static str> {
    TABLES.names.get(alpha2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_belongs_to_the_country_it_is_listed_under() {
        assert_eq!(zone_countries("Asia/Kolkata"), ["IN"]);
        assert_eq!(zone_countries("Europe/Paris"), ["FR"]);
        assert_eq!(zone_countries("Europe/Zurich"), ["CH"]);
        assert_eq!(zone_countries("America/New_York"), ["US"]);
    }

    #[test]
    fn old_names_follow_their_links() {
        assert_eq!(zone_countries("Asia/Calcutta"), ["IN"]);
        assert_eq!(zone_countries("US/Pacific"), ["US"]);
    }

    #[test]
    fn zones_of_no_country_have_none() {
        for zone in ["UTC", "Etc/UTC", "Etc/GMT+5", "GMT", "Nowhere/Atlantis"] {
            assert!(zone_countries(zone).is_empty(), "{zone}");
        }
    }

    #[test]
    fn every_zone_row_has_one_country_in_this_release() {
        assert!(TABLES.countries.len() > 300);
        assert!(TABLES.countries.values().all(|codes| codes.len() == 1));
    }

    #[test]
    fn countries_have_short_english_names() {
        assert_eq!(country_name("FR"), Some("France"));
        assert_eq!(country_name("US"), Some("United States"));
        assert_eq!(country_name("IN"), Some("India"));
        assert_eq!(country_name("XX"), None);
    }
}
