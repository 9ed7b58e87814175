//! Strikethrough, which vt100 0.18 has no room for in a cell (its attributes byte is full and
//! its cell is 32 bytes, asserted), carried in the cell's own text instead: the pass before
//! vt100 (`stream_state`) adds a zero-width mark after each character drawn struck through.
//! vt100 keeps it with the character like a combining accent, through every insert, delete,
//! scroll and erase, and into the history; what draws or reads text takes it out again.
//!
//! The mark is VARIATION SELECTOR-256 (U+E01EF): no width, never drawn, and not one a program
//! sends on its own in practice.

use std::borrow::Cow;

use ratatui::style::Modifier;

/// The mark of a struck-through character.
pub(crate) const STRUCK: char = '\u{E01EF}';
/// The same, as vt100 is fed it.
pub(crate) const STRUCK_UTF8: &[u8] = "\u{E01EF}".as_bytes();

/// The text of a cell without marks, and the attributes they stood for.
pub(crate) fn split(symbol: &str) -> (Cow<'_, str>, Modifier) {
    // A mark takes four bytes: a shorter symbol (every ASCII cell) has none.
    if symbol.len() <= STRUCK_UTF8.len() || !symbol.contains(STRUCK) {
        return (Cow::Borrowed(symbol), Modifier::empty());
    }
    (
        Cow::Owned(symbol.replace(STRUCK, "")),
        Modifier::CROSSED_OUT,
    )
}

/// `text` without marks.
pub(crate) fn strip(text: &str) -> Cow<'_, str> {
    if text.contains(STRUCK) {
        Cow::Owned(text.replace(STRUCK, ""))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_is_taken_out_and_names_strikethrough() {
        assert_eq!(split("a"), (Cow::Borrowed("a"), Modifier::empty()));
        let struck = format!("e\u{301}{STRUCK}");
        assert_eq!(
            split(&struck),
            (Cow::Owned("e\u{301}".to_owned()), Modifier::CROSSED_OUT)
        );
        assert_eq!(strip(&format!("a{STRUCK}b{STRUCK}")), "ab");
        assert_eq!(unicode_width::UnicodeWidthStr::width(struck.as_str()), 1);
        assert_eq!(unicode_width::UnicodeWidthChar::width(STRUCK), Some(0));
    }
}
