//! A tab's lines, history and screen alike, by a number that stays with a line while output
//! scrolls it from the screen into history, and each line's text with the column of every cell:
//! what search, copy mode and keyword highlighting read.

use std::ops::Range;

use unicode_width::UnicodeWidthStr as _;

use super::Terminal;
use super::history_line::positioned_cells;

/// Names a line of a tab: the lines it ever had are counted from 0, so screen row 0 is line
/// `pushed` (the lines that went into history so far) and a history line keeps the number it
/// had on the screen. Search matches and copy-mode positions stay put while output arrives.
pub type LineNumber = u64;

/// One line's text as its cells show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineCells {
    /// Each cell's symbol in order (an empty cell is a space), trailing blanks trimmed.
    pub text: String,
    /// One per cell of `text`, in order.
    pub cells: Vec<CellAt>,
    /// The line continues on the next one: the text reached the right margin.
    pub wrapped: bool,
}

/// Where a cell's symbol starts in [`LineCells::text`], and its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellAt {
    pub byte: usize,
    pub col: u16,
    pub wide: bool,
}

impl LineCells {
    /// The cells of a stored history line's text.
    pub(super) fn of_history_text(text: &str, wrapped: bool) -> Self {
        let mut cells = LineCells {
            text: String::with_capacity(text.len()),
            cells: Vec::new(),
            wrapped,
        };
        for (col, symbol, wide) in positioned_cells(text) {
            cells.push(col, symbol, wide);
        }
        cells.trim_end();
        cells
    }

    /// The cells of a row as a frame drew it: one symbol per column, a wide symbol's second
    /// column holding a blank. Reading what was just drawn costs far less than asking the
    /// screen again, cell by cell, which is what keyword highlighting would otherwise do on
    /// every row of every frame.
    pub fn of_drawn_row<'a>(symbols: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cells = LineCells::default();
        let mut covered = false;
        for (col, symbol) in (0..=u16::MAX).zip(symbols) {
            if std::mem::take(&mut covered) {
                continue;
            }
            let wide = symbol.len() > 1 && symbol.width() > 1;
            covered = wide;
            cells.push(col, symbol, wide);
        }
        cells.trim_end();
        cells
    }

    fn push(&mut self, col: u16, symbol: &str, wide: bool) {
        self.cells.push(CellAt {
            byte: self.text.len(),
            col,
            wide,
        });
        // Strikethrough marks are how a cell looks, not its text.
        self.text.push_str(&super::cell_marks::strip(symbol));
    }

    /// Drops trailing blank cells, as the screen's and history's text do.
    fn trim_end(&mut self) {
        while self
            .cells
            .last()
            .is_some_and(|cell| &self.text[cell.byte..] == " ")
        {
            if let Some(cell) = self.cells.pop() {
                self.text.truncate(cell.byte);
            }
        }
    }

    /// The column just past the last cell.
    pub fn end_col(&self) -> u16 {
        self.cells
            .last()
            .map_or(0, |cell| cell.col + if cell.wide { 2 } else { 1 })
    }

    /// The index of the cell holding byte `byte` of the text; the text's end is one past the
    /// last cell.
    fn cell_at_byte(&self, byte: usize) -> usize {
        if byte >= self.text.len() {
            return self.cells.len();
        }
        self.cells
            .partition_point(|cell| cell.byte <= byte)
            .saturating_sub(1)
    }

    /// The columns the bytes `bytes` of the text cover: from the first column of the cell
    /// holding the first byte to the end of the cell holding the last.
    pub fn columns_of(&self, bytes: Range<usize>) -> Range<u16> {
        let first = self.cell_at_byte(bytes.start);
        let start = self
            .cells
            .get(first)
            .map_or(self.end_col(), |cell| cell.col);
        if bytes.is_empty() {
            return start..start;
        }
        let end = self
            .cells
            .get(self.cell_at_byte(bytes.end - 1))
            .map_or(self.end_col(), |cell| {
                cell.col + if cell.wide { 2 } else { 1 }
            });
        start..end.max(start)
    }

    /// The text of the cells starting in columns `cols` (a wide cell belongs to its first
    /// column), trailing blanks trimmed.
    pub fn text_of_columns(&self, cols: Range<u16>) -> &str {
        let mut inside = self
            .cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| cols.contains(&cell.col));
        let Some((first, cell)) = inside.next() else {
            return "";
        };
        let last = inside.next_back().map_or(first, |(index, _)| index);
        let end = self
            .cells
            .get(last + 1)
            .map_or(self.text.len(), |next| next.byte);
        self.text[cell.byte..end].trim_end_matches(' ')
    }

    /// The column of the cell that covers column `col`: a wide cell's second column belongs
    /// to its first.
    pub fn cell_start(&self, col: u16) -> u16 {
        self.cells
            .iter()
            .rev()
            .find(|cell| cell.col <= col)
            .filter(|cell| cell.wide && cell.col + 1 == col)
            .map_or(col, |cell| cell.col)
    }
}

