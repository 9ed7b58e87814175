//! Keyword highlighting's cost: the coloured log flood in two tabsh windows, one whose profile
//! has 10 highlighting rules (several matching on most lines) and one without, taking turns.
//! The frames drawn during a flood run every rule over every drawn row; the target is to stay
//! within 10% of the flood without rules.

use std::time::Duration;

use anyhow::Result;

use super::flood::{CpuSplit, FloodInput, FloodSide, LogFiles, flood_once};
use super::{Bed, HIGHLIGHT_PROFILE, median, ms, verdict};

pub(crate) use super::common::highlight_rules::TEN_RULES;

pub(crate) struct HighlightFlood {
    input: FloodInput,
    without: Vec<Duration>,
    with: Vec<Duration>,
    without_cpu: Vec<CpuSplit>,
    with_cpu: Vec<CpuSplit>,
}

pub(crate) fn measure(bed: &Bed, runs: usize, logs: &LogFiles) -> Result<HighlightFlood> {
    let plain = FloodSide::start(&bed.tabsh_argv(), "tabsh")?;
    let highlighted = FloodSide::start(&bed.tabsh_argv_for(HIGHLIGHT_PROFILE), "tabsh")?;
    let mut result = HighlightFlood {
        input: FloodInput::cat(logs, "coloured"),
        without: Vec::new(),
        with: Vec::new(),
        without_cpu: Vec::new(),
        with_cpu: Vec::new(),
    };
    // A discarded first round; the two take turns going first.
    for round in 0..=runs {
        let order = if round % 2 == 0 {
            [(&plain, false), (&highlighted, true)]
        } else {
            [(&highlighted, true), (&plain, false)]
        };
        for (side, with_rules) in order {
            let (elapsed, cpu) = flood_once(side, &result.input)?;
            if round == 0 {
                continue;
            }
            if with_rules {
                result.with.push(elapsed);
                result.with_cpu.push(cpu);
            } else {
                result.without.push(elapsed);
                result.without_cpu.push(cpu);
            }
        }
    }
    Ok(result)
}

pub(crate) fn print(runs: usize, flood: &HighlightFlood) {
    let without = ms(median(&flood.without));
    let with = ms(median(&flood.with));
    let ratio = with / without;
    let cpu = |splits: &[CpuSplit]| {
        let mut client: Vec<f64> = splits.iter().map(|split| split.client).collect();
        client.sort_by(f64::total_cmp);
        client.get(client.len() / 2).copied().unwrap_or(0.0)
    };
    println!();
    println!("### keyword highlighting under a flood");
    println!();
    println!(
        "{}, {runs} rounds (+1 discarded), two tabsh windows taking turns, one with 10 rules",
        flood.input.what
    );
    println!();
    println!("| case | median ms | tabsh CPU s (median) |");
    println!("|---|---:|---:|");
    println!(
        "| without rules | {without:.0} | {:.3} |",
        cpu(&flood.without_cpu)
    );
    println!(
        "| with 10 rules | {with:.0} | {:.3} |",
        cpu(&flood.with_cpu)
    );
    println!();
    println!(
        "with / without: {ratio:.3} (target ≤ 1.10: {})",
        verdict(ratio <= 1.10)
    );
}
