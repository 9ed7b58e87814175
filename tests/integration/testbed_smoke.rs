//! Proves the test bed works, using the OpenSSH client (`/usr/bin/ssh`) and tools only, so a
//! failure here points at the harness and not at tabsh's own SSH client.

use std::fs;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::askpass::{use_askpass, write_askpass};
use crate::support::{
    Agent, Dropbear, DropbearOptions, ENCRYPTED_KEY_PASSPHRASE, HostKeyType, KeyPair, Sshd,
    SshdOptions, TEST_USER_NAME, test_user, user_keys, wait_until, wait_until_async,
};

const DESTINATION: &str = "tabsh-test@127.0.0.1";
/// For a login or a session start by the OpenSSH client, on a busy machine.
const LOGIN_WAIT: Duration = Duration::from_secs(30);

/// An `ssh` invocation isolated from the machine's ssh configuration, trusting exactly the
/// host keys in `known_hosts`.
fn ssh(port: u16, known_hosts: &Path) -> Command {
    let mut command = Command::new("ssh");
    command
        .args(["-F", "/dev/null", "-p", &port.to_string()])
        .args([
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
        ])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", known_hosts.display()))
        .args(["-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR"])
        .stdin(Stdio::null());
    command
}

/// `ssh` logging in with exactly one key file and nothing else.
fn ssh_with_key(port: u16, known_hosts: &Path, key: &Path) -> Command {
    let mut command = ssh(port, known_hosts);
    command
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
        ])
        .args(["-o", "PreferredAuthentications=publickey", "-i"])
        .arg(key);
    command
}

/// `ssh` answering password prompts of the given method from an askpass script.
fn ssh_with_password(port: u16, known_hosts: &Path, method: &str, askpass: &Path) -> Command {
    let mut command = ssh(port, known_hosts);
    command
        .args(["-o", "PubkeyAuthentication=no", "-o", "IdentityAgent=none"])
        .arg("-o")
        .arg(format!("PreferredAuthentications={method}"))
        .args(["-o", "NumberOfPasswordPrompts=1"]);
    use_askpass(&mut command, askpass);
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run the OpenSSH client")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn describe(output: &Output, server_log: &str) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}\nserver log:\n{server_log}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_says_hello(output: &Output, server_log: &str) {
    assert!(
        output.status.success() && stdout(output) == "hello\n",
        "expected `hello`: {}",
        describe(output, server_log)
    );
}

fn is_alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.starts_with(" Z"))
    })
}

/// Live processes whose command line is exactly `command` (arguments joined by spaces).
fn processes_running(command: &str) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| is_alive(pid))
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmdline| {
                let words: Vec<_> = cmdline
                    .split(|&byte| byte == 0)
                    .filter(|word| !word.is_empty())
                    .map(String::from_utf8_lossy)
                    .collect();
                words.join(" ") == command
            })
        })
        .collect()
}

#[test]
fn test_user_exists_with_a_real_shell_and_a_home() {
    let user = test_user();
    assert_eq!(user.name, TEST_USER_NAME);
    assert!(user.uid > 0);
    assert!(user.home.is_dir(), "{} is missing", user.home.display());
    let entry = run(Command::new("getent").args(["passwd", TEST_USER_NAME]));
    assert!(stdout(&entry).trim_end().ends_with("/bin/sh"));
}

