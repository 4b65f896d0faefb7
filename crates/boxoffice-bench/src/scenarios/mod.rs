//! The benchmark scenarios; each can run alone.

pub mod capacity;
pub mod ceiling;
pub mod fanout;
pub mod flash_sale;
pub mod profile;

use std::time::Duration;

/// Seconds from the command line.
pub fn secs(value: f64) -> Duration {
    Duration::from_secs_f64(value.max(0.0))
}

/// Resident memory of a process, in MiB, from /proc (Linux).
pub fn resident_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
