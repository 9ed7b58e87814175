//! The text lines a session log gets: each line once, when it leaves the top of the primary
//! screen or when it is complete (the cursor moved below it), whichever comes first. Escape
//! sequences are gone (these are the cells' characters), UTF-8 is kept, a wrapped row joins the
//! next, and the alternate screen (vim, less) is never logged.

use super::history_line::HistoryLine;

/// A line longer than this (a row wrapped on and on) is written in pieces.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Default)]
pub(crate) struct LineLog {
    lines: Vec<String>,
    /// A wrapped row's text, waiting for the rest of its line.
    partial: String,
    /// Rows at the top of the screen already logged because they were complete.
    pub(crate) done_rows: u16,
}

impl LineLog {
    /// Logging starts below what the screen shows: the rows above the cursor are old.
    pub(crate) fn starting_at(row: u16) -> Self {
        Self {
            done_rows: row,
            ..Self::default()
        }
    }

    /// The top row of the screen left it as `line`.
    pub(crate) fn scrolled_off(&mut self, line: &HistoryLine) {
        if self.done_rows > 0 {
            self.done_rows -= 1;
        } else {
            self.add(&line.text, line.wrapped);
        }
    }

    /// A blank filler row left the screen (see `plain_lines`): nothing to log.
    pub(crate) fn filler_scrolled_off(&mut self) {
        self.done_rows = self.done_rows.saturating_sub(1);
    }

    /// A line that went to the history without being on the screen.
    pub(crate) fn skipped_screen(&mut self, line: &HistoryLine) {
        self.add(&line.text, line.wrapped);
    }

    pub(crate) fn add(&mut self, text: &str, wrapped: bool) {
        // A log holds text: strikethrough marks are how it looked.
        self.partial.push_str(&super::cell_marks::strip(text));
        if !wrapped || self.partial.len() >= MAX_LINE {
            self.lines.push(std::mem::take(&mut self.partial));
        }
    }

    pub(crate) fn take(&mut self) -> Vec<String> {
        std::mem::take(&mut self.lines)
    }

    /// The lines so far and the unfinished one.
    pub(crate) fn finish(mut self) -> Vec<String> {
        if !self.partial.is_empty() {
            let partial = std::mem::take(&mut self.partial);
            self.lines.push(partial);
        }
        self.lines
    }
}

impl super::Terminal {
    /// Starts (or stops) collecting lines for a session log: from the cursor's row on, what
    /// the screen showed before is not logged.
    pub fn set_logging(&mut self, on: bool) {
        let row = self.screen().cursor_position().0;
        self.hooks_mut().log = on.then(|| LineLog::starting_at(row));
    }

    pub fn is_logging(&self) -> bool {
        self.hooks().log.is_some()
    }

    /// The lines for the session log since the last call: those that left the screen and those
    /// the cursor has moved below. Empty while not logging.
    pub fn take_log_lines(&mut self) -> Vec<String> {
        self.log_completed_rows();
        self.hooks_mut()
            .log
            .as_mut()
            .map(LineLog::take)
            .unwrap_or_default()
    }

    /// Stops logging and returns what is left: the completed rows, then the cursor's row
    /// when it holds anything (the prompt, a line without its end).
    pub fn finish_log(&mut self) -> Vec<String> {
        self.log_completed_rows();
        let cursor_line = self.unlogged_cursor_row();
        let Some(mut log) = self.hooks_mut().log.take() else {
            return Vec::new();
        };
        if let Some(text) = cursor_line {
            log.add(&text, false);
        }
        log.finish()
    }

