//! Drawing a [`Terminal`] into a ratatui buffer.
//!
//! This is our own widget rather than tui-term's `PseudoTerminal`: with tui-term's vt100 feature
//! off (it targets another vt100 release) we would have to write the cell-to-style translation
//! anyway, and we also need things it does not do: a scrollback indicator, a cursor that follows
//! the scrollback offset and leaves the cell's own character in place, and a cursor position the
//! caller can hand to `Frame::set_cursor_position`. What remains is a loop over cells.

use std::cell::RefCell;
use std::ops::Range;

use ratatui::{
    buffer::{Buffer, Cell},
    layout::{Position, Rect},
    style::{Color, Modifier, Style},
    widgets::Widget,
};

use super::{
    DisplayedRow, RowStamp, Terminal,
    cell_style::{attributes_style, cell_style},
    history_line::HistoryLine,
};

/// Draws the displayed part of a terminal (live screen or scrollback) with its colours and
/// attributes. Cells of `area` beyond the terminal's size are blanked.
#[derive(Clone, Copy, Debug)]
pub struct TerminalView<'a> {
    pub terminal: &'a Terminal,
    /// Draw the cursor as a reverse-video cell. Turn this off when the caller places the host
    /// terminal's real cursor with [`TerminalView::cursor_position`] instead.
    pub show_cursor: bool,
    /// Rows drawn in earlier frames; without one every cell is looked up again.
    pub cache: Option<&'a ViewCache>,
}

impl<'a> TerminalView<'a> {
    pub fn new(terminal: &'a Terminal) -> Self {
        Self {
            terminal,
            show_cursor: true,
            cache: None,
        }
    }

    pub fn show_cursor(mut self, show_cursor: bool) -> Self {
        self.show_cursor = show_cursor;
        self
    }

