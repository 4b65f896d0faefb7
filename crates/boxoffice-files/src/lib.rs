//! Where uploaded files live: a folder on the server's disk by default, or an
//! S3 bucket (AWS, MinIO or any S3-compatible store), both through `object_store`.
//!
//! Writes are whole-object `put`s, which `object_store` makes atomic on both
//! backends (a staging file renamed into place on disk; a single `PUT` on S3):
//! a failed upload leaves nothing half-written under the final key.
//! Downloads from the local folder are streamed by the server; downloads from S3
//! are short-lived pre-signed URLs the client is redirected to.

mod s3;

pub use s3::{S3Addressing, S3Settings};

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::signer::Signer;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use std::sync::Arc;
use std::time::Duration;

/// What went wrong with the object store.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no object at {0}")]
    NotFound(String),
    #[error("file storage is misconfigured: {0}")]
    Config(String),
    #[error("file storage failed: {0}")]
    Store(#[from] object_store::Error),
}

impl FileError {
    fn from_store(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { path, .. } => FileError::NotFound(path),
            other => FileError::Store(other),
        }
    }
}

/// Headers a download is served with; kept with the object where the store can.
#[derive(Debug, Clone, Copy)]
pub struct FileHeaders<'a> {
    pub content_type: &'a str,
    pub content_disposition: &'a str,
}

/// How a client gets a file's bytes.
pub enum Download {
    /// A pre-signed URL, valid for a short time, that serves the bytes with the right headers.
    Redirect(String),
    /// The bytes, streamed by this server.
    Stream {
        size: u64,
        body: BoxStream<'static, Result<Bytes, FileError>>,
    },
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Download::Redirect(_) => f.write_str("Redirect"),
            Download::Stream { size, .. } => write!(f, "Stream({size} bytes)"),
        }
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Local(_) => f.write_str("Local"),
            Backend::S3 { .. } => f.write_str("S3"),
        }
    }
}

enum Backend {
    Local(Arc<LocalFileSystem>),
    S3 {
        store: Arc<object_store::aws::AmazonS3>,
        url_ttl: Duration,
    },
}

/// The configured file store; cheap to clone.
#[derive(Debug, Clone)]
pub struct FileStore {
    backend: Arc<Backend>,
    description: String,
}

