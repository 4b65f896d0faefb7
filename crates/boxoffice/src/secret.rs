//! The JWT signing secret: configured, or generated once and kept in the data directory.

use anyhow::{Context, bail};
use boxoffice_http::auth::AuthSettings;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use std::path::Path;

const FILE_NAME: &str = "jwt-secret";

/// The configured secret, or the one kept in `data_dir` (created on first use, readable by the owner only).
pub fn jwt_secret(
    configured: Option<&SecretString>,
    data_dir: &Path,
) -> anyhow::Result<SecretSlice<u8>> {
    if let Some(secret) = configured {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.len() < AuthSettings::MIN_SECRET_BYTES {
            bail!(
                "JWT_SECRET must be at least {} bytes long",
                AuthSettings::MIN_SECRET_BYTES
            );
        }
        return Ok(SecretSlice::from(bytes.to_vec()));
    }
    let path = data_dir.join(FILE_NAME);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let secret = text.trim().as_bytes().to_vec();
        if secret.len() < AuthSettings::MIN_SECRET_BYTES {
            bail!(
                "{} is shorter than {} bytes; delete it to generate a new one",
                path.display(),
                AuthSettings::MIN_SECRET_BYTES
            );
        }
        return Ok(SecretSlice::from(secret));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let mut raw = [0u8; 48];
    rand::rng().fill_bytes(&mut raw);
    let encoded: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &encoded).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT secret");
    Ok(SecretSlice::from(encoded.into_bytes()))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, format!("{contents}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused() {
        let dir = std::env::temp_dir().join(format!("boxoffice-secret-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = jwt_secret(None, &dir).unwrap();
        let second = jwt_secret(None, &dir).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert!(first.expose_secret().len() >= AuthSettings::MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_short_configured_secret_is_refused() {
        let short = SecretString::from("too-short");
        assert!(jwt_secret(Some(&short), Path::new("/nonexistent")).is_err());
    }
}