impl Terminal {
    /// The number of the oldest line held: the oldest history line, or screen row 0.
    pub fn first_line(&self) -> LineNumber {
        let held = self.primary_scrollback().map_or(0, |history| history.len());
        self.screen_top_line() - held as u64
    }

    /// The number of the line screen row 0 shows.
    pub fn screen_top_line(&self) -> LineNumber {
        self.hooks().scrollback.pushed()
    }

    /// The number of the last screen row.
    pub fn last_line(&self) -> LineNumber {
        let (rows, _) = self.size();
        self.screen_top_line() + u64::from(rows) - 1
    }

    /// The line displayed row `row` shows (at the current scrollback offset).
    pub fn line_of_row(&self, row: u16) -> Option<LineNumber> {
        let (rows, _) = self.size();
        (row < rows)
            .then(|| self.screen_top_line() + u64::from(row) - self.scrollback_offset() as u64)
    }

    /// The displayed row that shows `line`, if it is in view.
    pub fn row_of_line(&self, line: LineNumber) -> Option<u16> {
        if line < self.first_line() {
            return None;
        }
        let shown_top = self.screen_top_line() - self.scrollback_offset() as u64;
        let row = line.checked_sub(shown_top)?;
        let (rows, _) = self.size();
        u16::try_from(row).ok().filter(|row| *row < rows)
    }

    /// The text and cells of `line`, if it is still held.
    pub fn line_cells(&self, line: LineNumber) -> Option<LineCells> {
        let top = self.screen_top_line();
        if line < self.first_line() {
            return None;
        }
        if line < top {
            let history = self.primary_scrollback()?;
            let index = history.len() - (top - line) as usize;
            let history_line = history.get(index)?;
            return Some(LineCells::of_history_text(
                &history_line.text,
                history_line.wrapped,
            ));
        }
        let row = u16::try_from(line - top).ok()?;
        let (rows, cols) = self.size();
        if row >= rows {
            return None;
        }
        Some(self.screen_row_cells(row, cols))
    }

    fn screen_row_cells(&self, row: u16, cols: u16) -> LineCells {
        let screen = self.screen();
        let mut cells = LineCells {
            wrapped: screen.row_wrapped(row),
            ..LineCells::default()
        };
        for col in 0..cols {
            let Some(cell) = screen.cell(row, col) else {
                break;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            let symbol = if cell.has_contents() {
                cell.contents()
            } else {
                " "
            };
            cells.push(col, symbol, cell.is_wide());
        }
        cells.trim_end();
        cells
    }

    /// Scrolls so that `line` is in view: left alone when it already is, otherwise shown in
    /// the middle of the view (or on the live screen, when it is a screen row).
    pub fn scroll_to_line(&mut self, line: LineNumber) {
        if self.row_of_line(line).is_some() || self.alternate_screen() {
            return;
        }
        let top = self.screen_top_line();
        if line >= top {
            self.scroll_to_bottom();
            return;
        }
        let (rows, _) = self.size();
        let above_screen = (top - line) as usize;
        self.set_scrollback_offset(above_screen + usize::from(rows / 2));
    }
}

#[cfg(test)]
#[path = "lines_tests.rs"]
mod tests;
