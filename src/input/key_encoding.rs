//! Turning host key presses and pastes into the bytes an xterm would send to the remote program.
//!
//! The encodings follow xterm's defaults (VT220-style function keys, `CSI 1 ; m` modifier
//! parameters, Alt as an ESC prefix), which is what `TERM=xterm-256color` promises the remote.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

const ESC: u8 = 0x1b;
const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// How an xterm function key is spelled: `ESC [ n ~` (Insert, Delete, PgUp, PgDn, F5–F12) or a
/// final letter after `ESC [` / `ESC O` (arrows, Home, End, F1–F4).
enum FunctionKey {
    Tilde(u8),
    /// Sent as `ESC [ letter` unmodified, `ESC O letter` in application cursor mode.
    Cursor(u8),
    /// F1–F4: always `ESC O letter` unmodified.
    Ss3(u8),
}

/// xterm's modifier parameter: 1 + Shift(1) + Alt(2) + Ctrl(4); `None` when no modifier applies.
fn modifier_parameter(modifiers: KeyModifiers) -> Option<u8> {
    let mut parameter = 1;
    if modifiers.contains(KeyModifiers::SHIFT) {
        parameter += 1;
    }
    if modifiers.contains(KeyModifiers::ALT) {
        parameter += 2;
    }
    if modifiers.contains(KeyModifiers::CONTROL) {
        parameter += 4;
    }
    (parameter > 1).then_some(parameter)
}

fn function_key(code: KeyCode) -> Option<FunctionKey> {
    let key = match code {
        KeyCode::Up => FunctionKey::Cursor(b'A'),
        KeyCode::Down => FunctionKey::Cursor(b'B'),
        KeyCode::Right => FunctionKey::Cursor(b'C'),
        KeyCode::Left => FunctionKey::Cursor(b'D'),
        KeyCode::Home => FunctionKey::Cursor(b'H'),
        KeyCode::End => FunctionKey::Cursor(b'F'),
        KeyCode::Insert => FunctionKey::Tilde(2),
        KeyCode::Delete => FunctionKey::Tilde(3),
        KeyCode::PageUp => FunctionKey::Tilde(5),
        KeyCode::PageDown => FunctionKey::Tilde(6),
        KeyCode::F(number @ 1..=4) => FunctionKey::Ss3(b'P' + number - 1),
        KeyCode::F(5) => FunctionKey::Tilde(15),
        KeyCode::F(6) => FunctionKey::Tilde(17),
        KeyCode::F(7) => FunctionKey::Tilde(18),
        KeyCode::F(8) => FunctionKey::Tilde(19),
        KeyCode::F(9) => FunctionKey::Tilde(20),
        KeyCode::F(10) => FunctionKey::Tilde(21),
        KeyCode::F(11) => FunctionKey::Tilde(23),
        KeyCode::F(12) => FunctionKey::Tilde(24),
        _ => return None,
    };
    Some(key)
}

fn encode_function_key(
    key: FunctionKey,
    modifiers: KeyModifiers,
    application_cursor: bool,
) -> Vec<u8> {
    let modifier = modifier_parameter(modifiers);
    match (key, modifier) {
        (FunctionKey::Tilde(number), None) => format!("\x1b[{number}~").into_bytes(),
        (FunctionKey::Tilde(number), Some(modifier)) => {
            format!("\x1b[{number};{modifier}~").into_bytes()
        }
        (FunctionKey::Cursor(letter), None) if application_cursor => vec![ESC, b'O', letter],
        (FunctionKey::Cursor(letter), None) => vec![ESC, b'[', letter],
        (FunctionKey::Ss3(letter), None) => vec![ESC, b'O', letter],
        (FunctionKey::Cursor(letter) | FunctionKey::Ss3(letter), Some(modifier)) => {
            let mut bytes = format!("\x1b[1;{modifier}").into_bytes();
            bytes.push(letter);
            bytes
        }
    }
}

/// The C0 control byte xterm sends for Ctrl plus `character`, if there is one. Besides letters
/// and `@[\]^_?`, the VT220 digit aliases (Ctrl-2 = NUL ... Ctrl-8 = DEL) and Ctrl-Space and
/// Ctrl-/ are covered because shells and editors bind them.
fn control_byte(character: char) -> Option<u8> {
    let byte = match character {
        'a'..='z' | 'A'..='Z' => (character as u8) & 0x1f,
        '@' | ' ' | '2' => 0x00,
        '[' | '3' => 0x1b,
        '\\' | '4' => 0x1c,
        ']' | '5' => 0x1d,
        '^' | '~' | '6' => 0x1e,
        '_' | '/' | '7' => 0x1f,
        '?' | '8' => 0x7f,
        _ => return None,
    };
    Some(byte)
}

