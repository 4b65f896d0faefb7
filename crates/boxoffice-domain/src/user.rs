//! User accounts: organizers and admins (attendees need none).

use crate::{Email, UserId};
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// 3 to 50 ASCII letters, digits or underscores; unique case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = input.trim();
        if !(3..=50).contains(&name.chars().count()) {
            return Err("must be 3 to 50 characters".into());
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err("may contain only letters, digits and underscores".into());
        }
        Ok(Username(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the strength rules; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut.
    pub const MAX_BYTES: usize = 72;

    /// At least 8 characters with an upper-case letter, a digit and a special character.
    pub fn parse(input: &str) -> Result<Self, String> {
        crate::single_line(input)?;
        let mut missing = Vec::new();
        if input.chars().count() < 8 {
            missing.push("at least 8 characters");
        }
        if !input.chars().any(char::is_uppercase) {
            missing.push("an upper-case letter");
        }
        if !input.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a digit");
        }
        if !input
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
        {
            missing.push("a special character");
        }
        if input.len() > Self::MAX_BYTES {
            return Err(format!("must be at most {} bytes", Self::MAX_BYTES));
        }
        if missing.is_empty() {
            Ok(Password(input.to_owned()))
        } else {
            Err(format!("needs {}", missing.join(", ")))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a user may do beyond their own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "user" => Ok(Role::User),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("{s:?} is not one of user, admin")),
        }
    }
}

/// A new account, with the password already hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: Email,
    pub username: Username,
    pub full_name: Option<String>,
    pub password_hash: String,
    pub role: Role,
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub username: Username,
    pub full_name: Option<String>,
    pub role: Role,
    /// False until e-mail confirmation exists.
    pub is_verified: bool,
    pub created_at: DateTime<Utc>,
}

/// A full name: optional, at most 100 characters.
pub fn parse_full_name(input: &str) -> Result<Option<String>, String> {
    crate::single_line(input)?;
    let name = input.trim();
    if name.chars().count() > 100 {
        return Err("must be at most 100 characters".into());
    }
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_three_to_fifty_word_characters() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(50)).is_ok());
        assert!(Username::parse(&"a".repeat(51)).is_err());
        assert!(Username::parse("ann_lee_2").is_ok());
        for bad in ["ann-lee", "ann lee", "ann.lee", "änn"] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_upper_case_digit_and_special_character() {
        assert!(Password::parse("Secret1!").is_ok());
        assert!(
            Password::parse("Secre1!")
                .unwrap_err()
                .contains("8 characters")
        );
        assert!(
            Password::parse("secret12!")
                .unwrap_err()
                .contains("upper-case")
        );
        assert!(Password::parse("Secretxx!").unwrap_err().contains("digit"));
        assert!(
            Password::parse("Secret123")
                .unwrap_err()
                .contains("special")
        );
        assert!(Password::parse(&format!("Aa1!{}", "x".repeat(69))).is_err());
        assert!(Password::parse("Secret1!\0").is_err());
    }

    #[test]
    fn a_password_never_appears_in_debug_output() {
        assert!(!format!("{:?}", Password::parse("Secret1!").unwrap()).contains("Secret"));
    }
}
