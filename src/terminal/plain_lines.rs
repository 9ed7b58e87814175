//! The shortcut that keeps an output flood (`cat big.log`, `seq 1 2000000`) cheap.
//!
//! Such output is mostly lines of plain text, and one read holds thousands of them, nearly all of
//! which scroll off the screen before the read ends. Parsing them with vt100 costs little, but
//! getting a scrolled-off row back out of vt100 does: its `on_scroll` hook only offers the row
//! written out as formatted text, which compares every one of its 32-byte cells (a 15 MB flood
//! spent 0.86 s of 1.09 s there). A line of printable ASCII that vt100 would write onto a fresh
//! row and scroll off unchanged is already known to become exactly a history line of its text,
//! so such lines go straight to the history, and vt100 only sees what stays on the screen.
//!
//! When that is safe, per run of plain lines `L1 .. Ln` (each printable ASCII narrower than the
//! screen, ending in CR LF), on a screen of `r` rows:
//!
//! 1. vt100 parses lines one at a time until one of them ends with the cursor on a fresh blank
//!    bottom row: exactly one row scrolled off the top of the primary screen while it was
//!    parsed (so the scroll region starts at the top), the cursor is at column 0 of the last row
//!    (so the region ends at the bottom), and the pen has no colours or attributes. The parser is
//!    between escape sequences (see `sequence_state`), so the lines are drawn as text.
//! 2. From there vt100 would move the `r - 1` rows above the cursor into history, then the lines
//!    up to `L(n-r+1)`, and keep `L(n-r+2) .. Ln` above a blank bottom row. Instead: `r - 1`
//!    line feeds move those rows out as usual; the middle lines are pushed as history lines; the
//!    last `r - 1` lines are parsed, and the blank rows they push off the top are not history.
//!
//! The property test in `tests` checks that any stream, cut anywhere, leaves the same screen
//! (vt100's whole state), history, title and bells as feeding it one byte at a time.

use std::ops::Range;

use super::{Terminal, history_line::HistoryLine};

/// Finds the first run of at least `min_lines` plain lines: printable ASCII of at most
/// `max_text` bytes, each ending in CR LF. A run starts at the beginning of `bytes` or after a
/// line feed.
pub(crate) fn find_run(bytes: &[u8], max_text: usize, min_lines: usize) -> Option<Range<usize>> {
    let mut run_start = 0;
    let mut lines_in_run = 0;
    let mut line_start = 0;
    for newline in memchr::memchr_iter(b'\n', bytes) {
        if is_plain_line(&bytes[line_start..newline], max_text) {
            lines_in_run += 1;
        } else {
            if lines_in_run >= min_lines {
                return Some(run_start..line_start);
            }
            run_start = newline + 1;
            lines_in_run = 0;
        }
        line_start = newline + 1;
    }
    (lines_in_run >= min_lines).then_some(run_start..line_start)
}

/// `line` without its line feed: printable text and a carriage return.
fn is_plain_line(line: &[u8], max_text: usize) -> bool {
    line.split_last().is_some_and(|(&last, text)| {
        last == b'\r' && text.len() <= max_text && text.iter().all(|&byte| is_printable(byte))
    })
}

fn is_printable(byte: u8) -> bool {
    (0x20..0x7f).contains(&byte)
}

/// The text of a plain line: without CR LF.
fn text_of(line: &[u8]) -> &[u8] {
    &line[..line.len() - 2]
}

/// Splits a run of `count` lines after its first `count - tail` lines.
fn split_off_last_lines(run: &[u8], tail: usize) -> (&[u8], &[u8]) {
    // The run ends with a line feed; the tail starts after the one `tail + 1` from the end.
    let split = memchr::memrchr_iter(b'\n', run)
        .nth(tail)
        .map_or(0, |newline| newline + 1);
    run.split_at(split)
}

const LINE_FEEDS: [u8; 64] = [b'\n'; 64];

