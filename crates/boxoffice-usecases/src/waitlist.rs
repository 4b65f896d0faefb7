//! Joining and leaving the waitlist of a full event.

use boxoffice_domain::{EventId, NewAttendee, SecretToken, WaitlistEntryId, WaitlistRefusal};
use boxoffice_store::{Store, StoreError, Waiting};
use chrono::{DateTime, Utc};

/// A place taken at the end of a line, with the token its holder is shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub place: Waiting,
    pub token: SecretToken,
}

/// Puts a person at the end of a full event's line, registering them if their address is
/// new. The line's length lives on the event row, changed with that row locked, so a
/// cancellation either sees this person in line or happened before they joined.
pub async fn join(
    store: &Store,
    event: EventId,
    person: &NewAttendee,
    now: DateTime<Utc>,
) -> Result<Result<Joined, WaitlistRefusal>, StoreError> {
    let token = &SecretToken::generate();
    store
        .retrying("join_waitlist", || async move {
            let mut tx = store.begin().await?;
            match tx.join_waitlist(event, person, &token.hash(), now).await? {
                Ok(place) => {
                    tx.commit().await?;
                    let token = token.clone();
                    Ok(Ok(Joined { place, token }))
                }
                Err(refusal) => {
                    tx.rollback().await?;
                    Ok(Err(refusal))
                }
            }
        })
        .await
}

/// Takes a person out of a line; `false` if they were no longer waiting.
pub async fn leave(
    store: &Store,
    id: WaitlistEntryId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    store
        .retrying("leave_waitlist", || async move {
            let mut tx = store.begin().await?;
            let left = tx.leave_waitlist(id, now).await?;
            tx.commit().await?;
            Ok(left)
        })
        .await
}
