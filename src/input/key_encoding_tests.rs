use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{encode_key, encode_paste};

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const ALT: KeyModifiers = KeyModifiers::ALT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
}

/// Checks each `(key, modifiers, expected bytes)` row in the given cursor mode.
fn assert_encodings(application_cursor: bool, table: &[(KeyCode, KeyModifiers, &[u8])]) {
    for &(code, modifiers, expected) in table {
        let encoded = encode_key(press(code, modifiers), application_cursor);
        assert_eq!(
            encoded.as_deref(),
            Some(expected),
            "{code:?} with {modifiers:?}, application cursor {application_cursor}"
        );
    }
}

#[test]
fn printable_characters_are_sent_as_utf8() {
    assert_encodings(
        false,
        &[
            (KeyCode::Char('a'), NONE, b"a"),
            (KeyCode::Char('A'), SHIFT, b"A"),
            (KeyCode::Char(' '), NONE, b" "),
            (KeyCode::Char('~'), NONE, b"~"),
            (KeyCode::Char('é'), NONE, "é".as_bytes()),
            (KeyCode::Char('日'), NONE, "日".as_bytes()),
            (KeyCode::Char('🦀'), NONE, "🦀".as_bytes()),
        ],
    );
}

#[test]
fn editing_keys_send_their_control_bytes() {
    assert_encodings(
        false,
        &[
            (KeyCode::Enter, NONE, b"\r"),
            (KeyCode::Tab, NONE, b"\t"),
            (KeyCode::BackTab, SHIFT, b"\x1b[Z"),
            (KeyCode::BackTab, NONE, b"\x1b[Z"),
            (KeyCode::Tab, SHIFT, b"\x1b[Z"),
            (KeyCode::Backspace, NONE, b"\x7f"),
            (KeyCode::Backspace, CTRL, b"\x08"),
            (KeyCode::Esc, NONE, b"\x1b"),
            (KeyCode::Null, NONE, b"\x00"),
        ],
    );
}

#[test]
fn cursor_keys_follow_the_cursor_mode() {
    let normal: &[(KeyCode, KeyModifiers, &[u8])] = &[
        (KeyCode::Up, NONE, b"\x1b[A"),
        (KeyCode::Down, NONE, b"\x1b[B"),
        (KeyCode::Right, NONE, b"\x1b[C"),
        (KeyCode::Left, NONE, b"\x1b[D"),
        (KeyCode::Home, NONE, b"\x1b[H"),
        (KeyCode::End, NONE, b"\x1b[F"),
    ];
    let application: &[(KeyCode, KeyModifiers, &[u8])] = &[
        (KeyCode::Up, NONE, b"\x1bOA"),
        (KeyCode::Down, NONE, b"\x1bOB"),
        (KeyCode::Right, NONE, b"\x1bOC"),
        (KeyCode::Left, NONE, b"\x1bOD"),
        (KeyCode::Home, NONE, b"\x1bOH"),
        (KeyCode::End, NONE, b"\x1bOF"),
    ];
    assert_encodings(false, normal);
    assert_encodings(true, application);
}

#[test]
fn editing_block_and_function_keys_use_vt220_codes() {
    let table: &[(KeyCode, KeyModifiers, &[u8])] = &[
        (KeyCode::Insert, NONE, b"\x1b[2~"),
        (KeyCode::Delete, NONE, b"\x1b[3~"),
        (KeyCode::PageUp, NONE, b"\x1b[5~"),
        (KeyCode::PageDown, NONE, b"\x1b[6~"),
        (KeyCode::F(1), NONE, b"\x1bOP"),
        (KeyCode::F(2), NONE, b"\x1bOQ"),
        (KeyCode::F(3), NONE, b"\x1bOR"),
        (KeyCode::F(4), NONE, b"\x1bOS"),
        (KeyCode::F(5), NONE, b"\x1b[15~"),
        (KeyCode::F(6), NONE, b"\x1b[17~"),
        (KeyCode::F(7), NONE, b"\x1b[18~"),
        (KeyCode::F(8), NONE, b"\x1b[19~"),
        (KeyCode::F(9), NONE, b"\x1b[20~"),
        (KeyCode::F(10), NONE, b"\x1b[21~"),
        (KeyCode::F(11), NONE, b"\x1b[23~"),
        (KeyCode::F(12), NONE, b"\x1b[24~"),
    ];
    // None of these depend on the cursor mode.
    assert_encodings(false, table);
    assert_encodings(true, table);
}