    /// Rows above the cursor of the primary screen not logged yet go to the log.
    fn log_completed_rows(&mut self) {
        if self.alternate_screen() || self.hooks().log.is_none() {
            return;
        }
        let cursor_row = self.screen().cursor_position().0;
        let (_, cols) = self.size();
        let done = self.hooks().log.as_ref().map_or(0, |log| log.done_rows);
        // The cursor went back up (a clear, a redraw): what is below it now is new.
        let done = done.min(cursor_row);
        let rows: Vec<(String, bool)> = self
            .screen()
            .rows(0, cols)
            .enumerate()
            .skip(usize::from(done))
            .take(usize::from(cursor_row - done))
            .map(|(row, text)| {
                let wrapped = u16::try_from(row).is_ok_and(|row| self.screen().row_wrapped(row));
                (text.trim_end_matches(' ').to_owned(), wrapped)
            })
            .collect();
        if let Some(log) = &mut self.hooks_mut().log {
            for (text, wrapped) in rows {
                log.add(&text, wrapped);
            }
            log.done_rows = cursor_row;
        }
    }

    fn unlogged_cursor_row(&self) -> Option<String> {
        if self.alternate_screen() {
            return None;
        }
        let (row, _) = self.screen().cursor_position();
        let (_, cols) = self.size();
        self.screen()
            .rows(0, cols)
            .nth(usize::from(row))
            .map(|text| text.trim_end_matches(' ').to_owned())
            .filter(|text| !text.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use crate::terminal::Terminal;

    fn logged(terminal: &mut Terminal, bytes: &[u8]) -> Vec<String> {
        terminal.feed(bytes);
        terminal.take_log_lines()
    }

    #[test]
    fn completed_lines_are_logged_once_without_escapes_and_utf8_kept() {
        let mut terminal = Terminal::new(5, 40, 100);
        terminal.set_logging(true);
        assert!(
            logged(&mut terminal, b"$ ls").is_empty(),
            "the cursor is still on it"
        );
        let lines = logged(
            &mut terminal,
            "\r\n\x1b[31mred\x1b[0m é 漢字\r\n$ ".as_bytes(),
        );
        assert_eq!(lines, ["$ ls", "red é 漢字"]);
        // Scrolling them off later logs nothing twice.
        let mut all = Vec::new();
        for n in 0..10 {
            all.extend(logged(&mut terminal, format!("{n}\r\n").as_bytes()));
        }
        // The first lands after the prompt, as typed there.
        let expected: Vec<String> = std::iter::once("$ 0".to_owned())
            .chain((1..10).map(|n| n.to_string()))
            .collect();
        assert_eq!(all, expected);
    }

    #[test]
    fn a_flood_is_logged_whole_even_past_the_scrollback() {
        let mut terminal = Terminal::new(24, 80, 100);
        terminal.set_logging(true);
        let flood: String = (1..=5000).map(|n| format!("line {n}\r\n")).collect();
        let mut lines = Vec::new();
        for piece in flood.as_bytes().chunks(7000) {
            lines.extend(logged(&mut terminal, piece));
        }
        let expected: Vec<String> = (1..=5000).map(|n| format!("line {n}")).collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn the_alternate_screen_is_not_logged_and_logging_stops_with_the_rest() {
        let mut terminal = Terminal::new(5, 40, 100);
        terminal.set_logging(true);
        let mut lines = logged(&mut terminal, b"before\r\n");
        lines.extend(logged(
            &mut terminal,
            b"\x1b[?1049hin vim\r\nmore\r\n\r\n\r\n\r\n\r\n",
        ));
        lines.extend(logged(&mut terminal, b"\x1b[?1049lafter\r\n$ typed"));
        lines.extend(terminal.finish_log());
        assert_eq!(lines, ["before", "after", "$ typed"]);
        assert!(!terminal.is_logging());
    }

    #[test]
    fn links_and_underline_styles_are_logged_as_their_text() {
        let mut terminal = Terminal::new(5, 40, 100);
        terminal.set_logging(true);
        let lines = logged(
            &mut terminal,
            b"\x1b]8;;https://x/\x1b\\link\x1b]8;;\x1b\\ \x1b[4:3;58;5;1mcurly\x1b[m\r\n",
        );
        assert_eq!(lines, ["link curly"]);
    }

    #[test]
    fn a_wrapped_line_is_one_line() {
        let mut terminal = Terminal::new(5, 10, 100);
        terminal.set_logging(true);
        let lines = logged(&mut terminal, b"abcdefghijklmnop\r\n");
        assert_eq!(lines, ["abcdefghijklmnop"]);
    }
}
