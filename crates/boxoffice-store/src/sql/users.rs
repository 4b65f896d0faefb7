//! User accounts.

use super::Pools;
use crate::StoreError;
use crate::rows::UserRow;
use boxoffice_domain::{NewUser, User, UserId};
use chrono::{DateTime, Utc};

const USER_COLUMNS: &str = "SELECT id, email, username, full_name, role, is_verified, password_hash, created_at FROM users";

impl Pools {
    pub(crate) async fn create_user(
        &self,
        user: &NewUser,
        now: DateTime<Utc>,
    ) -> Result<User, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (email, username, password_hash, full_name, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.username.as_str())
        .bind(&user.password_hash)
        .bind(user.full_name.as_deref())
        .bind(user.role.as_str())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = inserted else {
            let email_taken: Option<i64> =
                sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = lower($1)")
                    .bind(user.email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(if email_taken.is_some() {
                StoreError::AccountEmailTaken
            } else {
                StoreError::UsernameTaken
            });
        };
        let row: UserRow = sqlx::query_as(&format!("{USER_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.into_user()?.0)
    }

    pub(crate) async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!("{USER_COLUMNS} WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.reader())
            .await?;
        Ok(row
            .map(UserRow::into_user)
            .transpose()?
            .map(|(user, _)| user))
    }

    pub(crate) async fn user_for_login(
        &self,
        login: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "{USER_COLUMNS} WHERE lower(username) = lower($1) OR lower(email) = lower($1)"
        ))
        .bind(login.trim())
        .fetch_optional(self.reader())
        .await?;
        row.map(UserRow::into_user).transpose()
    }
}