    /// Reuses rows of the live screen that vt100 has not changed since `cache` last saw them.
    pub fn cache(mut self, cache: &'a ViewCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Where the cursor lands when the view is drawn in `area`, in buffer coordinates, or `None`
    /// when it is hidden, scrolled out of view or clipped by `area`.
    pub fn cursor_position(&self, area: Rect) -> Option<Position> {
        let (row, col) = self.terminal.cursor_in_view()?;
        (row < area.height && col < area.width).then(|| Position::new(area.x + col, area.y + row))
    }

    fn draw_cells(&self, area: Rect, buf: &mut Buffer) {
        for row in 0..area.height {
            match self.terminal.displayed_row(row) {
                Some(DisplayedRow::Screen(screen_row)) => match self.cache {
                    Some(cache) => self.draw_screen_row_cached(area, row, screen_row, cache, buf),
                    None => self.draw_screen_row(area, row, screen_row, buf),
                },
                Some(DisplayedRow::History(line)) => self.draw_history_line(area, row, line, buf),
                None => blank_cells(area, row, 0, buf),
            }
        }
    }

    /// Copies the row from `cache` when it was drawn there with the row's current stamp, for the
    /// same terminal and view widths (the cells drawn depend on nothing else); draws and caches
    /// it otherwise.
    fn draw_screen_row_cached(
        &self,
        area: Rect,
        row: u16,
        screen_row: u16,
        cache: &ViewCache,
        buf: &mut Buffer,
    ) {
        let (_, terminal_cols) = self.terminal.size();
        let stamp = self.terminal.row_stamp(screen_row);
        let start = buf.index_of(area.x, area.y + row);
        let cells = start..start + usize::from(area.width);
        let mut rows = cache.rows.borrow_mut();
        let index = usize::from(screen_row);
        if rows.len() <= index {
            rows.resize_with(index + 1, CachedRow::default);
        }
        let cached = &mut rows[index];
        if cached.holds(stamp, terminal_cols, area.width) {
            buf.content[cells].clone_from_slice(&cached.cells);
            return;
        }
        self.draw_screen_row(area, row, screen_row, buf);
        cached.stamp = stamp;
        cached.terminal_cols = terminal_cols;
        cached.cells.clear();
        cached.cells.extend_from_slice(&buf.content[cells]);
    }

    /// The live screen rows whose cells, drawn in `area`, may not be the ones the cache holds
    /// for them: when the previous frame drew this view in `area` through the same cache, the
    /// rows a frame must repaint, with the columns when only some may have changed. Every row
    /// without a cache. Meant for the live screen: while scrolled back, rows show history.
    pub fn changed_rows(&self, area: Rect) -> Vec<ChangedRow> {
        let (rows, terminal_cols) = self.terminal.size();
        let rows = 0..rows.min(area.height);
        let Some(cache) = self.cache else {
            return rows.map(ChangedRow::whole_row).collect();
        };
        let cached_rows = cache.rows.borrow();
        rows.filter_map(|row| {
            let Some(cached) = cached_rows
                .get(usize::from(row))
                .filter(|cached| cached.fits(terminal_cols, area.width))
            else {
                return Some(ChangedRow::whole_row(row));
            };
            if cached.stamp == self.terminal.row_stamp(row) {
                return None;
            }
            let columns = self.terminal.changed_columns(row, cached.stamp);
            Some(ChangedRow { row, columns })
        })
        .collect()
    }

    /// Draws what [`TerminalView::changed_rows`] found changed in a row, in the same `area`
    /// (the cells of [`ChangedRow::area_in`]), and caches it.
    pub fn render_changed_row(&self, area: Rect, changed: ChangedRow, buf: &mut Buffer) {
        let Some(area) = self.clip(area, buf) else {
            return;
        };
        let row = changed.row;
        if row >= area.height {
            return;
        }
        match (self.cache, changed.columns) {
            (Some(cache), Some(columns)) => self.draw_cells_cached(area, row, columns, cache, buf),
            (Some(cache), None) => self.draw_screen_row_cached(area, row, row, cache, buf),
            (None, _) => self.draw_screen_row(area, row, row, buf),
        }
    }

    /// Draws `columns` of live screen row `row`, which changed once since the cache drew the
    /// rest of it, and brings the cached row up to date.
    fn draw_cells_cached(
        &self,
        area: Rect,
        row: u16,
        columns: Range<u16>,
        cache: &ViewCache,
        buf: &mut Buffer,
    ) {
        let columns = columns.start.min(area.width)..columns.end.min(area.width);
        self.draw_screen_cells(area, row, row, columns.clone(), buf);
        let mut rows = cache.rows.borrow_mut();
        let cached = &mut rows[usize::from(row)];
        let start = buf.index_of(area.x, area.y + row);
        let cells = usize::from(columns.start)..usize::from(columns.end);
        cached.cells[cells.clone()]
            .clone_from_slice(&buf.content[start + cells.start..start + cells.end]);
        cached.stamp = self.terminal.row_stamp(row);
    }

    fn clip(&self, area: Rect, buf: &Buffer) -> Option<Rect> {
        let area = area.intersection(buf.area);
        (!area.is_empty()).then_some(area)
    }

    fn draw_screen_row(&self, area: Rect, row: u16, screen_row: u16, buf: &mut Buffer) {
        self.draw_screen_cells(area, row, screen_row, 0..area.width, buf);
    }

    fn draw_screen_cells(
        &self,
        area: Rect,
        row: u16,
        screen_row: u16,
        columns: Range<u16>,
        buf: &mut Buffer,
    ) {
        let screen = self.terminal.screen();
        for col in columns {
            let target = &mut buf[(area.x + col, area.y + row)];
            let Some(cell) = screen.cell(screen_row, col) else {
                target.reset();
                continue;
            };
            if cell.is_wide_continuation() {
                // ratatui skips the cell after a wide symbol when diffing; a reset cell keeps
                // stale text out of it if the wide character is later overwritten.
                target.reset();
                target.set_style(cell_style(cell));
                continue;
            }
            // A wide character in the last column of a clipped view would spill into
            // whatever is drawn to the right of the pane.
            let spills_over_the_edge = cell.is_wide() && col + 1 == area.width;
            let (symbol, style) = if cell.has_contents() && !spills_over_the_edge {
                self.terminal.drawn_cell(cell.contents(), cell_style(cell))
            } else {
                (" ".into(), cell_style(cell))
            };
            target.set_symbol(&symbol);
            target.set_style(style);
        }
    }

    /// Same rules as a screen row; columns past the line's end are blank and columns past the
    /// terminal's width are not drawn, since a line keeps the width it had when it was stored.
    fn draw_history_line(&self, area: Rect, row: u16, line: &HistoryLine, buf: &mut Buffer) {
        let (_, terminal_cols) = self.terminal.size();
        let width = area.width.min(terminal_cols);
        let mut next_col = 0;
        for cell in line.cells() {
            if cell.col >= width {
                break;
            }
            let (symbol, style) = self
                .terminal
                .drawn_cell(cell.symbol, attributes_style(cell.attributes));
            let spills_over_the_edge = cell.wide && cell.col + 1 >= width;
            let target = &mut buf[(area.x + cell.col, area.y + row)];
            target.set_symbol(if spills_over_the_edge { " " } else { &symbol });
            target.set_style(style);
            next_col = cell.col + 1;
            if cell.wide && !spills_over_the_edge {
                let continuation = &mut buf[(area.x + cell.col + 1, area.y + row)];
                continuation.reset();
                continuation.set_style(style);
                next_col += 1;
            }
        }
        blank_cells(area, row, next_col, buf);
    }

    fn draw_cursor(&self, area: Rect, buf: &mut Buffer) {
        let Some(position) = self.cursor_position(area) else {
            return;
        };
        let target = &mut buf[position];
        // Toggling keeps the cursor visible on text that is already in reverse video.
        let modifier = target.modifier;
        if modifier.contains(Modifier::REVERSED) {
            target.set_style(Style::new().remove_modifier(Modifier::REVERSED));
        } else {
            target.set_style(Style::new().add_modifier(Modifier::REVERSED));
        }
    }

    fn draw_scrollback_indicator(&self, area: Rect, buf: &mut Buffer) {
        if !self.terminal.is_scrolled() {
            return;
        }
        let offset = self.terminal.scrollback_offset();
        let length = self.terminal.scrollback_len();
        let full_label = format!("[scrollback {offset}/{length}]");
        // A narrow pane still gets the numbers, which matter more than the word.
        let label = if full_label.len() <= usize::from(area.width) {
            full_label
        } else {
            format!("[{offset}/{length}]")
        };
        let width = u16::try_from(label.len())
            .unwrap_or(u16::MAX)
            .min(area.width);
        let style = Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD);
        buf.set_stringn(
            area.right() - width,
            area.y,
            &label,
            usize::from(width),
            style,
        );
    }
}

