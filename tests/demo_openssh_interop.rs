//! The demo server must also work with the stock OpenSSH client, which is what
//! a person would point at it. The test command installs openssh-client; without it this
//! test fails rather than pretending to pass.

// Test code: a failed unwrap is a failed test, with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use russh::keys::PublicKey;
use tabsh::demo::{DemoConfig, DemoServer};
use tokio::process::Command;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(30);

fn require_openssh() {
    for tool in ["/usr/bin/ssh", "/usr/bin/ssh-keygen"] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: install openssh-client (scripts/test.sh does)"
        );
    }
}

async fn run(command: &mut Command) -> Output {
    timeout(WAIT, command.kill_on_drop(true).output())
        .await
        .expect("finished in time")
        .expect("ran")
}

/// Generates a client key with ssh-keygen and trusts the server's host key.
async fn openssh_setup(dir: &Path) -> PublicKey {
    let key = dir.join("id_ed25519");
    let made = run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key))
    .await;
    assert!(made.status.success(), "{made:?}");
    let public = std::fs::read_to_string(dir.join("id_ed25519.pub")).expect("public key");
    PublicKey::from_openssh(public.trim()).expect("parses")
}

fn ssh(dir: &Path, server: &DemoServer) -> Command {
    let known_hosts = dir.join("known_hosts");
    let host_key = server
        .host_public_key()
        .to_openssh()
        .expect("host key encodes");
    std::fs::write(
        &known_hosts,
        format!("[127.0.0.1]:{} {host_key}\n", server.port()),
    )
    .expect("known_hosts written");
    let mut command = Command::new("ssh");
    command
        .args([
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
        ])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", known_hosts.display()))
        .arg("-i")
        .arg(dir.join("id_ed25519"))
        .args(["-p", &server.port().to_string(), "tester@127.0.0.1"]);
    command
}

#[tokio::test]
async fn openssh_client_runs_commands_and_gets_a_sized_pty() {
    require_openssh();
    let dir = tempfile::tempdir().expect("tempdir");
    let client_key = openssh_setup(dir.path()).await;
    let server = DemoServer::start(DemoConfig {
        shell: Some("/bin/sh".into()),
        ..DemoConfig::with_authorized_key(client_key)
    })
    .await
    .expect("starts");

    let plain = run(ssh(dir.path(), &server).arg("echo hi; echo err >&2; exit 3")).await;
    assert_eq!(String::from_utf8_lossy(&plain.stdout), "hi\n");
    assert!(String::from_utf8_lossy(&plain.stderr).contains("err"));
    assert_eq!(plain.status.code(), Some(3));

    // -tt forces a pty without a local terminal; its size then comes from the
    // remote default, so only check that a pty is there and reports a size.
    let tty = run(ssh(dir.path(), &server).args(["-tt", "tty; stty size"])).await;
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(shown.contains("/dev/pts/"), "{tty:?}");
    assert_eq!(tty.status.code(), Some(0), "{tty:?}");

    server.shutdown().await;
}
