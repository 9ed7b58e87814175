//! Throughput of a local forward (`-L`) compared with OpenSSH's, in the same run.
//!
//! Run with `cargo bench --bench forward` (as root: the test bed creates the login user
//! `tabsh-test` and runs a private sshd on 127.0.0.1). `TABSH_BENCH_RUNS` sets the rounds
//! (default 5) and `TABSH_BENCH_FORWARD_BYTES` the bytes each transfer carries (default
//! 1 GiB). A source server on 127.0.0.1 writes that many bytes to whoever connects; each round
//! reads them through three paths, interleaved so a slow spell hurts them alike:
//!
//! - direct TCP to the source: the floor, what the machine does without SSH;
//! - `ssh -N -L` (OpenSSH's client), with the cipher tabsh negotiates;
//! - tabsh's forwards (`tabsh::forwarding`, the code the TUI runs), on their own connection.
//!
//! The report gives MB/s per path (median of the rounds) and tabsh / OpenSSH; the target is
//! at least 0.8.

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, ensure};
use tabsh::forwarding::{ForwardStatus, Forwards};
use tabsh::profiles::{AuthMethod, Forward, ForwardKind, TcpKeepalive};
use tabsh::ssh::{BatchPrompter, ConnectOptions, Connection, Route};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use support::{Sshd, SshdOptions, test_user, user_keys};

const DEFAULT_RUNS: usize = 5;
const MAX_RUNS: usize = 100;
const DEFAULT_BYTES: u64 = 1024 * 1024 * 1024;
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Far above any expected transfer time of a gigabyte; only a broken setup gets near it.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(600);
const CHUNK: usize = 256 * 1024;

fn main() -> Result<()> {
    // `cargo test --all-targets` runs this binary without `--bench`: no measuring then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("forward: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let bytes = bytes_from_env()?;
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("start the tokio runtime")?;
    let result = runtime.block_on(measure(sshd.port(), known_hosts, runs, bytes));
    drop(runtime);
    drop(sshd);
    let (samples, cipher) = result?;
    print_report(&samples, runs, bytes, &cipher);
    Ok(())
}

fn bytes_from_env() -> Result<u64> {
    let Ok(text) = std::env::var("TABSH_BENCH_FORWARD_BYTES") else {
        return Ok(DEFAULT_BYTES);
    };
    let bytes: u64 = text
        .trim()
        .parse()
        .with_context(|| format!("TABSH_BENCH_FORWARD_BYTES={text:?} is not a number"))?;
    ensure!(
        (1..=64 * DEFAULT_BYTES).contains(&bytes),
        "TABSH_BENCH_FORWARD_BYTES must be between 1 and 64 GiB"
    );
    Ok(bytes)
}

#[derive(Default)]
struct Samples {
    direct: Vec<f64>,
    openssh: Vec<f64>,
    tabsh: Vec<f64>,
}

fn options(port: u16, known_hosts: PathBuf) -> ConnectOptions {
    ConnectOptions {
        host: "127.0.0.1".to_owned(),
        port,
        user: test_user().name.to_owned(),
        auth: vec![AuthMethod::Key],
        identity_file: Some(user_keys().ed25519.private.clone()),
        certificate_file: None,
        known_hosts,
        system_known_hosts: None,
        agent_socket: None,
        client_key: None,
        pinned_host_key: None,
        tcp_keepalive: TcpKeepalive::default(),
        anti_idle: false,
        connect_timeout: START_TIMEOUT,
        route: Route::Direct,
        forward_agent: false,
    }
}

