//! Bytes that stand in for sequences vt100 0.18 ignores, in terms it knows, added to the stream
//! right after them (see `stream_state`). vttest's cursor-movement and insert/delete screens
//! drew wrongly without them.

use std::io::Write as _;

/// A sequence vt100 does not carry out, and what does the same in its terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StandIn {
    /// IND (`ESC D`): down a line, scrolling at the bottom margin, same column: vt100's LF.
    Index,
    /// NEL (`ESC E`): to the start of the next line: CR LF.
    NextLine,
    /// DECALN (`ESC # 8`): margins reset, the screen filled with `E`, the cursor home.
    ScreenAlignment,
    /// DECCOLM (`ESC [ ? 3 h` or `l`): the width stays, but as in xterm the margins are
    /// reset, the screen cleared and the cursor sent home.
    ClearForColumnMode,
}

/// Insert mode (IRM, `ESC [ 4 h`): a blank is inserted before each character is drawn (ICH),
/// pushing the rest of the row right. One column per character: a wide character in insert
/// mode pushes one column too few.
pub(crate) const INSERT_ONE_BLANK: &[u8] = b"\x1b[@";

impl StandIn {
    /// Appends the stand-in to `out`, for a screen of `rows` x `cols`.
    pub(crate) fn write(self, out: &mut Vec<u8>, (rows, cols): (u16, u16)) {
        match self {
            Self::Index => out.push(b'\n'),
            Self::NextLine => out.extend_from_slice(b"\r\n"),
            Self::ScreenAlignment => {
                out.extend_from_slice(b"\x1b[r");
                for row in 1..=rows {
                    let _ = write!(out, "\x1b[{row};1H");
                    out.extend(std::iter::repeat_n(b'E', usize::from(cols)));
                }
                out.extend_from_slice(b"\x1b[H");
            }
            Self::ClearForColumnMode => out.extend_from_slice(b"\x1b[r\x1b[2J\x1b[H"),
        }
    }
}

/// Whether `byte` starts a character vt100 draws (ASCII or the lead byte of UTF-8).
pub(crate) fn starts_character(byte: u8) -> bool {
    matches!(byte, 0x20..=0x7e | 0xc0..)
}

#[cfg(test)]
mod tests {
    use crate::terminal::Terminal;

    fn screen(bytes: &[u8]) -> String {
        let mut terminal = Terminal::new(4, 6, 10);
        terminal.feed(bytes);
        terminal.contents()
    }

    #[test]
    fn index_and_next_line_move_down_as_a_vt102_does() {
        assert_eq!(screen(b"ab\x1bDc\x1bEd"), "ab\n  c\nd");
        // At the bottom both scroll.
        assert_eq!(screen(b"1\r\n2\r\n3\r\n4\x1bD5"), "2\n3\n4\n 5");
    }

    #[test]
    fn screen_alignment_fills_the_screen_with_e() {
        assert_eq!(
            screen(b"\x1b[2;3rxy\x1b#8Z"),
            "ZEEEEE\nEEEEEE\nEEEEEE\nEEEEEE"
        );
    }

    #[test]
    fn column_mode_clears_the_screen() {
        assert_eq!(screen(b"abc\r\ndef\x1b[?3lX"), "X");
        assert_eq!(screen(b"abc\x1b[?25;3hY"), "Y");
    }

    #[test]
    fn insert_mode_pushes_the_row_right_until_reset() {
        assert_eq!(screen(b"abcd\x1b[1G\x1b[4hXY\x1b[4lZ"), "XYZbcd");
        assert_eq!(screen(b"abcd\x1b[1G\x1b[4h\x1bcX"), "X", "RIS ends it");
    }
}
