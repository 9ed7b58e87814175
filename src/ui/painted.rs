//! Remembering what a frame painted in an area, so the next frame can leave it alone when the
//! content is the same.

use std::cell::RefCell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

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