impl FileStore {
    /// Files in `dir` (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<Self, FileError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| FileError::Config(format!("creating {}: {e}", dir.display())))?;
        let fs = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(FileStore {
            backend: Arc::new(Backend::Local(Arc::new(fs))),
            description: format!("folder {}", dir.display()),
        })
    }

    /// Files in an S3 bucket; download URLs are valid for `url_ttl`.
    pub fn s3(settings: &S3Settings, url_ttl: Duration) -> Result<Self, FileError> {
        let store = settings.build()?;
        Ok(FileStore {
            backend: Arc::new(Backend::S3 {
                store: Arc::new(store),
                url_ttl,
            }),
            description: settings.describe(),
        })
    }

    /// `local` or `s3`.
    pub fn kind(&self) -> &'static str {
        match *self.backend {
            Backend::Local(_) => "local",
            Backend::S3 { .. } => "s3",
        }
    }

    /// Where files go, for logs.
    pub fn describe(&self) -> &str {
        &self.description
    }

    fn store(&self) -> &dyn ObjectStore {
        match &*self.backend {
            Backend::Local(fs) => fs.as_ref(),
            Backend::S3 { store, .. } => store.as_ref(),
        }
    }

    /// Stores `bytes` under `key` in one atomic write.
    pub async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        headers: FileHeaders<'_>,
    ) -> Result<(), FileError> {
        let path = Path::parse(key).map_err(|e| FileError::Config(e.to_string()))?;
        let mut options = PutOptions::default();
        if let Backend::S3 { .. } = *self.backend {
            // S3 keeps the headers with the object; a local folder cannot.
            let mut attributes = Attributes::new();
            attributes.insert(
                Attribute::ContentType,
                headers.content_type.to_owned().into(),
            );
            attributes.insert(
                Attribute::ContentDisposition,
                headers.content_disposition.to_owned().into(),
            );
            options.attributes = attributes;
        }
        self.store()
            .put_opts(&path, PutPayload::from_bytes(bytes), options)
            .await
            .map_err(FileError::from_store)?;
        Ok(())
    }

    /// How to download `key`: a pre-signed URL on S3, the bytes from a local folder.
    pub async fn download(
        &self,
        key: &str,
        headers: FileHeaders<'_>,
    ) -> Result<Download, FileError> {
        let path = Path::parse(key).map_err(|e| FileError::Config(e.to_string()))?;
        match &*self.backend {
            Backend::S3 { store, url_ttl } => {
                let options = object_store::signer::SignedUrlOptions::new().with_query([
                    ("response-content-type", headers.content_type),
                    ("response-content-disposition", headers.content_disposition),
                ]);
                let url = store
                    .signed_url_opts(object_store::signer::Method::GET, &path, *url_ttl, &options)
                    .await
                    .map_err(FileError::from_store)?;
                Ok(Download::Redirect(url.to_string()))
            }
            Backend::Local(fs) => {
                let found = fs.get(&path).await.map_err(FileError::from_store)?;
                let size = found.meta.size;
                let body = found.into_stream().map_err(FileError::from_store).boxed();
                Ok(Download::Stream { size, body })
            }
        }
    }

    /// The whole object at `key` (for checks and tests).
    pub async fn read(&self, key: &str) -> Result<Bytes, FileError> {
        let path = Path::parse(key).map_err(|e| FileError::Config(e.to_string()))?;
        let found = self
            .store()
            .get(&path)
            .await
            .map_err(FileError::from_store)?;
        found.bytes().await.map_err(FileError::from_store)
    }

    /// Removes `key`; an object that is already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        let path = Path::parse(key).map_err(|e| FileError::Config(e.to_string()))?;
        match self.store().delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(FileError::Store(other)),
        }
    }

    /// Removes every object whose key starts with `prefix/`; returns how many.
    pub async fn delete_prefix(&self, prefix: &str) -> Result<usize, FileError> {
        let path = Path::parse(prefix).map_err(|e| FileError::Config(e.to_string()))?;
        let keys: Vec<Path> = self
            .store()
            .list(Some(&path))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(FileError::from_store)?;
        let count = keys.len();
        for key in keys {
            self.delete(key.as_ref()).await?;
        }
        Ok(count)
    }

    /// The keys under `prefix/` (for checks and tests).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError> {
        let path = Path::parse(prefix).map_err(|e| FileError::Config(e.to_string()))?;
        self.store()
            .list(Some(&path))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(FileError::from_store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADERS: FileHeaders<'static> = FileHeaders {
        content_type: "application/pdf",
        content_disposition: "attachment; filename=\"a.pdf\"",
    };

    fn folder() -> (std::path::PathBuf, FileStore) {
        let dir = std::env::temp_dir().join(format!("boxoffice-files-unit-{}", std::process::id()));
        let dir = dir.join(format!("{:?}", std::thread::current().id()).replace(['(', ')'], ""));
        let store = FileStore::local(&dir).expect("local store");
        (dir, store)
    }

    #[tokio::test]
    async fn a_local_folder_stores_streams_and_deletes_files() {
        let (dir, files) = folder();
        assert_eq!(files.kind(), "local");
        files
            .put("events/1/a", Bytes::from_static(b"%PDF-1"), HEADERS)
            .await
            .unwrap();
        files
            .put("events/1/b", Bytes::from_static(b"%PDF-2"), HEADERS)
            .await
            .unwrap();
        files
            .put("events/2/c", Bytes::from_static(b"%PDF-3"), HEADERS)
            .await
            .unwrap();
        assert_eq!(
            files.read("events/1/a").await.unwrap(),
            Bytes::from_static(b"%PDF-1")
        );
        let Download::Stream { size, body } = files.download("events/1/b", HEADERS).await.unwrap()
        else {
            panic!("a local folder streams its files");
        };
        assert_eq!(size, 6);
        let chunks: Vec<Bytes> = body.try_collect().await.unwrap();
        assert_eq!(chunks.concat(), b"%PDF-2");

        assert_eq!(files.delete_prefix("events/1").await.unwrap(), 2);
        assert!(files.list("events/1").await.unwrap().is_empty());
        assert_eq!(files.list("events/2").await.unwrap(), ["events/2/c"]);
        files.delete("events/2/c").await.unwrap();
        // Deleting what is gone is fine; reading it is NotFound.
        files.delete("events/2/c").await.unwrap();
        assert!(matches!(
            files.read("events/2/c").await,
            Err(FileError::NotFound(_))
        ));
        assert_eq!(files.delete_prefix("events/9").await.unwrap(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }
}
