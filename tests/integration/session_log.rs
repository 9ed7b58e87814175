//! Session logs as a person gets them, against a real sshd in tmux: the log file holds the
//! commands' output lines, without escape bytes, after colour output, a full-screen program and
//! 100,000 lines; it is private (0600 in 0700 directories).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use crate::support::{Sshd, SshdOptions, Tmux, test_user, user_keys, wait_until};

const WAIT: Duration = Duration::from_secs(60);
const PREFIX: &str = "C-\\";

fn logged_profile(config: &Path, sshd: &Sshd, log_path: &Path) {
    let sessions = config.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("real.toml"),
        format!(
            "name = \"real\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\n\
             known_hosts_file = \"{}\"\nauth = [\"key\"]\nidentity_file = \"{}\"\n\
             [log]\nenabled = true\npath = \"{}\"\n",
            sshd.port(),
            test_user().name,
            sshd.write_known_hosts().display(),
            user_keys().ed25519.private.display(),
            log_path.display()
        ),
    )
    .unwrap();
}

/// Types `command` once the shell shows its prompt, and waits for `answer`. Typed earlier,
/// the terminal would echo it before the prompt and the output would follow the prompt on
/// one line (`$ red and green`), which is not the line the log must hold.
fn run(tmux: &Tmux, command: &str, answer: &str) {
    let prompt = wait_until(WAIT, Duration::from_millis(100), || {
        at_prompt(&tmux.screen())
    });
    assert!(prompt, "no prompt: {}", tmux.screen());
    tmux.type_text(command);
    tmux.press(&["Enter"]);
    tmux.wait_for(answer, WAIT);
}

/// Whether the tab's last line with text is the shell's bare prompt (`$`, as `sh` shows it
/// to the test user; trailing blanks are not captured). The first and last rows are tabsh's
/// tab bar and status bar.
fn at_prompt(screen: &str) -> bool {
    let rows: Vec<&str> = screen.lines().collect();
    let tab_rows = rows
        .get(1..rows.len().saturating_sub(1))
        .unwrap_or_default();
    tab_rows
        .iter()
        .rev()
        .find(|row| !row.trim().is_empty())
        .is_some_and(|row| row.trim_end() == "$")
}

#[test]
fn the_log_holds_the_output_lines_after_colours_a_full_screen_program_and_100000_lines() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log_file = logs.path().join("deep/%i/session.log");
    logged_profile(config.path(), &sshd, &log_file);
    let command = format!(
        "{} --config-dir {} open real; echo tabsh-exited=$?; sleep 60",
        env!("CARGO_BIN_EXE_tabsh"),
        config.path().display()
    );
    let tmux = Tmux::start(&command, 140, 30);
    // The status bar says the tab is logged, once its channel is open.
    tmux.wait_for("│ log", WAIT);

    run(
        &tmux,
        "printf '\\033[1;31mred\\033[0m and \\033[42mgreen\\033[0m\\n'",
        "red and green",
    );
    run(&tmux, "less /etc/passwd", "root:x:0:0");
    tmux.press(&["q"]);
    tmux.wait_until_gone("root:x:0:0", WAIT);
    run(&tmux, "seq 1 100000; echo seq-done-$((6*7))", "seq-done-42");

    tmux.press(&[PREFIX, "q"]);
    tmux.wait_for("Quit tabsh", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("tabsh-exited=0", WAIT);

    let file = logs.path().join("deep/real/session.log");
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.contains(&0x1b), "no escape bytes");
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.contains(&"red and green"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(
        !text.contains("root:x:0:0"),
        "nothing of the full-screen program"
    );
    let first = lines
        .iter()
        .position(|line| *line == "1")
        .expect("seq's first line");
    let numbers: Vec<String> = (1..=100_000).map(|n| n.to_string()).collect();
    assert_eq!(
        &lines[first..first + 100_000],
        numbers.as_slice(),
        "every line once, in order"
    );
    assert_eq!(lines[first + 100_000], "seq-done-42");

    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&logs.path().join("deep/real")), 0o700);
    assert_eq!(mode(&logs.path().join("deep")), 0o700);
}

#[test]
fn a_full_disk_stops_the_log_says_so_in_the_tab_and_the_session_goes_on() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = tempfile::tempdir().unwrap();
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    logged_profile(config.path(), &sshd, Path::new("/dev/full"));
    let command = format!(
        "{} --config-dir {} open real; echo tabsh-exited=$?; sleep 60",
        env!("CARGO_BIN_EXE_tabsh"),
        config.path().display()
    );
    let tmux = Tmux::start(&command, 160, 30);
    tmux.wait_for("│ log", WAIT);
    run(&tmux, "echo to-the-log-$((6*7))", "to-the-log-42");
    let screen = tmux.wait_for("log failed: /dev/full: No space left on device", WAIT);
    assert!(
        screen.contains("connected"),
        "the session is still up:\n{screen}"
    );
    run(&tmux, "echo still-here-$((6*7))", "still-here-42");
}
