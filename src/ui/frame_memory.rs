//! What earlier frames painted, so that a frame keeping the previous one (see
//! [`super::Canvas`]) can leave alone whatever has not changed. Any memory, even a fresh one,
//! gives the same picture; a fresh one just repaints more.

use std::cell::{Cell, RefCell};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

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
    pub(super) tab_bar: Painted<TabBarContent<'static>>,
    pub(super) status_bar: Painted<StatusBarContent<'static>>,
}

/// Content a frame builds from the model, borrowing, and an owned copy of it is kept for the
/// next frame to compare with.
pub(super) trait Kept {
    type Owned;

    fn keep(self) -> Self::Owned;

    /// Whether this draws what `kept` drew.
    fn same_as(&self, kept: &Self::Owned) -> bool;
}

/// What the last frame painted in an area, and where.
#[derive(Debug)]
pub(super) struct Painted<T>(RefCell<Option<(Rect, T)>>);

impl<T> Default for Painted<T> {
    fn default() -> Self {
        Self(RefCell::new(None))
    }
}

impl<T> Painted<T> {
    /// Whether the last frame painted `content` in `area`.
    pub(super) fn holds<C: Kept<Owned = T>>(&self, area: Rect, content: &C) -> bool {
        self.0
            .borrow()
            .as_ref()
            .is_some_and(|(painted_area, painted)| {
                *painted_area == area && content.same_as(painted)
            })
    }

    /// Paints `content` in `area` of `buf` and remembers it for the next frame.
    pub(super) fn paint<C: Kept<Owned = T>>(&self, area: Rect, content: C, buf: &mut Buffer)
    where
        for<'a> &'a C: Widget,
    {
        content.render(area, buf);
        *self.0.borrow_mut() = Some((area, content.keep()));
    }
}
