//! Fan-out exec: `true` on 20 profiles of one private sshd, side by side in one run:
//!
//! - `tabsh exec --no-shared --folder bench -- true`: 20 connections of its own, 16 at a time;
//! - `tabsh exec --folder bench -- true` while a TUI holds live connections to all 20 (no
//!   login: exec channels over the control socket);
//! - the anchor, a sequential `for h in ...; do ssh $h true; done` (one `sh -c` loop);
//! - the floors: one `tabsh exec --no-shared p01 -- true` (a login and one command: what the
//!   fan-out could reach with unlimited parallelism) and one `tabsh exec p01 -- true` over the
//!   TUI (process start-up plus one channel round trip).
//!
//! Run with `cargo bench --bench fan_out` (as root: it uses the integration tests' test bed).
//! `TABSH_BENCH_RUNS` sets the measured rounds (default 10); one warm-up round is discarded and
//! the cases take turns within each round. Targets: fan-out / sequential ssh <= 0.2, over the
//! TUI / sequential ssh <= 0.05.

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use support::{Sshd, SshdOptions, Tmux, test_user, user_keys, wait_until};

const PROFILES: usize = 20;
const DEFAULT_RUNS: usize = 10;
const MAX_RUNS: usize = 200;
const WAIT: Duration = Duration::from_secs(60);

/// One timed run of a case.
type Case<'a> = Box<dyn Fn() -> Result<Duration> + 'a>;

fn main() -> Result<()> {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("fan_out: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    // 20 logins at once would meet sshd's default MaxStartups (10:30:100), which drops some.
    let sshd = Sshd::start(SshdOptions {
        extra: vec!["MaxStartups 100".to_owned()],
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let config = tempfile::tempdir()?;
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions)?;
    let ids: Vec<String> = (1..=PROFILES).map(|n| format!("p{n:02}")).collect();
    for id in &ids {
        std::fs::write(
            sessions.join(format!("{id}.toml")),
            format!(
                "folder = \"bench\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\n\
                 auth = [\"key\"]\nidentity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
                sshd.port(),
                test_user().name,
                user_keys().ed25519.private.display(),
                known_hosts.display()
            ),
        )?;
    }
    let ssh_loop = format!(
        "for h in {}; do ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
         -o UserKnownHostsFile={} -i {} -p {} {}@127.0.0.1 true || exit 1; done",
        ids.join(" "),
        known_hosts.display(),
        user_keys().ed25519.private.display(),
        sshd.port(),
        test_user().name
    );
    let dir = config.path();

    // The TUI holding a live connection to each profile.
    let tmux = Tmux::start(
        &format!(
            "{} --config-dir {} open {}",
            env!("CARGO_BIN_EXE_tabsh"),
            dir.display(),
            ids.join(" ")
        ),
        160,
        40,
    );
    let logins = || sshd.log().matches("Accepted publickey").count();
    if !wait_until(WAIT, Duration::from_millis(100), || logins() == PROFILES) {
        bail!("the TUI made {} of {PROFILES} logins", logins());
    }
    let all_up = wait_until(WAIT, Duration::from_millis(100), || {
        let listing = output(dir, &["connections"]).unwrap_or_default();
        listing
            .lines()
            .filter(|line| line.ends_with("  up"))
            .count()
            == PROFILES
    });
    ensure!(all_up, "the TUI's connections did not all come up");

    let cases: [(&str, Case); 5] = [
        (
            "tabsh fan-out, own connections",
            Box::new(|| {
                timed_tabsh(
                    dir,
                    &["exec", "--no-shared", "--folder", "bench", "--", "true"],
                )
            }),
        ),
        (
            "tabsh fan-out over the TUI's connections",
            Box::new(|| timed_tabsh(dir, &["exec", "--folder", "bench", "--", "true"])),
        ),
        ("sequential ssh loop", Box::new(|| timed_shell(&ssh_loop))),
        (
            "floor: one tabsh exec, own connection",
            Box::new(|| timed_tabsh(dir, &["exec", "--no-shared", "p01", "--", "true"])),
        ),
        (
            "floor: one tabsh exec over the TUI",
            Box::new(|| timed_tabsh(dir, &["exec", "p01", "--", "true"])),
        ),
    ];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for round in 0..=runs {
        for (index, (_, case)) in cases.iter().enumerate() {
            let took = case()?;
            // Round 0 warms caches (the binary, sshd's keys) and is not counted.
            if round > 0 {
                samples[index].push(took);
            }
        }
    }
    let logins_with_tui = logins();
    drop(tmux);

    println!("## fan_out\n");
    for line in common::machine_info() {
        println!("- {line}");
    }
    println!("- {PROFILES} profiles of one sshd (MaxStartups 100), `true` on each, {runs} rounds");
    println!("- sshd logins over the whole run: {logins_with_tui}\n");
    println!("| case | median ms | p90 ms | min ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    let mut medians = Vec::new();
    for ((name, _), times) in cases.iter().zip(&mut samples) {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = times[times.len() / 2];
        let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} |",
            ms(median),
            ms(p90),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
        medians.push(median.as_secs_f64());
    }
    let anchor = medians[2];
    println!("\n| ratio (medians) | value | target |");
    println!("|---|---:|---|");
    for (name, value, target) in [
        (
            "fan-out, own connections / sequential ssh",
            medians[0] / anchor,
            0.2,
        ),
        (
            "fan-out over the TUI / sequential ssh",
            medians[1] / anchor,
            0.05,
        ),
    ] {
        let verdict = if value <= target { "met" } else { "missed" };
        println!("| {name} | {value:.3} | <= {target}: {verdict} |");
    }
    Ok(())
}

fn timed_tabsh(config: &Path, args: &[&str]) -> Result<Duration> {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let took = started.elapsed();
    ensure!(status.success(), "tabsh {args:?} failed: {status}");
    Ok(took)
}

fn timed_shell(script: &str) -> Result<Duration> {
    let started = Instant::now();
    let status = Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    let took = started.elapsed();
    ensure!(status.success(), "the ssh loop failed: {status}");
    Ok(took)
}

fn output(config: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("run tabsh")?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
