//! The real `tabsh` binary in tmux against the built-in demo server, driven with keys and
//! read from the screen (against a real OpenSSH sshd: `tui_sshd.rs`).

use std::time::Duration;

use crate::support::tui::{line, tabsh_in_tmux, wait_for_remote_size};

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

#[test]
fn demo_tabs_echo_clone_vim_resize_close_and_quit() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 100, 30);
    tmux.wait_for("1 session", WAIT);

    tmux.type_text("echo hello-$((40+2))");
    tmux.press(&["Enter"]);
    tmux.wait_for("hello-42", WAIT);

    // Clone: a second tab on the same connection.
    tmux.press(&[PREFIX, "c"]);
    let screen = tmux.wait_for("2 sessions", WAIT);
    assert!(
        line(&screen, 0).contains("1 demo") && line(&screen, 0).contains("2 demo"),
        "{screen}"
    );
    tmux.type_text("echo in-the-clone");
    tmux.press(&["Enter"]);
    tmux.wait_for("in-the-clone", WAIT);

    // A full-screen program takes over and leaves cleanly.
    tmux.type_text("vim -u NONE -N");
    tmux.press(&["Enter"]);
    tmux.wait_for("~", WAIT);
    tmux.press(&["i"]);
    tmux.type_text("written-in-vim");
    tmux.press(&["Escape"]);
    tmux.wait_for("written-in-vim", WAIT);
    tmux.type_text(":q!");
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("in-the-clone", WAIT);
    assert!(
        !screen.contains("written-in-vim"),
        "vim's screen is gone: {screen}"
    );

    // less too.
    tmux.type_text("seq 1 200 | less");
    tmux.press(&["Enter"]);
    // less fills the 28 rows with 1 to 27 and its prompt (a bare ":" would match the status
    // bar's address before less has started).
    tmux.wait_for("\n26\n27\n:", WAIT);
    tmux.press(&["q"]);
    tmux.wait_for("seq 1 200 | less", WAIT);

    // Resizing the window resizes the remote pty (less the tab bar and status bar).
    tmux.resize(120, 40);
    wait_for_remote_size(&tmux, 38, 120, WAIT);

    // Switch back to the first tab: its own screen.
    tmux.press(&[PREFIX, "1"]);
    let screen = tmux.wait_for("hello-42", WAIT);
    assert!(!screen.contains("in-the-clone"), "{screen}");

    // Close it: the connection keeps one session.
    tmux.press(&[PREFIX, "x"]);
    let screen = tmux.wait_for("1 session", WAIT);
    assert!(!line(&screen, 0).contains("2 demo"), "{screen}");

    // Quit asks while a session is open.
    tmux.press(&[PREFIX, "q"]);
    tmux.wait_for("Quit and close them?", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("tabsh-exited=0", WAIT);
}

#[test]
fn the_session_manager_opens_sessions_and_help_lists_keys() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "", 100, 30);
    // No sessions given: the session manager shows the seeded examples.
    tmux.wait_for("Sessions", WAIT);
    tmux.type_text("dem");
    let screen = tmux.wait_for("1 of 3", WAIT);
    assert!(!screen.contains("Example server"), "filtered out: {screen}");
    tmux.press(&["Enter"]);
    tmux.wait_for("1 session", WAIT);
    tmux.type_text("echo from-manager");
    tmux.press(&["Enter"]);
    tmux.wait_for("from-manager", WAIT);

    tmux.press(&[PREFIX, "?"]);
    let screen = tmux.wait_for("clone: new tab on the same connection", WAIT);
    assert!(screen.contains("twice sends"), "{screen}");
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("twice sends", WAIT);

    // The prefix twice reaches the remote as the raw byte (with the tty's SIGQUIT off, so od
    // sees it instead of being killed by it).
    tmux.type_text("stty -isig; echo od-$((1+1))-reads; od -c; stty isig");
    tmux.press(&["Enter"]);
    tmux.wait_for("od-2-reads", WAIT);
    tmux.press(&[PREFIX, PREFIX]);
    tmux.press(&["Enter", "C-d"]);
    tmux.wait_for("034", WAIT);
}

#[test]
fn profiles_are_edited_in_the_form_validated_and_saved() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "", 100, 34);
    tmux.wait_for("Sessions", WAIT);
    tmux.type_text("demo");
    tmux.wait_for("1 of 3", WAIT);
    tmux.press(&["C-e"]);
    tmux.wait_for("Ctrl-s", WAIT);
    for _ in 0.."demo".len() {
        tmux.press(&["BSpace"]);
    }
    tmux.type_text("renamed-demo");
    tmux.press(&["C-s"]);
    tmux.wait_for("saved demo", WAIT);
    let saved = std::fs::read_to_string(config.path().join("sessions/demo.toml")).unwrap();
    assert!(saved.contains("name = \"renamed-demo\""), "{saved}");
    assert!(
        saved.contains("builtin_demo = true"),
        "the form keeps fields it does not show: {saved}"
    );

    // Back in the session manager: a new profile with no host is refused with the field named.
    tmux.wait_for("renamed-demo", WAIT);
    tmux.press(&["C-n"]);
    tmux.wait_for("Ctrl-s", WAIT);
    tmux.press(&["C-s"]);
    let screen = tmux.wait_for("problem", WAIT);
    assert!(screen.to_lowercase().contains("host"), "{screen}");
    tmux.press(&["Escape"]);
    tmux.wait_for("Sessions", WAIT);
}

