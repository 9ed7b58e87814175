//! Search, copy mode and the clipboard, and tab marks: the real binary in tmux, read from the
//! screen (with its colours) and from tmux's paste buffer, which OSC 52 fills.

use std::time::Duration;

use crate::support::tui::tabsh_in_tmux;
use crate::support::wait_until;

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "C-\\";

/// The SGR sequences sent just before the first character of `text` on the line that shows
/// it (`capture-pane -e` puts them between characters wherever the look changes).
fn look_before(styled_screen: &str, text: &str) -> String {
    for line in styled_screen.lines() {
        // The line's characters, each with the sequences sent since the one before.
        let mut cells: Vec<(String, char)> = Vec::new();
        let mut pending = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                pending.push(c);
                for next in chars.by_ref() {
                    pending.push(next);
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                cells.push((std::mem::take(&mut pending), c));
            }
        }
        let plain: String = cells.iter().map(|(_, c)| *c).collect();
        if let Some(at) = plain.find(text) {
            let index = plain[..at].chars().count();
            return cells[index].0.clone();
        }
    }
    panic!("{text:?} is not on the screen:\n{styled_screen}");
}

/// Whether a look sets a background colour (as tabsh's match highlights do).
fn sets_background(look: &str) -> bool {
    look.contains("[48;") || (look.contains("[4") && !look.contains("[49m"))
}

#[test]
fn search_finds_a_line_that_scrolled_off_and_copy_mode_copies_it_through_osc_52() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 100, 30);
    tmux.set_server_option("set-clipboard", "on");
    tmux.wait_for("1 session", WAIT);
    tmux.type_text("seq 1 5000 | sed 's/^/n-/'");
    tmux.press(&["Enter"]);
    tmux.wait_for("n-5000", WAIT);

    tmux.press(&[PREFIX, "/"]);
    tmux.type_text("n-123");
    // n-123 and n-1230 ... n-1239: the newest is current, counted 1 of 11. The count is
    // followed by two spaces; without them 1/11 would also match 1/111 (n-12) while typing.
    let screen = tmux.wait_for("1/11  ", WAIT);
    assert!(
        screen.contains("n-1239") && !screen.contains("n-5000"),
        "{screen}"
    );
    let styled = tmux.screen_with_styles();
    let current = look_before(&styled, "n-1239");
    let other = look_before(&styled, "n-1238");
    assert!(
        sets_background(&current) && sets_background(&other),
        "both drawn as matches ({current:?}, {other:?}):\n{styled}"
    );
    assert_ne!(current, other, "the current match looks different");
    let plain = look_before(&styled, "n-1240");
    assert!(
        !sets_background(&plain),
        "no match, no highlight ({plain:?}):\n{styled}"
    );

    tmux.press(&["Enter"]);
    tmux.wait_for("n older", WAIT);
    tmux.press(&["n"]);
    tmux.wait_for("2/11  ", WAIT);
    let styled = tmux.screen_with_styles();
    assert_eq!(
        look_before(&styled, "n-1238"),
        current,
        "n moved to the older one"
    );
    tmux.press(&["N"]);
    tmux.wait_for("1/11  ", WAIT);

    // Esc leaves the search at the match, in copy mode with the cursor on it: V y copies
    // the line, and OSC 52 puts it in tmux's paste buffer.
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("n older", WAIT);
    tmux.wait_for("v V select", WAIT);
    tmux.press(&["V"]);
    tmux.press(&["y"]);
    let mut buffer = None;
    let copied = wait_until(WAIT, Duration::from_millis(50), || {
        buffer = tmux.paste_buffer();
        buffer.as_deref() == Some("n-1239")
    });
    assert!(copied, "tmux's buffer: {buffer:?}\n{}", tmux.screen());
    let screen = tmux.wait_for("n-5000", WAIT);
    assert!(screen.contains("copied 6 characters"), "{screen}");

    // And Ctrl-\ ] types it into the tab.
    tmux.press(&[PREFIX, "]"]);
    let pasted = wait_until(WAIT, Duration::from_millis(50), || {
        // After the shell's prompt (`$ `, or `# ` for root).
        tmux.screen()
            .lines()
            .any(|line| line.trim_end().ends_with(" n-1239"))
    });
    assert!(pasted, "{}", tmux.screen());
}

#[test]
fn a_background_tab_shows_its_activity_until_it_is_shown() {
    let config = tempfile::tempdir().unwrap();
    let tmux = tabsh_in_tmux(config.path(), "open demo", 100, 30);
    tmux.wait_for("1 session", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);
    tmux.type_text("sleep 2; echo later-output");
    tmux.press(&["Enter"]);
    tmux.press(&[PREFIX, "1"]);
    let found = wait_until(WAIT, Duration::from_millis(50), || {
        let screen = tmux.screen();
        screen
            .lines()
            .next()
            .unwrap_or_default()
            .contains("2 demo•")
    });
    assert!(found, "no activity mark:\n{}", tmux.screen());
    tmux.press(&[PREFIX, "2"]);
    let screen = tmux.wait_for("later-output", WAIT);
    let tab_bar = screen.lines().next().unwrap_or_default();
    assert!(
        !tab_bar.contains('•'),
        "the mark is cleared once shown: {tab_bar}"
    );

    // Moving the tab left makes it the first: tab 2 is now the other one.
    tmux.press(&[PREFIX, "<"]);
    tmux.press(&[PREFIX, "2"]);
    tmux.wait_until_gone("later-output", WAIT);
    tmux.press(&[PREFIX, "1"]);
    tmux.wait_for("later-output", WAIT);
}
