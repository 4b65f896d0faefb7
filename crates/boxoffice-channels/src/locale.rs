//! The languages messages are written in, and how a recipient's locale falls back to one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A language every message template exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Fr,
    De,
    Es,
    Hi,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::Fr,
        Language::De,
        Language::Es,
        Language::Hi,
    ];

    /// What nobody's locale matches falls back to.
    pub const FALLBACK: Language = Language::En;

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Es => "es",
            Language::Hi => "hi",
        }
    }

    /// The language for a locale tag: `fr-CA` -> `fr`, an unknown language -> `en`.
    ///
    /// Tags are compared without regard to case, with `-` or `_` between the parts.
    pub fn for_locale(tag: &str) -> Language {
        let language = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| l.code() == language)
            .unwrap_or(Language::FALLBACK)
    }

    /// The best language of an `Accept-Language` header (weights honoured), if any is known.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut choices: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && weight > 0.0).then_some((weight, tag))
            })
            .collect();
        // Stable: among equal weights the header's order wins.
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.into_iter().find_map(|(_, tag)| {
            let language = tag.split(['-', '_']).next()?.to_ascii_lowercase();
            Language::ALL.into_iter().find(|l| l.code() == language)
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_tags_fall_back_to_their_language_then_to_english() {
        assert_eq!(Language::for_locale("fr-CA"), Language::Fr);
        assert_eq!(Language::for_locale("FR_ca"), Language::Fr);
        assert_eq!(Language::for_locale("hi"), Language::Hi);
        assert_eq!(Language::for_locale("pt-BR"), Language::En);
        assert_eq!(Language::for_locale(""), Language::En);
    }

    #[test]
    fn accept_language_weights_are_honoured() {
        assert_eq!(
            Language::from_accept_language("pt-BR, de;q=0.5, es;q=0.8"),
            Some(Language::Es)
        );
        assert_eq!(
            Language::from_accept_language("fr-CA,fr;q=0.9"),
            Some(Language::Fr)
        );
        assert_eq!(Language::from_accept_language("pt, ja;q=0.3"), None);
        assert_eq!(
            Language::from_accept_language("de;q=0, en"),
            Some(Language::En)
        );
    }
}
