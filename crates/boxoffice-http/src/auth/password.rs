//! bcrypt hashing, run off the async workers (it is deliberately slow).

use crate::error::ApiError;
use boxoffice_domain::Password;

/// Hashes and checks passwords at one cost.
#[derive(Debug, Clone)]
pub struct Passwords {
    cost: u32,
    /// A hash to check against when the user does not exist, so that a
    /// failed login takes the same time either way.
    decoy: String,
}

impl Passwords {
    pub fn new(cost: u32) -> Result<Self, bcrypt::BcryptError> {
        let decoy = bcrypt::hash("not-a-real-password-1!A", cost)?;
        Ok(Passwords { cost, decoy })
    }

    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let (plain, cost) = (password.expose().to_owned(), self.cost);
        tokio::task::spawn_blocking(move || bcrypt::hash(plain, cost))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|err| {
                tracing::error!(error = %err, "hashing a password failed");
                ApiError::internal()
            })
    }

    /// True if `plain` matches `hash`; with no hash, checks the decoy and answers false.
    pub async fn verify(&self, plain: &str, hash: Option<&str>) -> bool {
        let known = hash.is_some();
        let (plain, hash) = (plain.to_owned(), hash.unwrap_or(&self.decoy).to_owned());
        let matches =
            tokio::task::spawn_blocking(move || bcrypt::verify(plain, &hash).unwrap_or(false))
                .await
                .unwrap_or(false);
        known && matches
    }
}
