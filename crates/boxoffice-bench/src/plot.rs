//! Latency distribution as a PNG: one percentile curve per operation.

use crate::stats::OpStats;
use anyhow::{Context, anyhow};
use plotters::prelude::*;
use std::path::Path;

const QUANTILES: [f64; 9] = [0.0, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0];
const LABELS: [&str; 9] = [
    "min", "p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99", "max",
];
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

pub fn latency_png(path: &Path, title: &str, series: &[(String, OpStats)]) -> anyhow::Result<()> {
    let font = std::fs::read(FONT).with_context(|| {
        format!("plots need the DejaVu font at {FONT} (apt-get install fonts-dejavu-core)")
    })?;
    let font: &'static [u8] = Box::leak(font.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, font)
        .map_err(|_| anyhow!("unusable font"))?;

    let points: Vec<(String, Vec<f64>)> = series
        .iter()
        .filter(|(_, s)| !s.latency.is_empty())
        .map(|(name, s)| {
            (
                name.clone(),
                QUANTILES
                    .iter()
                    .map(|q| s.quantile_ms(*q).max(0.001))
                    .collect(),
            )
        })
        .collect();
    let top = points
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .fold(1.0_f64, f64::max)
        * 1.5;

    let root = BitMapBackend::new(path, (1000, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0..(QUANTILES.len() - 1), (0.01_f64..top).log_scale())
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_labels(QUANTILES.len())
        .x_label_formatter(&|i| LABELS.get(*i).copied().unwrap_or("").to_owned())
        .y_desc("latency (ms, log scale)")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (index, (name, values)) in points.iter().enumerate() {
        let color = Palette99::pick(index).stroke_width(3);
        chart
            .draw_series(LineSeries::new(
                values.iter().enumerate().map(|(i, v)| (i, *v)),
                color,
            ))
            .map_err(|e| anyhow!("{e}"))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 20, y)],
                    Palette99::pick(index).stroke_width(3),
                )
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