/// What the terminal view drew for each live screen row in earlier frames.
///
/// vt100 gives no access to a row, only to one cell at a time, and each `Screen::cell` walks its
/// row iterators again: 13 ns a cell, 110 µs for a 220x38 screen, most of a frame's drawing. Yet
/// while someone types, a frame changes one row. So a row is cached with its [`RowStamp`], and
/// copied instead of looked up while the terminal still gives it that stamp. Stamps differ
/// between terminals, so a row can never be taken from the wrong screen, and one cache serves
/// every tab (only one is drawn at a time).
#[derive(Debug, Default)]
pub struct ViewCache {
    rows: RefCell<Vec<CachedRow>>,
}

#[derive(Debug, Default)]
struct CachedRow {
    stamp: RowStamp,
    terminal_cols: u16,
    cells: Vec<Cell>,
}

impl CachedRow {
    /// Whether these are the cells of a row stamped `stamp`, drawn `width` cells wide from a
    /// terminal `terminal_cols` wide.
    fn holds(&self, stamp: RowStamp, terminal_cols: u16, width: u16) -> bool {
        self.stamp == stamp && self.fits(terminal_cols, width)
    }

    /// Whether these cells were drawn `width` wide from a terminal `terminal_cols` wide.
    fn fits(&self, terminal_cols: u16, width: u16) -> bool {
        self.terminal_cols == terminal_cols && self.cells.len() == usize::from(width)
    }
}

/// A live screen row to repaint, from [`TerminalView::changed_rows`].
#[derive(Debug)]
pub struct ChangedRow {
    row: u16,
    /// The columns that may have changed, or `None` for any.
    columns: Option<Range<u16>>,
}

impl ChangedRow {
    fn whole_row(row: u16) -> Self {
        Self { row, columns: None }
    }

    /// The same row, all of it.
    pub fn whole(self) -> Self {
        Self::whole_row(self.row)
    }

    /// The live screen row.
    pub fn row(&self) -> u16 {
        self.row
    }

    /// The cells of the view's `area` to repaint for this row.
    pub fn area_in(&self, area: Rect) -> Rect {
        let columns = self.columns.clone().unwrap_or(0..area.width);
        let start = columns.start.min(area.width);
        let end = columns.end.min(area.width);
        Rect::new(area.x + start, area.y + self.row, end - start, 1)
    }
}

/// Resets the cells of view row `row` from column `from` to the right edge of `area`.
fn blank_cells(area: Rect, row: u16, from: u16, buf: &mut Buffer) {
    for col in from..area.width {
        buf[(area.x + col, area.y + row)].reset();
    }
}

impl Widget for TerminalView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Some(area) = self.clip(area, buf) else {
            return;
        };
        self.draw_cells(area, buf);
        if self.show_cursor {
            self.draw_cursor(area, buf);
        }
        self.draw_scrollback_indicator(area, buf);
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
