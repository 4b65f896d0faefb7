//! Attendees: people known by e-mail address, no account needed.

use crate::{AttendeeId, Email};
use chrono::{DateTime, Utc};

/// A person's display name: 1 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 100;
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("must not be blank".into());
        }
        if text.chars().count() > Self::MAX {
            return Err(format!("must be at most {} characters", Self::MAX));
        }
        Ok(PersonName(text.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in international form: `+`, then 7 to 15 digits; spaces and dashes are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, String> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        let valid = compact.starts_with('+')
            && (7..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit());
        if valid {
            Ok(Phone(compact))
        } else {
            Err("must be an international number such as +91 98765 43210".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A language tag for messages sent to the attendee, such as `en` or `pt-BR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale(String);

impl Locale {
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        let mut parts = text.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let region = parts.next();
        let language_ok =
            (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic());
        let region_ok = region.is_none_or(|r| {
            (2..=3).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !language_ok || !region_ok || parts.next().is_some() {
            return Err("must be a language tag such as \"en\" or \"pt-BR\"".into());
        }
        Ok(Locale(match region {
            Some(r) => format!("{}-{}", language.to_lowercase(), r.to_uppercase()),
            None => language.to_lowercase(),
        }))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Locale {
    fn default() -> Self {
        Locale("en".into())
    }
}

/// What is needed to register an attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendee {
    pub name: PersonName,
    /// Identifies the person. `None` only for a walk-in booked by name alone:
    /// with nothing to recognize them by, each walk-in is a record of their own.
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub locale: Locale,
}

/// A stored attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub id: AttendeeId,
    pub name: PersonName,
    /// `None` for a walk-in.
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Attendee {
    pub fn apply(&self, patch: AttendeePatch) -> NewAttendee {
        NewAttendee {
            name: patch.name.unwrap_or_else(|| self.name.clone()),
            email: patch.email.or_else(|| self.email.clone()),
            phone: patch.phone.unwrap_or_else(|| self.phone.clone()),
            locale: patch.locale.unwrap_or_else(|| self.locale.clone()),
        }
    }
}

/// A partial update of an attendee; `phone: Some(None)` removes the number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendeePatch {
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub phone: Option<Option<Phone>>,
    pub locale: Option<Locale>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse(" Ann Lee ").unwrap().as_str(), "Ann Lee");
        assert!(PersonName::parse("").is_err());
        assert!(PersonName::parse(&"n".repeat(101)).is_err());
    }

    #[test]
    fn phones_need_a_country_prefix() {
        assert_eq!(
            Phone::parse("+91 98765-43210").unwrap().as_str(),
            "+919876543210"
        );
        assert!(Phone::parse("98765 43210").is_err());
        assert!(Phone::parse("+12").is_err());
        assert!(Phone::parse("+91 call me").is_err());
    }

    #[test]
    fn locales_are_normalized() {
        assert_eq!(Locale::parse("pt_br").unwrap().as_str(), "pt-BR");
        assert_eq!(Locale::parse("EN").unwrap().as_str(), "en");
        assert!(Locale::parse("english").is_err());
        assert!(Locale::parse("en-US-x").is_err());
    }
}
