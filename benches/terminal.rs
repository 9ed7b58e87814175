//! What a person feels at the terminal, tabsh next to OpenSSH and tmux in the same run:
//!
//! 1. output floods until their last line shows, tabsh vs `ssh -tt`, both in tmux, with the
//!    same command over `ssh -tt` and its output thrown away as the floor: `seq 1 2000000`
//!    (`flood`), `cat` of a 50 MB log with one line in five coloured (`flood-coloured`) and of a
//!    30 MB log of CJK text (`flood-cjk`);
//! 2. keystroke echo: one key at a time until it is on the screen, tabsh vs `ssh -tt`, both
//!    under a pty this benchmark owns (`echo`), beside two bare clients that only pass bytes
//!    between the terminal and a channel, one on russh alone and one on tabsh's SSH layer, so
//!    the gap splits into what the library costs and what tabsh's screen adds (this binary,
//!    started again, is those clients: `terminal/bare_client.rs`); and in a tab of tabsh
//!    while another tab on the same connection runs `cat` of the coloured log in a loop,
//!    against the same tab idle (`echo-flood`);
//! 3. memory: RSS per tab holding 10,000 lines of scrollback, tabsh vs a tmux window;
//! 4. start-up: exec until the session manager's first frame with 10,000 saved sessions;
//! 5. keyword highlighting: the coloured log flood in tabsh with 10 highlighting rules against
//!    tabsh without (`flood-highlight`; target: within 10%).
//!
//! Run with `cargo bench --bench terminal` (as root, like the integration tests: it uses their
//! private sshd and login user). `TABSH_BENCH_RUNS` sets the rounds of the slow cases (floods,
//! keystroke echo; default 5); start-up takes four times as many (it is quick).
//! `TABSH_BENCH_CASES=flood,flood-coloured,flood-cjk,echo,echo-flood,memory,startup,flood-highlight` measures
//! only the cases listed.

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

#[path = "terminal/bare_client.rs"]
mod bare_client;
#[path = "terminal/echo.rs"]
mod echo;
#[path = "terminal/flood.rs"]
mod flood;
#[path = "terminal/highlight.rs"]
mod highlight;
#[path = "terminal/memory.rs"]
mod memory;
#[path = "terminal/report.rs"]
mod report;
#[path = "terminal/startup.rs"]
mod startup;

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use common::ssh_target::SshTarget;
use echo::EchoUnderFlood;
use flood::{Flood, FloodInput, LogFiles};
use memory::Memory;
use support::{Sshd, SshdOptions, Tmux, test_user, user_keys};

const DEFAULT_RUNS: usize = 5;
/// Keeps a mistyped `TABSH_BENCH_RUNS` from occupying the machine for hours.
const MAX_RUNS: usize = 100;
const STARTUP_RUNS_PER_RUN: usize = 4;
/// Generous bound for things that take a second or two; only a broken setup gets near it.
const WAIT: Duration = Duration::from_secs(30);

fn main() -> Result<()> {
    // The echo case starts this binary again as its bare clients.
    if bare_client::run_if_asked(&std::env::args().collect::<Vec<_>>())? {
        return Ok(());
    }
    // `cargo test --all-targets` runs this binary without `--bench`; it must not measure then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("terminal: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let cases = cases_from_env()?;
    let bed = Bed::start()?;
    let startup_runs = runs * STARTUP_RUNS_PER_RUN;
    let needs_logs = [
        "flood-coloured",
        "flood-cjk",
        "echo-flood",
        "flood-highlight",
    ]
    .iter()
    .any(|case| cases.contains(case));
    let logs = needs_logs.then(LogFiles::write).transpose()?;
    let mut results = Results::default();
    for case in &cases {
        eprintln!("terminal: {case}, {runs} rounds");
        match (*case, &logs) {
            ("flood", _) => {
                results
                    .floods
                    .push(flood::measure_flood(&bed, runs, FloodInput::seq())?)
            }
            ("flood-coloured", Some(logs)) => results.floods.push(flood::measure_flood(
                &bed,
                runs,
                FloodInput::cat(logs, "coloured"),
            )?),
            ("flood-cjk", Some(logs)) => results.floods.push(flood::measure_flood(
                &bed,
                runs,
                FloodInput::cat(logs, "cjk"),
            )?),
            ("echo", _) => results.echo = Some(echo::measure_echo(&bed, runs)?),
            ("echo-flood", Some(logs)) => {
                results.echo_under_flood =
                    Some(echo::measure_echo_under_flood(&bed, runs, &logs.coloured)?);
            }
            ("memory", _) => results.memory = Some(memory::measure_memory(&bed)?),
            ("flood-highlight", Some(logs)) => {
                results.highlight = Some(highlight::measure(&bed, runs, logs)?);
            }
            ("startup", _) => results.startup = Some(startup::measure_startup(startup_runs)?),
            (other, _) => anyhow::bail!("case {other} has no log files"),
        }
    }
    report::print_report(runs, startup_runs, &results);
    if let Some(highlight) = &results.highlight {
        highlight::print(runs, highlight);
    }
    Ok(())
}

