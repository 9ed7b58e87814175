use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::{MouseAction, WHEEL_LINES, encode_mouse};
use crate::terminal::Terminal;

/// Where the terminal is drawn on the host screen in these tests: column 10, row 2.
const ORIGIN: (u16, u16) = (10, 2);

fn terminal_in_modes(modes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(24, 80, 100);
    terminal.feed(modes);
    terminal
}

/// An event at `(column, row)` relative to the terminal's top-left cell.
fn event_at(kind: MouseEventKind, column: u16, row: u16, modifiers: KeyModifiers) -> MouseEvent {
    MouseEvent {
        kind,
        column: ORIGIN.0 + column,
        row: ORIGIN.1 + row,
        modifiers,
    }
}

fn sent(bytes: &[u8]) -> MouseAction {
    MouseAction::Send(bytes.to_vec())
}

type Case = (MouseEventKind, u16, u16, KeyModifiers, MouseAction);

fn assert_actions(modes: &[u8], cases: Vec<Case>) {
    let terminal = terminal_in_modes(modes);
    for (kind, column, row, modifiers, expected) in cases {
        let action = encode_mouse(event_at(kind, column, row, modifiers), &terminal, ORIGIN);
        assert_eq!(
            action, expected,
            "{kind:?} at ({column},{row}) {modifiers:?} with modes {modes:?}"
        );
    }
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const LEFT: MouseButton = MouseButton::Left;

#[test]
fn sgr_reports_presses_releases_and_the_wheel() {
    use MouseEventKind::*;
    assert_actions(
        b"\x1b[?1000h\x1b[?1006h",
        vec![
            (Down(LEFT), 0, 0, NONE, sent(b"\x1b[<0;1;1M")),
            (Up(LEFT), 0, 0, NONE, sent(b"\x1b[<0;1;1m")),
            (
                Down(MouseButton::Middle),
                4,
                9,
                NONE,
                sent(b"\x1b[<1;5;10M"),
            ),
            (
                Down(MouseButton::Right),
                79,
                23,
                NONE,
                sent(b"\x1b[<2;80;24M"),
            ),
            (
                Up(MouseButton::Right),
                79,
                23,
                NONE,
                sent(b"\x1b[<2;80;24m"),
            ),
            (ScrollUp, 3, 3, NONE, sent(b"\x1b[<64;4;4M")),
            (ScrollDown, 3, 3, NONE, sent(b"\x1b[<65;4;4M")),
            (ScrollLeft, 3, 3, NONE, sent(b"\x1b[<66;4;4M")),
            (ScrollRight, 3, 3, NONE, sent(b"\x1b[<67;4;4M")),
            (Down(LEFT), 0, 0, KeyModifiers::SHIFT, sent(b"\x1b[<4;1;1M")),
            (Down(LEFT), 0, 0, KeyModifiers::ALT, sent(b"\x1b[<8;1;1M")),
            (
                Down(LEFT),
                0,
                0,
                KeyModifiers::CONTROL,
                sent(b"\x1b[<16;1;1M"),
            ),
            (
                ScrollUp,
                0,
                0,
                KeyModifiers::CONTROL,
                sent(b"\x1b[<80;1;1M"),
            ),
            // Mode 1000 does not report motion.
            (Drag(LEFT), 1, 1, NONE, MouseAction::Ignore),
            (Moved, 1, 1, NONE, MouseAction::Ignore),
        ],
    );
}

#[test]
fn motion_is_reported_only_in_the_modes_that_ask_for_it() {
    use MouseEventKind::*;
    assert_actions(
        b"\x1b[?1002h\x1b[?1006h",
        vec![
            (Drag(LEFT), 1, 1, NONE, sent(b"\x1b[<32;2;2M")),
            (Drag(MouseButton::Right), 1, 1, NONE, sent(b"\x1b[<34;2;2M")),
            (Moved, 1, 1, NONE, MouseAction::Ignore),
        ],
    );
    assert_actions(
        b"\x1b[?1003h\x1b[?1006h",
        vec![
            (Drag(LEFT), 1, 1, NONE, sent(b"\x1b[<32;2;2M")),
            (Moved, 1, 1, NONE, sent(b"\x1b[<35;2;2M")),
        ],
    );
}

#[test]
fn legacy_encoding_adds_32_and_cannot_name_the_released_button() {
    use MouseEventKind::*;
    assert_actions(
        b"\x1b[?1000h",
        vec![
            (Down(LEFT), 0, 0, NONE, sent(b"\x1b[M !!")),
            (Up(LEFT), 0, 0, NONE, sent(b"\x1b[M#!!")),
            (Down(MouseButton::Right), 9, 4, NONE, sent(b"\x1b[M\"*%")),
            (ScrollUp, 0, 0, NONE, sent(b"\x1b[M`!!")),
            (ScrollDown, 0, 0, NONE, sent(b"\x1b[Ma!!")),
            (Down(LEFT), 0, 0, KeyModifiers::CONTROL, sent(b"\x1b[M0!!")),
        ],
    );
}

#[test]
fn legacy_encoding_drops_reports_beyond_column_223() {
    let mut terminal = Terminal::new(24, 300, 0);
    terminal.feed(b"\x1b[?1000h");
    let click = |terminal: &Terminal, column| {
        let event = event_at(MouseEventKind::Down(LEFT), column, 0, NONE);
        encode_mouse(event, terminal, ORIGIN)
    };
    assert_eq!(
        click(&terminal, 222),
        sent(&[0x1b, b'[', b'M', 32, 255, 33])
    );
    assert_eq!(click(&terminal, 223), MouseAction::Ignore);

    // UTF-8 encoding (mode 1005) writes values above 127 as two-byte characters.
    terminal.feed(b"\x1b[?1005h");
    assert_eq!(click(&terminal, 299), sent("\x1b[M \u{14c}!".as_bytes()));
}

#[test]
fn x10_mode_reports_presses_only_without_modifiers() {
    use MouseEventKind::*;
    assert_actions(
        b"\x1b[?9h",
        vec![
            (Down(LEFT), 2, 3, KeyModifiers::CONTROL, sent(b"\x1b[M #$")),
            (Up(LEFT), 2, 3, NONE, MouseAction::Ignore),
            (Drag(LEFT), 2, 3, NONE, MouseAction::Ignore),
        ],
    );
}

#[test]
fn without_reporting_the_wheel_scrolls_history_on_the_primary_screen() {
    use MouseEventKind::*;
    assert_actions(
        b"",
        vec![
            (ScrollUp, 5, 5, NONE, MouseAction::ScrollBack(WHEEL_LINES)),
            (
                ScrollDown,
                5,
                5,
                NONE,
                MouseAction::ScrollBack(-WHEEL_LINES),
            ),
            (ScrollLeft, 5, 5, NONE, MouseAction::Ignore),
            (Down(LEFT), 5, 5, NONE, MouseAction::Ignore),
            (Moved, 5, 5, NONE, MouseAction::Ignore),
        ],
    );
}

#[test]
fn without_reporting_the_wheel_sends_arrows_on_the_alternate_screen() {
    use MouseEventKind::*;
    assert_actions(
        b"\x1b[?1049h",
        vec![
            (ScrollUp, 5, 5, NONE, sent(b"\x1b[A\x1b[A\x1b[A")),
            (ScrollDown, 5, 5, NONE, sent(b"\x1b[B\x1b[B\x1b[B")),
            (Down(LEFT), 5, 5, NONE, MouseAction::Ignore),
        ],
    );
    assert_actions(
        b"\x1b[?1049h\x1b[?1h",
        vec![
            (ScrollUp, 5, 5, NONE, sent(b"\x1bOA\x1bOA\x1bOA")),
            (ScrollDown, 5, 5, NONE, sent(b"\x1bOB\x1bOB\x1bOB")),
        ],
    );
}

#[test]
fn events_outside_the_terminal_are_ignored() {
    let terminal = terminal_in_modes(b"\x1b[?1000h\x1b[?1006h");
    let wheel_at = |column, row| MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column,
        row,
        modifiers: NONE,
    };
    let outside = [
        (ORIGIN.0 - 1, ORIGIN.1),
        (ORIGIN.0, ORIGIN.1 - 1),
        (ORIGIN.0 + 80, ORIGIN.1),
        (ORIGIN.0, ORIGIN.1 + 24),
    ];
    for (column, row) in outside {
        assert_eq!(
            encode_mouse(wheel_at(column, row), &terminal, ORIGIN),
            MouseAction::Ignore,
            "({column},{row})"
        );
    }
    assert_eq!(
        encode_mouse(wheel_at(ORIGIN.0 + 79, ORIGIN.1 + 23), &terminal, ORIGIN),
        sent(b"\x1b[<64;80;24M")
    );
}
