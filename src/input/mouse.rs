//! What a mouse event over a terminal pane should do: be reported to the remote program in the
//! protocol it asked for, scroll our own history, or become arrow keys for a full-screen program
//! that did not ask for the mouse (xterm's `alternateScroll`).

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use crate::terminal::{MouseProtocolEncoding, MouseProtocolMode, MouseReporting, Terminal};

/// Lines (or arrow presses) per wheel notch, as in xterm.
pub const WHEEL_LINES: i32 = 3;

/// Button code 64 and up are the wheel in xterm's protocol; motion adds 32.
const WHEEL_UP: u8 = 64;
const WHEEL_DOWN: u8 = 65;
const WHEEL_LEFT: u8 = 66;
const WHEEL_RIGHT: u8 = 67;
const MOTION: u8 = 32;
const NO_BUTTON: u8 = 3;

/// The legacy encodings add 32 to every value to keep it printable, so one byte holds at most
/// column 223; the UTF-8 variant stretches that to 2015 columns.
const LEGACY_OFFSET: u32 = 32;
const LEGACY_MAX_VALUE: u32 = 255;
const UTF8_MAX_VALUE: u32 = 2047;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MouseAction {
    /// Bytes to write to the remote: a mouse report, or arrow keys for the wheel.
    Send(Vec<u8>),
    /// Move our scrollback view: positive is towards older lines (pass to
    /// [`Terminal::scroll_up`]), negative towards the live screen.
    ScrollBack(i32),
    Ignore,
}

/// Decides what `event` means for `terminal`, drawn with its top-left cell at `origin`
/// (`(column, row)` in host terminal cells). Events outside the terminal's cells are ignored.
pub fn encode_mouse(event: MouseEvent, terminal: &Terminal, origin: (u16, u16)) -> MouseAction {
    let Some(position) = position_in_terminal(&event, terminal, origin) else {
        return MouseAction::Ignore;
    };
    let reporting = terminal.mouse_reporting();
    if reporting.is_enabled() {
        return report(&event, position, reporting).map_or(MouseAction::Ignore, MouseAction::Send);
    }
    let towards_older = match event.kind {
        MouseEventKind::ScrollUp => true,
        MouseEventKind::ScrollDown => false,
        _ => return MouseAction::Ignore,
    };
    if terminal.alternate_screen() {
        return MouseAction::Send(wheel_as_arrows(
            towards_older,
            terminal.application_cursor(),
        ));
    }
    MouseAction::ScrollBack(if towards_older {
        WHEEL_LINES
    } else {
        -WHEEL_LINES
    })
}

/// Zero-based `(column, row)` inside the terminal.
fn position_in_terminal(
    event: &MouseEvent,
    terminal: &Terminal,
    origin: (u16, u16),
) -> Option<(u16, u16)> {
    let column = event.column.checked_sub(origin.0)?;
    let row = event.row.checked_sub(origin.1)?;
    let (rows, columns) = terminal.size();
    (column < columns && row < rows).then_some((column, row))
}

fn wheel_as_arrows(towards_older: bool, application_cursor: bool) -> Vec<u8> {
    let arrow: &[u8] = match (towards_older, application_cursor) {
        (true, false) => b"\x1b[A",
        (true, true) => b"\x1bOA",
        (false, false) => b"\x1b[B",
        (false, true) => b"\x1bOB",
    };
    arrow.repeat(WHEEL_LINES.unsigned_abs() as usize)
}

fn button_code(button: MouseButton) -> u8 {
    match button {
        MouseButton::Left => 0,
        MouseButton::Middle => 1,
        MouseButton::Right => 2,
    }
}

/// What happened, as xterm's protocol sees it.
struct Report {
    button: u8,
    released: bool,
}

/// `None` when the program's mode does not cover this kind of event.
fn classify(kind: MouseEventKind, mode: MouseProtocolMode) -> Option<Report> {
    let wants_releases = mode != MouseProtocolMode::Press;
    let wants_drags = matches!(
        mode,
        MouseProtocolMode::ButtonMotion | MouseProtocolMode::AnyMotion
    );
    let wants_motion = mode == MouseProtocolMode::AnyMotion;
    let (button, released) = match kind {
        MouseEventKind::Down(button) => (button_code(button), false),
        MouseEventKind::Up(button) if wants_releases => (button_code(button), true),
        MouseEventKind::Drag(button) if wants_drags => (button_code(button) + MOTION, false),
        MouseEventKind::Moved if wants_motion => (NO_BUTTON + MOTION, false),
        MouseEventKind::ScrollUp => (WHEEL_UP, false),
        MouseEventKind::ScrollDown => (WHEEL_DOWN, false),
        MouseEventKind::ScrollLeft => (WHEEL_LEFT, false),
        MouseEventKind::ScrollRight => (WHEEL_RIGHT, false),
        _ => return None,
    };
    Some(Report { button, released })
}

/// Shift 4, Alt (Meta) 8, Ctrl 16; the X10 protocol carries no modifiers.
fn modifier_bits(modifiers: KeyModifiers, mode: MouseProtocolMode) -> u8 {
    if mode == MouseProtocolMode::Press {
        return 0;
    }
    let mut bits = 0;
    if modifiers.contains(KeyModifiers::SHIFT) {
        bits |= 4;
    }
    if modifiers.contains(KeyModifiers::ALT) {
        bits |= 8;
    }
    if modifiers.contains(KeyModifiers::CONTROL) {
        bits |= 16;
    }
    bits
}

fn report(
    event: &MouseEvent,
    (column, row): (u16, u16),
    reporting: MouseReporting,
) -> Option<Vec<u8>> {
    let Report { button, released } = classify(event.kind, reporting.mode)?;
    let modifiers = modifier_bits(event.modifiers, reporting.mode);
    // The protocol counts cells from 1.
    let x = u32::from(column) + 1;
    let y = u32::from(row) + 1;
    match reporting.encoding {
        MouseProtocolEncoding::Sgr => {
            let code = button | modifiers;
            let final_byte = if released { 'm' } else { 'M' };
            Some(format!("\x1b[<{code};{x};{y}{final_byte}").into_bytes())
        }
        MouseProtocolEncoding::Default | MouseProtocolEncoding::Utf8 => {
            // The legacy encodings cannot say which button was released.
            let code = if released { NO_BUTTON } else { button } | modifiers;
            let utf8 = reporting.encoding == MouseProtocolEncoding::Utf8;
            let mut bytes = b"\x1b[M".to_vec();
            for value in [u32::from(code), x, y] {
                push_legacy_value(&mut bytes, value + LEGACY_OFFSET, utf8)?;
            }
            Some(bytes)
        }
    }
}

/// `None` when the value does not fit the encoding; xterm then drops the report too.
fn push_legacy_value(bytes: &mut Vec<u8>, value: u32, utf8: bool) -> Option<()> {
    if utf8 {
        if value > UTF8_MAX_VALUE {
            return None;
        }
        let character = char::from_u32(value)?;
        let mut encoded = [0; 4];
        bytes.extend_from_slice(character.encode_utf8(&mut encoded).as_bytes());
    } else {
        if value > LEGACY_MAX_VALUE {
            return None;
        }
        bytes.push(u8::try_from(value).ok()?);
    }
    Some(())
}

#[cfg(test)]
#[path = "mouse_tests.rs"]
mod tests;