#[test]
fn key_files_have_the_promised_formats() {
    let keys = user_keys();
    let head = |key: &KeyPair| fs::read_to_string(&key.private).expect("read a private key");
    assert!(head(&keys.rsa_pkcs8).starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(head(&keys.rsa).starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
    assert!(keys.rsa.public_line.starts_with("ssh-rsa "));
    assert!(keys.ecdsa.public_line.starts_with("ecdsa-sha2-nistp256 "));
    assert!(keys.ed25519.public_line.starts_with("ssh-ed25519 "));

    let derive_public = |passphrase: &str| {
        run(Command::new("ssh-keygen")
            .args(["-y", "-P", passphrase, "-f"])
            .arg(&keys.ed25519_encrypted.private))
    };
    assert!(
        !derive_public("").status.success(),
        "the encrypted key opened without passphrase"
    );
    let opened = derive_public(ENCRYPTED_KEY_PASSPHRASE);
    assert!(opened.status.success());
    assert!(
        keys.ed25519_encrypted
            .public_line
            .starts_with(stdout(&opened).trim())
    );

    let authorized = keys.authorized_keys_file();
    assert_eq!(authorized.lines().count(), 5);
    assert!(!authorized.contains(&keys.unauthorized.public_line));
}

#[test]
fn sshd_runs_a_command_for_a_key_and_verifies_its_host_key() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    assert!(sshd.known_hosts_line().ends_with(sshd.host_key_public()));
    assert!(sshd.host_key_public().starts_with("ssh-ed25519 AAAA"));

    let key = &user_keys().ed25519.private;
    let hello = run(ssh_with_key(sshd.port(), &known_hosts, key).args([DESTINATION, "echo hello"]));
    assert_says_hello(&hello, &sshd.log());

    let exit = run(ssh_with_key(sshd.port(), &known_hosts, key).args([DESTINATION, "exit 7"]));
    assert_eq!(
        exit.status.code(),
        Some(7),
        "{}",
        describe(&exit, &sshd.log())
    );

    let whoami = run(ssh_with_key(sshd.port(), &known_hosts, key).args([DESTINATION, "id -un"]));
    assert_eq!(stdout(&whoami), format!("{TEST_USER_NAME}\n"));
    assert!(sshd.log().contains("Accepted publickey for tabsh-test"));
}

#[test]
fn sshd_accepts_every_authorized_key_type() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let keys = user_keys();
    for key in [&keys.ed25519, &keys.rsa, &keys.rsa_pkcs8, &keys.ecdsa] {
        let output =
            run(ssh_with_key(sshd.port(), &known_hosts, &key.private)
                .args([DESTINATION, "echo hello"]));
        assert!(
            output.status.success(),
            "{} refused: {}",
            key.private.display(),
            describe(&output, &sshd.log())
        );
    }

    // The encrypted key needs its passphrase, which ssh reads through askpass (so not BatchMode).
    let askpass_dir = tempfile::tempdir().expect("temp dir");
    let askpass = write_askpass(askpass_dir.path(), ENCRYPTED_KEY_PASSPHRASE);
    let mut command = ssh(sshd.port(), &known_hosts);
    command
        .args(["-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none"])
        .args(["-o", "PreferredAuthentications=publickey", "-i"])
        .arg(&keys.ed25519_encrypted.private)
        .args([DESTINATION, "echo hello"]);
    use_askpass(&mut command, &askpass);
    assert_says_hello(&run(&mut command), &sshd.log());
}

#[test]
fn sshd_refuses_the_unauthorized_key() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let key = &user_keys().unauthorized.private;
    let output =
        run(ssh_with_key(sshd.port(), &known_hosts, key).args([DESTINATION, "echo hello"]));
    assert_eq!(
        output.status.code(),
        Some(255),
        "{}",
        describe(&output, &sshd.log())
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("Permission denied"));
    assert!(!stdout(&output).contains("hello"));
}

#[test]
fn ssh_rejects_a_server_whose_host_key_is_not_known() {
    let sshd = Sshd::start(SshdOptions::default());
    let other = Sshd::start(SshdOptions::default());
    let wrong_known_hosts = sshd.dir().join("wrong_known_hosts");
    let line = format!("[127.0.0.1]:{} {}\n", sshd.port(), other.host_key_public());
    fs::write(&wrong_known_hosts, line).expect("write known_hosts");
    let key = &user_keys().ed25519.private;
    let output =
        run(ssh_with_key(sshd.port(), &wrong_known_hosts, key).args([DESTINATION, "echo hello"]));
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("HOST IDENTIFICATION HAS CHANGED"),
        "{}",
        describe(&output, &sshd.log())
    );
}

