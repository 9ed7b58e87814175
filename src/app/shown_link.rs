//! Which link the status bar names: the person's attention decides, not the pointer alone.

use super::keys::TERMINAL_TOP;
use super::model::Model;
use crate::terminal::Point;

/// The URI of the link to show in the status bar: the one at the search's current match, or
/// under copy mode's cursor while keys move it, else the one under the mouse pointer, in the
/// active tab.
pub fn link_shown(model: &Model) -> Option<&str> {
    let tab = model.active_tab()?;
    let terminal = &tab.terminal;
    if let Some(found) = model
        .search
        .as_ref()
        .filter(|search| search.tab == tab.id)
        .and_then(|search| search.current_match())
    {
        return terminal.link_at(Point::new(found.line, found.cols.start));
    }
    if let Some(copy) = model
        .copy
        .as_ref()
        .filter(|copy| copy.tab == tab.id && !copy.by_mouse)
    {
        return terminal.link_at(copy.cursor);
    }
    if model.overlay.is_some() {
        return None;
    }
    let (column, row) = model.pointer?;
    let line = terminal.line_of_row(row.checked_sub(TERMINAL_TOP)?)?;
    terminal.link_at(Point::new(line, column))
}
