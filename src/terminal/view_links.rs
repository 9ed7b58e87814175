//! What a tab's cells say of their underline styles, colours and links (see `decorations`), to
//! the view that draws them and to whoever asks what a cell links to.

use std::borrow::Cow;

use ratatui::style::{Modifier, Style};

use super::cell_marks::{self, DrawnDecoration};
use super::decorations::{Decoration, Decorations};
use super::{Point, Terminal};

impl Terminal {
    /// Underline styles and colours and links, by the number a cell's mark carries.
    pub fn decorations(&self) -> &Decorations {
        &self.decorations
    }

    /// The number this terminal's drawn cells carry (see [`DrawnDecoration`]).
    pub fn drawn_mark(&self) -> u16 {
        self.drawn_mark
    }

    /// The symbol and style of a cell whose contents (marks and all) are `contents`, drawn with
    /// `style` (vt100's attributes): marks become strikethrough, and a decoration becomes the
    /// underline colour and the marks the renderer reads (see `cell_marks::drawn_symbol`).
    pub(super) fn drawn_cell<'a>(&self, contents: &'a str, style: Style) -> (Cow<'a, str>, Style) {
        let marked = cell_marks::split(contents);
        let style = style.add_modifier(marked.modifier);
        let Some((id, decoration)) = marked
            .decoration
            .and_then(|id| Some((id, self.decorations.get(id)?)))
        else {
            return (marked.text, style);
        };
        let drawn = DrawnDecoration {
            terminal: self.drawn_mark,
            id,
        };
        let style = if style.add_modifier.contains(Modifier::UNDERLINED) {
            style.underline_color(decoration.underline_color)
        } else {
            style
        };
        (
            Cow::Owned(cell_marks::drawn_symbol(&marked.text, drawn)),
            style,
        )
    }

    /// The decoration of the cell at `point`, if it has one.
    pub fn decoration_at(&self, point: Point) -> Option<&Decoration> {
        let id = cell_marks::split(&self.cell_contents(point)?).decoration?;
        self.decorations.get(id)
    }

    /// The URI of the hyperlink the cell at `point` belongs to, if any.
    pub fn link_at(&self, point: Point) -> Option<&str> {
        self.decoration_at(point)?.link.as_deref()
    }

    /// The contents of the cell covering `point`, marks and all.
    fn cell_contents(&self, point: Point) -> Option<Cow<'_, str>> {
        let top = self.screen_top_line();
        if point.line >= top {
            let row = u16::try_from(point.line - top).ok()?;
            let screen = self.screen();
            let mut col = point.col;
            if col > 0 && screen.cell(row, col)?.is_wide_continuation() {
                col -= 1;
            }
            return Some(Cow::Borrowed(screen.cell(row, col)?.contents()));
        }
        let history = self.primary_scrollback()?;
        let back = usize::try_from(top - point.line).ok()?;
        let line = history.get(history.len().checked_sub(back)?)?;
        line.cells()
            .find(|cell| cell.col == point.col || (cell.wide && cell.col + 1 == point.col))
            .map(|cell| Cow::Borrowed(cell.symbol))
    }
}

#[cfg(test)]
#[path = "view_links_tests.rs"]
mod tests;