#[test]
fn scrollback_is_viewed_with_keys_and_left_with_any_other() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 80, 24);
    tmux.wait_for("1 session", WAIT);
    tmux.type_text("seq 1 300 | sed 's/^/line-/'");
    tmux.press(&["Enter"]);
    tmux.wait_for("line-300", WAIT);
    tmux.press(&[PREFIX, "["]);
    tmux.press(&["PPage", "PPage", "PPage"]);
    // Three pages of 21 rows: the indicator shows the offset once all three are handled.
    let screen = tmux.wait_for("[scrollback 63/", WAIT);
    assert!(!screen.contains("line-300"), "{screen}");
    assert!(
        screen.contains("line-217") && screen.contains("line-237"),
        "{screen}"
    );
    tmux.press(&["q"]);
    let screen = tmux.wait_for("line-300", WAIT);
    assert!(!screen.contains("[scrollback"), "{screen}");
}

#[test]
fn clone_until_the_server_limit_then_spill_over_to_a_new_connection() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "--demo-max-sessions 2 open demo", 110, 30);
    tmux.wait_for("1 session", WAIT);

    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);

    // The third is refused by the server: explained, no half-made tab, and a choice.
    tmux.press(&[PREFIX, "c"]);
    let screen = tmux.wait_for("Clone refused", WAIT);
    assert!(
        screen.contains("allows 2 sessions per connection"),
        "{screen}"
    );
    assert!(screen.contains("2/2, server limit"), "{screen}");
    assert!(!line(&screen, 0).contains(" 3 "), "no third tab: {screen}");

    // Spill over: a new connection, which then serves its own clones.
    tmux.press(&["Enter"]);
    let screen = tmux.wait_for("1 session", WAIT);
    assert!(line(&screen, 0).contains("3 demo"), "{screen}");
    tmux.type_text("echo on-the-new-connection");
    tmux.press(&["Enter"]);
    tmux.wait_for("on-the-new-connection", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);

    // Closing a tab on the first connection frees a slot there: clone works again.
    tmux.press(&[PREFIX, "1"]);
    tmux.wait_for("2/2, server limit", WAIT);
    tmux.press(&[PREFIX, "x"]);
    tmux.wait_for("1/2, server limit", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2/2, server limit", WAIT);
    let screen = tmux.screen();
    assert!(!screen.contains("Clone refused"), "{screen}");
}

#[test]
fn window_changes_arriving_with_keys_are_not_lost() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 90, 30);
    tmux.wait_for("1 session", WAIT);
    // Keys typed right after a resize often reach tabsh in the same wake-up as the resize
    // (crossterm then drops the resize) or before it; each size must still reach the remote.
    for step in 1..=6u16 {
        let cols = 90 + step;
        tmux.resize(cols, 30);
        tmux.type_text(&format!("echo typed-with-resize-{step}"));
        tmux.press(&["Enter"]);
        wait_for_remote_size(&tmux, 28, cols, WAIT);
    }
}
#[test]
fn an_endless_window_title_keeps_memory_bounded_and_the_tab_name_short() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 100, 30);
    tmux.wait_for("1 session", WAIT);
    let tabsh = crate::support::process::descendants_named(tmux.pane_pid(), "tabsh");
    let [tabsh] = tabsh.as_slice() else {
        panic!("one tabsh below the pane: {tabsh:?}")
    };
    let tabsh = *tabsh as u32;
    let before = crate::support::process::resident_bytes(tabsh);
    // 100 MB of title before its terminator.
    tmux.type_text(
        "printf '\\033]0;'; head -c 100000000 /dev/zero | tr '\\0' a; printf '\\007'; echo title-$((1+1))-done",
    );
    tmux.press(&["Enter"]);
    let mut peak = before;
    let done =
        crate::support::wait_until(Duration::from_secs(120), Duration::from_millis(50), || {
            peak = peak.max(crate::support::process::resident_bytes(tabsh));
            tmux.screen().contains("title-2-done")
        });
    assert!(done, "{}", tmux.screen());
    let grown = peak.saturating_sub(before);
    assert!(
        grown < 64 * 1024 * 1024,
        "grew by {grown} bytes for a 100 MB title"
    );
    let tab_bar = line(&tmux.screen(), 0);
    assert!(
        tab_bar.contains("aaa") && tab_bar.contains('…') && tab_bar.chars().count() <= 100,
        "{tab_bar}"
    );
}
