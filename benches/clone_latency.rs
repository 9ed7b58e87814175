//! Clone-session latency compared with OpenSSH.
//!
//! Run with `cargo bench --bench clone_latency` (as root: the test bed creates the login user
//! `tabsh-test` and runs a private sshd on 127.0.0.1). `TABSH_BENCH_RUNS` sets the number of
//! measured rounds (default 30). Every case is timed from "ask for a session" until the remote
//! shell's prompt shows up, so all four rows measure the same thing a person waits for:
//!
//! - tabsh clone: a new pty + shell channel on an already authenticated tabsh connection;
//! - OpenSSH ControlMaster: `ssh -S SOCK` multiplexed over a running master;
//! - OpenSSH fresh login: a new `ssh` process doing TCP, key exchange and authentication,
//!   once with OpenSSH's default key exchange and once with the one tabsh negotiates;
//! - tabsh fresh connection: the same from tabsh's library.
//!
//! The cases are interleaved round by round, so a slow spell of the machine hurts them all
//! alike instead of one row.

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The test bed is shared with the integration tests rather than copied, so the benchmark
// runs against exactly the sshd setup the tests check.
#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use tabsh::profiles::{AuthMethod, TcpKeepalive};
use tabsh::ssh::{
    BatchPrompter, ChannelEvent, ConnectOptions, Connection, PtyRequest, SessionChannel,
    SessionRequest,
};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use support::{Sshd, SshdOptions, test_user, user_keys};

const DEFAULT_RUNS: usize = 30;
/// Keeps a mistyped `TABSH_BENCH_RUNS` from occupying the machine for hours.
const MAX_RUNS: usize = 1000;
/// Far above any expected latency; only a broken setup gets near it.
const PROMPT_TIMEOUT: Duration = Duration::from_secs(10);
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// Lets sshd finish tearing down the previous session (its slot, its shell process) so that
/// cleanup of one sample does not slow down the next; never part of a measurement.
const SETTLE_PAUSE: Duration = Duration::from_millis(50);
/// High enough that neither the clones nor the multiplexed OpenSSH sessions are ever refused.
const MAX_SESSIONS: u32 = 100;
/// What tabsh (russh) ends up with against OpenSSH < 9.9, which lacks ML-KEM. OpenSSH's
/// own default there is sntrup761x25519, whose key generation costs tens of milliseconds, so
/// the like-for-like row keeps that cost out of the comparison.
const TABSH_KEX: &str = "curve25519-sha256";
/// dash, the test user's /bin/sh, prints `$ ` (`# ` for root) and then waits for input, so the
/// output so far ending in one of these means the shell is ready.
const PROMPT_ENDINGS: [&[u8]; 2] = [b"$ ", b"# "];

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it,
    // and a test run must not spend a minute measuring.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("clone_latency: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(MAX_SESSIONS),
        ..SshdOptions::default()
    });
    let setup = Setup {
        port: sshd.port(),
        known_hosts: sshd.write_known_hosts(),
        key: user_keys().ed25519.private.clone(),
        scratch: tempfile::Builder::new()
            .prefix("tabsh-bench-")
            .tempdir()
            .context("create a scratch dir")?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the tokio runtime")?;
    let samples = runtime.block_on(measure(&setup, runs));
    // Runtime first: its tasks hold connections to the sshd dropped after it.
    drop(runtime);
    drop(sshd);
    print_report(&samples?, runs);
    Ok(())
}

struct Setup {
    port: u16,
    known_hosts: PathBuf,
    key: PathBuf,
    /// Holds the ControlMaster socket; removed at drop.
    scratch: tempfile::TempDir,
}

