//! The history lines of rows the flood shortcut had vt100 draw, kept until those rows scroll off
//! so that they need not be captured back out of vt100 (see `row_capture` for what that costs).
//!
//! The shortcut leaves the last lines of each run to vt100, one per row above the cursor, and
//! knows the history line each of them will become, as it knows it for the lines it skips. In a
//! flood those rows scroll off while the next read is parsed: with reads of 64 KiB and log lines
//! of 100 bytes, capturing them was most of the work left. The lines are right only while the
//! rows stay as drawn, so they are dropped at anything that could change those rows instead of
//! just scrolling them up: any parse but text, plain SGR sequences, CR, LF, BS, TAB and BEL with
//! the cursor on the bottom row of a full-screen region (where the shortcut leaves it, and where
//! such bytes keep it), and every resize.

use std::collections::VecDeque;

use super::{history_line::HistoryLine, line_tokens::is_plain_sgr};

#[derive(Debug, Default)]
pub(crate) struct DrawnRows {
    /// The history lines of the top rows of the primary screen, top first.
    lines: VecDeque<HistoryLine>,
}

impl DrawnRows {
    /// The top rows of the screen now hold `lines`, as drawn; the cursor is on the bottom row,
    /// below them, at the bottom of a full-screen scroll region.
    pub(crate) fn set(&mut self, lines: impl IntoIterator<Item = HistoryLine>) {
        self.lines.clear();
        self.lines.extend(lines);
    }

    /// The history line of the top row, which is scrolling off.
    pub(crate) fn take_top(&mut self) -> Option<HistoryLine> {
        self.lines.pop_front()
    }

    /// Before vt100 parses `bytes`, with the parser between sequences or not.
    pub(crate) fn before_parse(&mut self, bytes: &[u8], between_sequences: bool) {
        if self.lines.is_empty() {
            return;
        }
        let rows_stay = between_sequences && leaves_rows_above_alone(bytes);
        if !rows_stay {
            self.forget();
        }
    }

    pub(crate) fn forget(&mut self) {
        self.lines.clear();
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }
}

const BEL: u8 = 0x07;
const BS: u8 = 0x08;
const TAB: u8 = 0x09;
const LF: u8 = 0x0a;
const CR: u8 = 0x0d;
const ESC: u8 = 0x1b;

/// Whether `bytes`, parsed from between sequences with the cursor on the bottom row of a
/// full-screen region, can only draw on that row and scroll: they hold text (any byte from
/// 0x20 on but DEL, UTF-8 or not: vt100 draws, ignores or reports each on the cursor's row),
/// complete plain SGR sequences and controls that move along the row or scroll.
fn leaves_rows_above_alone(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some(position) = rest.iter().position(|&byte| byte < 0x20 || byte == 0x7f) {
        let after = &rest[position + 1..];
        rest = match rest[position] {
            BEL | BS | TAB | LF | CR => after,
            ESC => match is_plain_sgr(after) {
                Some(length) => &after[length..],
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::leaves_rows_above_alone;

    #[test]
    fn text_colours_and_line_ends_leave_the_rows_above_alone() {
        for bytes in [
            &b"plain\r\n"[..],
            b"\x1b[1;31mERROR\x1b[0m\r\n\x07",
            "漢字\u{fe0f}\r\n\t\x08".as_bytes(),
            b"\xff\xc3",
        ] {
            assert!(leaves_rows_above_alone(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn anything_else_may_reach_them() {
        for bytes in [
            &b"\x1b[H"[..],
            b"\x1bM",
            b"x\x1b[1;3",
            b"\x1b[?1049h",
            b"\x1b]0;t\x07",
            b"\x0b",
            b"\x7f",
        ] {
            assert!(!leaves_rows_above_alone(bytes), "{bytes:?}");
        }
    }
}
