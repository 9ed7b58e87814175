//! What earlier frames painted, so that a frame keeping the previous one (see
//! [`super::Canvas`]) can leave alone whatever has not changed. Any memory, even a fresh one,
//! gives the same picture; a fresh one just repaints more.

use std::cell::Cell;

use ratatui::layout::Rect;

use super::painted::Painted;
use super::status_bar::StatusBarContent;
use super::tab_bar::TabBarContent;
use crate::terminal::ViewCache;

#[derive(Debug, Default)]
pub struct FrameMemory {
    /// The terminal rows drawn, for the terminal view.
    pub(super) terminal_rows: ViewCache,
    /// Where the last frame showed the active terminal's rows, as cached, with nothing over
    /// them.
    pub(super) unobstructed_terminal: Cell<Option<Rect>>,
    /// The keyword rules those rows were drawn with (see `Highlights::identity`): new rules
    /// repaint every row.
    pub(super) highlighter: Cell<(u64, usize)>,
    pub(super) tab_bar: Painted<TabBarContent<'static>>,
    pub(super) status_bar: Painted<StatusBarContent<'static>>,
}
