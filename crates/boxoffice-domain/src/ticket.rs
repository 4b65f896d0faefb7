//! Tickets: the code a booking's holder shows at the door.
//!
//! A code is the booking id and an HMAC-SHA256 tag over it (`42.` then 22 base64url
//! characters), so nobody can forge one or guess another from their own: only the
//! server, holding the key, can write a valid tag. Nothing is stored; a code is checked
//! by recomputing its tag. The key is derived from the deployment's shared secret
//! (`JWT_SECRET`) under a label of its own, so no other use of that secret (access
//! tokens, service tokens) can ever yield a ticket tag.

use crate::BookingId;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// What the derived key is for; changing it invalidates every ticket issued.
const PURPOSE: &[u8] = b"boxoffice ticket code v1";
/// Bytes of the tag kept in a code: 128 bits, beyond guessing, and a short QR code.
const TAG_BYTES: usize = 16;
/// Longer input is refused before any work: a real code is under 45 characters.
pub const TICKET_CODE_MAX: usize = 64;

/// Issues and checks ticket codes.
#[derive(Clone)]
pub struct TicketKey {
    mac: Hmac<Sha256>,
}

/// A booking's ticket code, as shown to its holder and in its QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketCode(String);

/// A presented code that is not one this server issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid ticket code")]
pub struct InvalidTicket;

impl TicketKey {
    /// The ticket key of a deployment, derived from its shared secret.
    pub fn derive(shared_secret: &[u8]) -> Self {
        let mut derive =
            Hmac::<Sha256>::new_from_slice(shared_secret).expect("HMAC takes keys of any length");
        derive.update(PURPOSE);
        let key = derive.finalize().into_bytes();
        let mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
        TicketKey { mac }
    }

    /// The code of a booking's ticket; the same booking always gets the same code.
    pub fn issue(&self, booking: BookingId) -> TicketCode {
        let tag = self.tag(booking).finalize().into_bytes();
        let tag = URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]);
        TicketCode(format!("{}.{tag}", booking.0))
    }

    /// The booking a presented code is the ticket of, if this server issued it.
    /// The tag is compared in constant time.
    pub fn verify(&self, presented: &str) -> Result<BookingId, InvalidTicket> {
        let presented = presented.trim();
        if presented.len() > TICKET_CODE_MAX {
            return Err(InvalidTicket);
        }
        let (id, tag) = presented.split_once('.').ok_or(InvalidTicket)?;
        let booking = parse_id(id).ok_or(InvalidTicket)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| InvalidTicket)?;
        if tag.len() != TAG_BYTES {
            return Err(InvalidTicket);
        }
        self.tag(booking)
            .verify_truncated_left(&tag)
            .map_err(|_| InvalidTicket)?;
        Ok(booking)
    }

    fn tag(&self, booking: BookingId) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(&booking.0.to_be_bytes());
        mac
    }
}

/// A positive id written canonically (digits only, no leading zero), so each booking has
/// exactly one code.
fn parse_id(text: &str) -> Option<BookingId> {
    let canonical =
        !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit());
    let id: i64 = text.parse().ok().filter(|_| canonical)?;
    Some(BookingId(id))
}

impl TicketCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TicketKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TicketKey {
        TicketKey::derive(b"a shared secret of the deployment")
    }

    #[test]
    fn an_issued_code_verifies_as_its_booking() {
        let code = key().issue(BookingId(42));
        assert!(code.as_str().starts_with("42."), "{code}");
        assert!(code.as_str().len() <= 45);
        assert_eq!(key().verify(code.as_str()), Ok(BookingId(42)));
        assert_eq!(key().verify(&format!("  {code}\n")), Ok(BookingId(42)));
    }

    #[test]
    fn a_code_for_another_booking_cannot_be_made_from_ones_own() {
        let own = key().issue(BookingId(42));
        let (_, tag) = own.as_str().split_once('.').unwrap();
        assert_eq!(key().verify(&format!("43.{tag}")), Err(InvalidTicket));
    }

    #[test]
    fn a_code_of_another_deployment_is_refused() {
        let other = TicketKey::derive(b"another deployment's secret").issue(BookingId(42));
        assert_eq!(key().verify(other.as_str()), Err(InvalidTicket));
    }

    #[test]
    fn garbled_codes_are_refused() {
        let code = key().issue(BookingId(7));
        let tag = code.as_str().split_once('.').unwrap().1;
        let mut flipped = code.as_str().to_owned();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        for garbled in [
            "",
            "7",
            "7.",
            ".abc",
            "seven.abc",
            &format!("07.{tag}"),
            &format!("+7.{tag}"),
            &format!("-7.{tag}"),
            &format!("7.{}", &tag[..tag.len() - 2]),
            &format!("7.{tag}AA"),
            &flipped,
            &"9".repeat(80),
        ] {
            assert_eq!(key().verify(garbled), Err(InvalidTicket), "{garbled:?}");
        }
    }

    #[test]
    fn the_key_is_never_printed() {
        assert_eq!(format!("{:?}", key()), "TicketKey(<redacted>)");
    }
}
