//! The network lab (client ↔ stateful-firewall router ↔ server in network namespaces) and
//! what it proves without any anti-idle: the firewall forgets idle connections, and a
//! session across it then silently stops answering.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::support::netlab::{NetLab, NetLabOptions, ROUTER_SERVER_SIDE_ADDR, try_connect};
use crate::support::{Sshd, SshdOptions, TEST_USER_NAME, Tmux, user_keys, wait_until};

pub const WAIT: Duration = Duration::from_secs(20);
/// Short, so that waiting for the firewall to forget a connection keeps the tests quick.
pub const CONNTRACK_TIMEOUT_SECS: u32 = 5;
/// How long typed input must stay unanswered for the session to count as dead.
const DEAD_FOR: Duration = Duration::from_secs(5);

/// OpenSSH client arguments (after the program name) for a key login to the lab's sshd,
/// isolated from the machine's ssh configuration and agent.
fn openssh_args(lab: &NetLab, sshd: &Sshd, known_hosts: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "-F",
        "/dev/null",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "GlobalKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "PreferredAuthentications=publickey",
        "-o",
        "ConnectTimeout=10",
        "-o",
        "LogLevel=ERROR",
    ]
    .map(str::to_owned)
    .into();
    args.push("-o".to_owned());
    args.push(format!("UserKnownHostsFile={}", known_hosts.display()));
    args.push("-i".to_owned());
    args.push(user_keys().ed25519.private.display().to_string());
    args.push("-p".to_owned());
    args.push(sshd.port().to_string());
    args.push(format!("{TEST_USER_NAME}@{}", lab.server_addr()));
    args
}

fn openssh_in_client(lab: &NetLab, sshd: &Sshd, remote_command: &str) -> std::process::Output {
    let known_hosts = sshd.write_known_hosts();
    lab.client_command("ssh")
        .args(openssh_args(lab, sshd, &known_hosts))
        .arg(remote_command)
        .stdin(Stdio::null())
        .output()
        .expect("run ssh in the client namespace")
}

/// A profile `lab` for the lab's sshd with every anti-idle mode off; returns the config dir.
/// A config dir with one profile `lab` for the lab's sshd; `anti_idle` is the profile's
/// anti-idle TOML.
pub fn lab_profile(lab: &NetLab, sshd: &Sshd, anti_idle: &str) -> tempfile::TempDir {
    let config = tempfile::tempdir().unwrap();
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("lab.toml"),
        format!(
            "name = \"lab\"\nhost = \"{}\"\nport = {}\nuser = \"{TEST_USER_NAME}\"\nauth = [\"key\"]\n\
             identity_file = \"{}\"\nknown_hosts_file = \"{}\"\n\n{anti_idle}",
            lab.server_addr(),
            sshd.port(),
            user_keys().ed25519.private.display(),
            sshd.write_known_hosts().display()
        ),
    )
    .unwrap();
    config
}

fn profile_without_anti_idle(lab: &NetLab, sshd: &Sshd) -> tempfile::TempDir {
    lab_profile(
        lab,
        sshd,
        "[anti_idle]\nenabled = false\n[anti_idle.noop]\nenabled = false\n\
         [anti_idle.keepalive]\nenabled = false\n[anti_idle.tcp]\nenabled = false\n",
    )
}

pub fn idle_lab() -> NetLab {
    NetLab::start_with(NetLabOptions {
        established_timeout_secs: CONNTRACK_TIMEOUT_SECS,
        ..NetLabOptions::default()
    })
}

/// The router's conntrack line for connections to `port`, if it still tracks one.
pub fn tracked_flow(lab: &NetLab, port: u16) -> Option<String> {
    let wanted = format!("dport={port} ");
    lab.conntrack_entries()
        .lines()
        .find(|line| line.contains(&wanted))
        .map(str::to_owned)
}

/// With a shell prompt answering in `terminal`: lets the connection idle until the firewall
/// has forgotten it, then checks that typed input is never answered.
fn assert_idle_session_dies(lab: &NetLab, sshd: &Sshd, terminal: &Tmux) {
    terminal.type_text("echo before-$((1+1))");
    terminal.press(&["Enter"]);
    terminal.wait_for("before-2", WAIT);
    assert!(
        tracked_flow(lab, sshd.port()).is_some(),
        "the firewall tracks the live session:\n{}",
        lab.conntrack_entries()
    );

    // Polling the table rather than sleeping a fixed time: it is quicker, and a refresh by
    // unexpected traffic shows up as a clear failure instead of a flaky one.
    let forgotten = wait_until(
        Duration::from_secs(u64::from(CONNTRACK_TIMEOUT_SECS) + 5),
        Duration::from_millis(200),
        || tracked_flow(lab, sshd.port()).is_none(),
    );
    assert!(
        forgotten,
        "an idle session should be forgotten after {CONNTRACK_TIMEOUT_SECS} s; conntrack:\n{}",
        lab.conntrack_entries()
    );

    terminal.type_text("echo after-$((1+1))");
    terminal.press(&["Enter"]);
    let mut screen = String::new();
    let answered = wait_until(DEAD_FOR, Duration::from_millis(100), || {
        screen = terminal.screen();
        screen.contains("after-2")
    });
    assert!(
        !answered,
        "input after the firewall forgot the connection was answered; screen:\n{screen}\nconntrack:\n{}",
        lab.conntrack_entries()
    );
    assert!(
        tracked_flow(lab, sshd.port()).is_none(),
        "the dead flow's packets must not be adopted as a new flow:\n{}",
        lab.conntrack_entries()
    );

    // Only the idle connection died: a new one is let through as before.
    let fresh = openssh_in_client(lab, sshd, "echo fresh");
    assert_eq!(
        String::from_utf8_lossy(&fresh.stdout),
        "fresh\n",
        "stderr: {}",
        String::from_utf8_lossy(&fresh.stderr)
    );
}

