//! Latency histograms (HDR, microsecond resolution) and the report printed at the end.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Latencies and errors of one kind of operation.
#[derive(Debug, Clone)]
pub struct OpStats {
    pub latency: Histogram<u64>,
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
}

impl Default for OpStats {
    fn default() -> Self {
        OpStats {
            // 1 µs to 60 s at 3 significant digits.
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds"),
            ok: 0,
            errors: BTreeMap::new(),
        }
    }
}

impl OpStats {
    pub fn record(&mut self, latency: Duration, outcome: Result<(), String>) {
        let micros = latency.as_micros().clamp(1, 60_000_000) as u64;
        let _ = self.latency.record(micros);
        match outcome {
            Ok(()) => self.ok += 1,
            Err(kind) => *self.errors.entry(kind).or_default() += 1,
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.latency.value_at_quantile(q) as f64 / 1000.0
    }
}

/// A row of the final table, also the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub name: String,
    pub count: u64,
    pub errors: u64,
    pub rate_per_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Report {
    /// Adds a row and keeps its histogram.
    pub fn push(&mut self, name: &str, stats: &OpStats, elapsed: Duration) {
        self.rows.push(Row::of(name, stats, elapsed));
        self.histograms.push((name.to_owned(), stats.clone()));
    }
}

impl Row {
    pub fn of(name: &str, stats: &OpStats, elapsed: Duration) -> Self {
        let count = stats.latency.len();
        Row {
            name: name.to_owned(),
            count,
            errors: stats.error_count(),
            rate_per_s: count as f64 / elapsed.as_secs_f64().max(1e-9),
            p50_ms: stats.quantile_ms(0.50),
            p95_ms: stats.quantile_ms(0.95),
            p99_ms: stats.quantile_ms(0.99),
            max_ms: stats.latency.max() as f64 / 1000.0,
        }
    }
}

/// What a scenario reports: latency rows plus named figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub scenario: String,
    pub rows: Vec<Row>,
    pub figures: BTreeMap<String, serde_json::Value>,
    pub errors: BTreeMap<String, u64>,
    /// The histograms behind the rows, for plots.
    #[serde(skip)]
    pub histograms: Vec<(String, OpStats)>,
}

impl Report {
    pub fn new(scenario: &str) -> Self {
        Report {
            scenario: scenario.to_owned(),
            ..Default::default()
        }
    }

    pub fn figure(&mut self, name: &str, value: impl Into<serde_json::Value>) {
        self.figures.insert(name.to_owned(), value.into());
    }

    pub fn add_errors(&mut self, stats: &OpStats) {
        for (kind, count) in &stats.errors {
            *self.errors.entry(kind.clone()).or_default() += count;
        }
    }

    /// A plain table for terminals and docs.
    pub fn render(&self) -> String {
        let mut out = format!("scenario: {}\n", self.scenario);
        if !self.rows.is_empty() {
            out += &format!(
                "{:<22} {:>9} {:>7} {:>10} {:>9} {:>9} {:>9} {:>9}\n",
                "operation", "count", "errors", "rate/s", "p50 ms", "p95 ms", "p99 ms", "max ms"
            );
            for r in &self.rows {
                out += &format!(
                    "{:<22} {:>9} {:>7} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2}\n",
                    r.name, r.count, r.errors, r.rate_per_s, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms
                );
            }
        }
        for (name, value) in &self.figures {
            out += &format!("{name}: {value}\n");
        }
        if !self.errors.is_empty() {
            out += &format!(
                "errors: {}\n",
                serde_json::to_string(&self.errors).unwrap_or_default()
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_histogram() {
        let mut stats = OpStats::default();
        for ms in 1..=100 {
            stats.record(Duration::from_millis(ms), Ok(()));
        }
        stats.record(Duration::from_millis(5), Err("http_500".into()));
        assert!((stats.quantile_ms(0.5) - 50.0).abs() < 1.0);
        assert!((stats.quantile_ms(0.99) - 99.0).abs() < 1.0);
        assert_eq!((stats.ok, stats.error_count()), (100, 1));
    }
}
