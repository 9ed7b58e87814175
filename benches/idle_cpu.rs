//! What idle tabs cost: CPU used by tabsh holding 20 idle tabs on 5 connections with anti-idle
//! on, over a minute, next to 20 idle OpenSSH sessions with ServerAliveInterval in the same run.
//!
//! Run with `cargo bench --bench idle_cpu` (as root, like the integration tests: it uses their
//! test bed). `TABSH_BENCH_IDLE_SECS` sets the measured window (default 60). The real `tabsh`
//! binary runs in tmux, as a person would use it; CPU is read from /proc (user + system time).

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use support::{Sshd, SshdOptions, Tmux, test_user, user_keys, wait_until};

const DEFAULT_SECS: u64 = 60;
const CONNECTIONS: usize = 5;
const TABS_PER_CONNECTION: usize = 4;
/// Shorter than the defaults (60 s NO-OP, 30 s keepalive) so the window sees real work.
const NOOP_SECS: u64 = 10;
const KEEPALIVE_SECS: u64 = 15;
const WAIT: Duration = Duration::from_secs(30);

fn main() -> Result<()> {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("idle_cpu: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let secs = match std::env::var("TABSH_BENCH_IDLE_SECS") {
        Ok(text) => text
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=600).contains(s))
            .context("TABSH_BENCH_IDLE_SECS must be a number of seconds from 1 to 600")?,
        Err(_) => DEFAULT_SECS,
    };
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(20),
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let config = tempfile::tempdir()?;
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions)?;
    std::fs::write(
        sessions.join("bench.toml"),
        format!(
            "host = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"key\"]\n\
             identity_file = \"{}\"\nknown_hosts_file = \"{}\"\n\
             [anti_idle]\nenabled = true\n[anti_idle.noop]\nenabled = true\ninterval_secs = {NOOP_SECS}\n\
             [anti_idle.keepalive]\nenabled = true\ninterval_secs = {KEEPALIVE_SECS}\nmax_misses = 3\n",
            sshd.port(),
            test_user().name,
            user_keys().ed25519.private.display(),
            known_hosts.display()
        ),
    )?;

    // tabsh: 5 tabs on 5 connections, each cloned 3 times.
    let opens = ["bench"; CONNECTIONS].join(" ");
    let tmux = Tmux::start(
        &format!(
            "{} --config-dir {} open {opens}",
            env!("CARGO_BIN_EXE_tabsh"),
            config.path().display()
        ),
        160,
        40,
    );
    let logins = || sshd.log().matches("Accepted publickey").count();
    if !wait_until(WAIT, Duration::from_millis(100), || logins() == CONNECTIONS) {
        bail!("only {} of {CONNECTIONS} connections logged in", logins());
    }
    tmux.press(&["C-\\", "1"]);
    for _ in 0..CONNECTIONS {
        for clone in 2..=TABS_PER_CONNECTION {
            tmux.wait_for("connected", WAIT);
            tmux.press(&["C-\\", "c"]);
            tmux.wait_for(&format!("{clone} sessions"), WAIT);
        }
        tmux.press(&["C-\\", "n"]);
    }
    let tabsh = common::child_named(common::pane_pid(tmux.socket())?, "tabsh")
        .context("find the tabsh process")?;

    // OpenSSH: 20 idle sessions with ServerAliveInterval (OpenSSH's keepalive with reply),
    // started one after another: sshd's MaxStartups drops logins that arrive all at once.
    let mut openssh: Vec<Child> = Vec::new();
    for _ in 0..CONNECTIONS * TABS_PER_CONNECTION {
        let expected = logins() + 1;
        openssh.push(
            Command::new("ssh")
                .args(["-tt", "-F", "/dev/null", "-o", "BatchMode=yes"])
                .arg("-o")
                .arg(format!("ServerAliveInterval={KEEPALIVE_SECS}"))
                .arg("-o")
                .arg(format!("UserKnownHostsFile={}", known_hosts.display()))
                .arg("-i")
                .arg(&user_keys().ed25519.private)
                .arg("-p")
                .arg(sshd.port().to_string())
                .arg(format!("{}@127.0.0.1", test_user().name))
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?,
        );
        if !wait_until(WAIT, Duration::from_millis(20), || logins() >= expected) {
            bail!("an OpenSSH session did not log in ({} logins)", logins());
        }
    }
    // Let start-up work finish before the window opens.
    std::thread::sleep(Duration::from_secs(3));

    let ssh_pids: Vec<u32> = openssh.iter().map(Child::id).collect();
    let keepalives = || sshd.log().matches("rtype keepalive@openssh.com").count();
    let (tabsh_before, ssh_before, requests_before) = (
        common::cpu_seconds(&[tabsh])?,
        common::cpu_seconds(&ssh_pids)?,
        keepalives(),
    );
    std::thread::sleep(Duration::from_secs(secs));
    let (tabsh_after, ssh_after, requests_after) = (
        common::cpu_seconds(&[tabsh])?,
        common::cpu_seconds(&ssh_pids)?,
        keepalives(),
    );
    for child in &mut openssh {
        let _ = child.kill();
        let _ = child.wait();
    }

    let tabs = CONNECTIONS * TABS_PER_CONNECTION;
    let tabsh_cpu = tabsh_after - tabsh_before;
    let ssh_cpu = ssh_after - ssh_before;
    println!("## idle_cpu\n");
    println!(
        "- {secs} s window; anti-idle NO-OP every {NOOP_SECS} s of silence, keepalive every {KEEPALIVE_SECS} s"
    );
    println!(
        "- keepalive@openssh.com requests seen by sshd in the window (all clients): {}",
        requests_after - requests_before
    );
    println!("- CPU = user + system time from /proc/PID/stat\n");
    println!("| client | tabs | connections | CPU s | CPU ms per tab | target |");
    println!("|---|---:|---:|---:|---:|---|");
    println!(
        "| tabsh (one process) | {tabs} | {CONNECTIONS} | {tabsh_cpu:.3} | {:.2} | < 0.2 s: {} |",
        tabsh_cpu * 1000.0 / tabs as f64,
        if tabsh_cpu < 0.2 { "met" } else { "missed" }
    );
    println!(
        "| OpenSSH (`ssh -tt`, ServerAliveInterval={KEEPALIVE_SECS}) | {tabs} | {tabs} | {ssh_cpu:.3} | {:.2} | reference |",
        ssh_cpu * 1000.0 / tabs as f64
    );
    Ok(())
}
