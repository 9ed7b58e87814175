//! Drives a real program in a detached tmux session, as a person at a terminal would:
//! `send-keys` to type, `capture-pane` to read the screen. Each session has its own socket so
//! parallel tests never see each other.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::wait::wait_until;

pub struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `command` (run by `sh -c`) in a `cols` x `rows` window.
    pub fn start(command: &str, cols: u16, rows: u16) -> Tmux {
        let dir = tempfile::tempdir().expect("tmux temp dir");
        let socket = dir.path().join("tmux.sock");
        let status = Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null", "new-session", "-d", "-x"])
            .arg(cols.to_string())
            .arg("-y")
            .arg(rows.to_string())
            // Keep the pane after the program exits so its last words can still be read.
            .args([";", "set-option", "-g", "remain-on-exit", "on", ";"])
            .args(["respawn-pane", "-k", command])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux failed to start {command:?}");
        Tmux { socket, _dir: dir }
    }

    fn tmux(&self) -> Command {
        let mut command = Command::new("tmux");
        command.arg("-S").arg(&self.socket);
        command
    }

    /// Types literal text (no key names).
    pub fn type_text(&self, text: &str) {
        let status = self
            .tmux()
            .args(["send-keys", "-l", text])
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    /// Presses keys by tmux name: `Enter`, `Escape`, `C-c`, `Up`...
    pub fn press(&self, keys: &[&str]) {
        let status = self
            .tmux()
            .arg("send-keys")
            .args(keys)
            .status()
            .expect("send-keys");
        assert!(status.success());
    }

    pub fn screen(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The screen with its colours and attributes as SGR sequences (`capture-pane -e`).
    pub fn screen_with_styles(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p", "-e"])
            .output()
            .expect("capture-pane -e");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Sets a server option (`set-option -s`), such as `set-clipboard on`.
    pub fn set_server_option(&self, name: &str, value: &str) {
        let status = self
            .tmux()
            .args(["set-option", "-s", name, value])
            .status()
            .expect("set-option");
        assert!(status.success(), "set-option -s {name} {value}");
    }

    /// The newest paste buffer (`show-buffer`), or `None` when there is none.
    pub fn paste_buffer(&self) -> Option<String> {
        let output = self
            .tmux()
            .arg("show-buffer")
            .output()
            .expect("show-buffer");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// The screen with its colours and attributes as SGR sequences, trailing blanks kept, one
    /// line per row.
    pub fn capture_with_attributes(&self) -> Vec<u8> {
        self.tmux()
            .args(["capture-pane", "-p", "-e", "-N"])
            .output()
            .expect("capture-pane")
            .stdout
    }

    /// Waits (bounded) until the screen contains `needle`; panics with the screen otherwise.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let mut last = String::new();
        let found = wait_until(timeout, Duration::from_millis(50), || {
            last = self.screen();
            last.contains(needle)
        });
        assert!(
            found,
            "{needle:?} did not appear within {timeout:?}; screen:\n{last}"
        );
        last
    }

    /// Waits (bounded) until the screen no longer contains `needle`; panics with the screen
    /// otherwise. Typing right after Escape needs it: an ESC and the next key read together
    /// are one Alt-key.
    pub fn wait_until_gone(&self, needle: &str, timeout: Duration) -> String {
        let mut last = String::new();
        let gone = wait_until(timeout, Duration::from_millis(50), || {
            last = self.screen();
            !last.contains(needle)
        });
        assert!(
            gone,
            "{needle:?} still shown after {timeout:?}; screen:\n{last}"
        );
        last
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        let status = self
            .tmux()
            .args([
                "resize-window",
                "-x",
                &cols.to_string(),
                "-y",
                &rows.to_string(),
            ])
            .status()
            .expect("resize-window");
        assert!(status.success());
    }

    /// The process the pane runs (its shell, for a command line).
    pub fn pane_pid(&self) -> u32 {
        let output = self
            .tmux()
            .args(["display-message", "-p", "#{pane_pid}"])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("a pane pid")
    }

    /// Whether the program in the pane has turned its terminal's echo off (as a password
    /// prompt does), read from the pane's tty with `stty -a`.
    pub fn echo_is_off(&self) -> bool {
        let output = self
            .tmux()
            .args(["display-message", "-p", "#{pane_tty}"])
            .output()
            .expect("display-message");
        let tty = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let settings = Command::new("stty")
            .args(["-F", &tty, "-a"])
            .output()
            .expect("stty runs");
        String::from_utf8_lossy(&settings.stdout)
            .split_whitespace()
            .any(|flag| flag == "-echo")
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
    }
}