#[test]
fn sshd_checks_the_password_through_pam_for_both_password_methods() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let askpass_dir = tempfile::tempdir().expect("temp dir");
    let right = write_askpass(askpass_dir.path(), test_user().password);
    for method in ["keyboard-interactive", "password"] {
        let output = run(ssh_with_password(sshd.port(), &known_hosts, method, &right)
            .args([DESTINATION, "echo hello"]));
        assert_says_hello(&output, &sshd.log());
    }
    assert!(
        sshd.log()
            .contains("Accepted keyboard-interactive/pam for tabsh-test")
    );
    assert!(sshd.log().contains("Accepted password for tabsh-test"));

    let wrong_dir = tempfile::tempdir().expect("temp dir");
    let wrong = write_askpass(wrong_dir.path(), "not-the-password");
    let output = run(
        ssh_with_password(sshd.port(), &known_hosts, "keyboard-interactive", &wrong)
            .args([DESTINATION, "echo hello"]),
    );
    assert_eq!(
        output.status.code(),
        Some(255),
        "{}",
        describe(&output, &sshd.log())
    );
}

#[test]
fn sshd_options_reach_the_config_and_can_turn_passwords_off() {
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(1),
        password: false,
        kbd_interactive: false,
        client_alive: Some((5, 2)),
        extra: vec!["Banner none".to_owned()],
        ..SshdOptions::default()
    });
    let config = fs::read_to_string(sshd.config_path()).expect("read sshd_config");
    for line in [
        "MaxSessions 1",
        "ClientAliveInterval 5",
        "ClientAliveCountMax 2",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "Banner none",
        "UsePAM yes",
        "AllowUsers tabsh-test",
    ] {
        assert!(
            config.lines().any(|l| l == line),
            "`{line}` missing from:\n{config}"
        );
    }
    assert!(is_alive(sshd.pid()));

    let known_hosts = sshd.write_known_hosts();
    let askpass_dir = tempfile::tempdir().expect("temp dir");
    let askpass = write_askpass(askpass_dir.path(), test_user().password);
    let output =
        run(
            ssh_with_password(sshd.port(), &known_hosts, "keyboard-interactive", &askpass)
                .args([DESTINATION, "echo hello"]),
        );
    assert_eq!(
        output.status.code(),
        Some(255),
        "{}",
        describe(&output, &sshd.log())
    );
}

/// Kills a spawned client when the test ends, even by panic.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sshd_max_sessions_refuses_a_second_session_on_one_connection() {
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(1),
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let key = &user_keys().ed25519.private;
    let control_dir = tempfile::tempdir().expect("temp dir");
    let control_path = control_dir.path().join("control");
    let multiplexed = || {
        let mut command = ssh_with_key(sshd.port(), &known_hosts, key);
        command
            .arg("-o")
            .arg(format!("ControlPath={}", control_path.display()));
        command
    };

    // One connection (the master, which opens no session itself) shared by two sessions.
    let _master = KillOnDrop(
        multiplexed()
            .args(["-o", "ControlMaster=yes", "-N", DESTINATION])
            .spawn()
            .expect("spawn the ssh master"),
    );
    let connected = wait_until(LOGIN_WAIT, Duration::from_millis(50), || {
        control_path.exists()
    });
    assert!(connected, "the ssh master never connected:\n{}", sshd.log());
    let _first = KillOnDrop(
        multiplexed()
            .args(["-o", "ControlMaster=no", DESTINATION, "sleep 30"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the first session"),
    );
    let log_path = sshd.log_path().to_owned();
    let first_open = wait_until(LOGIN_WAIT, Duration::from_millis(50), || {
        fs::read_to_string(&log_path).is_ok_and(|log| log.contains("Starting session"))
    });
    assert!(
        first_open,
        "the first session never started:\n{}",
        sshd.log()
    );

    // ssh then falls back to a connection of its own, so only the refusal itself is checked.
    let second = run(multiplexed().args(["-o", "ControlMaster=no", DESTINATION, "true"]));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("Session open refused by peer"),
        "{}",
        describe(&second, &sshd.log())
    );
    assert!(sshd.log().contains("no more sessions"), "{}", sshd.log());
}

#[test]
fn a_panicking_test_still_stops_its_servers() {
    let mut seen = None;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let sshd = Sshd::start(SshdOptions::default());
        let dropbear = Dropbear::start(DropbearOptions::default());
        let agent = Agent::start();
        seen = Some([
            (sshd.pid(), sshd.dir().to_owned()),
            (dropbear.pid(), dropbear.dir().to_owned()),
            (agent.pid(), agent.sock().to_owned()),
        ]);
        panic!("deliberate panic with servers running");
    }));
    assert!(outcome.is_err());
    for (pid, path) in seen.expect("servers started before the panic") {
        assert!(!is_alive(pid), "process {pid} survived the panic");
        assert!(!path.exists(), "{} survived the panic", path.display());
    }
}

