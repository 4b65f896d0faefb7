//! Mobile devices registered for push notifications.
//!
//! The SQL is the same on both databases; `on_pool!` compiles each statement once per
//! backend, like `dispatch!` does for the rest of the store.

use crate::{Store, StoreError};
use boxoffice_domain::{Device, DeviceId, DeviceToken, Platform, UserId};
use chrono::{DateTime, Utc};

/// Runs `$body` with `$pool` bound to the backend's reader or writer pool.
macro_rules! on_pool {
    ($store:expr, $side:ident, $pool:ident => $body:expr) => {
        match $store {
            Store::Sqlite(b) => {
                let $pool = b.$side();
                $body
            }
            Store::Postgres(b) => {
                let $pool = b.$side();
                $body
            }
        }
    };
}
pub(crate) use on_pool;

type DeviceRow = (i64, i64, String, String, DateTime<Utc>, DateTime<Utc>);

const COLUMNS: &str = "id, user_id, platform, token, created_at, last_used_at";

fn device(row: DeviceRow) -> Result<Device, StoreError> {
    let (id, user_id, platform, token, created_at, last_used_at) = row;
    let platform = Platform::parse(&platform)
        .ok_or_else(|| StoreError::Corrupt(format!("device {id} has platform {platform:?}")))?;
    let token = DeviceToken::parse(&token)
        .map_err(|e| StoreError::Corrupt(format!("device {id} has a bad token: {e}")))?;
    Ok(Device {
        id: DeviceId(id),
        user_id: UserId(user_id),
        platform,
        token,
        created_at,
        last_used_at,
    })
}

/// A registration and whether it was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRegistration {
    pub device: Device,
    /// False when the token was known: then it now belongs to this user and platform.
    pub created: bool,
}

impl Store {
    /// Registers `token` for `user`, idempotently: a known token is moved to `user` (a phone
    /// signed in to another account) and its `last_used_at` renewed.
    pub async fn register_device(
        &self,
        user: UserId,
        platform: Platform,
        token: &DeviceToken,
        now: DateTime<Utc>,
    ) -> Result<DeviceRegistration, StoreError> {
        // Insert-or-nothing, then update: no race between two registrations of one token,
        // and the caller learns which one created the row.
        let inserted = format!(
            "INSERT INTO devices (user_id, platform, token, created_at, last_used_at) \
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (token) DO NOTHING RETURNING {COLUMNS}"
        );
        let updated = format!(
            "UPDATE devices SET user_id = $1, platform = $2, last_used_at = $4 \
             WHERE token = $3 RETURNING {COLUMNS}"
        );
        on_pool!(self, writer, pool => {
            let row: Option<DeviceRow> = sqlx::query_as(&inserted)
                .bind(user.0)
                .bind(platform.as_str())
                .bind(token.as_str())
                .bind(now)
                .fetch_optional(pool)
                .await?;
            if let Some(row) = row {
                return Ok(DeviceRegistration { device: device(row)?, created: true });
            }
            let row: DeviceRow = sqlx::query_as(&updated)
                .bind(user.0)
                .bind(platform.as_str())
                .bind(token.as_str())
                .bind(now)
                .fetch_one(pool)
                .await?;
            Ok(DeviceRegistration { device: device(row)?, created: false })
        })
    }

    /// The user's devices, oldest first.
    pub async fn list_devices(&self, user: UserId) -> Result<Vec<Device>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM devices WHERE user_id = $1 ORDER BY id");
        on_pool!(self, reader, pool => {
            let rows: Vec<DeviceRow> = sqlx::query_as(&sql).bind(user.0).fetch_all(pool).await?;
            rows.into_iter().map(device).collect()
        })
    }

    /// Forgets one of `user`'s devices; `false` if `user` has no such device.
    pub async fn delete_device(&self, user: UserId, id: DeviceId) -> Result<bool, StoreError> {
        let sql = "DELETE FROM devices WHERE id = $1 AND user_id = $2";
        on_pool!(self, writer, pool => {
            let done = sqlx::query(sql).bind(id.0).bind(user.0).execute(pool).await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Forgets the device a push service no longer knows; `false` if it was already gone.
    pub async fn prune_device_token(&self, token: &DeviceToken) -> Result<bool, StoreError> {
        let sql = "DELETE FROM devices WHERE token = $1";
        on_pool!(self, writer, pool => {
            let done = sqlx::query(sql).bind(token.as_str()).execute(pool).await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Records that pushes to these devices were accepted at `now`.
    pub async fn mark_devices_used(
        &self,
        ids: &[DeviceId],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE devices SET last_used_at = $1 WHERE id = $2";
        for id in ids {
            on_pool!(self, writer, pool => {
                sqlx::query(sql).bind(now).bind(id.0).execute(pool).await?;
            });
        }
        Ok(())
    }
}
