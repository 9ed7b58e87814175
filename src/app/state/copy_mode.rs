//! Copy mode's cursor and selection (the keys and the mouse that move them: `app::copy_mode`).

use super::super::ids::TabId;
use crate::terminal::{LineNumber, Point, Terminal};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyMode {
    /// The tab it belongs to; it ends if another becomes active.
    pub tab: TabId,
    pub cursor: Point,
    pub selection: Option<Selection>,
    /// Made by a mouse drag outside scrollback mode: it ends with the drag.
    pub by_mouse: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection began; it runs to the cursor.
    pub anchor: Point,
    /// `V`: whole lines.
    pub whole_lines: bool,
}

impl CopyMode {
    pub fn at(tab: TabId, line: LineNumber, col: u16) -> Self {
        Self {
            tab,
            cursor: Point::new(line, col),
            selection: None,
            by_mouse: false,
        }
    }

    /// Whether the cell at `point` is selected.
    pub fn selects(&self, point: Point) -> bool {
        let Some(selection) = self.selection else {
            return false;
        };
        let (start, end) = ordered(selection.anchor, self.cursor);
        if selection.whole_lines {
            return (start.line..=end.line).contains(&point.line);
        }
        start <= point && point <= end
    }

    pub(in crate::app) fn text(&self, terminal: &Terminal) -> Option<String> {
        let selection = self.selection?;
        Some(terminal.selected_text(selection.anchor, self.cursor, selection.whole_lines))
    }
}

fn ordered(a: Point, b: Point) -> (Point, Point) {
    if a <= b { (a, b) } else { (b, a) }
}
