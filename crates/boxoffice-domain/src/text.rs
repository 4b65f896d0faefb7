//! Characters that text fields refuse.
//!
//! A NUL or another control character has no place in a name, a title or a
//! search: it is a client bug or an attack, and PostgreSQL cannot even store a
//! NUL. Every text parser calls one of these checks first.

/// What a field that contains a refused character hears.
pub const CONTROL_MESSAGE: &str = "must not contain control characters (such as NUL)";

/// Refuses every control character, line breaks and tabs included.
pub fn single_line(input: &str) -> Result<(), String> {
    if input.chars().any(char::is_control) {
        return Err(CONTROL_MESSAGE.into());
    }
    Ok(())
}

/// Refuses control characters except line feed, carriage return and tab.
pub fn multi_line(input: &str) -> Result<(), String> {
    if input
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CONTROL_MESSAGE.into());
    }
    Ok(())
}

/// Text searched in event titles and descriptions: trimmed, at most 200 characters;
/// blank means no search.
pub fn parse_search_text(input: &str) -> Result<Option<String>, String> {
    single_line(input)?;
    let text = input.trim();
    if text.chars().count() > SEARCH_MAX {
        return Err(format!("must be at most {SEARCH_MAX} characters"));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Longest accepted search text.
pub const SEARCH_MAX: usize = 200;

/// A username or e-mail address typed to sign in: not blank, one line, at most 254 characters.
pub fn parse_login(input: &str) -> Result<String, String> {
    single_line(input)?;
    let text = input.trim();
    if text.is_empty() {
        return Err("must not be blank".into());
    }
    if text.chars().count() > LOGIN_MAX {
        return Err(format!("must be at most {LOGIN_MAX} characters"));
    }
    Ok(text.to_owned())
}

/// Longest accepted login (the longest e-mail address).
pub const LOGIN_MAX: usize = 254;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_text_refuses_nul_line_breaks_and_other_controls() {
        for bad in ["a\0b", "a\nb", "a\tb", "\u{7f}", "a\u{85}b", "\u{1b}[31m"] {
            assert!(single_line(bad).is_err(), "{bad:?}");
        }
        assert!(single_line("Zoë's café — 東京").is_ok());
    }

    #[test]
    fn multi_line_text_keeps_line_breaks_and_tabs_only() {
        assert!(multi_line("line one\r\nline two\tend").is_ok());
        assert!(multi_line("a\0b").is_err());
        assert!(multi_line("bell\u{7}").is_err());
    }

    #[test]
    fn search_text_is_bounded_and_blank_means_none() {
        assert_eq!(
            parse_search_text("  rust ").unwrap().as_deref(),
            Some("rust")
        );
        assert_eq!(parse_search_text("   ").unwrap(), None);
        assert!(parse_search_text("a\0").is_err());
        assert!(parse_search_text(&"q".repeat(201)).is_err());
    }

    #[test]
    fn logins_are_one_line_and_not_blank() {
        assert_eq!(parse_login(" ann ").unwrap(), "ann");
        assert!(parse_login(" ").is_err());
        assert!(parse_login("ann\0").is_err());
        assert!(parse_login(&"a".repeat(255)).is_err());
    }
}