const CASES: [&str; 8] = [
    "flood",
    "flood-coloured",
    "flood-cjk",
    "echo",
    "echo-flood",
    "memory",
    "startup",
    "flood-highlight",
];

/// `TABSH_BENCH_CASES=echo,startup` measures only those, in this order; all of them by default.
fn cases_from_env() -> Result<Vec<&'static str>> {
    let Ok(text) = std::env::var("TABSH_BENCH_CASES") else {
        return Ok(CASES.to_vec());
    };
    text.split(',')
        .map(|name| {
            CASES
                .into_iter()
                .find(|case| *case == name.trim())
                .with_context(|| {
                    format!("unknown case {name:?} in TABSH_BENCH_CASES; cases: {CASES:?}")
                })
        })
        .collect()
}

#[derive(Default)]
struct Results {
    floods: Vec<Flood>,
    echo: Option<echo::Echo>,
    echo_under_flood: Option<EchoUnderFlood>,
    memory: Option<Memory>,
    startup: Option<startup::Startup>,
    highlight: Option<highlight::HighlightFlood>,
}

/// Samples of tabsh and of what it is compared with.
#[derive(Default)]
struct Pair {
    tabsh: Vec<Duration>,
    anchor: Vec<Duration>,
}

/// The private sshd and a tabsh config dir holding one profile for it (key auth).
struct Bed {
    target: SshTarget,
    config: tempfile::TempDir,
    /// Declared last, so dropped last: the server outlives what talks to it.
    _sshd: Sshd,
}

const PROFILE: &str = "bench";
/// The same server with 10 keyword highlighting rules.
const HIGHLIGHT_PROFILE: &str = "bench-highlight";

impl Bed {
    fn start() -> Result<Bed> {
        let sshd = Sshd::start(SshdOptions {
            max_sessions: Some(50),
            ..SshdOptions::default()
        });
        let target = SshTarget {
            port: sshd.port(),
            user: test_user().name.to_owned(),
            key: user_keys().ed25519.private.clone(),
            known_hosts: sshd.write_known_hosts(),
        };
        let config = tempfile::Builder::new()
            .prefix("tabsh-bench-config-")
            .tempdir()?;
        target.write_tabsh_profile(config.path(), PROFILE)?;
        target.write_tabsh_profile(config.path(), HIGHLIGHT_PROFILE)?;
        let highlighted = config
            .path()
            .join("sessions")
            .join(format!("{HIGHLIGHT_PROFILE}.toml"));
        let mut text = std::fs::read_to_string(&highlighted)?;
        text.push_str(highlight::TEN_RULES);
        std::fs::write(&highlighted, text)?;
        Ok(Bed {
            target,
            config,
            _sshd: sshd,
        })
    }

    /// `tabsh` with the bench profile open, as a program and its arguments.
    fn tabsh_argv(&self) -> Vec<String> {
        self.tabsh_argv_for(PROFILE)
    }

    fn tabsh_argv_for(&self, profile: &str) -> Vec<String> {
        vec![
            env!("CARGO_BIN_EXE_tabsh").to_owned(),
            "--config-dir".to_owned(),
            self.config.path().display().to_string(),
            "open".to_owned(),
            profile.to_owned(),
        ]
    }

    /// `ssh -tt` to the same server and user with the same key, ignoring any ssh config.
    fn ssh_argv(&self) -> Vec<String> {
        self.target.ssh_tt_argv(&[])
    }
}

/// A command line for `sh -c`; the arguments here are paths and options without quotes.
fn shell_line(argv: &[String]) -> String {
    argv.join(" ")
}

fn shows_line(screen: &str, wanted: &str) -> bool {
    screen.lines().any(|line| line.trim() == wanted)
}

fn tmux_command(tmux: &Tmux, arguments: &[&str]) -> Result<()> {
    let status = Command::new("tmux")
        .arg("-S")
        .arg(tmux.socket())
        .args(arguments)
        .status()?;
    ensure!(status.success(), "tmux {arguments:?} failed");
    Ok(())
}

fn tmux_output(tmux: &Tmux, arguments: &[&str]) -> Result<String> {
    let output = Command::new("tmux")
        .arg("-S")
        .arg(tmux.socket())
        .args(arguments)
        .output()?;
    ensure!(output.status.success(), "tmux {arguments:?} failed");
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn tmux_server_pid(tmux: &Tmux) -> Result<u32> {
    tmux_output(tmux, &["display-message", "-p", "#{pid}"])?
        .trim()
        .parse()
        .context("tmux server pid")
}

fn median(samples: &[Duration]) -> Duration {
    percentile(samples, 0.5)
}

/// Nearest-rank percentile.
fn percentile(samples: &[Duration], fraction: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}
