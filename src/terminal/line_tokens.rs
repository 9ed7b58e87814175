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

/// vt100 stops adding characters to a cell once its contents reach this many bytes
/// (`Cell::append`: 22 bytes of room, less the 4 of one more character).
pub(crate) const CELL_APPEND_LIMIT: usize = 18;

/// One piece of a line.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Token<'a> {
    /// Printable ASCII, one cell and one column per byte.
    Ascii(&'a [u8]),
    /// Characters of three bytes each, two columns wide each: see [`wide_run_len`].
    WideRun(&'a [u8]),
    /// Another character, its length in bytes and the columns vt100 gives it: 0 (joins the cell
    /// before), 1 or 2.
    Char(char, u8, u8),
    /// The parameters of an SGR sequence, which [`SgrParams::parse`] takes.
    Sgr(&'a [u8]),
}

/// The pieces of `text`, in order; `Err(())` where it holds something the shortcut leaves to
/// vt100, after which there are no more.
pub(crate) fn tokens(text: &[u8]) -> impl Iterator<Item = Result<Token<'_>, ()>> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let (token, length) = match next_token(rest)? {
            Ok((token, length)) => (Ok(token), length),
            Err(()) => (Err(()), rest.len()),
        };
        rest = &rest[length..];
        Some(token)
    })
}

/// The token at the start of `text` and its length in bytes. Inlined, so that measuring a line
/// (the hot loop of a flood) compiles to one loop over its bytes.
#[inline(always)]
fn next_token(text: &[u8]) -> Option<Result<(Token<'_>, usize), ()>> {
    let first = *text.first()?;
    Some(match first {
        0x20..=0x7e => {
            let length = text
                .iter()
                .position(|&byte| !is_printable_ascii(byte))
                .unwrap_or(text.len());
            Ok((Token::Ascii(&text[..length]), length))
        }
        ESC => sgr_at_start(text),
        0xe4..=0xe9 | 0xeb..=0xec if wide_run_len(text) > 0 => {
            let length = wide_run_len(text);
            Ok((Token::WideRun(&text[..length]), length))
        }
        0x80.. => decode(text)
            .and_then(|(character, length)| {
                let width = drawn_width(character)?;
                Some((Token::Char(character, length, width), usize::from(length)))
            })
            .ok_or(()),
        _ => Err(()),
    })
}

pub(crate) fn is_printable_ascii(byte: u8) -> bool {
    (0x20..0x7f).contains(&byte)
}

/// Whether every byte is printable ASCII; written without an early exit so that it runs on
/// whole vectors of bytes at a time.
pub(crate) fn all_printable_ascii(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |all, &byte| all & is_printable_ascii(byte))
}

/// The character `bytes` starts with and its length, if they start with one in valid UTF-8
/// (as `std::str::from_utf8` reads it, which is how vte reads it).
#[inline]
pub(crate) fn decode(bytes: &[u8]) -> Option<(char, u8)> {
    let lead = *bytes.first()?;
    let (length, lead_bits, shortest) = match lead {
        0xc2..=0xdf => (2, lead & 0x1f, 0x80),
        0xe0..=0xef => (3, lead & 0x0f, 0x800),
        0xf0..=0xf4 => (4, lead & 0x07, 0x1_0000),
        _ => return None,
    };
    let mut code = u32::from(lead_bits);
    for &byte in bytes.get(1..usize::from(length))? {
        if byte & 0xc0 != 0x80 {
            return None;
        }
        code = code << 6 | u32::from(byte & 0x3f);
    }
    // Longer forms than needed are not UTF-8; `from_u32` refuses surrogates and values past
    // U+10FFFF.
    if code < shortest {
        return None;
    }
    char::from_u32(code).map(|character| (character, length))
}

/// The length of the run of CJK ideographs (U+4000..U+9FFF) and Hangul syllables
/// (U+B000..U+CFFF) that `text` starts with: three bytes and two columns each, known from the
/// lead byte alone (any two continuation bytes after these leads are valid UTF-8, and all of
/// these characters are wide in unicode-width; a test checks every one). Most CJK text is such
/// runs, measured here without decoding a character.
#[inline]
fn wide_run_len(text: &[u8]) -> usize {
    text.chunks_exact(3)
        .take_while(|character| {
            matches!(character[0], 0xe4..=0xe9 | 0xeb..=0xec)
                && character[1] & 0xc0 == 0x80
                && character[2] & 0xc0 == 0x80
        })
        .count()
        * 3
}