#[test]
fn sshd_can_use_an_rsa_host_key() {
    let sshd = Sshd::start(SshdOptions {
        host_key_type: HostKeyType::Rsa,
        ..SshdOptions::default()
    });
    assert!(sshd.host_key_public().starts_with("ssh-rsa AAAA"));
    let known_hosts = sshd.write_known_hosts();
    let key = &user_keys().ed25519.private;
    let output =
        run(ssh_with_key(sshd.port(), &known_hosts, key).args([DESTINATION, "echo hello"]));
    assert_says_hello(&output, &sshd.log());
}

#[test]
fn dropping_sshd_ends_open_sessions_and_removes_its_files() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let copied_known_hosts = tempfile::NamedTempFile::new().expect("temp file");
    fs::copy(&known_hosts, copied_known_hosts.path()).expect("copy known_hosts");
    let key = &user_keys().ed25519.private;
    // A sleep with a duration unique to this server, so we can find exactly its process.
    let remote_sleep = format!("sleep 59.{}", sshd.port());
    let mut session = ssh_with_key(sshd.port(), copied_known_hosts.path(), key)
        .args([DESTINATION, &remote_sleep])
        .stdout(Stdio::null())
        // It prints "Connection ... closed by remote host" when the server goes away.
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ssh");
    let started = wait_until(LOGIN_WAIT, Duration::from_millis(50), || {
        !processes_running(&remote_sleep).is_empty()
    });
    assert!(started, "the remote sleep never started:\n{}", sshd.log());

    let (pid, port, dir) = (sshd.pid(), sshd.port(), sshd.dir().to_owned());
    let began = Instant::now();
    drop(sshd);
    assert!(began.elapsed() < Duration::from_secs(10));
    assert!(!is_alive(pid), "sshd {pid} survived its drop");
    assert!(!dir.exists(), "{} survived the drop", dir.display());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    let survivors = processes_running(&remote_sleep);
    assert!(
        survivors.is_empty(),
        "{remote_sleep} survived as {survivors:?}"
    );

    let client_ended = wait_until(Duration::from_secs(10), Duration::from_millis(50), || {
        matches!(session.try_wait(), Ok(Some(_)))
    });
    if !client_ended {
        let _ = session.kill();
    }
    let _ = session.wait();
    assert!(client_ended, "the ssh session outlived sshd's drop");
}

#[test]
fn dropping_a_server_ends_sessions_that_lost_their_connection() {
    let sshd = Sshd::start(SshdOptions::default());
    let dropbear = Dropbear::start(DropbearOptions::default());
    let key = &user_keys().ed25519.private;
    let mut remote_sleeps = Vec::new();
    for (port, known_hosts) in [
        (sshd.port(), sshd.write_known_hosts()),
        (dropbear.port(), dropbear.write_known_hosts()),
    ] {
        // Without a pty the remote command keeps running after its client is gone.
        let remote_sleep = format!("sleep 58.{port}");
        let mut client = KillOnDrop(
            ssh_with_key(port, &known_hosts, key)
                .args([DESTINATION, &remote_sleep])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn ssh"),
        );
        let started = wait_until(LOGIN_WAIT, Duration::from_millis(50), || {
            !processes_running(&remote_sleep).is_empty()
        });
        assert!(started, "{remote_sleep} never started");
        let _ = client.0.kill();
        let _ = client.0.wait();
        remote_sleeps.push(remote_sleep);
    }
    drop(sshd);
    drop(dropbear);
    for remote_sleep in remote_sleeps {
        let survivors = processes_running(&remote_sleep);
        assert!(
            survivors.is_empty(),
            "{remote_sleep} survived as {survivors:?}"
        );
    }
}