#[test]
fn modified_special_keys_carry_xterm_modifier_parameters() {
    let table: &[(KeyCode, KeyModifiers, &[u8])] = &[
        (KeyCode::Up, SHIFT, b"\x1b[1;2A"),
        (KeyCode::Up, ALT, b"\x1b[1;3A"),
        (KeyCode::Up, SHIFT.union(ALT), b"\x1b[1;4A"),
        (KeyCode::Up, CTRL, b"\x1b[1;5A"),
        (KeyCode::Up, CTRL.union(SHIFT), b"\x1b[1;6A"),
        (KeyCode::Up, CTRL.union(ALT), b"\x1b[1;7A"),
        (KeyCode::Up, CTRL.union(ALT).union(SHIFT), b"\x1b[1;8A"),
        (KeyCode::Left, CTRL, b"\x1b[1;5D"),
        (KeyCode::Home, SHIFT, b"\x1b[1;2H"),
        (KeyCode::End, CTRL, b"\x1b[1;5F"),
        (KeyCode::PageUp, CTRL, b"\x1b[5;5~"),
        (KeyCode::PageDown, SHIFT, b"\x1b[6;2~"),
        (KeyCode::Delete, ALT, b"\x1b[3;3~"),
        (KeyCode::Insert, SHIFT, b"\x1b[2;2~"),
        (KeyCode::F(1), SHIFT, b"\x1b[1;2P"),
        (KeyCode::F(4), CTRL, b"\x1b[1;5S"),
        (KeyCode::F(5), CTRL, b"\x1b[15;5~"),
        (KeyCode::F(12), ALT, b"\x1b[24;3~"),
    ];
    // Modified cursor keys use CSI even in application cursor mode, as in xterm.
    assert_encodings(false, table);
    assert_encodings(true, table);
}

#[test]
fn control_characters_map_to_c0_bytes() {
    assert_encodings(
        false,
        &[
            (KeyCode::Char('a'), CTRL, b"\x01"),
            (KeyCode::Char('c'), CTRL, b"\x03"),
            (KeyCode::Char('z'), CTRL, b"\x1a"),
            (KeyCode::Char('C'), CTRL.union(SHIFT), b"\x03"),
            (KeyCode::Char('@'), CTRL, b"\x00"),
            (KeyCode::Char(' '), CTRL, b"\x00"),
            (KeyCode::Char('2'), CTRL, b"\x00"),
            (KeyCode::Char('['), CTRL, b"\x1b"),
            (KeyCode::Char('\\'), CTRL, b"\x1c"),
            (KeyCode::Char(']'), CTRL, b"\x1d"),
            (KeyCode::Char('^'), CTRL, b"\x1e"),
            (KeyCode::Char('_'), CTRL, b"\x1f"),
            (KeyCode::Char('/'), CTRL, b"\x1f"),
            (KeyCode::Char('?'), CTRL, b"\x7f"),
            (KeyCode::Char('8'), CTRL, b"\x7f"),
            // No control code exists for these; xterm sends the character itself.
            (KeyCode::Char('1'), CTRL, b"1"),
            (KeyCode::Char('é'), CTRL, "é".as_bytes()),
        ],
    );
}

#[test]
fn alt_prefixes_escape() {
    assert_encodings(
        false,
        &[
            (KeyCode::Char('b'), ALT, b"\x1bb"),
            (KeyCode::Char('B'), ALT.union(SHIFT), b"\x1bB"),
            (KeyCode::Char('x'), ALT.union(CTRL), b"\x1b\x18"),
            (KeyCode::Char('é'), ALT, "\x1bé".as_bytes()),
            (KeyCode::Enter, ALT, b"\x1b\r"),
            (KeyCode::Tab, ALT, b"\x1b\t"),
            (KeyCode::Backspace, ALT, b"\x1b\x7f"),
            (KeyCode::Esc, ALT, b"\x1b\x1b"),
        ],
    );
}

#[test]
fn releases_and_keys_without_a_sequence_send_nothing() {
    let release = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Release);
    assert_eq!(encode_key(release, false), None);

    let repeat = KeyEvent::new_with_kind(KeyCode::Char('a'), NONE, KeyEventKind::Repeat);
    assert_eq!(encode_key(repeat, false).as_deref(), Some(&b"a"[..]));

    for code in [
        KeyCode::F(13),
        KeyCode::CapsLock,
        KeyCode::Menu,
        KeyCode::Pause,
    ] {
        assert_eq!(encode_key(press(code, NONE), false), None, "{code:?}");
    }
}

#[test]
fn pastes_are_encoded_like_xterm() {
    let table: &[(&str, bool, &[u8])] = &[
        ("ls -l", false, b"ls -l"),
        ("ls -l", true, b"\x1b[200~ls -l\x1b[201~"),
        ("one\ntwo\n", false, b"one\rtwo\r"),
        ("one\r\ntwo", false, b"one\rtwo"),
        ("one\rtwo", false, b"one\rtwo"),
        ("", true, b"\x1b[200~\x1b[201~"),
        ("caf\u{e9}", true, "\x1b[200~caf\u{e9}\x1b[201~".as_bytes()),
        // An end marker inside the paste would let the rest run as typed input.
        (
            "a\x1b[201~rm -rf ~\n",
            true,
            b"\x1b[200~arm -rf ~\r\x1b[201~",
        ),
        ("a\x1b[201~b", false, b"ab"),
        // Removing the inner marker must not leave a new one assembled from the outer pieces.
        ("x\x1b[20\x1b[201~1~y", true, b"\x1b[200~xy\x1b[201~"),
        // Other escape sequences, including the start marker, are harmless inside a bracket.
        (
            "\x1b[200~\x1b[31m",
            true,
            b"\x1b[200~\x1b[200~\x1b[31m\x1b[201~",
        ),
    ];
    for &(text, bracketed, expected) in table {
        assert_eq!(
            encode_paste(text, bracketed),
            expected,
            "{text:?} bracketed {bracketed}"
        );
    }
}
