//! Character sets: G0 and G1 designation (`ESC ( 0`, `ESC ) 0`, `ESC ( B`), shifting between
//! them (SO, SI), and the DEC special graphics set that line-drawing programs (dialog, mc,
//! ncurses menus in the C locale, tmux's pane borders) draw their boxes with.
//!
//! vt100 0.18 keeps no character sets: it ignores designations and SI/SO. So the sets are
//! followed in the byte stream before vt100 sees it (see `stream_state`), and text written in
//! the graphics set reaches vt100 already as the Unicode characters xterm shows for it. Cells
//! and the history then hold box drawing like any other text, whatever happens to the sets
//! afterwards.

/// A character set that can be designated into G0 or G1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Charset {
    /// US ASCII (`B`).
    #[default]
    Ascii,
    /// United Kingdom (`A`): `#` is `£`.
    British,
    /// DEC special graphics (`0`): line drawing and a few symbols.
    DecGraphics,
}

impl Charset {
    /// The set a designation's final byte names; `None` for sets not kept (treated as ASCII
    /// by xterm only when it knows them, so they leave the designation alone here).
    pub(crate) fn designated_by(final_byte: u8) -> Option<Self> {
        match final_byte {
            b'B' => Some(Self::Ascii),
            b'A' => Some(Self::British),
            b'0' => Some(Self::DecGraphics),
            _ => None,
        }
    }

    /// What printable ASCII `byte` shows as in this set, when not itself.
    pub(crate) fn map(self, byte: u8) -> Option<&'static str> {
        match self {
            Self::Ascii => None,
            Self::British => (byte == b'#').then_some("£"),
            Self::DecGraphics => dec_graphics(byte),
        }
    }
}

/// The DEC special graphics set as xterm shows it (its `charsets.c` table for `0`), for the
/// printable bytes it changes: `_` and `` ` `` to `~`.
fn dec_graphics(byte: u8) -> Option<&'static str> {
    const FROM_BACKTICK: [&str; 31] = [
        "◆", "▒", "␉", "␌", "␍", "␊", "°", "±", "␤", "␋", "┘", "┐", "┌", "└", "┼", "⎺", "⎻", "─",
        "⎼", "⎽", "├", "┤", "┴", "┬", "│", "≤", "≥", "π", "≠", "£", "·",
    ];
    match byte {
        // A blank: xterm draws nothing there.
        b'_' => Some("\u{a0}"),
        b'`'..=b'~' => FROM_BACKTICK.get(usize::from(byte - b'`')).copied(),
        _ => None,
    }
}

/// G0, G1 and which of them is in use: the part of a terminal's state that DECSC saves with the
/// cursor and RIS resets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Charsets {
    g0: Charset,
    g1: Charset,
    /// SO (shift out) puts G1 in use; SI puts G0 back.
    shifted_out: bool,
}

impl Charsets {
    /// The set printable text is drawn in now.
    pub(crate) fn in_use(self) -> Charset {
        if self.shifted_out { self.g1 } else { self.g0 }
    }

    /// `ESC ( F` (G0) or `ESC ) F` (G1).
    pub(crate) fn designate(&mut self, slot: Slot, charset: Charset) {
        match slot {
            Slot::G0 => self.g0 = charset,
            Slot::G1 => self.g1 = charset,
        }
    }

    pub(crate) fn shift_out(&mut self) {
        self.shifted_out = true;
    }

    pub(crate) fn shift_in(&mut self) {
        self.shifted_out = false;
    }
}

/// The two sets a designation can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    G0,
    G1,
}

impl Slot {
    /// The slot an escape sequence's intermediate byte designates into.
    pub(crate) fn of_intermediate(byte: u8) -> Option<Self> {
        match byte {
            b'(' => Some(Self::G0),
            b')' => Some(Self::G1),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graphics_set_draws_boxes_and_the_symbols_around_them() {
        let drawn: String = (b'_'..=b'~')
            .map(|byte| Charset::DecGraphics.map(byte).unwrap_or("?"))
            .collect();
        assert_eq!(drawn, "\u{a0}◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·");
        for byte in (b' '..b'_').chain([0x7f]) {
            assert_eq!(Charset::DecGraphics.map(byte), None, "{byte}");
        }
    }

    #[test]
    fn every_mapped_character_is_one_column_wide() {
        for byte in b'_'..=b'~' {
            let text = Charset::DecGraphics.map(byte).unwrap_or_default();
            assert_eq!(unicode_width::UnicodeWidthStr::width(text), 1, "{text}");
        }
    }

    #[test]
    fn shifting_picks_the_set_in_use() {
        let mut charsets = Charsets::default();
        charsets.designate(Slot::G1, Charset::DecGraphics);
        assert_eq!(charsets.in_use(), Charset::Ascii);
        charsets.shift_out();
        assert_eq!(charsets.in_use(), Charset::DecGraphics);
        charsets.shift_in();
        assert_eq!(charsets.in_use(), Charset::Ascii);
        assert_eq!(Charset::British.map(b'#'), Some("£"));
        assert_eq!(Charset::Ascii.map(b'q'), None);
    }
}
