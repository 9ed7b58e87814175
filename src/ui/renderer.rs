//! Putting frames on the host terminal, repainting only what a frame changed.
//!
//! ratatui's `Terminal::draw` has every frame start from a blank buffer: widgets paint all of
//! it, and all of it is compared with the previous frame. For a 220x40 window that is three
//! passes over some 350 KB of cells, most of it out of cache after a pause in typing, and it
//! was most of the time between a keystroke's echo arriving and it showing (a quarter of a
//! millisecond). Here the canvas keeps the previous frame: a view repaints the areas it wants to
//! change, and only the cells it repainted are compared with what the host shows and sent.
//! An echo then costs a few cells of the row typed on, not 8,800.

use std::ops::Range;

use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect};

use crate::terminal::Terminal;

/// Draws frames through a ratatui backend.
#[derive(Debug)]
pub struct Renderer<B: Backend> {
    backend: B,
    /// What the host terminal shows.
    shown: Buffer,
    /// What views paint on. Between frames it equals `shown`.
    canvas: Buffer,
    /// For each row of `canvas`, the columns the current frame repainted, if any.
    repainted: Vec<Option<Range<u16>>>,
    /// False until the first frame, and after a resize: the canvas is blank, not a frame.
    holds_previous_frame: bool,
    cursor: HostCursor,
    /// One row of `shown` and of `canvas`, for ratatui's diff of a single row.
    row_before: Buffer,
    row_after: Buffer,
}

/// Where the host terminal's cursor is, as far as the renderer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostCursor {
    /// Before the first frame, nothing is known.
    Unknown,
    Hidden,
    ShownAt(Position),
}

