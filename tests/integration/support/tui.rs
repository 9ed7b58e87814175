//! The real tabsh binary in tmux, as the TUI tests drive it, and what they read back.

use std::path::Path;
use std::time::Duration;

use super::keys::user_keys;
use super::sshd::Sshd;
use super::tmux::Tmux;
use super::user::test_user;
use super::wait::wait_until;

/// `tabsh --config-dir CONFIG_DIR ARGS` in a `cols` x `rows` tmux window. The pane outlives
/// tabsh, so its last screen and exit status (`tabsh-exited=N`) can still be read.
pub fn tabsh_in_tmux(config_dir: &Path, args: &str, cols: u16, rows: u16) -> Tmux {
    // The demo server runs $SHELL: /bin/sh keeps the user's dotfiles out of the tests.
    let command = format!(
        "SHELL=/bin/sh {} --config-dir {} {args}; echo tabsh-exited=$?; sleep 60",
        env!("CARGO_BIN_EXE_tabsh"),
        config_dir.display()
    );
    Tmux::start(&command, cols, rows)
}

/// A config dir whose profile `real` logs in to `sshd` as the test user, trusting its host
/// key, with `auth` (TOML lines: the methods and whatever else the test sets).
pub fn sshd_profile(sshd: &Sshd, auth: &str) -> tempfile::TempDir {
    let config = tempfile::tempdir().unwrap();
    let sessions = config.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("real.toml"),
        format!(
            "name = \"real\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\n\
             known_hosts_file = \"{}\"\n{auth}",
            sshd.port(),
            test_user().name,
            sshd.write_known_hosts().display()
        ),
    )
    .unwrap();
    config
}

/// Profile lines for a login with the test user's Ed25519 key.
pub fn key_auth() -> String {
    format!(
        "auth = [\"key\"]\nidentity_file = \"{}\"\n",
        user_keys().ed25519.private.display()
    )
}

/// A screen line at `row`, for asserting on the tab bar and the status bar.
pub fn line(screen: &str, row: usize) -> String {
    screen.lines().nth(row).unwrap_or_default().to_owned()
}

/// The last screen line: the status bar.
pub fn last_line(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().to_owned()
}

/// Asks the remote shell for its pty size, once a second, until it is `rows cols` (bounded by
/// `wait`). tmux applies a resize to the pane a moment after it answers `resize-window`, so
/// keys sent right after may reach tabsh before the new size does: the remote must get the
/// new size anyway, and keep it.
pub fn wait_for_remote_size(tmux: &Tmux, rows: u16, cols: u16, wait: Duration) {
    let wanted = format!("remote-size-{rows}-{cols}");
    let found = wait_until(wait, Duration::from_secs(1), || {
        tmux.type_text("echo remote-size-$(stty size | tr ' ' -)");
        tmux.press(&["Enter"]);
        std::thread::sleep(Duration::from_millis(300));
        tmux.screen().contains(&wanted)
    });
    assert!(
        found,
        "the remote never saw {rows}x{cols}:\n{}",
        tmux.screen()
    );
}
