//! `tabsh exec` and `tabsh connections` through a running TUI's control socket, against a real
//! sshd: with the TUI holding live connections, exec logs in zero times (sshd's log), stdin and
//! exit statuses pass through, a closed connection makes exec fall back to its own, and
//! `--no-shared` always connects anew.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::fan_out::{busy_sshd, lab_profiles};
use crate::support::gate::Gate;
use crate::support::output::text;
use crate::support::{Sshd, Tmux, wait_until};

const WAIT: Duration = Duration::from_secs(60);

fn tabsh(config_dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tabsh runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// Rows of `tabsh connections` whose health is up.
fn up_rows(listing: &str) -> usize {
    listing
        .lines()
        .filter(|line| line.ends_with("  up"))
        .count()
}

fn logins(sshd: &Sshd) -> usize {
    sshd.log().matches("Accepted publickey").count()
}

/// The TUI in tmux with every profile open in a tab, once all of them have logged in.
fn tui_holding(config: &Path, sshd: &Sshd, ids: &[String]) -> Tmux {
    let command = format!(
        "{} --config-dir {} open {}; echo tabsh-exited=$?; sleep 60",
        env!("CARGO_BIN_EXE_tabsh"),
        config.display(),
        ids.join(" ")
    );
    let tmux = Tmux::start(&command, 120, 30);
    let all_in = wait_until(WAIT, Duration::from_millis(100), || {
        logins(sshd) == ids.len()
    });
    assert!(all_in, "{} logins:\n{}", logins(sshd), tmux.screen());
    tmux.wait_for("1 session", WAIT);
    tmux
}

#[test]
fn with_a_tui_holding_the_connections_exec_logs_in_zero_times() {
    let sshd = busy_sshd();
    let config = tempfile::tempdir().unwrap();
    let ids = lab_profiles(config.path(), &sshd, 20);
    let _tmux = tui_holding(config.path(), &sshd, &ids);
    // Every connection answers the socket before the counting starts.
    let listed = wait_until(WAIT, Duration::from_millis(100), || {
        let out = tabsh(config.path(), &["connections"], b"");
        up_rows(&text(&out.stdout)) == 20
    });
    assert!(
        listed,
        "{}",
        text(&tabsh(config.path(), &["connections"], b"").stdout)
    );
    let before = logins(&sshd);

    let out = tabsh(
        config.path(),
        &["exec", "--folder", "lab", "--", "echo", "shared-$((6*7))"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for id in &ids {
        assert!(stdout.contains(&format!("{id} | shared-42")), "{stdout}");
    }
    assert!(text(&out.stderr).contains("all 20 succeeded"));

    // One session: stdin goes through, the status comes back.
    let out = tabsh(
        config.path(),
        &["exec", "p01", "--", "tr", "a-z", "A-Z"],
        b"hello\n",
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "HELLO\n".to_owned())
    );
    let out = tabsh(
        config.path(),
        &["exec", "p02", "--", "echo err >&2; exit 4"],
        b"",
    );
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(text(&out.stderr), "err\n");
    assert_eq!(logins(&sshd), before, "no new login: {}", sshd.log());

    // Closed from the command line: its tab says so, exec falls back to a login of its own.
    let out = tabsh(config.path(), &["connections", "--close", "p01"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "closed 1 connection of p01\n");
    let listing = text(&tabsh(config.path(), &["connections"], b"").stdout);
    assert!(!listing.lines().any(|l| l.starts_with("p01 ")), "{listing}");
    assert_eq!(up_rows(&listing), 19, "{listing}");
    let out = tabsh(config.path(), &["exec", "p01", "--", "true"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(logins(&sshd), before + 1);

    let out = tabsh(
        config.path(),
        &["exec", "--no-shared", "p02", "--", "true"],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(logins(&sshd), before + 2, "--no-shared logs in");
}

#[test]
fn connections_without_a_tui_says_so() {
    let config = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(config.path().join("sessions")).unwrap();
    let out = tabsh(config.path(), &["connections"], b"");
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("no tabsh TUI is running"),
        "{}",
        text(&out.stderr)
    );
}

/// The sessions `tabsh connections` counts on the one connection of `p01`.
fn sessions_of_p01(config: &Path) -> Option<String> {
    let listing = text(&tabsh(config, &["connections"], b"").stdout);
    let row = listing.lines().find(|line| line.starts_with("p01 "))?;
    row.split_whitespace().nth(2).map(str::to_owned)
}

#[test]
fn an_exec_whose_output_is_not_read_is_cut_and_never_stalls_the_tabs_on_its_connection() {
    let sshd = busy_sshd();
    let config = tempfile::tempdir().unwrap();
    let ids = lab_profiles(config.path(), &sshd, 1);
    let tmux = tui_holding(config.path(), &sshd, &ids);
    let up = wait_until(WAIT, Duration::from_millis(100), || {
        sessions_of_p01(config.path()).as_deref() == Some("1")
    });
    assert!(up, "{}", tmux.screen());

    // Far more than the TUI holds for a client, into a pipe nobody reads for now. The gate
    // holds the flood back until the run has been counted: once it starts, the 16 MiB the TUI
    // holds fill in well under the time `tabsh connections` takes to answer.
    let gate = Gate::new();
    let flood = format!("{}; head -c 200000000 /dev/zero", gate.shell_wait());
    let child = Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config.path())
        .args(["exec", "p01", "--", &flood])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let running = wait_until(WAIT, Duration::from_millis(50), || {
        sessions_of_p01(config.path()).as_deref() == Some("2")
    });
    assert!(running, "the exec counts as a second session");
    gate.open();

    // Meanwhile the tab on the same connection answers at once.
    tmux.type_text("echo tab-answers-$((6*7))");
    tmux.press(&["Enter"]);
    tmux.wait_for("tab-answers-42", WAIT);

    // The run is cut (its channel closed, its session counted off) while nobody reads.
    let cut = wait_until(WAIT, Duration::from_millis(100), || {
        sessions_of_p01(config.path()).as_deref() == Some("1")
    });
    assert!(cut, "the exec was not cut");
    // Reading now drains what was queued, then the reason.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(255));
    assert!(
        out.stdout.len() < 200_000_000,
        "cut short: {}",
        out.stdout.len()
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("faster than it was read"), "{stderr}");
    assert_eq!(logins(&sshd), 1);
}
