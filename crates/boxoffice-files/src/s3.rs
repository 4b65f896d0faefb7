//! S3 settings: a bucket, its region, an optional endpoint for S3-compatible
//! stores, and how the bucket is addressed. Credentials come from the
//! environment as the AWS tools read them (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, web identity, instance metadata).

use crate::FileError;
use object_store::aws::{AmazonS3, AmazonS3Builder};

/// How requests name the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S3Addressing {
    /// `https://endpoint/bucket/key` (MinIO and most S3-compatible stores).
    Path,
    /// `https://bucket.endpoint/key` (AWS's default). With a custom endpoint, the
    /// endpoint must already name the bucket.
    VirtualHosted,
}

/// Where the bucket is.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// e.g. `eu-west-1`; `AWS_REGION` or `us-east-1` when unset.
    pub region: Option<String>,
    /// e.g. `http://127.0.0.1:9000` for MinIO; AWS when unset.
    pub endpoint: Option<String>,
    /// Path-style when an endpoint is given, virtual-hosted otherwise, unless set.
    pub addressing: Option<S3Addressing>,
    /// Allow a plain `http://` endpoint (a store on the local network).
    pub allow_http: bool,
    /// Explicit access key id and secret; the environment's credentials when `None`.
    pub credentials: Option<(String, String)>,
}

impl S3Settings {
    pub(crate) fn addressing(&self) -> S3Addressing {
        self.addressing.unwrap_or(if self.endpoint.is_some() {
            S3Addressing::Path
        } else {
            S3Addressing::VirtualHosted
        })
    }

    pub(crate) fn build(&self) -> Result<AmazonS3, FileError> {
        if self.bucket.trim().is_empty() {
            return Err(FileError::Config("the S3 bucket name is empty".into()));
        }
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&self.bucket)
            .with_virtual_hosted_style_request(self.addressing() == S3Addressing::VirtualHosted)
            .with_allow_http(self.allow_http);
        if let Some(region) = &self.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &self.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some((key_id, secret)) = &self.credentials {
            builder = builder
                .with_access_key_id(key_id)
                .with_secret_access_key(secret);
        }
        builder
            .build()
            .map_err(|e| FileError::Config(format!("S3: {e}")))
    }

    /// For logs: bucket and endpoint, never credentials.
    pub(crate) fn describe(&self) -> String {
        let endpoint = self.endpoint.as_deref().unwrap_or("AWS");
        format!("S3 bucket {} at {endpoint}", self.bucket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: Option<&str>, addressing: Option<S3Addressing>) -> S3Settings {
        S3Settings {
            bucket: "files".into(),
            region: Some("eu-west-1".into()),
            endpoint: endpoint.map(str::to_owned),
            addressing,
            allow_http: true,
            credentials: None,
        }
    }

    #[test]
    fn addressing_defaults_to_path_style_for_a_custom_endpoint() {
        assert_eq!(
            settings(Some("http://127.0.0.1:9000"), None).addressing(),
            S3Addressing::Path
        );
        assert_eq!(
            settings(None, None).addressing(),
            S3Addressing::VirtualHosted
        );
        assert_eq!(
            settings(None, Some(S3Addressing::Path)).addressing(),
            S3Addressing::Path
        );
    }

    #[test]
    fn an_empty_bucket_is_refused() {
        let mut s = settings(None, None);
        s.bucket = " ".into();
        assert!(matches!(s.build(), Err(FileError::Config(_))));
    }
}
