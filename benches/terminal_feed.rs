//! The emulator alone, without network or screen: `seq 1 2000000` as a pty sends it (16.9 MB,
//! CR LF line ends) parsed by one tab's `Terminal` (120x40, 10,000 lines of history) and by bare
//! vt100 keeping no history at all, the floor for parsing with vt100. Read sizes matter because
//! the lines that scroll off within one read skip vt100 (`terminal::plain_lines`): OpenSSH's
//! sshd sends a flood in packets of about 4 KiB, and tabsh feeds what arrived together at once.
//!
//! Run with `cargo bench --bench terminal_feed`; `TABSH_BENCH_RUNS` sets the rounds (default 5).

#[path = "common/mod.rs"]
mod common;

use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use anyhow::Result;
use tabsh::terminal::{DEFAULT_SCROLLBACK, Terminal};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const LAST: u32 = 2_000_000;
const CHUNK_SIZES: [usize; 5] = [1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024];
const DEFAULT_RUNS: usize = 5;
const MAX_RUNS: usize = 100;

fn main() -> Result<()> {
    // `cargo test --all-targets` runs this binary without `--bench`; it must not measure then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("terminal_feed: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let flood: Vec<u8> = (1..=LAST)
        .flat_map(|n| format!("{n}\r\n").into_bytes())
        .collect();
    let megabytes = flood.len() as f64 / 1e6;

    let mut rows = Vec::new();
    for chunk_size in CHUNK_SIZES {
        let tabsh = median_of(runs, || feed_tabsh(&flood, chunk_size));
        let bare = median_of(runs, || feed_bare_vt100(&flood, chunk_size));
        rows.push((chunk_size, tabsh, bare));
    }

    println!("\n## terminal_feed\n");
    for line in common::machine_info() {
        println!("- {line}");
    }
    println!(
        "- input: `seq 1 {LAST}` with CR LF, {megabytes:.1} MB; {ROWS}x{COLS}; median of {runs}"
    );
    println!();
    println!("| read size | tabsh Terminal::feed | MB/s | bare vt100, no history | ratio |");
    println!("|---:|---:|---:|---:|---:|");
    for (chunk_size, tabsh, bare) in rows {
        println!(
            "| {} KiB | {:.1} ms | {:.0} | {:.1} ms | {:.2} |",
            chunk_size / 1024,
            ms(tabsh),
            megabytes / tabsh.as_secs_f64(),
            ms(bare),
            tabsh.as_secs_f64() / bare.as_secs_f64()
        );
    }
    Ok(())
}

fn feed_tabsh(flood: &[u8], chunk_size: usize) -> Duration {
    let started = Instant::now();
    let mut terminal = Terminal::new(ROWS, COLS, DEFAULT_SCROLLBACK);
    for chunk in flood.chunks(chunk_size) {
        terminal.feed(chunk);
    }
    let elapsed = started.elapsed();
    assert_eq!(terminal.row_text(ROWS - 2), Some(LAST.to_string()));
    assert_eq!(terminal.scrollback_len(), DEFAULT_SCROLLBACK);
    elapsed
}

fn feed_bare_vt100(flood: &[u8], chunk_size: usize) -> Duration {
    let size = |cells| NonZeroU16::new(cells).expect("non-zero");
    let started = Instant::now();
    let mut parser = vt100::Parser::new(size(ROWS), size(COLS), 0);
    for chunk in flood.chunks(chunk_size) {
        parser.process(chunk);
    }
    let elapsed = started.elapsed();
    assert!(parser.screen().contents().ends_with(&LAST.to_string()));
    elapsed
}

fn median_of(runs: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut samples: Vec<Duration> = (0..runs).map(|_| measure()).collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
