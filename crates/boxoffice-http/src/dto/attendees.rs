//! Attendee requests and responses.

use super::nullable;
use boxoffice_domain::{
    Attendee, AttendeePatch, Email, Invalid, Locale, NewAttendee, PersonName, Phone, Validator,
    Zone,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person registering (or booking without registering first).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"name": "Asha Rao", "email": "asha@example.com", "locale": "en-IN"}))]
pub struct AttendeeCreate {
    /// 1 to 100 characters, not blank, one line.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub name: Option<String>,
    /// Identifies the attendee, case-insensitively.
    #[schema(value_type = String, required = true, format = Email, max_length = 254)]
    pub email: Option<String>,
    /// International format, e.g. `+91 98765 43210`: `+` and 7 to 15 digits; spaces, dashes, dots and brackets are dropped.
    #[schema(pattern = r"^[ ().-]*\+([ ().-]*[0-9]){7,15}[ ().-]*$")]
    pub phone: Option<String>,
    /// Language for messages, e.g. `en` or `pt-BR`; default `en`.
    #[schema(pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,3})?$")]
    pub locale: Option<String>,
}

impl AttendeeCreate {
    pub fn into_domain(self) -> Result<NewAttendee, Invalid> {
        let mut v = Validator::new();
        let name = v
            .require("name", self.name)
            .and_then(|n| v.check("name", PersonName::parse(&n)));
        let email = v
            .require("email", self.email)
            .and_then(|e| v.check("email", Email::parse(&e)));
        new_attendee(v, name, email, self.phone, self.locale)
    }
}

/// Parses the optional phone and locale and, if every field checked in `v` is valid, makes
/// the new attendee: the end of every request that names a person.
pub(crate) fn new_attendee(
    mut v: Validator,
    name: Option<PersonName>,
    email: Option<Email>,
    phone: Option<String>,
    locale: Option<String>,
) -> Result<NewAttendee, Invalid> {
    let phone = v.check_opt("phone", phone, |p| Phone::parse(&p)).flatten();
    let locale = v
        .check_opt("locale", locale, |l| Locale::parse(&l))
        .flatten()
        .unwrap_or_default();
    v.finish()?;
    Ok(NewAttendee {
        name: name.expect("validated"),
        email,
        phone,
        locale,
    })
}

/// Changes to an attendee; `phone: null` removes the number.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AttendeeUpdate {
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$")]
    pub name: Option<String>,
    #[schema(value_type = String, required = false, format = Email, max_length = 254)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, pattern = r"^[ ().-]*\+([ ().-]*[0-9]){7,15}[ ().-]*$")]
    pub phone: Option<Option<String>>,
    #[schema(value_type = String, required = false, pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,3})?$")]
    pub locale: Option<String>,
}

impl AttendeeUpdate {
    pub fn into_domain(self) -> Result<AttendeePatch, Invalid> {
        let mut v = Validator::new();
        let patch = AttendeePatch {
            name: v
                .check_opt("name", self.name, |n| PersonName::parse(&n))
                .flatten(),
            email: v
                .check_opt("email", self.email, |e| Email::parse(&e))
                .flatten(),
            phone: v
                .check_opt("phone", self.phone, |p| {
                    p.map(|p| Phone::parse(&p)).transpose()
                })
                .flatten(),
            locale: v
                .check_opt("locale", self.locale, |l| Locale::parse(&l))
                .flatten(),
        };
        v.finish()?;
        Ok(patch)
    }
}

/// An attendee's record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    pub id: i64,
    pub name: String,
    /// `null` for a walk-in booked by name alone.
    #[schema(required = true)]
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub created_at: String,
    pub updated_at: String,
    /// Only in an event's list of attendees: when they were checked in at its door (absent
    /// until then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<String>,
}

impl AttendeeView {
    pub fn render(a: &Attendee, zone: Zone) -> Self {
        AttendeeView {
            id: a.id.0,
            name: a.name.as_str().to_owned(),
            email: a.email.as_ref().map(|e| e.as_str().to_owned()),
            phone: a.phone.as_ref().map(|p| p.as_str().to_owned()),
            locale: a.locale.as_str().to_owned(),
            created_at: zone.format(a.created_at),
            updated_at: zone.format(a.updated_at),
            checked_in_at: None,
        }
    }
}

/// A newly registered attendee with the token that manages the record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeRegistered {
    #[serde(flatten)]
    pub attendee: AttendeeView,
    /// Shown once. Send it as `X-Attendee-Token` to read, change or erase this record and to book as this attendee.
    pub token: String,
}
