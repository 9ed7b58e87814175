//! The reference check with vttest: its screens for cursor movement, screen features,
//! character sets and VT102 insert/delete, run inside a tab (on the demo server) and directly in
//! tmux, compared screen by screen, cell by cell (text, colours, attributes).
//!
//! Each screen of vttest ends with "Push <RETURN>": both are read once they show it and hold
//! still, then Return goes to both. Screens where the tab differs from tmux are listed in
//! [`KNOWN`] with the reason, and in the README; any other difference fails the test, and so
//! does a known one that went away (the list must stay true).

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use tabsh::terminal::{Terminal, TerminalView};

use crate::support::{Tmux, wait_until};

const ROWS: u16 = 24;
const COLS: u16 = 80;
const WAIT: Duration = Duration::from_secs(20);
/// vttest at 24x80, never switching to 132 columns (neither tmux nor a tab can).
const VTTEST: &str = "vttest 24x80.80";

/// `(menu, screen)` pairs where a tab and tmux are known to differ, and why.
const KNOWN: &[((&str, usize), &str)] = &[
    (
        ("2", 1),
        "autowrap off (DECAWM, `ESC [ ? 7 l`): vt100 0.18 always wraps, so the row of stars \
         wraps instead of staying in the last column",
    ),
    (
        ("2", 2),
        "tab stops set and cleared (HTS, TBC): vt100 0.18 keeps fixed stops every 8 columns",
    ),
    (
        ("2", 11),
        "origin mode: the tab draws the line at the bottom of the screen, where vttest says it \
         should be; tmux 3.3a draws it at the top",
    ),
    (
        ("3", 1),
        "the British set (`ESC ( A`): the tab shows `£` for `#` as xterm does; tmux has no \
         British set",
    ),
];

/// Draws `capture` (tmux's `capture-pane -e` of a `rows`-row pane) and returns the `ROWS` rows
/// from `first_row` as the tab's view draws them.
fn drawn(capture: &[u8], rows: u16, first_row: u16) -> Buffer {
    let mut terminal = Terminal::new(rows, COLS, 0);
    // tmux writes cells of the line-drawing set between SO and SI: G1 is that set.
    terminal.feed(b"\x1b)0");
    for (row, line) in capture
        .split(|byte| *byte == b'\n')
        .take(usize::from(rows))
        .enumerate()
    {
        if row > 0 {
            terminal.feed(b"\r\n");
        }
        terminal.feed(line);
    }
    let area = Rect::new(0, 0, COLS, rows);
    let mut buffer = Buffer::empty(area);
    TerminalView::new(&terminal)
        .show_cursor(false)
        .render(area, &mut buffer);
    let mut screen = Buffer::empty(Rect::new(0, 0, COLS, ROWS));
    for y in 0..ROWS {
        for x in 0..COLS {
            screen[(x, y)] = buffer[(x, y + first_row)].clone();
        }
    }
    screen
}

fn text(buffer: &Buffer, y: u16) -> String {
    (0..COLS).map(|x| buffer[(x, y)].symbol()).collect()
}

/// Rows that differ, with both texts.
fn differences(tab: &Buffer, tmux: &Buffer) -> Vec<String> {
    (0..ROWS)
        .filter(|&y| (0..COLS).any(|x| tab[(x, y)] != tmux[(x, y)]))
        .map(|y| {
            let style = (0..COLS)
                .find(|&x| tab[(x, y)] != tmux[(x, y)])
                .map(|x| format!("col {x}: {:?} vs {:?}", tab[(x, y)], tmux[(x, y)]))
                .unwrap_or_default();
            format!(
                "row {y}\n  tab:  {:?}\n  tmux: {:?}\n  {style}",
                text(tab, y),
                text(tmux, y)
            )
        })
        .collect()
}

/// vttest in a tab and in tmux, side by side.
struct SideBySide {
    tab: Tmux,
    direct: Tmux,
    _config: tempfile::TempDir,
}

impl SideBySide {
    fn start() -> Self {
        let config = tempfile::tempdir().unwrap();
        let tabsh = format!(
            "SHELL=/bin/sh {} --config-dir {} open demo; sleep 60",
            env!("CARGO_BIN_EXE_tabsh"),
            config.path().display()
        );
        // The tab bar and the status bar take a row each.
        let tab = Tmux::start(&tabsh, COLS, ROWS + 2);
        tab.wait_for("1 session", WAIT);
        tab.type_text(&format!("exec {VTTEST}"));
        tab.press(&["Enter"]);
        let direct = Tmux::start(VTTEST, COLS, ROWS);
        let side_by_side = Self {
            tab,
            direct,
            _config: config,
        };
        side_by_side.wait_for_both("Enter choice number");
        side_by_side
    }