/// The columns vt100 draws a character outside ASCII in, or `None` if it is one the shortcut
/// leaves to vt100.
fn drawn_width(character: char) -> Option<u8> {
    if let Some(width) = common_width(character) {
        return Some(width);
    }
    if matches!(character, '\u{80}'..='\u{9f}' | '\u{fffd}' | '\u{fe0f}') {
        return None;
    }
    let width = character.width()?;
    Some(u8::try_from(width.min(2)).unwrap_or(2))
}

/// Widths of the blocks most text outside ASCII comes from (Latin, Greek, Cyrillic, CJK, kana,
/// Hangul), where every character has the same width in unicode-width: a range check is
/// cheaper than its tables. A test holds every character of these ranges to unicode-width.
pub(crate) fn common_width(character: char) -> Option<u8> {
    match character {
        '\u{ae}'..='\u{2ff}'
        | '\u{370}'..='\u{482}'
        | '\u{48a}'..='\u{590}'
        | '\u{1e00}'..='\u{200a}' => Some(1),
        '\u{2ff0}'..='\u{3029}'
        | '\u{3041}'..='\u{3096}'
        | '\u{309b}'..='\u{30ff}'
        | '\u{3250}'..='\u{a48c}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff01}'..='\u{ff60}' => Some(2),
        _ => None,
    }
}

/// `ESC [ params m` with plain parameters, as the first token of `bytes`.
fn sgr_at_start(bytes: &[u8]) -> Result<(Token<'_>, usize), ()> {
    let after_escape = bytes.get(1..).ok_or(())?;
    let length = is_plain_sgr(after_escape).ok_or(())?;
    // Between `[` and `m`.
    let params = &after_escape[1..length - 1];
    Ok((Token::Sgr(params), 1 + length))
}

/// The length of the SGR sequence with plain parameters that `after_escape` (the bytes after an
/// ESC) starts with, if it starts with one: `[`, parameters, `m`.
pub(crate) fn is_plain_sgr(after_escape: &[u8]) -> Option<usize> {
    let params_and_rest = after_escape.strip_prefix(b"[")?;
    let params_len = params_and_rest
        .iter()
        .position(|&byte| !matches!(byte, b'0'..=b'9' | b';' | b':'))?;
    let takes =
        params_and_rest[params_len] == b'm' && SgrParams::takes(&params_and_rest[..params_len]);
    takes.then_some(1 + params_len + 1)
}

/// What a plain line holds, which decides how its history line is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Printable ASCII only.
    Ascii,
    /// Printable characters whose cells hold exactly the line's text: no SGR sequence, no
    /// zero-width character at the start of the row (vt100 drops it) or past a full cell.
    Text,
    /// Anything else plain: its cells are worked out one by one.
    Styled,
}

/// What the shortcut needs to know of a line it may keep from vt100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineShape {
    /// Bytes of the line, CR LF included.
    pub(crate) len: usize,
    /// Columns taken on a fresh row.
    pub(crate) width: usize,
    /// Whether vt100 draws a character of it, which it would remember for REP.
    pub(crate) draws: bool,
    pub(crate) kind: LineKind,
}

/// The shape of `line`, the bytes before a line feed (the line feed is counted in its length), if it is a line the shortcut may keep:
/// printable characters and SGR sequences, then CR, at most `max_width` columns wide.
pub(crate) fn shape_of(line: &[u8], max_width: usize) -> Option<LineShape> {
    let (&last, text) = line.split_last()?;
    if last != b'\r' {
        return None;
    }
    // Most lines of a flood are printable ASCII throughout.
    if all_printable_ascii(text) {
        return (text.len() <= max_width).then_some(LineShape {
            len: line.len() + 1,
            width: text.len(),
            draws: !text.is_empty(),
            kind: LineKind::Ascii,
        });
    }
    let mut shape = LineShape {
        len: line.len() + 1,
        width: 0,
        draws: false,
        kind: LineKind::Text,
    };
    // Bytes in the last cell, to see when vt100 would stop joining characters to it.
    let mut last_cell_len = 0;
    for token in tokens(text) {
        let columns = match token.ok()? {
            Token::Ascii(ascii) => {
                last_cell_len = 1;
                ascii.len()
            }
            Token::WideRun(run) => {
                last_cell_len = 3;
                run.len() / 3 * 2
            }
            Token::Char(_, length, 0) => {
                if last_cell_len == 0 || last_cell_len >= CELL_APPEND_LIMIT {
                    shape.kind = LineKind::Styled;
                }
                last_cell_len += usize::from(length);
                0
            }
            Token::Char(_, length, width) => {
                last_cell_len = usize::from(length);
                usize::from(width)
            }
            Token::Sgr(_) => {
                shape.kind = LineKind::Styled;
                0
            }
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
#[path = "line_tokens_tests.rs"]
mod tests;