fn encode_character(character: char, modifiers: KeyModifiers) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(5);
    if modifiers.contains(KeyModifiers::ALT) {
        bytes.push(ESC);
    }
    let control = modifiers
        .contains(KeyModifiers::CONTROL)
        .then(|| control_byte(character))
        .flatten();
    match control {
        Some(byte) => bytes.push(byte),
        None => {
            let mut utf8 = [0; 4];
            bytes.extend_from_slice(character.encode_utf8(&mut utf8).as_bytes());
        }
    }
    bytes
}

/// Keys that send one byte, optionally after Alt's ESC prefix.
fn with_alt_prefix(byte: u8, modifiers: KeyModifiers) -> Vec<u8> {
    if modifiers.contains(KeyModifiers::ALT) {
        vec![ESC, byte]
    } else {
        vec![byte]
    }
}

/// The bytes to send to the remote for `key`, or `None` for keys that send nothing (releases,
/// lone modifiers, media keys, F13 and up).
pub fn encode_key(key: KeyEvent, application_cursor: bool) -> Option<Vec<u8>> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let modifiers = key.modifiers;
    if let Some(function) = function_key(key.code) {
        return Some(encode_function_key(function, modifiers, application_cursor));
    }
    let bytes = match key.code {
        KeyCode::Char(character) => encode_character(character, modifiers),
        KeyCode::Enter => with_alt_prefix(b'\r', modifiers),
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => b"\x1b[Z".to_vec(),
        KeyCode::Tab => with_alt_prefix(b'\t', modifiers),
        KeyCode::BackTab => b"\x1b[Z".to_vec(),
        // xterm sends BS for Ctrl-Backspace, which readline binds to "delete word".
        KeyCode::Backspace if modifiers.contains(KeyModifiers::CONTROL) => {
            with_alt_prefix(0x08, modifiers)
        }
        KeyCode::Backspace => with_alt_prefix(0x7f, modifiers),
        KeyCode::Esc => with_alt_prefix(ESC, modifiers),
        KeyCode::Null => with_alt_prefix(0x00, modifiers),
        _ => return None,
    };
    Some(bytes)
}

/// What a program that asked for focus reports (DECSET 1004) is sent when its tab gains
/// (`ESC [ I`) or loses (`ESC [ O`) focus.
pub fn focus_report(focused: bool) -> &'static [u8] {
    if focused { b"\x1b[I" } else { b"\x1b[O" }
}

/// The bytes to send for pasted `text`.
///
/// Line feeds become carriage returns, as a typed Enter would send (xterm does the same; a CRLF
/// pair becomes one CR so Windows text does not press Enter twice). With `bracketed` the text is
/// wrapped in `ESC [200~` ... `ESC [201~`. Any end marker inside the text is removed, in either
/// mode, so pasted text can never end the bracket early and be run as typed commands; the removal
/// is repeated until no marker is left, so markers nested inside markers do not survive either.
pub fn encode_paste(text: &str, bracketed: bool) -> Vec<u8> {
    let mut body = String::with_capacity(text.len());
    let mut previous_was_carriage_return = false;
    for character in text.chars() {
        match character {
            '\n' if previous_was_carriage_return => {}
            '\n' => body.push('\r'),
            other => body.push(other),
        }
        previous_was_carriage_return = character == '\r';
        // Checking after each character removes markers assembled from the pieces left around
        // an earlier removal, in a single pass.
        if body.ends_with(PASTE_END) {
            body.truncate(body.len() - PASTE_END.len());
        }
    }

    let mut bytes = Vec::with_capacity(body.len() + PASTE_START.len() + PASTE_END.len());
    if bracketed {
        bytes.extend_from_slice(PASTE_START.as_bytes());
    }
    bytes.extend_from_slice(body.as_bytes());
    if bracketed {
        bytes.extend_from_slice(PASTE_END.as_bytes());
    }
    bytes
}

#[cfg(test)]
#[path = "key_encoding_tests.rs"]
mod tests;
