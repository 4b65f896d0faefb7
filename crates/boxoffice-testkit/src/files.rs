//! Attachment stores for tests: a temporary folder, or a fresh bucket on the S3
//! API named by `BOXOFFICE_TEST_S3_ENDPOINT` (a `moto_server` in `scripts/test.sh`).

use boxoffice_files::{FileStore, S3Settings};
use std::path::PathBuf;

/// Which kind of store a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Files {
    #[default]
    Local,
    S3,
}

/// The S3 endpoint for tests, if one is configured.
///
/// Without `BOXOFFICE_TEST_S3_ENDPOINT` the S3 cases are skipped on a workstation,
/// but in CI (`CI=true`) a missing endpoint fails them: CI must run them.
pub fn s3_endpoint() -> Option<String> {
    match std::env::var("BOXOFFICE_TEST_S3_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => Some(endpoint),
        _ if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("CI=true but BOXOFFICE_TEST_S3_ENDPOINT is unset: the S3 tests must run in CI")
        }
        _ => None,
    }
}

/// A store made for one test, removed (folder) or left to the emulator (bucket) afterwards.
#[derive(Debug)]
pub struct TestFiles {
    pub store: FileStore,
    pub kind: Files,
    folder: Option<PathBuf>,
}

impl TestFiles {
    pub async fn create(kind: Files) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match kind {
            Files::Local => {
                let dir = std::env::temp_dir().join(format!("boxoffice-files-{unique}"));
                let store = FileStore::local(&dir).expect("local file store");
                TestFiles {
                    store,
                    kind,
                    folder: Some(dir),
                }
            }
            Files::S3 => {
                let endpoint = s3_endpoint().expect("BOXOFFICE_TEST_S3_ENDPOINT");
                let bucket = format!("boxoffice-test-{}", &unique[..12]);
                // The emulator takes an unsigned CreateBucket.
                let created = reqwest::Client::new()
                    .put(format!("{}/{bucket}", endpoint.trim_end_matches('/')))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("S3 endpoint {endpoint} unreachable: {e}"));
                assert!(
                    created.status().is_success(),
                    "creating bucket {bucket}: {}",
                    created.status()
                );
                let settings = S3Settings {
                    bucket,
                    region: Some("us-east-1".into()),
                    endpoint: Some(endpoint),
                    addressing: None,
                    allow_http: true,
                    credentials: Some(("testing".into(), "testing".into())),
                };
                let store = FileStore::s3(&settings, std::time::Duration::from_secs(60))
                    .expect("S3 file store");
                TestFiles {
                    store,
                    kind,
                    folder: None,
                }
            }
        }
    }
}

impl Drop for TestFiles {
    fn drop(&mut self) {
        if let Some(dir) = &self.folder {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs each listed `async fn(TestApp)` on SQLite and PostgreSQL, each with a local
/// folder and with S3 (skipped without `BOXOFFICE_TEST_S3_ENDPOINT`, except in CI).
#[macro_export]
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        $crate::on_every_store!(@one sqlite_local, Sqlite, Local, $($name),*);
        $crate::on_every_store!(@one postgres_local, Postgres, Local, $($name),*);
        $crate::on_every_store!(@one sqlite_s3, Sqlite, S3, $($name),*);
        $crate::on_every_store!(@one postgres_s3, Postgres, S3, $($name),*);
    };
    (@one $module:ident, $db:ident, $files:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::Files::$files == $crate::Files::S3 && $crate::s3_endpoint().is_none() {
                        eprintln!("skipped: set BOXOFFICE_TEST_S3_ENDPOINT to run the S3 cases");
                        return;
                    }
                    let options = super::options($crate::Files::$files);
                    super::$name($crate::TestApp::start_with($crate::Backend::$db, options).await).await
                }
            )*
        }
    };
}
