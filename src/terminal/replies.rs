//! Answers to what the remote asks the terminal: device attributes (DA, `ESC [ c`), status
//! (`ESC [ 5 n`) and the cursor position (`ESC [ 6 n`). vt100 0.18 parses these but has no way
//! to answer; programs that wait for the answer (vttest, shells probing the terminal) hung.
//!
//! The answers are gathered while vt100 parses, so a position is the one at the question, and
//! handed to the tab's channel after each read. What a read can ask for is capped, so a flood of
//! questions cannot grow the answers without bound.

use std::fmt::Write as _;

/// Identifies as tmux does: a VT100 with the advanced video option.
const PRIMARY_DEVICE_ATTRIBUTES: &[u8] = b"\x1b[?1;2c";
/// Device status report: "ready, no malfunction".
const STATUS_OK: &[u8] = b"\x1b[0n";
/// The most held between two reads; questions beyond it go unanswered.
const MAX_PENDING_BYTES: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct Replies {
    pending: Vec<u8>,
}

impl Replies {
    /// Answers the CSI sequence with these intermediates, parameters and final character, if it
    /// is a question; `cursor` is `(row, col)`, 0-based, at the question.
    pub(crate) fn on_csi(
        &mut self,
        intermediate: Option<u8>,
        params: &[&[u16]],
        final_char: char,
        cursor: (u16, u16),
    ) {
        let first = params.first().and_then(|param| param.first()).copied();
        match (intermediate, final_char, first) {
            (None, 'c', None | Some(0)) => self.push(PRIMARY_DEVICE_ATTRIBUTES),
            (None, 'n', Some(5)) => self.push(STATUS_OK),
            (None, 'n', Some(6)) => {
                let mut report = String::new();
                let _ = write!(report, "\x1b[{};{}R", cursor.0 + 1, cursor.1 + 1);
                self.push(report.as_bytes());
            }
            _ => {}
        }
    }

    fn push(&mut self, reply: &[u8]) {
        if self.pending.len() + reply.len() <= MAX_PENDING_BYTES {
            self.pending.extend_from_slice(reply);
        }
    }

    /// What to send back, once.
    pub(crate) fn take(&mut self) -> Option<Vec<u8>> {
        (!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending))
    }
}

#[cfg(test)]
mod tests {
    use crate::terminal::Terminal;

    #[test]
    fn questions_are_answered_in_order_with_the_cursor_where_it_was_asked() {
        let mut terminal = Terminal::new(24, 80, 0);
        terminal.feed(b"\x1b[c\x1b[3;7H\x1b[6n\x1b[10;1H\x1b[5n\x1b[0c");
        assert_eq!(
            terminal.take_replies().as_deref(),
            Some(&b"\x1b[?1;2c\x1b[3;7R\x1b[0n\x1b[?1;2c"[..])
        );
        assert_eq!(terminal.take_replies(), None, "each answer once");
        // Not questions, or not ones answered.
        terminal.feed(b"\x1b[?6n\x1b[>c\x1b[6 q\x1b[2n");
        assert_eq!(terminal.take_replies(), None);
    }

    #[test]
    fn a_flood_of_questions_gets_a_bounded_answer() {
        let mut terminal = Terminal::new(24, 80, 0);
        terminal.feed(&b"\x1b[6n".repeat(100_000));
        let replies = terminal.take_replies().unwrap();
        assert!(
            replies.len() <= super::MAX_PENDING_BYTES,
            "{}",
            replies.len()
        );
        assert!(replies.starts_with(b"\x1b[1;1R"));
    }
}
