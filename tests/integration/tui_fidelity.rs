//! Terminal fidelity as a person sees it: the real binary in tmux on the demo server, running
//! programs that draw lines, change the cursor shape, ask for focus reports and bracket their
//! updates; and, where the screen cannot tell, what tabsh writes to its own terminal, recorded
//! by `script` between tmux and tabsh.

use std::path::Path;
use std::time::Duration;

use crate::support::{Tmux, wait_until};

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

/// tabsh on the demo server in tmux; with `typescript`, everything it writes to its terminal
/// is also recorded there.
fn tabsh_in_tmux(config_dir: &Path, typescript: Option<&Path>) -> Tmux {
    let tabsh = format!(
        "{} --config-dir {} open demo",
        env!("CARGO_BIN_EXE_tabsh"),
        config_dir.display()
    );
    let run = match typescript {
        Some(path) => format!("script -q -f -e -c '{tabsh}' {}", path.display()),
        None => tabsh,
    };
    // The demo server runs $SHELL: /bin/sh keeps the user's dotfiles out of the tests.
    let command = format!("SHELL=/bin/sh {run}; echo tabsh-exited=$?; sleep 60");
    let tmux = Tmux::start(&command, 100, 30);
    tmux.wait_for("1 session", WAIT);
    tmux
}

fn run(tmux: &Tmux, command: &str) {
    tmux.type_text(command);
    tmux.press(&["Enter"]);
}

/// Scrolls `line` off the screen (60 more lines), then enters copy mode at the top of the
/// history and waits until `line` is shown from there.
fn scroll_back_to(tmux: &Tmux, line: &str) {
    run(tmux, "seq 1 60");
    tmux.wait_for("\n60\n", WAIT);
    tmux.press(&[PREFIX, "["]);
    tmux.press(&["Home"]);
    tmux.wait_for(line, WAIT);
}

fn quit(tmux: &Tmux) {
    tmux.press(&[PREFIX, "q"]);
    tmux.wait_for("Quit and close them?", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("tabsh-exited=0", WAIT);
}

#[test]
fn line_drawing_shows_as_boxes_in_the_tab_and_its_scrollback() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), None);
    // G0 as DEC special graphics, then SO/SI with G1, as ncurses does for TERM=screen.
    run(
        &tmux,
        r"printf '\033(0lqqk x \033(B<ascii>\n\033)0\016mqqj\017 q=q\n'",
    );
    // The last line printed first: once it shows, the one before it has been drawn too.
    let screen = tmux.wait_for("└──┘ q=q", WAIT);
    assert!(screen.contains("┌──┐ │ <ascii>"), "{screen}");

    // dialog in the C locale draws its box with the graphics set (terminfo's smacs).
    run(
        &tmux,
        "LANG=C LC_ALL=C dialog --msgbox boxed-in 7 30; clear",
    );
    // The word inside the box's sides: the command line has the word before dialog runs.
    let mut screen = String::new();
    let boxed = wait_until(WAIT, Duration::from_millis(50), || {
        screen = tmux.screen();
        screen
            .lines()
            .any(|line| line.contains("boxed-in") && line.matches('│').count() >= 2)
    });
    assert!(boxed, "{screen}");
    assert!(!screen.contains("lqqq"), "{screen}");
    tmux.press(&["Enter"]);
    tmux.wait_until_gone("boxed-in", WAIT);

    // Lines that scrolled into history keep their boxes.
    run(&tmux, r"printf '\033(0tqqu\033(B\n'; seq 1 60");
    tmux.wait_for("\n60\n", WAIT);
    tmux.press(&[PREFIX, "["]);
    tmux.press(&["Home"]);
    tmux.wait_for("├──┤", WAIT);
    tmux.press(&["Escape"]);
    // Back on the live screen before the next key (an ESC read with it would make it Alt-).
    tmux.wait_until_gone("├──┤", WAIT);
    quit(&tmux);
}

#[test]
fn the_cursor_shape_follows_the_tab_and_the_hosts_own_comes_back_on_leaving() {
    let config = tempfile::tempdir().unwrap();
    let typescript = config.path().join("typescript");
    let tmux = tabsh_in_tmux(config.path(), Some(&typescript));
    let written = || std::fs::read(&typescript).unwrap_or_default();
    let count = |bytes: &[u8], needle: &[u8]| {
        bytes
            .windows(needle.len())
            .filter(|window| *window == needle)
            .count()
    };

    // vim's insert mode and shells' vi mode ask for a steady bar.
    run(&tmux, r"printf '\033[6 q'; echo bar-asked");
    tmux.wait_for("bar-asked", WAIT);
    let shown = wait_until(WAIT, Duration::from_millis(50), || {
        count(&written(), b"\x1b[6 q") == 1
    });
    assert!(shown, "{:?}", String::from_utf8_lossy(&written()));

    // The help overlay takes the keys: the host's own shape while it shows, the bar after.
    tmux.press(&[PREFIX, "?"]);
    tmux.wait_for("clone", WAIT);
    tmux.press(&["Escape"]);
    let back = wait_until(WAIT, Duration::from_millis(50), || {
        count(&written(), b"\x1b[6 q") == 2
    });
    let bytes = written();
    assert!(back, "{:?}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        count(&bytes, b"\x1b[0 q"),
        1,
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );

    // The quit question takes the keys, so the host's own shape is back before tabsh leaves
    // (and leaving does not send it twice).
    quit(&tmux);
    let bytes = written();
    let last_bar = bytes
        .windows(5)
        .rposition(|window| window == b"\x1b[6 q")
        .unwrap();
    assert_eq!(
        count(&bytes[last_bar..], b"\x1b[0 q"),
        1,
        "the host's own shape on leaving: {:?}",
        String::from_utf8_lossy(&bytes[last_bar..])
    );
}

#[test]
fn a_program_that_asked_hears_focus_leave_and_come_back_on_tab_switches() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), None);
    // `cat -v` shows the reports as it reads them: ^[[O out, ^[[I in.
    run(
        &tmux,
        r"stty -icanon -echo; printf '\033[?1004h'; echo reporting; cat -v",
    );
    // On a line of its own: the command line has the word too, before it has run.
    tmux.wait_for("\nreporting", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);
    tmux.press(&[PREFIX, "1"]);
    let screen = tmux.wait_for("^[[O^[[I", WAIT);
    // The clone never asked: nothing was typed into it.
    assert_eq!(screen.matches("^[[").count(), 2, "{screen}");
    tmux.press(&["C-c"]);
    run(&tmux, "stty sane");
    quit(&tmux);
}

