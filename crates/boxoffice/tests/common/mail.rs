//! Reads e-mail as it was sent: headers, MIME parts, RFC 2047 subjects, quoted-printable
//! and base64 bodies. Enough for Boxoffice's own messages, not a general MIME parser.

use base64::Engine;
use std::path::Path;

/// A message's parts that tests look at.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `.ics` attachment, if any.
    pub calendar: Option<String>,
    /// The bytes of the `ticket.png` attachment, if any.
    pub ticket: Option<Vec<u8>>,
}

/// Every `.eml` file in `dir` (none if it does not exist).
pub fn read_folder(dir: &Path) -> Vec<Mail> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| parse(&std::fs::read_to_string(p).unwrap()))
        .collect()
}

/// Parses one message in its wire form.
pub fn parse(raw: &str) -> Mail {
    let raw = raw.replace("\r\n", "\n");
    let (head, _) = raw.split_once("\n\n").expect("headers end");
    let headers = unfold(head);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut mail = Mail {
        to: decode_words(&header("To")),
        subject: decode_words(&header("Subject")),
        text: String::new(),
        html: String::new(),
        calendar: None,
        ticket: None,
    };
    let boundaries: Vec<String> = raw
        .match_indices("boundary=\"")
        .map(|(at, m)| {
            let rest = &raw[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    let mut chunks = vec![raw.clone()];
    for boundary in &boundaries {
        let marker = format!("--{boundary}");
        chunks = chunks
            .into_iter()
            .flat_map(|c| c.split(&marker).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    for chunk in chunks {
        let chunk = chunk.trim_start_matches("--").trim_start_matches('\n');
        let Some((head, body)) = chunk.split_once("\n\n") else {
            continue;
        };
        let headers = unfold(head);
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_ascii_lowercase())
                .unwrap_or_default()
        };
        let kind = get("Content-Type");
        if kind.starts_with("image/png") {
            let base64: String = body.lines().collect();
            let bytes = base64::engine::general_purpose::STANDARD.decode(base64.trim());
            mail.ticket = Some(bytes.unwrap());
            continue;
        }
        let decoded = decode_body(body, &get("Content-Transfer-Encoding"));
        if kind.starts_with("text/plain") {
            mail.text = decoded;
        } else if kind.starts_with("text/html") {
            mail.html = decoded;
        } else if kind.starts_with("text/calendar") {
            mail.calendar = Some(decoded);
        }
    }
    mail
}

fn unfold(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    headers
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let between = &rest[..start];
        if !between.trim().is_empty() || out.is_empty() {
            out.push_str(between);
        }
        let word = &rest[start + 2..];
        let mut parts = word.splitn(3, '?');
        let (_charset, encoding, tail) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let end = tail.find("?=").unwrap();
        let text = &tail[..end];
        let bytes = if encoding.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap()
        } else {
            quoted_printable(&text.replace('_', " "))
        };
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

fn decode_body(body: &str, encoding: &str) -> String {
    let body = body.trim_end_matches('\n');
    let bytes = match encoding.trim() {
        "base64" => base64::engine::general_purpose::STANDARD
            .decode(body.lines().collect::<String>())
            .unwrap(),
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes)
        .unwrap()
        .replace("\n", "\r\n")
        .replace("\r\r\n", "\r\n")
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let text = text.replace("=\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