impl Setup {
    fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            user: test_user().name.to_owned(),
            auth: vec![AuthMethod::Key],
            identity_file: Some(self.key.clone()),
            certificate_file: None,
            known_hosts: self.known_hosts.clone(),
            system_known_hosts: None,
            agent_socket: None,
            client_key: None,
            pinned_host_key: None,
            tcp_keepalive: TcpKeepalive::default(),
            anti_idle: false,
            connect_timeout: PROMPT_TIMEOUT,
        }
    }

    /// Options every `ssh` invocation shares: no user or system config, only the test key,
    /// only the bench's known_hosts, and never a question.
    fn ssh_common_args(&self) -> Vec<String> {
        vec![
            "-F".to_owned(),
            "/dev/null".to_owned(),
            "-i".to_owned(),
            self.key.display().to_string(),
            "-o".to_owned(),
            "IdentitiesOnly=yes".to_owned(),
            "-o".to_owned(),
            "BatchMode=yes".to_owned(),
            "-o".to_owned(),
            format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-o".to_owned(),
            "StrictHostKeyChecking=yes".to_owned(),
            "-p".to_owned(),
            self.port.to_string(),
        ]
    }

    fn destination(&self) -> String {
        format!("{}@127.0.0.1", test_user().name)
    }

    fn control_socket(&self) -> PathBuf {
        self.scratch.path().join("control.sock")
    }
}

#[derive(Default)]
struct Samples {
    tabsh_clone: Vec<Duration>,
    control_master: Vec<Duration>,
    openssh_fresh: Vec<Duration>,
    openssh_fresh_same_kex: Vec<Duration>,
    tabsh_fresh: Vec<Duration>,
}

/// A fresh tabsh connection to the bench sshd, authenticated.
async fn connect_tabsh(setup: &Setup) -> Result<Connection> {
    tokio::time::timeout(
        PROMPT_TIMEOUT,
        Connection::connect(&setup.connect_options(), Arc::new(BatchPrompter)),
    )
    .await
    .map_err(|_| anyhow!("tabsh did not connect within {PROMPT_TIMEOUT:?}"))?
    .context("tabsh connects to the bench sshd")
}

async fn measure(setup: &Setup, runs: usize) -> Result<Samples> {
    let connection = connect_tabsh(setup).await?;
    let master = ControlMaster::start(setup).await?;

    let mut samples = Samples::default();
    // Round 0 is a warm-up (first fork of sshd's session code, page cache, lazy init in
    // both clients) and is thrown away.
    for round in 0..=runs {
        let clone = time_tabsh_clone(&connection).await?;
        let multiplexed = time_openssh(setup, OpenSshMode::ControlMaster).await?;
        let fresh_openssh = time_openssh(setup, OpenSshMode::FreshLogin).await?;
        let fresh_openssh_same_kex =
            time_openssh(setup, OpenSshMode::FreshLoginWithTabshKex).await?;
        let fresh_tabsh = time_tabsh_fresh(setup).await?;
        if round > 0 {
            samples.tabsh_clone.push(clone);
            samples.control_master.push(multiplexed);
            samples.openssh_fresh.push(fresh_openssh);
            samples.openssh_fresh_same_kex.push(fresh_openssh_same_kex);
            samples.tabsh_fresh.push(fresh_tabsh);
        }
    }

    master.stop().await;
    connection.disconnect().await;
    Ok(samples)
}

fn pty_shell_request() -> SessionRequest {
    SessionRequest {
        pty: Some(PtyRequest {
            term: "xterm-256color".to_owned(),
            cols: 80,
            rows: 24,
        }),
        command: None,
    }
}

async fn time_tabsh_clone(connection: &Connection) -> Result<Duration> {
    let started = Instant::now();
    let mut session = connection
        .open_session(&pty_shell_request())
        .await
        .context("open a cloned session")?;
    wait_for_channel_prompt(&mut session).await?;
    let elapsed = started.elapsed();
    close_channel(session).await;
    tokio::time::sleep(SETTLE_PAUSE).await;
    Ok(elapsed)
}

async fn time_tabsh_fresh(setup: &Setup) -> Result<Duration> {
    let started = Instant::now();
    let connection = connect_tabsh(setup).await?;
    let mut session = connection
        .open_session(&pty_shell_request())
        .await
        .context("open a session on a fresh connection")?;
    wait_for_channel_prompt(&mut session).await?;
    let elapsed = started.elapsed();
    close_channel(session).await;
    connection.disconnect().await;
    tokio::time::sleep(SETTLE_PAUSE).await;
    Ok(elapsed)
}

