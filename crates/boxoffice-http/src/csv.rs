//! CSV text (RFC 4180) that is safe to open in a spreadsheet.
//!
//! A field holding a comma, a quote or a line break is quoted, its quotes doubled; lines
//! end in CRLF. A field that a spreadsheet would read as a formula (starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return) is prefixed with `'`, so that opening an export
//! never runs what an attendee typed as their name (OWASP, "CSV injection").

use std::fmt::Write;

/// Appends one record, CRLF-terminated.
pub fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push_str("\r\n");
}

fn push_field(out: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = field.contains([',', '"', '\r', '\n']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quoted {
        let _ = write!(out, "{}", field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> String {
        let mut out = String::new();
        push_record(&mut out, fields.iter().copied());
        out
    }

    #[test]
    fn plain_fields_are_joined_by_commas_and_end_in_crlf() {
        assert_eq!(record(&["7", "Asha Rao", ""]), "7,Asha Rao,\r\n");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(
            record(&["Rao, Asha", "say \"hi\"", "two\nlines", "cr\r"]),
            "\"Rao, Asha\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n"
        );
    }

    #[test]
    fn what_a_spreadsheet_would_run_is_prefixed() {
        assert_eq!(
            record(&["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "a=b"]),
            "'=1+1,'+33 1 23,'-2,'@SUM(A1),'\tx,a=b\r\n"
        );
        assert_eq!(
            record(&["=HYPERLINK(\"http://x\",\"y\")"]),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
        );
    }
}
