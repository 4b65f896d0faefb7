//! What every handler can reach.

use boxoffice_store::Store;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::PrometheusHandle;

/// Shared application state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Option<PrometheusHandle>,
}

impl AppState {
    pub fn new(store: Store, metrics: Option<PrometheusHandle>) -> Self {
        AppState { store, metrics }
    }

    /// The current instant, at the precision the database keeps.
    pub fn now(&self) -> DateTime<Utc> {
        boxoffice_domain::truncate_to_micros(Utc::now())
    }
}