#[test]
fn agent_serves_added_keys_to_ssh() {
    let keys = user_keys();
    let agent = Agent::start();
    assert!(agent.list().contains("no identities") || agent.list().is_empty());
    agent.add(&keys.ed25519.private);
    agent.add_with_passphrase(&keys.ed25519_encrypted.private, ENCRYPTED_KEY_PASSPHRASE);
    let listed = agent.list();
    assert_eq!(listed.lines().count(), 2, "ssh-add -l said:\n{listed}");
    assert!(listed.contains("tabsh-test-ed25519 (ED25519)"), "{listed}");
    assert!(
        listed.contains("tabsh-test-ed25519_encrypted (ED25519)"),
        "{listed}"
    );

    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let output = run(ssh(sshd.port(), &known_hosts)
        .args([
            "-o",
            "BatchMode=yes",
            "-o",
            "PreferredAuthentications=publickey",
        ])
        .args(["-o", "IdentityFile=none"])
        .arg("-o")
        .arg(format!("IdentityAgent={}", agent.sock().display()))
        .args([DESTINATION, "echo hello"]));
    assert_says_hello(&output, &sshd.log());

    let (pid, sock) = (agent.pid(), agent.sock().to_owned());
    drop(agent);
    assert!(!is_alive(pid));
    assert!(!sock.exists());
}

#[test]
fn dropbear_runs_a_command_for_a_key_and_a_password() {
    let dropbear = Dropbear::start(DropbearOptions::default());
    let known_hosts = dropbear.write_known_hosts();
    assert!(dropbear.host_key_public().starts_with("ssh-ed25519 AAAA"));

    let key = &user_keys().ecdsa.private;
    let hello =
        run(ssh_with_key(dropbear.port(), &known_hosts, key).args([DESTINATION, "echo hello"]));
    assert_says_hello(&hello, &dropbear.log());
    let exit = run(ssh_with_key(dropbear.port(), &known_hosts, key).args([DESTINATION, "exit 3"]));
    assert_eq!(
        exit.status.code(),
        Some(3),
        "{}",
        describe(&exit, &dropbear.log())
    );

    let askpass_dir = tempfile::tempdir().expect("temp dir");
    let askpass = write_askpass(askpass_dir.path(), test_user().password);
    let by_password = run(
        ssh_with_password(dropbear.port(), &known_hosts, "password", &askpass)
            .args([DESTINATION, "echo hello"]),
    );
    assert_says_hello(&by_password, &dropbear.log());

    let unauthorized = &user_keys().unauthorized.private;
    let refused =
        run(ssh_with_key(dropbear.port(), &known_hosts, unauthorized).args([DESTINATION, "true"]));
    assert_eq!(
        refused.status.code(),
        Some(255),
        "{}",
        describe(&refused, &dropbear.log())
    );

    let (pid, dir) = (dropbear.pid(), dropbear.dir().to_owned());
    drop(dropbear);
    assert!(!is_alive(pid));
    assert!(!dir.exists());
}

#[test]
fn dropbear_can_use_an_rsa_host_key() {
    let dropbear = Dropbear::start(DropbearOptions {
        host_key_type: HostKeyType::Rsa,
        ..DropbearOptions::default()
    });
    assert!(dropbear.host_key_public().starts_with("ssh-rsa AAAA"));
    let known_hosts = dropbear.write_known_hosts();
    let key = &user_keys().rsa.private;
    let output =
        run(ssh_with_key(dropbear.port(), &known_hosts, key).args([DESTINATION, "echo hello"]));
    assert_says_hello(&output, &dropbear.log());
}

#[test]
fn wait_helpers_give_up_on_time() {
    let began = Instant::now();
    assert!(!wait_until(
        Duration::from_millis(200),
        Duration::from_millis(20),
        || false
    ));
    assert!(began.elapsed() < Duration::from_secs(2));
    let mut calls = 0;
    assert!(wait_until(Duration::from_secs(1), Duration::ZERO, || {
        calls += 1;
        calls == 3
    }));
}

#[tokio::test]
async fn async_wait_helper_gives_up_on_time() {
    let began = Instant::now();
    let gave_up = !wait_until_async(
        Duration::from_millis(200),
        Duration::from_millis(20),
        || async { false },
    )
    .await;
    assert!(gave_up);
    assert!(began.elapsed() < Duration::from_secs(2));
    assert!(
        wait_until_async(
            Duration::from_secs(1),
            Duration::from_millis(10),
            || async { true }
        )
        .await
    );
}