impl<B: Backend> Renderer<B> {
    /// A renderer for a host screen of `size`, which is cleared by the first frame.
    pub fn new(backend: B, area: Rect) -> Self {
        Self {
            backend,
            shown: Buffer::empty(area),
            canvas: Buffer::empty(area),
            repainted: vec![None; usize::from(area.height)],
            holds_previous_frame: false,
            cursor: HostCursor::Unknown,
            row_before: Buffer::empty(Rect::ZERO),
            row_after: Buffer::empty(Rect::ZERO),
        }
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// Draws one frame of `area` (the host screen's size; a new size clears the screen first).
    /// `paint` repaints what it wants on the canvas and says where the cursor goes, or `None`
    /// to hide it.
    pub fn draw(
        &mut self,
        area: Rect,
        paint: impl FnOnce(&mut Canvas<'_>) -> Option<Position>,
    ) -> Result<(), B::Error> {
        self.draw_decorated(area, None, paint)
    }

    /// The same, for a frame that shows `terminal`: the underline styles and links its cells
    /// carry are looked up in its table (see `host_decorations`).
    pub fn draw_decorated(
        &mut self,
        area: Rect,
        terminal: Option<&Terminal>,
        paint: impl FnOnce(&mut Canvas<'_>) -> Option<Position>,
    ) -> Result<(), B::Error> {
        if area != self.shown.area {
            self.resize(area)?;
        }
        self.repainted.fill(None);
        let cursor = paint(&mut Canvas {
            buffer: &mut self.canvas,
            repainted: &mut self.repainted,
            holds_previous_frame: self.holds_previous_frame,
        });
        let wrote_cells = self.send_repainted_rows(terminal)?;
        self.place_cursor(cursor, wrote_cells)?;
        self.backend.flush()?;
        self.holds_previous_frame = true;
        Ok(())
    }

    /// Forgets the host screen's contents: it is cleared and the next frame paints everything.
    pub fn resize(&mut self, area: Rect) -> Result<(), B::Error> {
        self.shown = Buffer::empty(area);
        self.canvas = Buffer::empty(area);
        self.repainted = vec![None; usize::from(area.height)];
        self.holds_previous_frame = false;
        self.backend.clear()?;
        Ok(())
    }

    /// Sends what differs between the repainted cells and the host screen, and makes the host
    /// screen's record match the canvas again. True when any cell was sent.
    fn send_repainted_rows(&mut self, terminal: Option<&Terminal>) -> Result<bool, B::Error> {
        let width = self.canvas.area.width;
        if self
            .repainted
            .iter()
            .all(|columns| *columns == Some(0..width))
        {
            let changes: Vec<_> = self.shown.diff_iter(&self.canvas).collect();
            let wrote_cells = !changes.is_empty();
            send(&mut self.backend, &changes, terminal)?;
            self.shown.content.clone_from_slice(&self.canvas.content);
            return Ok(wrote_cells);
        }
        let mut wrote_cells = false;
        for (index, columns) in self.repainted.iter().enumerate() {
            let Some(columns) = columns else {
                continue;
            };
            // ratatui's diff looks one cell around a wide character (two columns at most), so
            // it is given those neighbours as well: they are the same on both sides.
            let from = columns.start.saturating_sub(WIDEST_CHARACTER);
            let to = columns.end.saturating_add(WIDEST_CHARACTER).min(width);
            let row_start = index * usize::from(width);
            let cells = row_start + usize::from(from)..row_start + usize::from(to);
            let x = self.canvas.area.x + from;
            let y = self.canvas.area.y + index as u16;
            copy_cells(
                &mut self.row_before,
                x,
                y,
                &self.shown.content[cells.clone()],
            );
            copy_cells(
                &mut self.row_after,
                x,
                y,
                &self.canvas.content[cells.clone()],
            );
            let changes: Vec<_> = self.row_before.diff_iter(&self.row_after).collect();
            if !changes.is_empty() {
                wrote_cells = true;
                send(&mut self.backend, &changes, terminal)?;
            }
            self.shown.content[cells.clone()].clone_from_slice(&self.canvas.content[cells]);
        }
        Ok(wrote_cells)
    }

    /// Drawing cells moves the host cursor, so it is put back after any; otherwise it is only
    /// touched when it moves, appears or disappears.
    fn place_cursor(
        &mut self,
        cursor: Option<Position>,
        wrote_cells: bool,
    ) -> Result<(), B::Error> {
        let wanted = cursor.map_or(HostCursor::Hidden, HostCursor::ShownAt);
        match wanted {
            HostCursor::ShownAt(position) => {
                if !matches!(self.cursor, HostCursor::ShownAt(_)) {
                    self.backend.show_cursor()?;
                }
                if wrote_cells || self.cursor != wanted {
                    self.backend.set_cursor_position(position)?;
                }
            }
            HostCursor::Hidden if self.cursor != HostCursor::Hidden => {
                self.backend.hide_cursor()?;
            }
            HostCursor::Hidden | HostCursor::Unknown => {}
        }
        self.cursor = wanted;
        Ok(())
    }
}

/// Writes `changes`, with the underline styles and links their marks name in `terminal`.
fn send<B: Backend>(
    backend: &mut B,
    changes: &[(u16, u16, &Cell)],
    terminal: Option<&Terminal>,
) -> Result<(), B::Error> {
    match super::host_decorations::decorated(changes, terminal) {
        None => backend.draw(changes.iter().copied()),
        Some(decorated) => backend.draw(decorated.iter().map(|(x, y, cell)| (*x, *y, cell))),
    }
}

/// Columns a character can take.
const WIDEST_CHARACTER: u16 = 2;

/// Makes `row` a one-row buffer at `(x, y)` holding `cells`, reusing its allocation.
fn copy_cells(row: &mut Buffer, x: u16, y: u16, cells: &[Cell]) {
    row.area = Rect::new(x, y, cells.len() as u16, 1);
    if row.content.len() == cells.len() {
        row.content.clone_from_slice(cells);
    } else {
        row.content.clear();
        row.content.extend_from_slice(cells);
    }
}

/// The surface a frame is painted on. It still shows the previous frame (when
/// [`Canvas::holds_previous_frame`]); an area is blanked for painting with
/// [`Canvas::repaint`], and only repainted rows reach the host screen.
#[derive(Debug)]
pub struct Canvas<'a> {
    buffer: &'a mut Buffer,
    repainted: &'a mut [Option<Range<u16>>],
    holds_previous_frame: bool,
}

impl Canvas<'_> {
    pub fn area(&self) -> Rect {
        self.buffer.area
    }

    /// Whether areas not repainted show the previous frame. False for the first frame and
    /// after a resize, when everything must be painted.
    pub fn holds_previous_frame(&self) -> bool {
        self.holds_previous_frame
    }

    /// Blanks the whole canvas and returns it for painting.
    pub fn repaint_all(&mut self) -> &mut Buffer {
        self.buffer.reset();
        self.repainted.fill(Some(0..self.buffer.area.width));
        self.buffer
    }

    /// Blanks `area` (clipped to the canvas) and returns the canvas for painting it. Painting
    /// outside the areas repainted this frame does not reach the screen.
    pub fn repaint(&mut self, area: Rect) -> &mut Buffer {
        let area = area.intersection(self.buffer.area);
        let columns = area.left() - self.buffer.area.x..area.right() - self.buffer.area.x;
        for y in area.top()..area.bottom() {
            let start = self.buffer.index_of(area.x, y);
            for cell in &mut self.buffer.content[start..start + usize::from(area.width)] {
                cell.reset();
            }
            let repainted = &mut self.repainted[usize::from(y - self.buffer.area.y)];
            *repainted = Some(match repainted.take() {
                None => columns.clone(),
                Some(earlier) => earlier.start.min(columns.start)..earlier.end.max(columns.end),
            });
        }
        self.buffer
    }
}

#[cfg(test)]
#[path = "renderer_tests.rs"]
pub(crate) mod tests;
