//! Attributes vt100 0.18 has no room for in a cell (its attributes byte is full and its cell is
//! 32 bytes, asserted), carried in the cell's own text instead: the pass before vt100
//! (`stream_state`) adds zero-width marks after each character drawn with them. vt100 keeps
//! them with the character like a combining accent, through every insert, delete, scroll and
//! erase, and into the history; what draws or reads text takes them out again.
//!
//! Strikethrough is VARIATION SELECTOR-256 (U+E01EF): no width, never drawn, and not one a
//! program sends on its own in practice. Underline styles and colours and hyperlinks are one
//! mark from U+E0400..=U+E0FFF naming an entry of the tab's table (see `decorations`):
//! unassigned code points of the tag block, which Unicode makes default-ignorable (no width,
//! never drawn), so no program sends them.
//!
//! When the view draws a decorated cell it writes a second mark before that one, from
//! U+E0200..=U+E03FF, naming the tab's terminal: two tabs' cells that look alike but link to
//! different places then differ for the renderer's diff, which resolves both marks against the
//! table of the tab it draws (see `ui::host_decorations`).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU16, Ordering};

use ratatui::style::Modifier;

use super::decorations::{id_mark, id_of_mark};

/// The mark of a struck-through character.
pub(crate) const STRUCK: char = '\u{E01EF}';
/// The same, as vt100 is fed it.
pub(crate) const STRUCK_UTF8: &[u8] = "\u{E01EF}".as_bytes();

const FIRST_TERMINAL_MARK: u32 = 0xE0200;
const TERMINAL_MARKS: u16 = 0x200;

/// The first byte of every mark's UTF-8 (U+E0000..=U+E0FFF), and of no character a program
/// draws in practice: a cheap test for text without marks.
const MARK_LEAD: u8 = 0xF3;

/// A number for a new terminal's mark in drawn cells, different from the last 511 terminals'.
pub(crate) fn new_terminal_mark() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed) % TERMINAL_MARKS
}

fn is_mark(character: char) -> bool {
    character == STRUCK || id_of_mark(character).is_some() || terminal_of_mark(character).is_some()
}

fn terminal_of_mark(mark: char) -> Option<u16> {
    let offset = u32::from(mark).checked_sub(FIRST_TERMINAL_MARK)?;
    u16::try_from(offset)
        .ok()
        .filter(|terminal| *terminal < TERMINAL_MARKS)
}

fn may_hold_marks(text: &str) -> bool {
    memchr::memchr(MARK_LEAD, text.as_bytes()).is_some()
}

/// A cell's text split from its marks.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marked<'a> {
    pub(crate) text: Cow<'a, str>,
    /// Strikethrough, or nothing.
    pub(crate) modifier: Modifier,
    /// The number of the cell's decoration in its tab's table.
    pub(crate) decoration: Option<u16>,
}

/// The text of a cell without marks, and what they stood for.
pub(crate) fn split(symbol: &str) -> Marked<'_> {
    // A mark takes four bytes: a shorter symbol (every ASCII cell) has none.
    if symbol.len() <= STRUCK_UTF8.len() || !may_hold_marks(symbol) {
        return Marked {
            text: Cow::Borrowed(symbol),
            modifier: Modifier::empty(),
            decoration: None,
        };
    }
    let mut modifier = Modifier::empty();
    let mut decoration = None;
    for character in symbol.chars() {
        if character == STRUCK {
            modifier = Modifier::CROSSED_OUT;
        } else if let Some(id) = id_of_mark(character) {
            decoration = Some(id);
        }
    }
    Marked {
        text: strip(symbol),
        modifier,
        decoration,
    }
}

/// `text` without marks.
pub(crate) fn strip(text: &str) -> Cow<'_, str> {
    if may_hold_marks(text) && text.chars().any(is_mark) {
        Cow::Owned(text.chars().filter(|c| !is_mark(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// What a drawn cell says of its decoration: the terminal it was drawn from (see
/// [`new_terminal_mark`]) and the number in that terminal's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawnDecoration {
    pub terminal: u16,
    pub id: u16,
}

/// The symbol a view draws for a cell showing `text` with decoration `drawn`.
pub(crate) fn drawn_symbol(text: &str, drawn: DrawnDecoration) -> String {
    let terminal = char::from_u32(FIRST_TERMINAL_MARK + u32::from(drawn.terminal))
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut symbol = String::with_capacity(text.len() + 8);
    symbol.push_str(text);
    symbol.push(terminal);
    symbol.push(id_mark(drawn.id));
    symbol
}

/// The text a drawn cell's symbol shows, and its decoration if it has one: what the renderer
/// writes to the host terminal. The text is borrowed: marks come last.
pub fn drawn_decoration(symbol: &str) -> (&str, Option<DrawnDecoration>) {
    if symbol.len() <= 8 || !may_hold_marks(symbol) {
        return (symbol, None);
    }
    let mut chars = symbol.char_indices().rev();
    let (Some((id_at, id)), Some((terminal_at, terminal))) = (chars.next(), chars.next()) else {
        return (symbol, None);
    };
    match (terminal_of_mark(terminal), id_of_mark(id)) {
        (Some(terminal), Some(id)) => (
            &symbol[..terminal_at],
            Some(DrawnDecoration { terminal, id }),
        ),
        _ => (&symbol[..id_at + id.len_utf8()], None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_is_taken_out_and_names_strikethrough() {
        assert_eq!(split("a").text, Cow::Borrowed("a"));
        let struck = format!("e\u{301}{STRUCK}");
        let marked = split(&struck);
        assert_eq!(marked.text, "e\u{301}");
        assert_eq!(marked.modifier, Modifier::CROSSED_OUT);
        assert_eq!(marked.decoration, None);
        assert_eq!(strip(&format!("a{STRUCK}b{STRUCK}")), "ab");
        assert_eq!(unicode_width::UnicodeWidthStr::width(struck.as_str()), 1);
        assert_eq!(unicode_width::UnicodeWidthChar::width(STRUCK), Some(0));
    }

    #[test]
    fn decoration_marks_name_an_entry_and_have_no_width() {
        let decorated = format!("x{STRUCK}{}", id_mark(7));
        let marked = split(&decorated);
        assert_eq!(marked.text, "x");
        assert_eq!(marked.modifier, Modifier::CROSSED_OUT);
        assert_eq!(marked.decoration, Some(7));
        assert_eq!(strip(&format!("a{}b", id_mark(3071))), "ab");
        let drawn = drawn_symbol(
            "漢",
            DrawnDecoration {
                terminal: 511,
                id: 3071,
            },
        );
        assert_eq!(
            drawn_decoration(&drawn),
            (
                "漢",
                Some(DrawnDecoration {
                    terminal: 511,
                    id: 3071
                })
            )
        );
        assert_eq!(strip(&drawn), "漢");
        assert_eq!(drawn_decoration("ab"), ("ab", None));
        // Every mark is zero-width, for unicode-width (ratatui, vt100) alike.
        for mark in [id_mark(0), id_mark(3071), '\u{E0200}', '\u{E03FF}'] {
            assert_eq!(
                unicode_width::UnicodeWidthChar::width(mark),
                Some(0),
                "{mark:?}"
            );
        }
        assert_eq!(unicode_width::UnicodeWidthStr::width(drawn.as_str()), 2);
    }
}
