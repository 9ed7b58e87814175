//! Summaries of timed samples and the Markdown rows the benchmarks print them as.

use std::time::Duration;

pub struct Summary {
    pub median: Duration,
    pub p90: Duration,
    pub min: Duration,
    pub max: Duration,
}

impl Summary {
    /// `None` for no samples: a case that never ran has nothing to summarise.
    pub fn of(samples: &[Duration]) -> Option<Summary> {
        let mut sorted = samples.to_vec();
        sorted.sort();
        Some(Summary {
            median: percentile(&sorted, 50),
            p90: percentile(&sorted, 90),
            min: *sorted.first()?,
            max: *sorted.last()?,
        })
    }
}

/// Nearest-rank percentile of already sorted samples; zero for none.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}

pub fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A table of cases, one row each with median, p90, min and max in milliseconds.
pub fn print_summary_table(rows: &[(&str, &Summary)]) {
    println!("| case | median ms | p90 ms | min ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for (name, summary) in rows {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} |",
            milliseconds(summary.median),
            milliseconds(summary.p90),
            milliseconds(summary.min),
            milliseconds(summary.max),
        );
    }
}

/// The header for [`print_ratio`] rows.
pub fn print_ratio_header() {
    println!("| ratio (medians) | value | target | |");
    println!("|---|---:|---:|---|");
}

/// One row: the ratio of the two medians, each goal (`("target", 1.3)`) and whether it is met.
pub fn print_ratio(name: &str, numerator: &Summary, denominator: &Summary, goals: &[(&str, f64)]) {
    let ratio = milliseconds(numerator.median) / milliseconds(denominator.median);
    let targets = goals
        .iter()
        .map(|(label, limit)| format!("{label} ≤ {limit}"))
        .collect::<Vec<_>>()
        .join(", ");
    let verdicts = goals
        .iter()
        .map(|(label, limit)| {
            let met = if ratio <= *limit { "met" } else { "MISSED" };
            format!("{label} {met}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    println!("| {name} | {ratio:.3} | {targets} | {verdicts} |");
}
