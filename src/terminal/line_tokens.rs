//! The lines the flood shortcut (see `plain_lines`) may keep from vt100, and what they are made
//! of: printable characters and SGR sequences, nothing else. For these, what vt100 does on a
//! fresh row is known exactly (vt100 0.18 `Screen::text`, vte 0.15's parser):
//!
//! - printable ASCII takes one column per byte;
//! - another character takes the columns unicode-width gives it, at most two (vt100 squeezes
//!   the rare three-column ones into two); zero-width ones join the cell before them, and are
//!   dropped at the start of a row. Both crates read widths from the same unicode-width;
//! - `ESC [ params m` changes the pen (see `sgr`).
//!
//! Everything else is refused, and the line is left to vt100: controls, other sequences, invalid
//! UTF-8, C1 characters and U+FFFD (vt100 does not draw them), and U+FE0F, which can widen a
//! cell already drawn and push it onto the next row.

use unicode_width::UnicodeWidthChar as _;

use super::sgr::SgrParams;

const ESC: u8 = 0x1b;

/// One piece of a line.
#[derive(Debug)]
pub(crate) enum Token<'a> {
    /// Printable ASCII, one cell and one column per byte.
    Ascii(&'a str),
    /// Another character and the columns vt100 gives it: 0 (joins the cell before), 1 or 2.
    Char(char, u16),
    Sgr(SgrParams),
}

/// The pieces of `text`, in order; `Err(())` where it holds something the shortcut leaves to
/// vt100, after which there are no more.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = Result<Token<'_>, ()>> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let (token, length) = match next_token(rest) {
            Some(Ok((token, length))) => (Ok(token), length),
            Some(Err(())) => (Err(()), rest.len()),
            None => return None,
        };
        rest = &rest[length..];
        Some(token)
    })
}

/// The token at the start of `text` and its length in bytes.
fn next_token(text: &str) -> Option<Result<(Token<'_>, usize), ()>> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    Some(match first {
        0x20..=0x7e => {
            let length = bytes
                .iter()
                .position(|&byte| !is_printable_ascii(byte))
                .unwrap_or(bytes.len());
            Ok((Token::Ascii(&text[..length]), length))
        }
        ESC => sgr_at_start(bytes),
        0x80.. => text
            .chars()
            .next()
            .and_then(|character| {
                let width = drawn_width(character)?;
                Some((Token::Char(character, width), character.len_utf8()))
            })
            .ok_or(()),
        _ => Err(()),
    })
}

pub(crate) fn is_printable_ascii(byte: u8) -> bool {
    (0x20..0x7f).contains(&byte)
}

/// The columns vt100 draws a character outside ASCII in, or `None` if it is one the shortcut
/// leaves to vt100.
fn drawn_width(character: char) -> Option<u16> {
    if matches!(character, '\u{80}'..='\u{9f}' | '\u{fffd}' | '\u{fe0f}') {
        return None;
    }
    let width = character.width()?;
    Some(u16::try_from(width.min(2)).unwrap_or(2))
}

/// `ESC [ params m` with plain parameters, as the first token of `bytes`.
fn sgr_at_start(bytes: &[u8]) -> Result<(Token<'static>, usize), ()> {
    let params_and_rest = bytes.strip_prefix(b"\x1b[").ok_or(())?;
    let params_len = params_and_rest
        .iter()
        .position(|&byte| !matches!(byte, b'0'..=b'9' | b';' | b':'))
        .ok_or(())?;
    if params_and_rest[params_len] != b'm' {
        return Err(());
    }
    let params = SgrParams::parse(&params_and_rest[..params_len]).ok_or(())?;
    Ok((Token::Sgr(params), 2 + params_len + 1))
}

/// What the shortcut needs to know of a line it may keep from vt100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineShape {
    /// Columns taken on a fresh row.
    pub(crate) width: usize,
    /// Whether vt100 draws a character of it, which it would remember for REP.
    pub(crate) draws: bool,
}

/// The shape of `line`, the bytes before a line feed, if it is a line the shortcut may keep:
/// printable characters and SGR sequences, then CR, at most `max_width` columns wide.
pub(crate) fn shape_of(line: &[u8], max_width: usize) -> Option<LineShape> {
    let (&last, text) = line.split_last()?;
    if last != b'\r' {
        return None;
    }
    // Most lines of a flood are printable ASCII throughout.
    if text.iter().all(|&byte| is_printable_ascii(byte)) {
        return (text.len() <= max_width).then_some(LineShape {
            width: text.len(),
            draws: !text.is_empty(),
        });
    }
    let text = std::str::from_utf8(text).ok()?;
    let mut shape = LineShape {
        width: 0,
        draws: false,
    };
    for token in tokens(text) {
        let columns = match token.ok()? {
            Token::Ascii(ascii) => ascii.len(),
            Token::Char(_, width) => usize::from(width),
            Token::Sgr(_) => 0,
        };
        shape.width += columns;
        shape.draws |= columns > 0;
        if shape.width > max_width {
            return None;
        }
    }
    Some(shape)
}

#[cfg(test)]
mod tests {
    use super::{LineShape, shape_of};

    fn shape(line: &str, max_width: usize) -> Option<LineShape> {
        shape_of(line.as_bytes(), max_width)
    }

    fn wide(width: usize, draws: bool) -> Option<LineShape> {
        Some(LineShape { width, draws })
    }

    #[test]
    fn printable_text_and_colours_are_measured_in_columns() {
        assert_eq!(shape("plain\r", 10), wide(5, true));
        assert_eq!(shape("\r", 10), wide(0, false));
        assert_eq!(shape("\x1b[1;31mERROR\x1b[0m ok\r", 10), wide(8, true));
        assert_eq!(shape("\x1b[m\r", 10), wide(0, false));
        assert_eq!(shape("漢字 e\u{301}\r", 10), wide(6, true));
        assert_eq!(shape("\x1b[38:2:1:2:3m漢\r", 2), wide(2, true));
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
}
