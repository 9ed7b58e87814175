//! Turns a row handed over by vt100's `on_scroll` into a [`HistoryLine`].
//!
//! vt100 keeps `RowContents` opaque: all it offers is the row written out as text with SGR
//! sequences ("basic formatted"). The cells come back from that text: SGR sequences only appear
//! between cells, empty cells are written as spaces, and a wide cell's continuation is skipped.

use std::fmt::Write;

use vt100::capture::{BasicFormattedCaptureState, RowContents};

use super::{
    basic_sgr::apply_sgr,
    history_line::{CellAttributes, HistoryLine, StyleRun, cell_symbols, is_wide_symbol},
};

/// Scratch space reused from one captured row to the next, so capturing allocates only the
/// line that is kept.
#[derive(Debug, Default)]
pub(crate) struct RowCapture {
    formatted: String,
    text: String,
    runs: Vec<StyleRun>,
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
        self.decode();
        HistoryLine {
            text: self.text.as_str().into(),
            runs: self.runs.as_slice().into(),
            wrapped,
        }
    }

    fn decode(&mut self) {
        self.text.clear();
        self.runs.clear();
        let mut attributes = CellAttributes::default();
        let mut col: u16 = 0;
        let mut kept_text_len = 0;
        let mut kept_cols: u16 = 0;
        let mut rest = self.formatted.as_str();
        while !rest.is_empty() {
            let (plain, after) = rest.split_once('\x1b').unwrap_or((rest, ""));
            for symbol in cell_symbols(plain) {
                let width = if is_wide_symbol(symbol) { 2 } else { 1 };
                self.text.push_str(symbol);
                extend_runs(&mut self.runs, col, width, attributes);
                col = col.saturating_add(width);
                if symbol != " " || !attributes.blank_looking() {
                    kept_text_len = self.text.len();
                    kept_cols = col;
                }
            }
            // vt100 only writes `ESC [ params m` here.
            let (params, after_sgr) = after.split_once('m').unwrap_or((after, ""));
            if let Some(params) = params.strip_prefix('[') {
                apply_sgr(params, &mut attributes);
            }
            rest = after_sgr;
        }
        self.text.truncate(kept_text_len);
        clip_runs(&mut self.runs, kept_cols);
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

fn extend_runs(runs: &mut Vec<StyleRun>, col: u16, width: u16, attributes: CellAttributes) {
    if attributes == CellAttributes::default() {
        return;
    }
    if let Some(last) = runs.last_mut()
        && last.attributes == attributes
        && u32::from(last.start) + u32::from(last.width) == u32::from(col)
    {
        last.width = last.width.saturating_add(width);
        return;
    }
    runs.push(StyleRun {
        start: col,
        width,
        attributes,
    });
}

/// Drops the parts of runs that covered trimmed trailing blanks.
fn clip_runs(runs: &mut Vec<StyleRun>, cols: u16) {
    runs.retain(|run| run.start < cols);
    if let Some(last) = runs.last_mut() {
        last.width = last.width.min(cols - last.start);
    }
}

#[cfg(test)]
#[path = "row_capture_tests.rs"]
mod tests;
