//! The emulator alone, without network or screen: output floods as a pty sends them (CR LF line
//! ends) parsed by one tab's `Terminal` (120x40, 10,000 lines of history) and by bare vt100
//! keeping no history at all, the floor for parsing with vt100. Read sizes matter because the
//! lines that scroll off within one read skip vt100 (`terminal::plain_lines`): OpenSSH's sshd
//! sends a flood in packets of about 4 KiB, and tabsh feeds what arrived together at once.
//!
//! Inputs (`TABSH_BENCH_CASES=seq,coloured,cjk,search` picks some; all by default):
//! - `seq`: `seq 1 2000000`, 16.9 MB;
//! - `coloured`: a 16 MB log, one line in five with its level in bold colour;
//! - `cjk`: a 16 MB log whose messages are Chinese and Japanese text;
//! - `search`: not a flood: searching a full history (10,000 lines of the coloured log, and
//!   of the CJK one) for a literal, a rare word and a regex, as `Ctrl-\ /` does on each key
//!   typed (target: under 20 ms);
//! - `highlight`: not a flood either: drawing a 40x120 screen of the coloured log, as a frame
//!   during a flood does, with and without 10 keyword highlighting rules.
//!
//! Run with `cargo bench --bench terminal_feed`; `TABSH_BENCH_RUNS` sets the rounds (default 5).

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use tabsh::terminal::{DEFAULT_SCROLLBACK, SearchPattern, Terminal};

const ROWS: u16 = 40;
const COLS: u16 = 120;
const SEQ_LAST: u32 = 2_000_000;
const LOG_BYTES: usize = 16_000_000;
const CHUNK_SIZES: [usize; 5] = [1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024];
const DEFAULT_RUNS: usize = 5;
const MAX_RUNS: usize = 100;
const INPUTS: [&str; 5] = ["seq", "coloured", "cjk", "search", "highlight"];

struct Input {
    name: &'static str,
    what: String,
    bytes: Vec<u8>,
}

fn main() -> Result<()> {
    // `cargo test --all-targets` runs this binary without `--bench`; it must not measure then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("terminal_feed: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let inputs = selected_inputs()?;

    common::print_heading("terminal_feed");
    println!("- {ROWS}x{COLS}, {DEFAULT_SCROLLBACK} lines of history; median of {runs}");
    for input in inputs {
        if input.name == "search" {
            measure_search(runs)?;
            continue;
        }
        if input.name == "highlight" {
            measure_highlight(runs)?;
            continue;
        }
        check_same_screen(&input)?;
        let megabytes = input.bytes.len() as f64 / 1e6;
        println!("\n### {}: {}, {megabytes:.1} MB\n", input.name, input.what);
        println!("| read size | tabsh Terminal::feed | MB/s | bare vt100, no history | ratio |");
        println!("|---:|---:|---:|---:|---:|");
        for chunk_size in CHUNK_SIZES {
            let tabsh = median_of(runs, || feed_tabsh(&input.bytes, chunk_size).0);
            let bare = median_of(runs, || feed_bare_vt100(&input.bytes, chunk_size).0);
            println!(
                "| {} KiB | {:.1} ms | {:.0} | {:.1} ms | {:.2} |",
                chunk_size / 1024,
                ms(tabsh),
                megabytes / tabsh.as_secs_f64(),
                ms(bare),
                tabsh.as_secs_f64() / bare.as_secs_f64()
            );
        }
    }
    Ok(())
}

fn selected_inputs() -> Result<Vec<Input>> {
    let names: Vec<String> = match std::env::var("TABSH_BENCH_CASES") {
        Ok(text) => text.split(',').map(|name| name.trim().to_owned()).collect(),
        Err(_) => INPUTS.iter().map(|name| (*name).to_owned()).collect(),
    };
    names
        .iter()
        .map(|name| match name.as_str() {
            "seq" => Ok(Input {
                name: "seq",
                what: format!("`seq 1 {SEQ_LAST}` with CR LF"),
                bytes: (1..=SEQ_LAST)
                    .flat_map(|n| format!("{n}\r\n").into_bytes())
                    .collect(),
            }),
            "coloured" => Ok(Input {
                name: "coloured",
                what: "log lines, one in five with `ESC[1;3Xm`level`ESC[0m`, CR LF".to_owned(),
                bytes: common::logs::with_crlf(&common::logs::coloured_log(LOG_BYTES)),
            }),
            "cjk" => Ok(Input {
                name: "cjk",
                what: "log lines with CJK messages (UTF-8, wide characters), CR LF".to_owned(),
                bytes: common::logs::with_crlf(&common::logs::cjk_log(LOG_BYTES)),
            }),
            "search" | "highlight" => Ok(Input {
                name: if name == "search" {
                    "search"
                } else {
                    "highlight"
                },
                what: String::new(),
                bytes: Vec::new(),
            }),
            other => {
                anyhow::bail!("unknown input {other:?} in TABSH_BENCH_CASES; inputs: {INPUTS:?}")
            }
        })
        .collect()
}

/// The benchmark only means something if tabsh ends where vt100 does.
fn check_same_screen(input: &Input) -> Result<()> {
    let (_, terminal) = feed_tabsh(&input.bytes, 64 * 1024);
    let (_, parser) = feed_bare_vt100(&input.bytes, 64 * 1024);
    ensure!(
        terminal.contents() == parser.screen().contents(),
        "{}: tabsh's screen differs from vt100's",
        input.name
    );
    ensure!(
        terminal.scrollback_len() == DEFAULT_SCROLLBACK,
        "{}: the history holds {} lines",
        input.name,
        terminal.scrollback_len()
    );
    Ok(())
}