impl Terminal {
    /// Parses `bytes`, taking the shortcut for runs of plain lines where it applies.
    pub(super) fn process(&mut self, mut bytes: &[u8]) {
        let (rows, cols) = self.size();
        let rows = usize::from(rows);
        // A run needs a line to find the fresh row with, `rows - 1` lines that stay on the
        // screen, and at least one line to skip. One-row screens keep no line on screen, and
        // nothing would be gained.
        let min_lines = rows + 1;
        if rows < 2 {
            self.parse(bytes);
            return;
        }
        while let Some(run) = find_run(bytes, usize::from(cols) - 1, min_lines) {
            let (before, rest) = bytes.split_at(run.start);
            let (run, after) = rest.split_at(run.len());
            self.parse(before);
            self.process_plain_run(run, rows);
            bytes = after;
        }
        self.parse(bytes);
    }

    fn process_plain_run(&mut self, run: &[u8], rows: usize) {
        if !self.sequence_state.between_sequences() {
            self.parse(run);
            return;
        }
        let mut rest = run;
        let mut lines_left = memchr::memchr_iter(b'\n', run).count();
        // Step 1: parse lines until the cursor sits on a fresh bottom row.
        while lines_left > rows {
            let line_end = memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1);
            let (line, after) = rest.split_at(line_end);
            let rows_scrolled_before = self.hooks().primary_rows_scrolled;
            self.parse(line);
            rest = after;
            lines_left -= 1;
            if self.hooks().primary_rows_scrolled == rows_scrolled_before + 1
                && self.on_fresh_bottom_row()
            {
                self.skip_to_last_lines(rest, lines_left, rows);
                return;
            }
        }
        self.parse(rest);
    }

    /// Whether text written now lands on a blank row at the bottom of a full-screen scroll
    /// region of the primary screen, in default colours, and leaves history the way
    /// [`HistoryLine::plain`] says. The caller has seen the row scroll into place.
    fn on_fresh_bottom_row(&self) -> bool {
        let screen = self.screen();
        let (rows, _) = self.size();
        screen.cursor_position() == (rows - 1, 0)
            && !screen.alternate_screen()
            && screen.fgcolor() == vt100::Color::Default
            && screen.bgcolor() == vt100::Color::Default
            && !(screen.bold()
                || screen.dim()
                || screen.italic()
                || screen.underline()
                || screen.inverse())
    }

    /// Step 2 for the `lines` plain lines in `run`, with the cursor on a fresh bottom row.
    fn skip_to_last_lines(&mut self, run: &[u8], lines: usize, rows: usize) {
        let (middle, last) = split_off_last_lines(run, rows - 1);
        // vt100 remembers the last character drawn (for REP); if the lines that stay on the
        // screen draw none, the one to remember is in the skipped lines.
        if last.iter().all(|&byte| matches!(byte, b'\r' | b'\n')) {
            self.parse(run);
            return;
        }
        let mut feeds_left = rows - 1;
        while feeds_left > 0 {
            let feeds = feeds_left.min(LINE_FEEDS.len());
            self.parse(&LINE_FEEDS[..feeds]);
            feeds_left -= feeds;
        }
        let skipped = lines - (rows - 1);
        // Only the newest lines survive in a full history; the rest need not be built.
        let kept = self.hooks().scrollback.capacity().min(skipped);
        let scrollback = &mut self.hooks_mut().scrollback;
        for line in middle
            .split_inclusive(|&byte| byte == b'\n')
            .skip(skipped - kept)
        {
            let text = std::str::from_utf8(text_of(line)).expect("plain lines are ASCII");
            scrollback.push(HistoryLine::plain(text));
        }
        self.hooks_mut().blank_rows_to_drop = rows - 1;
        self.parse(last);
        debug_assert_eq!(self.hooks().blank_rows_to_drop, 0);
    }
}

#[cfg(test)]
#[path = "plain_lines_tests.rs"]
mod tests;
