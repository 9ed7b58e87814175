//! Turns a row handed over by vt100's `on_scroll` into a [`HistoryLine`].
//!
//! vt100 keeps `RowContents` opaque: all it offers is the row written out as text with SGR
//! sequences ("basic formatted"). The cells come back from that text: SGR sequences only appear
//! between cells, empty cells are written as spaces, and a wide cell's continuation is skipped.

use std::fmt::Write;

use vt100::capture::{BasicFormattedCaptureState, RowContents};

use super::{
    basic_sgr::apply_sgr,
    cell_attributes::CellAttributes,
    history_line::{HistoryLine, cell_symbols, is_wide_symbol},
    line_builder::LineBuilder,
};

/// Scratch space reused from one captured row to the next, so capturing allocates only the
/// line that is kept.
#[derive(Debug, Default)]
pub(crate) struct RowCapture {
    formatted: String,
    builder: LineBuilder,
}

impl RowCapture {
    pub(crate) fn capture(&mut self, row: &RowContents<'_>) -> HistoryLine {
        self.formatted.clear();
        let mut state = BasicFormattedCaptureState::new();
        // Writing to a String cannot fail.
        let _ = row.write_formatted_basic(&mut self.formatted, &mut state);
        let wrapped = was_wrapped(row, &mut state);
        // Most rows are plain ASCII without styling (logs, `ls`, build output): every byte is
        // one default-styled cell. Skipping the per-cell walk is what keeps an output flood
        // from stalling on the scrollback.
        if self.formatted.is_ascii() && !self.formatted.contains('\x1b') {
            return HistoryLine {
                wrapped,
                ..HistoryLine::plain(&self.formatted)
            };
        }
        let mut attributes = CellAttributes::default();
        let mut rest = self.formatted.as_str();
        while !rest.is_empty() {
            let (plain, after) = rest.split_once('\x1b').unwrap_or((rest, ""));
            for symbol in cell_symbols(plain) {
                let width = if is_wide_symbol(symbol) { 2 } else { 1 };
                self.builder.push_cell(symbol, width, attributes);
            }
            // vt100 only writes `ESC [ params m` here.
            let (params, after_sgr) = after.split_once('m').unwrap_or((after, ""));
            if let Some(params) = params.strip_prefix('[') {
                apply_sgr(params, &mut attributes);
            }
            rest = after_sgr;
        }
        self.builder.finish(wrapped)
    }
}

/// vt100 remembers in the capture state whether the row it just wrote continues on the next one;
/// writing the row again shows it: a row that did not wrap is preceded by a newline. Only the
/// first character is needed, so the writer stops there.
fn was_wrapped(row: &RowContents<'_>, state: &mut BasicFormattedCaptureState) -> bool {
    struct FirstChar(Option<char>);
    impl Write for FirstChar {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0 = self.0.or(text.chars().next());
            if self.0.is_some() {
                Err(std::fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut first = FirstChar(None);
    let _ = row.write_formatted_basic(&mut first, state);
    first.0 != Some('\n')
}

#[cfg(test)]
#[path = "row_capture_tests.rs"]
mod tests;
