use super::*;

/// Distinct values that cannot appear in a template by chance.
fn sample() -> Placeholders {
    Placeholders::new()
        .with(Placeholder::RecipientName, "Zed-Recipient")
        .with(Placeholder::EventTitle, "Zed-Title <&>")
        .with(Placeholder::StartsAt, "2099-01-02 03:04 (Zed/Zone)")
        .with(Placeholder::AttendeeName, "Zed-Attendee")
        .with(Placeholder::Link, "https://example.test/zed?a=1&b=2")
        .with(Placeholder::ValidMinutes, "4242")
}

#[test]
fn every_language_has_every_notice_showing_every_placeholder() {
    let templates = Templates::new();
    let values = sample();
    for language in Language::ALL {
        for notice in Notice::ALL {
            assert!(
                templates.has(notice, language),
                "{language} lacks {}",
                notice.name()
            );
            let mail = templates
                .render(notice, language.code(), &values)
                .unwrap_or_else(|e| panic!("{language} {}: {e}", notice.name()));
            assert_eq!(mail.language, language);
            assert!(!mail.subject.is_empty());
            for placeholder in notice.placeholders() {
                let value = values.get(*placeholder).unwrap();
                assert!(
                    mail.text.contains(value) || mail.subject.contains(value),
                    "{language} {} does not show {}:\n{}",
                    notice.name(),
                    placeholder.name(),
                    mail.text
                );
            }
        }
    }
}

#[test]
fn every_language_file_is_embedded() {
    let embedded: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let language = entry.file_name().into_string().unwrap();
            for file in std::fs::read_dir(entry.path()).unwrap() {
                let name = format!("{language}/{}", file.unwrap().file_name().display());
                assert!(embedded.contains(&name.as_str()), "{name} is not embedded");
            }
        }
    }
}

#[test]
fn html_escapes_content_and_text_keeps_it() {
    let mail = Templates::new()
        .render(Notice::BookingConfirmed, "en", &sample())
        .unwrap();
    assert!(mail.text.contains("Zed-Title <&>"));
    assert!(mail.html.contains("Zed-Title &lt;&amp;&gt;"));
    assert!(!mail.html.contains("Zed-Title <&>"));
    // minijinja also escapes `/` (as `&#x2f;`), which browsers read back as `/`.
    assert!(
        mail.html
            .contains(r#"href="https:&#x2f;&#x2f;example.test&#x2f;zed?a=1&amp;b=2""#),
        "{}",
        mail.html
    );
    assert!(mail.html.contains(r#"<html lang="en">"#));
}

#[test]
fn regional_locales_fall_back_to_their_language_then_english() {
    let templates = Templates::new();
    let fr = templates
        .render(Notice::EventChanged, "fr-CA", &sample())
        .unwrap();
    assert_eq!(fr.language, Language::Fr);
    assert!(fr.subject.starts_with("Événement modifié"));
    let pt = templates
        .render(Notice::EventChanged, "pt-BR", &sample())
        .unwrap();
    assert_eq!(pt.language, Language::En);
    assert!(pt.subject.starts_with("Event changed"));
}

#[test]
fn a_missing_value_is_an_error_not_a_gap() {
    let values = Placeholders::new().with(Placeholder::RecipientName, "A");
    let err = Templates::new()
        .render(Notice::BookingConfirmed, "en", &values)
        .unwrap_err();
    assert!(err.to_string().contains("event_title"), "{err}");
}

#[test]
fn notices_without_a_link_have_no_action_line() {
    let mail = Templates::new()
        .render(Notice::EventCancelled, "de", &sample())
        .unwrap();
    assert!(!mail.text.contains("https://"));
    assert!(!mail.html.contains("<a "));
}