async fn measure(
    sshd_port: u16,
    known_hosts: PathBuf,
    runs: usize,
    bytes: u64,
) -> Result<(Samples, String)> {
    let source = start_source().await?;
    let options = options(sshd_port, known_hosts.clone());

    // The cipher tabsh negotiates, so OpenSSH is held to the same one.
    let probe = Connection::connect(&options, Arc::new(BatchPrompter)).await?;
    let cipher = probe.details().negotiated.cipher.clone();
    probe.disconnect().await;

    let tabsh_port = free_port().await?;
    let forwards = Forwards::start(
        options,
        Arc::new(BatchPrompter),
        &[Forward {
            kind: ForwardKind::Local,
            bind_address: "127.0.0.1".to_owned(),
            bind_port: tabsh_port,
            host: "127.0.0.1".to_owned(),
            port: source,
            enabled: true,
        }],
    );
    let stats = forwards.stats();
    let started = Instant::now();
    while !matches!(stats[0].status(), ForwardStatus::Listening(_)) {
        if let ForwardStatus::Failed(why) = stats[0].status() {
            return Err(anyhow!("tabsh's forward failed: {why}"));
        }
        ensure!(
            started.elapsed() < START_TIMEOUT,
            "tabsh's forward did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let openssh_port = free_port().await?;
    let mut ssh = tokio::process::Command::new("ssh")
        .args(["-F", "/dev/null", "-N", "-i"])
        .arg(&user_keys().ed25519.private)
        .args(["-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", known_hosts.display()))
        .args(["-o", "StrictHostKeyChecking=yes", "-o"])
        .arg(format!("Ciphers={cipher}"))
        .arg("-L")
        .arg(format!("127.0.0.1:{openssh_port}:127.0.0.1:{source}"))
        .args(["-p", &sshd_port.to_string()])
        .arg(format!("{}@127.0.0.1", test_user().name))
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("start ssh -L")?;
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", openssh_port))
        .await
        .is_err()
    {
        ensure!(started.elapsed() < START_TIMEOUT, "ssh -L did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut samples = Samples::default();
    // Round 0 warms up both clients and the page cache, and is thrown away.
    for round in 0..=runs {
        let direct = transfer(source, bytes).await?;
        let openssh = transfer(openssh_port, bytes).await?;
        let tabsh = transfer(tabsh_port, bytes).await?;
        if round > 0 {
            samples.direct.push(direct);
            samples.openssh.push(openssh);
            samples.tabsh.push(tabsh);
        }
    }
    let _ = ssh.kill().await;
    drop(forwards);
    Ok((samples, cipher))
}

/// A server on 127.0.0.1 that writes as many bytes as each client asks for (an 8-byte
/// request), then closes.
async fn start_source() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = stream.set_nodelay(true);
                let Ok(wanted) = stream.read_u64().await else {
                    return;
                };
                let chunk = vec![0x5a_u8; CHUNK];
                let mut left = wanted;
                while left > 0 {
                    let now = usize::try_from(left.min(CHUNK as u64)).unwrap_or(CHUNK);
                    if stream.write_all(&chunk[..now]).await.is_err() {
                        return;
                    }
                    left -= now as u64;
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    Ok(port)
}

/// MB/s of reading `bytes` from the source through `port`.
async fn transfer(port: u16, bytes: u64) -> Result<f64> {
    let run = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let _ = stream.set_nodelay(true);
        let started = Instant::now();
        stream.write_u64(bytes).await?;
        let mut buffer = vec![0u8; CHUNK];
        let mut received = 0u64;
        loop {
            let read = stream.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            received += read as u64;
        }
        let elapsed = started.elapsed();
        ensure!(
            received == bytes,
            "port {port}: {received} of {bytes} bytes arrived"
        );
        Ok(bytes as f64 / 1e6 / elapsed.as_secs_f64())
    };
    tokio::time::timeout(TRANSFER_TIMEOUT, run)
        .await
        .map_err(|_| anyhow!("a transfer through port {port} took over {TRANSFER_TIMEOUT:?}"))?
}

async fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?.port())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn print_report(samples: &Samples, runs: usize, bytes: u64, cipher: &str) {
    common::print_heading("forward");
    println!();
    println!("{bytes} bytes through -L, {runs} rounds (median MB/s), cipher {cipher}");
    println!();
    let direct = median(&samples.direct);
    let openssh = median(&samples.openssh);
    let tabsh = median(&samples.tabsh);
    println!("| path | MB/s | of direct TCP |");
    println!("|---|---|---|");
    for (name, rate) in [
        ("direct TCP (floor)", direct),
        ("ssh -N -L", openssh),
        ("tabsh forward", tabsh),
    ] {
        println!("| {name} | {rate:.0} | {:.2} |", rate / direct);
    }
    println!(
        "tabsh / OpenSSH: {:.2} (target >= 0.80)",
        if openssh > 0.0 { tabsh / openssh } else { 0.0 }
    );
}