#[test]
fn lab_forwards_ssh_and_its_firewall_drops_everything_else() {
    let lab = NetLab::start();
    let sshd = lab.start_sshd(SshdOptions::default());

    let output = openssh_in_client(&lab, &sshd, "echo ok; echo $SSH_CONNECTION");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("ok\n"),
        "status {:?}\nstdout: {stdout}\nstderr: {}\nsshd log:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
        sshd.log()
    );
    // The router masquerades: the server sees the router, not the client.
    assert!(
        stdout.contains(&format!("{ROUTER_SERVER_SIDE_ADDR} ")),
        "{stdout}"
    );

    // A listening port the firewall was not told about: the server itself reaches it...
    let listener = lab.run_in_server(|| TcpListener::bind((lab.server_addr(), 0)).unwrap());
    let other = SocketAddr::new(lab.server_addr(), listener.local_addr().unwrap().port());
    lab.run_in_server(|| try_connect(other, Duration::from_secs(2)))
        .expect("the server reaches its own listener");
    // ...the client does not, and is not told so: the SYN is dropped, not refused.
    let error = lab
        .run_in_client(|| try_connect(other, Duration::from_millis(700)))
        .expect_err("the firewall must drop connections to other ports");
    assert_eq!(
        error.kind(),
        ErrorKind::TimedOut,
        "{error}\n{}",
        lab.firewall_rules()
    );
}

#[test]
fn without_anti_idle_an_idle_session_dies_behind_the_firewall() {
    let lab = idle_lab();
    let sshd = lab.start_sshd(SshdOptions::default());
    let config = profile_without_anti_idle(&lab, &sshd);
    let tmux = lab.tabsh_in_tmux(config.path(), "open lab", 100, 30);
    tmux.wait_for("1 session", WAIT);
    assert_idle_session_dies(&lab, &sshd, &tmux);
}

#[test]
fn without_server_alive_an_idle_openssh_session_dies_behind_the_firewall() {
    let lab = idle_lab();
    let sshd = lab.start_sshd(SshdOptions::default());
    // OpenSSH's own TCPKeepAlive waits two hours (the kernel default) before its first probe.
    let tmux = openssh_in_tmux(&lab, &sshd, &[]);
    assert_idle_session_dies(&lab, &sshd, &tmux);
}

#[test]
fn a_blackhole_stalls_a_session_and_restoring_the_path_heals_it() {
    // The firewall remembers the flow far longer than the test runs, so a restore that comes
    // late on a busy machine still finds it (forgetting idle flows is proven elsewhere).
    let lab = NetLab::start_with(NetLabOptions {
        established_timeout_secs: 120,
        ..NetLabOptions::default()
    });
    let sshd = lab.start_sshd(SshdOptions::default());
    let tmux = openssh_in_tmux(&lab, &sshd, &[]);

    lab.blackhole();
    tmux.type_text("echo through-$((3+3))");
    tmux.press(&["Enter"]);
    let mut screen = String::new();
    let answered = wait_until(Duration::from_secs(2), Duration::from_millis(100), || {
        screen = tmux.screen();
        screen.contains("through-6")
    });
    assert!(!answered, "answered through the blackhole:\n{screen}");

    // Well within the conntrack timeout: TCP's retransmission gets through afterwards.
    lab.restore();
    tmux.wait_for("through-6", WAIT);
}

#[test]
fn openssh_server_alive_notices_a_frozen_server() {
    let lab = NetLab::start();
    let sshd = lab.start_sshd(SshdOptions::default());
    let tmux = openssh_in_tmux(
        &lab,
        &sshd,
        &[
            "-o",
            "ServerAliveInterval=1",
            "-o",
            "ServerAliveCountMax=2",
            // The timeout is reported at INFO.
            "-o",
            "LogLevel=INFO",
        ],
    );
    // The server's kernel still acknowledges every packet; only SSH stops answering, which
    // only SSH-level keepalives can notice.
    let frozen = lab.freeze_server(&sshd);
    let screen = tmux.wait_for("ssh-exited=", WAIT);
    assert!(
        screen.contains("not responding") && screen.contains("ssh-exited=255"),
        "{screen}"
    );
    frozen.thaw();
}

/// OpenSSH's `ssh -tt` in tmux in the client namespace, logged in to the lab's sshd with a
/// shell answering; `options` come first, so they win over the defaults (ssh keeps the first
/// value of an option).
fn openssh_in_tmux(lab: &NetLab, sshd: &Sshd, options: &[&str]) -> Tmux {
    let known_hosts = sshd.write_known_hosts();
    let mut words: Vec<String> = ["ip", "netns", "exec", lab.client_ns(), "ssh", "-tt"]
        .map(str::to_owned)
        .into();
    words.extend(options.iter().map(|&option| option.to_owned()));
    words.extend(openssh_args(lab, sshd, &known_hosts));
    let command = format!("{}; echo ssh-exited=$?", shell_words(&words));
    let tmux = Tmux::start(&command, 100, 30);
    tmux.type_text("echo logged-$((2+2))-in");
    tmux.press(&["Enter"]);
    tmux.wait_for("logged-4-in", WAIT);
    tmux
}

/// Joins arguments into one `sh -c` command line, each single-quoted.
fn shell_words(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}
