//! Host key trust against a real sshd with several host keys and a host certificate: the
//! algorithms recorded in known_hosts are asked for first, the system-wide known_hosts is read
//! too, and `@cert-authority` lines decide which host certificates are trusted.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use tabsh::profiles::AuthMethod;
use tabsh::ssh::{BatchPrompter, ConnectOptions, Connection, SshError};

use crate::support::{Sshd, SshdOptions, user_keys};

/// `ssh-keygen -t KIND` into `dir/name`, returning the private key's path and the public line
/// without its comment.
fn keygen(dir: &Path, name: &str, kind: &[&str]) -> (PathBuf, String) {
    let private = dir.join(name);
    let status = Command::new("ssh-keygen")
        .args(kind)
        .args(["-q", "-N", "", "-C", "test", "-f"])
        .arg(&private)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen {kind:?}");
    let public =
        std::fs::read_to_string(format!("{}.pub", private.display())).expect("public key written");
    let line = public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    (private, line)
}

/// Signs `key`'s public half as a host certificate for `principal` with `ca`; returns the
/// certificate's path (`KEY-cert.pub`).
fn sign_host_key(ca: &Path, key: &Path, principal: &str) -> PathBuf {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-s"])
        .arg(ca)
        .args(["-h", "-I", "tabsh-test-host", "-n", principal])
        .arg(format!("{}.pub", key.display()))
        .status()
        .expect("ssh-keygen -s runs");
    assert!(status.success(), "signing the host key");
    PathBuf::from(format!("{}-cert.pub", key.display()))
}

fn options(sshd: &Sshd, known_hosts: &Path, system: Option<&Path>) -> ConnectOptions {
    let mut options = crate::ssh_client::options(
        sshd.port(),
        known_hosts,
        &[AuthMethod::Key],
        Some(&user_keys().ed25519.private),
    );
    options.system_known_hosts = system.map(Path::to_owned);
    options
}

async fn connect(options: &ConnectOptions) -> Result<Connection, SshError> {
    tokio::time::timeout(
        std::time::Duration::from_secs(20),
        Connection::connect(options, Arc::new(BatchPrompter)),
    )
    .await
    .expect("connect finishes within the time limit")
}

/// A sshd with its own Ed25519 host key plus the extra keys (and certificates) given.
fn sshd_with(extra: Vec<String>) -> Sshd {
    Sshd::start(SshdOptions {
        extra,
        ..SshdOptions::default()
    })
}

#[tokio::test]
async fn a_host_recorded_with_its_ecdsa_or_rsa_key_is_asked_for_that_key() {
    let keys = tempfile::tempdir().unwrap();
    let (ecdsa, ecdsa_line) = keygen(keys.path(), "ecdsa", &["-t", "ecdsa", "-b", "256"]);
    let (rsa, rsa_line) = keygen(keys.path(), "rsa", &["-t", "rsa", "-b", "2048"]);
    let sshd = sshd_with(vec![
        format!("HostKey {}", ecdsa.display()),
        format!("HostKey {}", rsa.display()),
    ]);
    for line in [ecdsa_line, rsa_line] {
        // Only this key is on record: asked for Ed25519 first, the server would show that one
        // and batch mode would refuse it as unknown.
        let known = keys.path().join("known_hosts");
        std::fs::write(&known, format!("[127.0.0.1]:{} {line}\n", sshd.port())).unwrap();
        let connection = connect(&options(&sshd, &known, None))
            .await
            .unwrap_or_else(|error| panic!("{line}: {error}"));
        connection.disconnect().await;
    }
}

#[tokio::test]
async fn the_system_known_hosts_is_trusted_and_named_when_a_key_changed() {
    let sshd = Sshd::start(SshdOptions::default());
    let other = Sshd::start(SshdOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let user_file = dir.path().join("known_hosts");
    let system_file = dir.path().join("ssh_known_hosts");
    std::fs::write(&system_file, sshd.known_hosts_line() + "\n").unwrap();

    let connection = connect(&options(&sshd, &user_file, Some(&system_file)))
        .await
        .expect("the system file vouches for the key");
    connection.disconnect().await;
    assert!(!user_file.exists(), "nothing was asked or saved");

    std::fs::write(
        &system_file,
        format!("[127.0.0.1]:{} {}\n", sshd.port(), other.host_key_public()),
    )
    .unwrap();
    let error = connect(&options(&sshd, &user_file, Some(&system_file)))
        .await
        .expect_err("a changed key is refused");
    let text = error.to_string();
    assert!(text.contains("HOST KEY CHANGED"), "{text}");
    assert!(
        text.contains(&format!("{}:1", system_file.display())),
        "{text}"
    );
}

#[tokio::test]
async fn a_host_certificate_is_trusted_only_through_its_authority() {
    let keys = tempfile::tempdir().unwrap();
    let (ca, ca_line) = keygen(keys.path(), "ca", &["-t", "ed25519"]);
    let (_other_ca, other_ca_line) = keygen(keys.path(), "other_ca", &["-t", "ed25519"]);
    let (host_key, _) = keygen(keys.path(), "host_ecdsa", &["-t", "ecdsa", "-b", "256"]);
    let certificate = sign_host_key(&ca, &host_key, "127.0.0.1");
    let sshd = sshd_with(vec![
        format!("HostKey {}", host_key.display()),
        format!("HostCertificate {}", certificate.display()),
    ]);
    let known = keys.path().join("known_hosts");
    let authority = |line: &str| format!("@cert-authority [127.0.0.1]:{} {line}\n", sshd.port());

    // Trusted through the listed authority, with no host key on record at all.
    std::fs::write(&known, authority(&ca_line)).unwrap();
    let connection = connect(&options(&sshd, &known, None))
        .await
        .expect("the certificate is trusted");
    connection.disconnect().await;

    // Another authority listed for the host: refused, not asked about.
    std::fs::write(&known, authority(&other_ca_line)).unwrap();
    let error = connect(&options(&sshd, &known, None))
        .await
        .expect_err("a certificate from an unlisted authority is refused");
    let text = error.to_string();
    assert!(
        text.contains("not a certificate authority for this host"),
        "{text}"
    );
}

#[tokio::test]
async fn a_host_certificate_for_another_name_is_refused() {
    let keys = tempfile::tempdir().unwrap();
    let (ca, ca_line) = keygen(keys.path(), "ca", &["-t", "ed25519"]);
    let (host_key, _) = keygen(keys.path(), "host_ecdsa", &["-t", "ecdsa", "-b", "256"]);
    let certificate = sign_host_key(&ca, &host_key, "db.example");
    let sshd = sshd_with(vec![
        format!("HostKey {}", host_key.display()),
        format!("HostCertificate {}", certificate.display()),
    ]);
    let known = keys.path().join("known_hosts");
    std::fs::write(
        &known,
        format!("@cert-authority [127.0.0.1]:{} {ca_line}\n", sshd.port()),
    )
    .unwrap();
    let error = connect(&options(&sshd, &known, None))
        .await
        .expect_err("the certificate names another host");
    let text = error.to_string();
    assert!(text.contains("do not include 127.0.0.1"), "{text}");
}
