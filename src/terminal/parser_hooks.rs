//! What vt100 tells us while it parses: events for the tab bar, and every row that leaves the
//! top of the primary screen, which becomes a line of our own compact scrollback.

use vt100::capture::RowContents;

use super::{events::TerminalEvents, row_capture::RowCapture, scrollback::Scrollback};

#[derive(Debug)]
pub(crate) struct ParserHooks {
    pub(crate) events: TerminalEvents,
    pub(crate) scrollback: Scrollback,
    row_capture: RowCapture,
}

impl ParserHooks {
    pub(crate) fn new(scrollback_lines: usize) -> Self {
        Self {
            events: TerminalEvents::default(),
            scrollback: Scrollback::new(scrollback_lines),
            row_capture: RowCapture::default(),
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

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.events.unhandled_osc(params);
    }

    /// With vt100's own scrollback off, this sees each row pushed off the top of the screen.
    /// Rows of the alternate screen (vim, less) are not history.
    fn on_scroll(&mut self, row: RowContents<'_>, alternate_screen: bool) {
        if alternate_screen || self.scrollback.capacity() == 0 {
            return;
        }
        let line = self.row_capture.capture(&row);
        self.scrollback.push(line);
    }
}
