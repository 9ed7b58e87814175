//! The text of a selection, as the cells show it: a wide character once, trailing blanks of
//! each line dropped, and a line wrapped at the margin joined to the next without a newline.

use super::Terminal;
use super::lines::LineNumber;

/// A cell position: a line and a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Point {
    pub line: LineNumber,
    pub col: u16,
}

impl Point {
    pub fn new(line: LineNumber, col: u16) -> Self {
        Self { line, col }
    }
}

impl Terminal {
    /// The text from `from` to `to` (either order), both cells included; with `whole_lines`,
    /// every cell of the lines they are on. Lines no longer held are left out.
    pub fn selected_text(&self, from: Point, to: Point, whole_lines: bool) -> String {
        let (start, end) = if from <= to { (from, to) } else { (to, from) };
        let mut text = String::new();
        for line in start.line..=end.line {
            let Some(cells) = self.line_cells(line) else {
                continue;
            };
            let first_col = if whole_lines || line != start.line {
                0
            } else {
                cells.cell_start(start.col)
            };
            let end_col = if whole_lines || line != end.line {
                u16::MAX
            } else {
                end.col.saturating_add(1)
            };
            text.push_str(cells.text_of_columns(first_col..end_col));
            let joined_to_next = cells.wrapped && line != end.line;
            if line != end.line && !joined_to_next {
                text.push('\n');
            }
        }
        text
    }
}

#[cfg(test)]
#[path = "selection_tests.rs"]
mod tests;
