//! An event's attached file: which kinds are accepted (decided from the bytes
//! themselves, never from a file name or a declared type), a file name that is
//! safe to hand back, and what is kept about a stored file.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The kinds of file an event may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    /// UTF-8 text without control characters other than tab, line feed, carriage return and form feed.
    Text,
}

/// Every accepted kind, in the order they are documented.
pub const ATTACHMENT_KINDS: [AttachmentKind; 5] = [
    AttachmentKind::Pdf,
    AttachmentKind::Png,
    AttachmentKind::Jpeg,
    AttachmentKind::Webp,
    AttachmentKind::Text,
];

impl AttachmentKind {
    /// The kind of `bytes` (the whole file), or `None` when it is none of the accepted kinds.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(AttachmentKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(AttachmentKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(AttachmentKind::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(AttachmentKind::Webp)
        } else if is_plain_text(bytes) {
            Some(AttachmentKind::Text)
        } else {
            None
        }
    }

    /// The media type served with the file.
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Webp => "image/webp",
            AttachmentKind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The kind stored as `content_type`.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        ATTACHMENT_KINDS
            .into_iter()
            .find(|kind| kind.content_type() == content_type)
    }

    /// The usual file extension, used when the upload carries no usable name.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "pdf",
            AttachmentKind::Png => "png",
            AttachmentKind::Jpeg => "jpg",
            AttachmentKind::Webp => "webp",
            AttachmentKind::Text => "txt",
        }
    }
}

/// Whole-file check: valid UTF-8 and no control characters but `\t \n \r \x0c`.
/// A byte-order mark is allowed. An executable always fails (NUL bytes, invalid UTF-8).
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

/// Longest kept file name, in characters.
pub const FILE_NAME_MAX: usize = 255;

/// A file name as given by the uploader, reduced to something safe to store and echo:
/// no directories, no control characters (so no header injection), not blank, at most
/// [`FILE_NAME_MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Cleans `raw` (may be absent); falls back to `attachment.<ext>` for `kind`.
    pub fn clean(raw: Option<&str>, kind: AttachmentKind) -> Self {
        let base = raw
            .map(|name| name.rsplit(['/', '\\']).next().unwrap_or_default())
            .unwrap_or_default();
        let cleaned: String = base
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{2028}' | '\u{2029}'))
            .collect();
        let trimmed = cleaned.trim().trim_start_matches('.').trim();
        if trimmed.is_empty() {
            return FileName(format!("attachment.{}", kind.extension()));
        }
        FileName(trimmed.chars().take(FILE_NAME_MAX).collect())
    }

    /// A stored name; `Err` if it is not what [`FileName::clean`] makes.
    pub fn from_stored(name: &str) -> Result<Self, String> {
        let valid = !name.trim().is_empty()
            && name.chars().count() <= FILE_NAME_MAX
            && !name.contains(['/', '\\', '"'])
            && !name.chars().any(char::is_control);
        valid
            .then(|| FileName(name.to_owned()))
            .ok_or_else(|| format!("file name {name:?} is not clean"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An ASCII-only stand-in for clients that ignore `filename*` (RFC 6266).
    pub fn ascii_fallback(&self) -> String {
        self.0
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .filter(|c| !matches!(c, '\\' | '"' | ';' | '%'))
            .collect()
    }

    /// `Content-Disposition: attachment` with the RFC 6266 `filename*` (RFC 8187 UTF-8 encoding)
    /// and an ASCII `filename` for old clients. Contains only visible ASCII.
    pub fn content_disposition(&self) -> String {
        let mut encoded = String::new();
        for byte in self.0.bytes() {
            if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
                encoded.push(char::from(byte));
            } else {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
        format!(
            "attachment; filename=\"{}\"; filename*=UTF-8''{encoded}",
            self.ascii_fallback()
        )
    }
}

/// What is kept about an event's stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Where the bytes are in the object store.
    pub key: String,
    pub file_name: FileName,
    pub kind: AttachmentKind,
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_kinds_are_recognised_by_their_first_bytes() {
        assert_eq!(
            AttachmentKind::sniff(b"%PDF-1.7\n..."),
            Some(AttachmentKind::Pdf)
        );
        assert_eq!(
            AttachmentKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(AttachmentKind::Png)
        );
        assert_eq!(
            AttachmentKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(AttachmentKind::Jpeg)
        );
        assert_eq!(
            AttachmentKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(AttachmentKind::Webp)
        );
        assert_eq!(
            AttachmentKind::sniff("Agenda\r\n\t18:00 Café\n".as_bytes()),
            Some(AttachmentKind::Text)
        );
    }

    #[test]
    fn executables_and_binary_data_are_refused() {
        assert_eq!(AttachmentKind::sniff(b"\x7fELF\x02\x01\x01\0\0\0"), None);
        assert_eq!(AttachmentKind::sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(AttachmentKind::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(AttachmentKind::sniff(&[0xC3, 0x28]), None);
        assert_eq!(AttachmentKind::sniff(b"text with a \x1b[31m escape"), None);
    }

    #[test]
    fn content_types_round_trip() {
        for kind in ATTACHMENT_KINDS {
            assert_eq!(
                AttachmentKind::from_content_type(kind.content_type()),
                Some(kind)
            );
        }
        assert_eq!(AttachmentKind::from_content_type("text/html"), None);
    }

    #[test]
    fn file_names_lose_directories_and_control_characters() {
        let pdf = AttachmentKind::Pdf;
        assert_eq!(
            FileName::clean(Some("../../etc/passwd"), pdf).as_str(),
            "passwd"
        );
        assert_eq!(
            FileName::clean(Some("C:\\Users\\x\\plan.pdf"), pdf).as_str(),
            "plan.pdf"
        );
        assert_eq!(
            FileName::clean(Some("a\r\nSet-Cookie: x=1.pdf"), pdf).as_str(),
            "aSet-Cookie: x=1.pdf"
        );
        assert_eq!(FileName::clean(Some("  "), pdf).as_str(), "attachment.pdf");
        assert_eq!(FileName::clean(Some(".env"), pdf).as_str(), "env");
        assert_eq!(
            FileName::clean(None, AttachmentKind::Png).as_str(),
            "attachment.png"
        );
        let long = "x".repeat(400);
        assert_eq!(
            FileName::clean(Some(&long), pdf).as_str().len(),
            FILE_NAME_MAX
        );
    }

    #[test]
    fn the_disposition_encodes_any_name_as_visible_ascii() {
        let name = FileName::clean(Some("Plan d'accès; v2 \"final\".pdf"), AttachmentKind::Pdf);
        let header = name.content_disposition();
        assert_eq!(
            header,
            "attachment; filename=\"Plan d'acc_s v2 final.pdf\"; \
             filename*=UTF-8''Plan%20d%27acc%C3%A8s%3B%20v2%20final.pdf"
        );
        assert!(header.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
    }

    #[test]
    fn stored_names_are_checked() {
        assert!(FileName::from_stored("plan.pdf").is_ok());
        assert!(FileName::from_stored("a/b").is_err());
        assert!(FileName::from_stored("a\nb").is_err());
    }

    #[test]
    fn checksums_are_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
