use unicode_width::UnicodeWidthChar as _;

use super::{LineKind, common_width, decode, shape_of, wide_run_len};

/// The shape of `line` (without its length in bytes, which is just `line.len() + 1`).
fn shape(line: &str, max_width: usize) -> Option<(usize, bool, LineKind)> {
    let shape = shape_of(line.as_bytes(), max_width)?;
    assert_eq!(shape.len, line.len() + 1);
    Some((shape.width, shape.draws, shape.kind))
}

fn plain(width: usize, draws: bool, kind: LineKind) -> Option<(usize, bool, LineKind)> {
    Some((width, draws, kind))
}

#[test]
fn printable_text_and_colours_are_measured_in_columns() {
    assert_eq!(shape("plain\r", 10), plain(5, true, LineKind::Ascii));
    assert_eq!(shape("\r", 10), plain(0, false, LineKind::Ascii));
    assert_eq!(
        shape("\x1b[1;31mERROR\x1b[0m ok\r", 10),
        plain(8, true, LineKind::Styled)
    );
    assert_eq!(shape("\x1b[m\r", 10), plain(0, false, LineKind::Styled));
    assert_eq!(shape("漢字 e\u{301}\r", 10), plain(6, true, LineKind::Text));
    assert_eq!(
        shape("\x1b[38:2:1:2:3m漢\r", 2),
        plain(2, true, LineKind::Styled)
    );
}

#[test]
fn text_whose_cells_differ_from_it_is_worked_out_cell_by_cell() {
    // vt100 drops a zero-width character at the start of a row, and stops joining them to a
    // cell of 18 bytes.
    assert_eq!(shape("\u{301}a\r", 10), plain(1, true, LineKind::Styled));
    let full_cell = format!("e{}\r", "\u{301}".repeat(10));
    assert_eq!(shape(&full_cell, 10), plain(1, true, LineKind::Styled));
    let nearly_full = format!("e{}\r", "\u{301}".repeat(9));
    assert_eq!(shape(&nearly_full, 10), plain(1, true, LineKind::Text));
}

#[test]
fn lines_too_wide_or_without_cr_are_not_taken() {
    assert_eq!(shape("abc\r", 2), None);
    assert_eq!(shape("漢字\r", 3), None);
    assert_eq!(shape("abc", 10), None);
}

#[test]
fn anything_but_text_and_plain_sgr_is_left_to_vt100() {
    for line in [
        "a\tb\r",
        "a\x08b\r",
        "a\rb\r",
        "\x1b[2Jx\r",
        "\x1b[?25lx\r",
        "\x1b[1\r",
        "\x1b]0;t\x07\r",
        "\x1b(Bx\r",
        "x\u{85}\r",
        "x\u{fffd}\r",
        "\u{2764}\u{fe0f}\r",
        "\x7f\r",
    ] {
        assert_eq!(shape(line, 20), None, "{line:?}");
    }
    assert_eq!(shape_of(b"\xc3\r", 20), None);
    assert_eq!(shape_of(b"a\xffb\r", 20), None);
}

#[test]
fn decoding_agrees_with_the_standard_library() {
    // Every lead byte with continuations at and around every boundary UTF-8 has.
    const FOLLOWERS: [u8; 12] = [
        0x00, 0x3f, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xff,
    ];
    for lead in 0x80..=0xffu8 {
        for second in FOLLOWERS {
            for third in FOLLOWERS {
                for fourth in FOLLOWERS {
                    let bytes = [lead, second, third, fourth];
                    let expected = std::str::from_utf8(&bytes)
                        .or_else(|error| std::str::from_utf8(&bytes[..error.valid_up_to()]))
                        .ok()
                        .and_then(|valid| valid.chars().next())
                        .map(|character| (character, character.len_utf8() as u8));
                    assert_eq!(decode(&bytes), expected, "{bytes:02x?}");
                }
            }
        }
    }
    assert_eq!(decode(b"\xe6\xbc"), None);
}

#[test]
fn common_widths_are_unicode_widths() {
    for code in 0..=0xffff_u32 {
        let Some(character) = char::from_u32(code) else {
            continue;
        };
        if let Some(width) = common_width(character) {
            assert_eq!(Some(usize::from(width)), character.width(), "{character:?}");
        }
    }
}

#[test]
fn wide_runs_hold_wide_characters_only() {
    for lead in (0xe4..=0xe9).chain(0xeb..=0xec) {
        for second in 0x80..=0xbf {
            for third in 0x80..=0xbf {
                let bytes = [lead, second, third];
                assert_eq!(wide_run_len(&bytes), 3);
                let character = std::str::from_utf8(&bytes).unwrap().chars().next().unwrap();
                assert_eq!(character.width(), Some(2), "{character:?}");
            }
        }
    }
    assert_eq!(wide_run_len("漢字a".as_bytes()), 6);
    assert_eq!(wide_run_len("あ".as_bytes()), 0);
    assert_eq!(wide_run_len(b"\xe6\xbc"), 0);
    assert_eq!(wide_run_len(b"\xe6\xbc\x41"), 0);
}
