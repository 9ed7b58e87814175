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
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use tabsh::ssh::Connection;
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use common::ssh_target::{SshTarget, TABSH_KEX_OPTION};
use common::stats::{Summary, print_ratio, print_ratio_header, print_summary_table};
use common::tabsh_login::{
    PROMPT_TIMEOUT, SETTLE_PAUSE, TEARDOWN_TIMEOUT, close_channel, connect_tabsh, ends_with_prompt,
    open_shell_until_prompt, time_tabsh_fresh,
};
use support::{Sshd, SshdOptions, test_user, user_keys};

const DEFAULT_RUNS: usize = 30;
/// Keeps a mistyped `TABSH_BENCH_RUNS` from occupying the machine for hours.
const MAX_RUNS: usize = 1000;
/// High enough that neither the clones nor the multiplexed OpenSSH sessions are ever refused.
const MAX_SESSIONS: u32 = 100;

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
        target: SshTarget {
            port: sshd.port(),
            user: test_user().name.to_owned(),
            key: user_keys().ed25519.private.clone(),
            known_hosts: sshd.write_known_hosts(),
        },
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
    print_report(&samples?, runs)
}

struct Setup {
    target: SshTarget,
    /// Holds the ControlMaster socket; removed at drop.
    scratch: tempfile::TempDir,
}

impl Setup {
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

async fn measure(setup: &Setup, runs: usize) -> Result<Samples> {
    let connection = connect_tabsh(&setup.target).await?;
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
        let fresh_tabsh = time_tabsh_fresh(&setup.target).await?;
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

async fn time_tabsh_clone(connection: &Connection) -> Result<Duration> {
    let started = Instant::now();
    let session = open_shell_until_prompt(connection)
        .await
        .context("a cloned session")?;
    let elapsed = started.elapsed();
    close_channel(session).await;
    tokio::time::sleep(SETTLE_PAUSE).await;
    Ok(elapsed)
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
            command.args(TABSH_KEX_OPTION);
        }
        OpenSshMode::ControlMaster => {
            command.arg("-S").arg(setup.control_socket());
        }
    }
    command
        .args(setup.target.ssh_common_args())
        .arg(setup.target.destination())
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
            .args(setup.target.ssh_common_args())
            .arg(setup.target.destination())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("spawn the ssh ControlMaster")?;
        let master = ControlMaster {
            process,
            socket,
            common_args: setup.target.ssh_common_args(),
            destination: setup.target.destination(),
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

fn print_report(samples: &Samples, runs: usize) -> Result<()> {
    let summary = |samples: &[Duration]| Summary::of(samples).context("no samples");
    let clone = summary(&samples.tabsh_clone)?;
    let control_master = summary(&samples.control_master)?;
    let openssh_fresh = summary(&samples.openssh_fresh)?;
    let openssh_fresh_same_kex = summary(&samples.openssh_fresh_same_kex)?;
    let tabsh_fresh = summary(&samples.tabsh_fresh)?;

    common::print_heading("clone_latency");
    println!("- {runs} measured rounds after 1 warm-up round; the cases are interleaved per round");
    println!(
        "- each sample: from asking for a session (pty + shell) until the shell prompt (`$ `) \
         is the last thing received"
    );
    println!();
    print_summary_table(&[
        ("tabsh clone (same connection)", &clone),
        ("OpenSSH ControlMaster (`ssh -S`)", &control_master),
        ("OpenSSH fresh login (`ssh`)", &openssh_fresh),
        (
            "OpenSSH fresh login, tabsh's kex (`ssh -o KexAlgorithms=curve25519-sha256`)",
            &openssh_fresh_same_kex,
        ),
        ("tabsh fresh connection", &tabsh_fresh),
    ]);
    println!();
    print_ratio_header();
    print_ratio(
        "clone / fresh OpenSSH login",
        &clone,
        &openssh_fresh,
        &[("target", 0.1), ("stretch", 0.05)],
    );
    print_ratio(
        "clone / fresh OpenSSH login with tabsh's kex",
        &clone,
        &openssh_fresh_same_kex,
        &[("target", 0.1), ("stretch", 0.05)],
    );
    print_ratio(
        "clone / OpenSSH ControlMaster",
        &clone,
        &control_master,
        &[("target", 1.0)],
    );
    Ok(())
}