#[test]
fn a_synchronized_update_is_drawn_when_it_ends_or_after_the_timeout_if_it_never_does() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), None);
    run(&tmux, r"printf '\033[?2026hupdate-\033[?2026l'; echo ended");
    tmux.wait_for("update-ended", WAIT);
    // Never ended: the tab is drawn anyway, and goes on being drawn.
    run(&tmux, r"printf '\033[?2026h'; echo never-ended");
    tmux.wait_for("\nnever-ended", WAIT);
    run(&tmux, "echo still-drawn");
    tmux.wait_for("\nstill-drawn", WAIT);
    quit(&tmux);
}

#[test]
fn struck_text_reaches_the_host_terminal_struck_and_stays_so_in_the_scrollback() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), None);
    run(&tmux, r"printf 'plain \033[9mstruck-out\033[29m plain\n'");
    tmux.wait_for("plain struck-out plain", WAIT);
    let struck = |capture: &[u8]| {
        let text = String::from_utf8_lossy(capture).into_owned();
        // The SGR sequence tmux writes just before the word (its last occurrence: the command
        // line above has it too) has 9 among its parameters.
        let before = &text[..text.rfind("struck-out").unwrap()];
        let sgr = &before[before.rfind("\x1b[").unwrap() + 2..];
        let params = sgr.trim_end_matches('m');
        (params.split(';').any(|param| param == "9"), text)
    };
    let (shown_struck, text) = struck(&tmux.capture_with_attributes());
    assert!(shown_struck, "{text:?}");

    scroll_back_to(&tmux, "plain struck-out plain");
    let (shown_struck, text) = struck(&tmux.capture_with_attributes());
    assert!(shown_struck, "in the scrollback: {text:?}");
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("plain struck-out plain", WAIT);
    quit(&tmux);
}

#[test]
fn links_and_curly_underlines_reach_the_host_terminal_on_screen_and_from_the_scrollback() {
    let config = tempfile::tempdir().unwrap();
    let typescript = config.path().join("typescript");
    let tmux = tabsh_in_tmux(config.path(), Some(&typescript));
    let written =
        || String::from_utf8_lossy(&std::fs::read(&typescript).unwrap_or_default()).into_owned();
    // The words are put together by the shell, so only the output holds them whole.
    run(
        &tmux,
        r"W=ed; printf '\033]8;;https://example.com/t\033\\link%s\033]8;;\033\\ \033[4:3;58:2::255:0:0mcurly%s\033[0m end\n' $W $W",
    );
    tmux.wait_for("linked curlyed end", WAIT);
    let link_run = "\x1b]8;;https://example.com/t\x1b\\linked\x1b]8;;\x1b\\";
    let curly = |capture: &[u8]| {
        let text = String::from_utf8_lossy(capture).into_owned();
        // The SGR sequences tmux writes just before the word.
        let before = &text[..text.rfind("curlyed").unwrap()];
        let sequences = &before[before.rfind(' ').unwrap()..];
        (
            sequences.contains("\x1b[4:3m") && sequences.contains("58;2;255;0;0"),
            text,
        )
    };
    let (shown_curly, text) = curly(&tmux.capture_with_attributes());
    assert!(shown_curly, "{text:?}");
    let screen = wait_until(WAIT, Duration::from_millis(50), || {
        written().contains(link_run)
    });
    assert!(screen, "{:?}", written());
    let links_written = written().matches(link_run).count();

    // Into the scrollback: the line is drawn from the history, link and underline and all.
    scroll_back_to(&tmux, "linked curlyed end");
    let (shown_curly, text) = curly(&tmux.capture_with_attributes());
    assert!(shown_curly, "in the scrollback: {text:?}");
    let again = wait_until(WAIT, Duration::from_millis(50), || {
        written().matches(link_run).count() > links_written
    });
    assert!(again, "{:?}", written());

    // The search puts copy mode's cursor on the link: the status bar says where it goes.
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("linked curlyed end", WAIT);
    tmux.press(&[PREFIX, "/"]);
    tmux.type_text("linked");
    tmux.press(&["Enter"]);
    tmux.wait_for("link https://example.com/t", WAIT);
    // Leaving the search keeps copy mode's cursor on the match; leaving copy mode ends it.
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("/linked", WAIT);
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("link https://example.com/t", WAIT);
    quit(&tmux);
}
