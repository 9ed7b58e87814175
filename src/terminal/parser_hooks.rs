//! What vt100 tells us while it parses: events for the tab bar, and every row that leaves the
//! top of the primary screen, which becomes a line of our own compact scrollback.

use vt100::capture::RowContents;

use super::{
    drawn_rows::DrawnRows, events::TerminalEvents, line_log::LineLog, replies::Replies,
    row_capture::RowCapture, scrollback::Scrollback,
};

#[derive(Debug)]
pub(crate) struct ParserHooks {
    pub(crate) events: TerminalEvents,
    pub(crate) scrollback: Scrollback,
    /// Rows that left the top of the primary screen so far, history or not.
    pub(crate) primary_rows_scrolled: u64,
    /// The next rows leaving the primary screen are blank filler, not history (see
    /// `plain_lines`).
    pub(crate) blank_rows_to_drop: usize,
    /// The history lines of the top rows, when the shortcut knows them.
    pub(crate) drawn_rows: DrawnRows,
    /// Answers to the remote's questions, for its channel.
    pub(crate) replies: Replies,
    row_capture: RowCapture,
    /// Lines for the session log, while one is kept.
    pub(crate) log: Option<LineLog>,
}

impl ParserHooks {
    pub(crate) fn new(scrollback_lines: usize) -> Self {
        Self {
            events: TerminalEvents::default(),
            scrollback: Scrollback::new(scrollback_lines),
            primary_rows_scrolled: 0,
            blank_rows_to_drop: 0,
            drawn_rows: DrawnRows::default(),
            replies: Replies::default(),
            row_capture: RowCapture::default(),
            log: None,
        }
    }
}

impl vt100::Callbacks for ParserHooks {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.events.ring_bell();
    }

    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.events.ring_bell();
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.events.set_window_title(title);
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        intermediate: Option<u8>,
        _: Option<u8>,
        params: &[&[u16]],
        final_char: char,
    ) {
        let cursor = screen.cursor_position();
        self.replies
            .on_csi(intermediate, params, final_char, cursor);
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _selection: &[u8], base64: &[u8]) {
        self.events.request_clipboard(base64);
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.events.unhandled_osc(params);
    }

    /// With vt100's own scrollback off, this sees each row pushed off the top of the screen.
    /// Rows of the alternate screen (vim, less) are not history.
    fn on_scroll(&mut self, row: RowContents<'_>, alternate_screen: bool) {
        if alternate_screen {
            return;
        }
        self.primary_rows_scrolled += 1;
        if self.blank_rows_to_drop > 0 {
            self.blank_rows_to_drop -= 1;
            if let Some(log) = &mut self.log {
                log.filler_scrolled_off();
            }
            return;
        }
        // The drawn rows are the top rows, in order, whether history is kept or not.
        let line = match self.drawn_rows.take_top() {
            Some(line) => {
                debug_assert_eq!(line, self.row_capture.capture(&row), "a drawn row changed");
                line
            }
            None if self.scrollback.capacity() == 0 && self.log.is_none() => {
                self.scrollback.pass_over(1);
                return;
            }
            None => self.row_capture.capture(&row),
        };
        if let Some(log) = &mut self.log {
            log.scrolled_off(&line);
        }
        self.scrollback.push(line);
    }
}