async fn wait_for_channel_prompt(session: &mut SessionChannel) -> Result<()> {
    let deadline = tokio::time::Instant::now() + PROMPT_TIMEOUT;
    let mut seen = Vec::new();
    while !ends_with_prompt(&seen) {
        let event = tokio::time::timeout_at(deadline, session.events.recv())
            .await
            .map_err(|_| {
                anyhow!(
                    "no shell prompt within {PROMPT_TIMEOUT:?}; saw {:?}",
                    String::from_utf8_lossy(&seen)
                )
            })?;
        match event {
            Some(ChannelEvent::Data(bytes)) => seen.extend_from_slice(&bytes),
            Some(ChannelEvent::Closed) | None => bail!(
                "channel closed before the prompt; saw {:?}",
                String::from_utf8_lossy(&seen)
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Sends CLOSE and waits (bounded) for the server's CLOSE, so the slot is free again before
/// the next sample.
async fn close_channel(mut session: SessionChannel) {
    session.handle.close();
    let _ = tokio::time::timeout(TEARDOWN_TIMEOUT, async {
        while let Some(event) = session.events.recv().await {
            if event == ChannelEvent::Closed {
                break;
            }
        }
    })
    .await;
}

fn ends_with_prompt(output: &[u8]) -> bool {
    PROMPT_ENDINGS.iter().any(|ending| output.ends_with(ending))
}

#[derive(Clone, Copy)]
enum OpenSshMode {
    FreshLogin,
    FreshLoginWithTabshKex,
    ControlMaster,
}

async fn time_openssh(setup: &Setup, mode: OpenSshMode) -> Result<Duration> {
    let mut command = Command::new("ssh");
    command.arg("-tt");
    match mode {
        OpenSshMode::FreshLogin => {}
        OpenSshMode::FreshLoginWithTabshKex => {
            command.args(["-o", &format!("KexAlgorithms={TABSH_KEX}")]);
        }
        OpenSshMode::ControlMaster => {
            command.arg("-S").arg(setup.control_socket());
        }
    }
    command
        .args(setup.ssh_common_args())
        .arg(setup.destination())
        // A pipe that stays open: EOF on stdin would end the remote shell early.
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);

    let started = Instant::now();
    let mut child = command.spawn().context("spawn ssh")?;
    let prompt = wait_for_process_prompt(&mut child).await;
    let elapsed = started.elapsed();
    let stderr = finish(child).await;
    prompt.with_context(|| format!("ssh stderr: {}", stderr.trim()))?;
    tokio::time::sleep(SETTLE_PAUSE).await;
    Ok(elapsed)
}

async fn wait_for_process_prompt(child: &mut Child) -> Result<()> {
    let stdout = child.stdout.as_mut().context("ssh stdout is piped")?;
    let deadline = tokio::time::Instant::now() + PROMPT_TIMEOUT;
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !ends_with_prompt(&seen) {
        let read = tokio::time::timeout_at(deadline, stdout.read(&mut buffer))
            .await
            .map_err(|_| {
                anyhow!(
                    "no shell prompt within {PROMPT_TIMEOUT:?}; saw {:?}",
                    String::from_utf8_lossy(&seen)
                )
            })?
            .context("read ssh stdout")?;
        if read == 0 {
            bail!(
                "ssh exited before the prompt; saw {:?}",
                String::from_utf8_lossy(&seen)
            );
        }
        seen.extend_from_slice(&buffer[..read]);
    }
    Ok(())
}

/// Kills the ssh client, reaps it and returns what it wrote to stderr.
async fn finish(mut child: Child) -> String {
    let _ = child.start_kill();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = tokio::time::timeout(TEARDOWN_TIMEOUT, pipe.read_to_string(&mut stderr)).await;
    }
    let _ = tokio::time::timeout(TEARDOWN_TIMEOUT, child.wait()).await;
    stderr
}

/// An OpenSSH master connection. It runs in the foreground as our child (rather than
/// backgrounding itself with `-f`) so that dropping it kills it even when the bench fails;
/// `stop` still ends it the polite way with `-O exit`.
struct ControlMaster {
    process: Child,
    socket: PathBuf,
    common_args: Vec<String>,
    destination: String,
}

impl ControlMaster {
    async fn start(setup: &Setup) -> Result<ControlMaster> {
        let socket = setup.control_socket();
        let process = Command::new("ssh")
            .args(["-M", "-N", "-S"])
            .arg(&socket)
            .args(setup.ssh_common_args())
            .arg(setup.destination())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("spawn the ssh ControlMaster")?;
        let master = ControlMaster {
            process,
            socket,
            common_args: setup.ssh_common_args(),
            destination: setup.destination(),
        };
        let ready = support::wait_until_async(PROMPT_TIMEOUT, Duration::from_millis(20), || {
            master.answers_check()
        })
        .await;
        ensure!(
            ready,
            "the ssh ControlMaster did not come up within {PROMPT_TIMEOUT:?}"
        );
        Ok(master)
    }

    async fn answers_check(&self) -> bool {
        self.control_command("check").await
    }

    async fn control_command(&self, operation: &str) -> bool {
        let status = Command::new("ssh")
            .arg("-S")
            .arg(&self.socket)
            .args(["-O", operation])
            .args(&self.common_args)
            .arg(&self.destination)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .status();
        matches!(
            tokio::time::timeout(TEARDOWN_TIMEOUT, status).await,
            Ok(Ok(status)) if status.success()
        )
    }

    async fn stop(mut self) {
        self.control_command("exit").await;
        if tokio::time::timeout(TEARDOWN_TIMEOUT, self.process.wait())
            .await
            .is_err()
        {
            let _ = self.process.kill().await;
        }
    }
}

struct Summary {
    median: Duration,
    p90: Duration,
    min: Duration,
    max: Duration,
}

impl Summary {
    fn of(samples: &[Duration]) -> Summary {
        let mut sorted = samples.to_vec();
        sorted.sort();
        Summary {
            median: percentile(&sorted, 50),
            p90: percentile(&sorted, 90),
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        }
    }
}

/// Nearest-rank percentile of already sorted, non-empty samples.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn print_report(samples: &Samples, runs: usize) {
    let rows = [
        (
            "tabsh clone (same connection)",
            Summary::of(&samples.tabsh_clone),
        ),
        (
            "OpenSSH ControlMaster (`ssh -S`)",
            Summary::of(&samples.control_master),
        ),
        (
            "OpenSSH fresh login (`ssh`)",
            Summary::of(&samples.openssh_fresh),
        ),
        (
            "OpenSSH fresh login, tabsh's kex (`ssh -o KexAlgorithms=curve25519-sha256`)",
            Summary::of(&samples.openssh_fresh_same_kex),
        ),
        ("tabsh fresh connection", Summary::of(&samples.tabsh_fresh)),
    ];
    let [
        clone,
        control_master,
        openssh_fresh,
        openssh_fresh_same_kex,
        _,
    ] = &rows;

    println!();
    println!("## clone_latency");
    println!();
    for line in common::machine_info() {
        println!("- {line}");
    }
    println!("- {runs} measured rounds after 1 warm-up round; the cases are interleaved per round");
    println!(
        "- each sample: from asking for a session (pty + shell) until the shell prompt (`$ `) \
         is the last thing received"
    );
    println!();
    println!("| case | median ms | p90 ms | min ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for (name, summary) in &rows {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} |",
            milliseconds(summary.median),
            milliseconds(summary.p90),
            milliseconds(summary.min),
            milliseconds(summary.max),
        );
    }
    println!();
    println!("| ratio (medians) | value | target | |");
    println!("|---|---:|---:|---|");
    print_ratio(
        "clone / fresh OpenSSH login",
        &clone.1,
        &openssh_fresh.1,
        &[("target", 0.1), ("stretch", 0.05)],
    );
    print_ratio(
        "clone / fresh OpenSSH login with tabsh's kex",
        &clone.1,
        &openssh_fresh_same_kex.1,
        &[("target", 0.1), ("stretch", 0.05)],
    );
    print_ratio(
        "clone / OpenSSH ControlMaster",
        &clone.1,
        &control_master.1,
        &[("target", 1.0)],
    );
}

fn print_ratio(name: &str, numerator: &Summary, denominator: &Summary, goals: &[(&str, f64)]) {
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
