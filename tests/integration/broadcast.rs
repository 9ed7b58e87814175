//! Broadcast input against a real sshd, as a person uses it in tmux: three tabs (one login, two
//! clones) marked with `Ctrl-\ B` run a command typed once; a member in `less` is skipped and
//! flagged; the compose line sends a line to every member.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use crate::support::gate::shared_dir;
use crate::support::tui::{key_auth, sshd_profile, tabsh_in_tmux};
use crate::support::{Sshd, SshdOptions};

const WAIT: Duration = Duration::from_secs(30);
const PREFIX: &str = "C-\\";

/// The shell pids written to `file`, once it holds `count` lines (bounded wait).
fn pids_in(file: &Path, count: usize) -> Vec<String> {
    let read = || {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    crate::support::wait_until(WAIT, Duration::from_millis(50), || read().len() >= count);
    let mut pids = read();
    pids.sort();
    pids
}

#[test]
fn a_command_typed_once_runs_in_every_member_a_tab_in_less_is_skipped_and_compose_works() {
    let sshd = Sshd::start(SshdOptions::default());
    let config = sshd_profile(&sshd, &key_auth());
    let tmux = tabsh_in_tmux(config.path(), "open real", 110, 30);
    tmux.wait_for("1 session", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("3 sessions", WAIT);

    tmux.press(&[PREFIX, "B"]);
    let screen = tmux.wait_for("broadcast to 3 tabs", WAIT);
    let tab_bar = screen.lines().next().unwrap_or_default();
    assert_eq!(tab_bar.matches('◆').count(), 3, "{screen}");

    // Typed once (in tab 3), run by three different shells.
    let out = shared_dir();
    let file = |name: &str| out.path().join(name);
    tmux.type_text(&format!("echo $$ >> {}", file("first").display()));
    tmux.press(&["Enter"]);
    let shells = pids_in(&file("first"), 3);
    assert_eq!(shells.len(), 3, "{shells:?}");
    assert_eq!(
        shells.iter().collect::<BTreeSet<_>>().len(),
        3,
        "three shells: {shells:?}"
    );
    assert_eq!(
        sshd.log().matches("Accepted publickey").count(),
        1,
        "one login"
    );

    // Tab 1 leaves the group, opens less, and joins again: from tab 3 it is flagged and
    // skipped. Keys reach tabsh in order, so only what is on the screen needs waiting for.
    tmux.press(&[PREFIX, "1", PREFIX, "b"]);
    tmux.wait_until_gone("broadcast to", WAIT);
    tmux.type_text("less /etc/passwd");
    tmux.press(&["Enter"]);
    tmux.wait_for("root:x:0:0", WAIT);
    tmux.press(&[PREFIX, "b"]);
    tmux.wait_for("broadcast to 3 tabs", WAIT);
    tmux.press(&[PREFIX, "3"]);
    let screen = tmux.wait_for("broadcast to 2 tabs, 1 full-screen skipped", WAIT);
    let tab_bar = screen.lines().next().unwrap_or_default();
    assert_eq!(tab_bar.matches('⊘').count(), 1, "{screen}");
    tmux.type_text(&format!("echo $$ >> {}", file("second").display()));
    tmux.press(&["Enter"]);
    let second = pids_in(&file("second"), 2);
    assert_eq!(second.len(), 2, "{second:?}");
    tmux.press(&[PREFIX, "1"]);
    let screen = tmux.wait_for("root:x:0:0", WAIT);
    assert!(
        !screen.contains("second") && !screen.contains("echo"),
        "less got none of it:\n{screen}"
    );
    let less_shell: Vec<&String> = shells.iter().filter(|pid| !second.contains(pid)).collect();
    assert_eq!(less_shell.len(), 1, "{shells:?} {second:?}");

    // Out of the group to quit less there alone, then in again.
    tmux.press(&[PREFIX, "b"]);
    tmux.wait_until_gone("broadcast to", WAIT);
    tmux.press(&["q"]);
    tmux.wait_until_gone("root:x:0:0", WAIT);
    tmux.press(&[PREFIX, "b"]);
    tmux.wait_for("broadcast to 3 tabs", WAIT);

    // The compose line: edited, sent to all three with Enter, closed with Esc.
    tmux.press(&[PREFIX, "m"]);
    tmux.wait_for("Compose line", WAIT);
    tmux.type_text(&format!("echo $$ >> {}x", file("composed").display()));
    tmux.press(&["BSpace"]);
    tmux.wait_for("Enter: send to 3 tabs", WAIT);
    tmux.press(&["Enter"]);
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("Compose line", WAIT);
    assert_eq!(
        pids_in(&file("composed"), 3),
        shells,
        "the same three shells"
    );
    assert!(!file("composedx").exists(), "the x was edited away");
}
