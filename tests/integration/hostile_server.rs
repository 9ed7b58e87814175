//! The `tabsh` binary against a hostile in-process server (support/hostile.rs): server text
//! never reaches the terminal raw, and channels the server opens unasked are refused without
//! the client growing.

use crate::support::output::text;
use crate::support::process::resident_bytes;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::hostile::{Hostile, Login, OnExec, describe};
use crate::support::pty::open_pty;
use crate::support::wait_until;

const ESC: u8 = 0x1b;

/// Kills tabsh when the test ends, passed or not.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A config dir with one profile `hostile` for the server, its key already trusted.
fn profile_for(server: &Hostile, auth: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let known_hosts = dir.path().join("known_hosts");
    std::fs::write(&known_hosts, server.known_hosts_line()).unwrap();
    std::fs::write(
        sessions.join("hostile.toml"),
        format!(
            "host = \"127.0.0.1\"\nport = {}\nuser = \"me\"\nauth = [\"{auth}\"]\n\
             known_hosts_file = \"{}\"\n",
            server.port(),
            known_hosts.display()
        ),
    )
    .unwrap();
    dir
}

/// Runs `tabsh exec hostile -- cmd` with the pty's slave as its controlling terminal (so the
/// terminal prompter can ask) and stdout/stderr piped.
fn spawn_on_pty(config: &Path, slave: &OwnedFd) -> KillOnDrop {
    use std::os::fd::AsRawFd;
    let slave_fd = slave.as_raw_fd();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tabsh"));
    command
        .arg("--config-dir")
        .arg(config)
        .args(["exec", "hostile", "--", "cmd"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() < 0 || libc::ioctl(slave_fd, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    KillOnDrop(command.spawn().expect("tabsh starts"))
}

/// Everything written to the pty, collected by a thread until the pty closes.
fn collect(master: &OwnedFd) -> Arc<Mutex<Vec<u8>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let mut reader = std::fs::File::from(master.try_clone().expect("dup the master"));
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // Ends with EIO once the last slave descriptor closes.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buffer[..n]);
        }
    });
    seen
}

/// Logs in through the hostile keyboard-interactive prompt on a pty and returns what reached
/// the terminal and stderr.
fn run_on_pty(on_exec: OnExec) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let server = Hostile::start(Login::HostileKeyboardInteractive, on_exec);
    let config = profile_for(&server, "keyboard-interactive");
    let (master, slave) = open_pty();
    let mut tabsh = spawn_on_pty(config.path(), &slave);
    drop(slave);
    let terminal = collect(&master);
    let asked = wait_until(Duration::from_secs(20), Duration::from_millis(20), || {
        text(&terminal.lock().unwrap()).contains(": ")
    });
    assert!(
        asked,
        "no prompt on the terminal: {:?}",
        text(&terminal.lock().unwrap())
    );
    std::fs::File::from(master.try_clone().unwrap())
        .write_all(b"123456\n")
        .expect("answer the prompt");
    let mut stderr = Vec::new();
    tabsh
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let status = tabsh.0.wait().unwrap().code();
    let terminal = terminal.lock().unwrap().clone();
    (terminal, stderr, status)
}

#[test]
fn hostile_prompts_and_exit_signals_are_shown_escaped() {
    let (terminal, stderr, status) = run_on_pty(OnExec::HostileExitSignal);
    let (terminal_text, stderr_text) = (text(&terminal), text(&stderr));
    assert!(
        !terminal.contains(&ESC),
        "raw ESC on the terminal: {terminal_text:?}"
    );
    assert!(!stderr.contains(&ESC), "raw ESC on stderr: {stderr_text:?}");
    assert!(
        !terminal_text.contains('\u{9b}') && !stderr_text.contains('\u{9b}'),
        "raw C1 CSI: {terminal_text:?} {stderr_text:?}"
    );
    // Shown, not dropped: the person sees what the server sent.
    assert!(
        terminal_text.contains("name\\033[2J\\033]0;pwned\\007"),
        "{terminal_text:?}"
    );
    assert!(
        terminal_text.contains("instructions\\033[2J"),
        "{terminal_text:?}"
    );
    assert!(terminal_text.contains("second line"), "{terminal_text:?}");
    assert!(terminal_text.contains("code\\033[2J"), "{terminal_text:?}");
    assert!(
        stderr_text.contains("killed by signal") && stderr_text.contains("message\\033[2J"),
        "{stderr_text:?}"
    );
    assert_eq!(status, Some(255), "{stderr_text}");
}