    fn press(&self, keys: &[&str]) {
        self.tab.press(keys);
        self.direct.press(keys);
    }

    fn wait_for_both(&self, needle: &str) {
        self.tab.wait_for(needle, WAIT);
        self.direct.wait_for(needle, WAIT);
    }

    /// Both screens once each has held still for half a second (five captures 100 ms apart
    /// the same as the one before: a loaded machine can pause a redraw for a few hundred ms),
    /// and both as captured. Both are watched in the same steps, so the wait costs one side's.
    fn screens(&self) -> (Buffer, Buffer, [Vec<u8>; 2]) {
        let sides = [&self.tab, &self.direct];
        let mut last = [Vec::new(), Vec::new()];
        let mut same = [0; 2];
        wait_until(WAIT, Duration::from_millis(100), || {
            for (side, tmux) in sides.iter().enumerate() {
                let now = tmux.capture_with_attributes();
                same[side] = if now == last[side] { same[side] + 1 } else { 0 };
                last[side] = now;
            }
            same.iter().all(|repeats| *repeats >= 5)
        });
        let [tab, direct] = last;
        (
            drawn(&tab, ROWS + 2, 1),
            drawn(&direct, ROWS, 0),
            [tab, direct],
        )
    }

    /// Runs menu item `choice` (and `then`, for a sub-menu) and compares every screen until
    /// the menu is back; returns the differing screens by number, with their differences.
    fn run(&self, choice: &str) -> (usize, Vec<(usize, Vec<String>)>) {
        self.tab.type_text(choice);
        self.direct.type_text(choice);
        self.press(&["Enter"]);
        self.direct.wait_until_gone("Enter choice number", WAIT);
        let mut differing = Vec::new();
        for screen in 1..=40 {
            let shown = wait_until(WAIT, Duration::from_millis(50), || {
                let direct = self.direct.screen();
                direct.contains("RETURN") || direct.contains("Enter choice number")
            });
            assert!(shown, "vttest stopped:\n{}", self.direct.screen());
            if !self.direct.screen().contains("RETURN") {
                return (screen - 1, differing);
            }
            self.tab.wait_for("RETURN", WAIT);
            let (tab, direct, captured) = self.screens();
            let found = differences(&tab, &direct);
            if !found.is_empty() {
                differing.push((screen, found));
            }
            self.press(&["Enter"]);
            // Read on once the next screen (or the menu) has replaced this one in both.
            for (tmux, before) in [(&self.tab, &captured[0]), (&self.direct, &captured[1])] {
                wait_until(WAIT, Duration::from_millis(50), || {
                    tmux.capture_with_attributes() != *before
                });
            }
        }
        panic!("vttest menu {choice} never came back to its menu");
    }
}

/// Runs menu item `name` side by side and checks its screens against [`KNOWN`].
fn check(name: &str, screens_at_least: usize) {
    let side_by_side = SideBySide::start();
    let (screens, differing) = side_by_side.run(name);
    assert!(
        screens >= screens_at_least,
        "menu {name}: {screens} screens compared"
    );
    let unknown: Vec<String> = differing
        .iter()
        .filter(|(screen, _)| {
            !KNOWN.iter().any(|((known_menu, known_screen), _)| {
                *known_menu == name && known_screen == screen
            })
        })
        .map(|(screen, found)| format!("menu {name}, screen {screen}:\n{}", found.join("\n")))
        .collect();
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
    for ((known_menu, known_screen), why) in KNOWN {
        if *known_menu == name {
            assert!(
                differing.iter().any(|(screen, _)| screen == known_screen),
                "menu {name}, screen {known_screen} now draws as in tmux; drop it from KNOWN \
                 ({why})"
            );
        }
    }
}

#[test]
fn vttest_cursor_movements_draw_as_in_tmux() {
    check("1", 3);
}

#[test]
fn vttest_screen_features_draw_as_in_tmux() {
    check("2", 8);
}

#[test]
fn vttest_character_sets_draw_as_in_tmux() {
    check("3", 1);
}

#[test]
fn vttest_vt102_insert_and_delete_draw_as_in_tmux() {
    check("8", 6);
}