fn feed_tabsh(flood: &[u8], chunk_size: usize) -> (Duration, Terminal) {
    let started = Instant::now();
    let mut terminal = Terminal::new(ROWS, COLS, DEFAULT_SCROLLBACK);
    for chunk in flood.chunks(chunk_size) {
        terminal.feed(chunk);
    }
    (started.elapsed(), terminal)
}

fn feed_bare_vt100(flood: &[u8], chunk_size: usize) -> (Duration, vt100::Parser) {
    const NON_ZERO_ROWS: NonZeroU16 = NonZeroU16::new(ROWS).expect("ROWS is not zero");
    const NON_ZERO_COLS: NonZeroU16 = NonZeroU16::new(COLS).expect("COLS is not zero");
    let started = Instant::now();
    let mut parser = vt100::Parser::new(NON_ZERO_ROWS, NON_ZERO_COLS, 0);
    for chunk in flood.chunks(chunk_size) {
        parser.process(chunk);
    }
    (started.elapsed(), parser)
}

/// Searches a full history the way the search line does: every match of the query over the
/// history and the screen.
fn measure_search(runs: usize) -> Result<()> {
    println!("\n### search: a full history of {DEFAULT_SCROLLBACK} lines, {ROWS}x{COLS}\n");
    println!("| history | query | matches | median | target |");
    println!("|---|---|---:|---:|---|");
    let logs = [
        ("coloured log", common::logs::coloured_log(4_000_000)),
        ("CJK log", common::logs::cjk_log(4_000_000)),
    ];
    let queries = [
        ("request", false),
        ("zzz-nowhere", false),
        (r"status=\d+ ms=[0-9]{2}\b", true),
        ("error", false),
    ];
    for (name, log) in logs {
        let mut terminal = Terminal::new(ROWS, COLS, DEFAULT_SCROLLBACK);
        terminal.feed(&common::logs::with_crlf(&log));
        ensure!(
            terminal.scrollback_len() == DEFAULT_SCROLLBACK,
            "{name}: the history holds {} lines",
            terminal.scrollback_len()
        );
        for (query, regex) in queries {
            let pattern = SearchPattern::new(query, regex)
                .map_err(anyhow::Error::msg)?
                .expect("a query that is not empty");
            let mut found = 0;
            let time = median_of(runs, || {
                let started = Instant::now();
                found = terminal.find_all(&pattern).len();
                started.elapsed()
            });
            let verdict = if time < Duration::from_millis(20) {
                "< 20 ms: met"
            } else {
                "< 20 ms: MISSED"
            };
            println!(
                "| {name} | `{query}`{} | {found} | {:.2} ms | {verdict} |",
                if regex { " (regex)" } else { "" },
                ms(time)
            );
        }
    }
    Ok(())
}

/// A frame's drawing of the whole screen, as during a flood, and the same with keyword
/// highlighting: every row's cells read back and every rule run over them.
fn measure_highlight(runs: usize) -> Result<()> {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use tabsh::profiles::GlobalHighlight;
    use tabsh::terminal::{Highlighter, TerminalView};
    use tabsh::ui::highlight_row;

    const FRAMES: usize = 200;
    let rules = GlobalHighlight::parse(common::highlight_rules::TEN_RULES)
        .map_err(anyhow::Error::msg)?
        .highlight;
    let highlighter = Highlighter::new(&rules);
    let mut terminal = Terminal::new(ROWS, COLS, DEFAULT_SCROLLBACK);
    terminal.feed(&common::logs::with_crlf(&common::logs::coloured_log(
        1_000_000,
    )));
    let area = Rect::new(0, 0, COLS, ROWS);
    let mut buffer = Buffer::empty(area);
    let mut draw = |highlight: bool| {
        let started = Instant::now();
        for _ in 0..FRAMES {
            TerminalView::new(&terminal).render(area, &mut buffer);
            if !highlight {
                continue;
            }
            for row in 0..ROWS {
                highlight_row(&highlighter, &terminal, row, area, &mut buffer);
            }
        }
        started.elapsed() / FRAMES as u32
    };
    let plain = median_of(runs, || draw(false));
    let highlighted = median_of(runs, || draw(true));
    // What the rules did to one frame: the cells whose look they changed.
    let mut plain_frame = Buffer::empty(area);
    TerminalView::new(&terminal).render(area, &mut plain_frame);
    let mut highlighted_frame = plain_frame.clone();
    for row in 0..ROWS {
        highlight_row(&highlighter, &terminal, row, area, &mut highlighted_frame);
    }
    let cells_changed = plain_frame
        .content
        .iter()
        .zip(&highlighted_frame.content)
        .filter(|(plain, highlighted)| plain != highlighted)
        .count();
    println!("\n### highlight: drawing a {ROWS}x{COLS} screen of the coloured log\n");
    println!("| frame | median per frame | cells highlighted |");
    println!("|---|---:|---:|");
    println!(
        "| without rules | {:.1} µs | 0 |",
        plain.as_secs_f64() * 1e6
    );
    println!(
        "| with 10 rules | {:.1} µs | {cells_changed} of {} |",
        highlighted.as_secs_f64() * 1e6,
        plain_frame.content.len()
    );
    Ok(())
}

fn median_of(runs: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut samples: Vec<Duration> = (0..runs).map(|_| measure()).collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