#[test]
fn a_hostile_disconnect_message_is_shown_escaped() {
    let (terminal, stderr, status) = run_on_pty(OnExec::HostileDisconnect);
    let stderr_text = text(&stderr);
    assert!(
        !terminal.contains(&ESC),
        "raw ESC on the terminal: {:?}",
        text(&terminal)
    );
    assert!(!stderr.contains(&ESC), "raw ESC on stderr: {stderr_text:?}");
    assert!(
        stderr_text.contains("goodbye\\033[2J\\033]0;pwned\\007"),
        "{stderr_text:?}"
    );
    assert_eq!(status, Some(255), "{stderr_text}");
}

#[test]
fn a_hostile_channel_refusal_is_shown_escaped() {
    let server = Hostile::start(Login::None, OnExec::RefuseChannel);
    let config = profile_for(&server, "password");
    let out = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config.path())
        .args(["exec", "--batch", "hostile", "--", "cmd"])
        .stdin(Stdio::null())
        .output()
        .expect("tabsh runs");
    let stderr = text(&out.stderr);
    assert!(!out.stderr.contains(&ESC), "raw ESC on stderr: {stderr:?}");
    assert!(
        stderr.contains("refused to open a session channel")
            && stderr.contains("refused\\033[2J\\033]0;pwned\\007"),
        "{stderr:?}"
    );
    assert_eq!(out.status.code(), Some(255), "{stderr}");
}

#[test]
fn channels_the_server_opens_unasked_are_refused_without_growing() {
    // 5,000 of each kind: session, x11, agent, forwarded-tcpip.
    let per_kind = 5_000;
    let server = Hostile::start(Login::None, OnExec::ChannelFlood { count: per_kind });
    let config = profile_for(&server, "password");
    let mut tabsh = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_tabsh"))
            .arg("--config-dir")
            .arg(config.path())
            .args(["exec", "--batch", "hostile", "--", "cmd"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tabsh starts"),
    );
    let pid = tabsh.0.id();
    let started = wait_until(Duration::from_secs(20), Duration::from_millis(20), || {
        server.stats.exec_started.load(Ordering::SeqCst)
    });
    assert!(started, "{}", describe(&server.stats));
    let before = resident_bytes(pid);

    server.start_flood();
    let flooded = wait_until(Duration::from_secs(120), Duration::from_millis(50), || {
        server.stats.flood_done.load(Ordering::SeqCst)
    });
    assert!(flooded, "{}", describe(&server.stats));
    let after = resident_bytes(pid);
    assert_eq!(
        server.stats.opens_refused.load(Ordering::SeqCst),
        per_kind * 4,
        "{}",
        describe(&server.stats)
    );
    assert_eq!(server.stats.opens_accepted.load(Ordering::SeqCst), 0);
    // Refused opens leave nothing behind; a few MiB of allocator noise are allowed.
    assert!(
        after < before + 8 * 1024 * 1024,
        "tabsh grew from {before} to {after} bytes over {} refused opens",
        per_kind * 4
    );

    eprintln!(
        "VmRSS {before} -> {after} bytes over {} refused opens",
        per_kind * 4
    );

    // The session the client did ask for is unharmed.
    server.finish();
    let out = tabsh.0.stdout.take();
    let mut stdout = String::new();
    out.unwrap().read_to_string(&mut stdout).unwrap();
    assert_eq!(stdout, "flood done\n");
    assert_eq!(tabsh.0.wait().unwrap().code(), Some(0));
}
