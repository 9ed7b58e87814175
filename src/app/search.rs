//! Searching the active tab's history and screen: the search line's state and keys. The view
//! draws the line, the match count and the highlights from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::copy_mode::CopyMode;
use super::model::Model;
pub use super::state::search::Search;
use crate::terminal::SearchPattern;

/// Opens the search line over the active tab.
pub fn open(model: &mut Model) {
    let was_scrollback = model.scrollback_mode;
    let Some(tab) = model.active_tab() else {
        return;
    };
    let terminal = &tab.terminal;
    let (rows, _) = terminal.size();
    let anchor = terminal
        .line_of_row(rows.saturating_sub(1))
        .unwrap_or_else(|| terminal.last_line());
    model.search = Some(Search {
        tab: tab.id,
        query: String::new(),
        regex: false,
        editing: true,
        pattern: None,
        error: None,
        matches: Vec::new(),
        current: None,
        anchor,
        return_to: (terminal.scrollback_offset(), was_scrollback),
    });
    model.scrollback_mode = true;
}

pub fn on_key(model: &mut Model, key: KeyEvent) {
    let Some(search) = model.search.as_mut() else {
        return;
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => leave(model),
        KeyCode::Char('c') if ctrl => leave(model),
        KeyCode::Char('r') if ctrl => {
            search.regex = !search.regex;
            refresh(model);
        }
        KeyCode::Up => step(model, Towards::Older),
        KeyCode::Down => step(model, Towards::Newer),
        KeyCode::Enter if search.editing => search.editing = false,
        KeyCode::Enter => step(model, Towards::Older),
        KeyCode::Backspace if search.editing => {
            search.query.pop();
            refresh(model);
        }
        KeyCode::Char('u') if ctrl && search.editing => {
            search.query.clear();
            refresh(model);
        }
        KeyCode::Char(c) if search.editing && !ctrl => {
            search.query.push(c);
            refresh(model);
        }
        KeyCode::Char('n') if !ctrl => step(model, Towards::Older),
        KeyCode::Char('N') if !ctrl => step(model, Towards::Newer),
        KeyCode::Char('/') => search.editing = true,
        KeyCode::Char('q') => leave(model),
        _ => {}
    }
}

/// Closes the search line. At a match the view stays there, in scrollback mode, with the
/// copy cursor on the match; without one it goes back to where it was.
pub fn leave(model: &mut Model) {
    let Some(search) = model.search.take() else {
        return;
    };
    let at_match = search.current_match().cloned();
    let Some(tab) = model.tabs.iter_mut().find(|tab| tab.id == search.tab) else {
        return;
    };
    match at_match {
        Some(found) => {
            model.scrollback_mode = true;
            model.copy = Some(CopyMode::at(search.tab, found.line, found.cols.start));
        }
        None => {
            let (offset, was_scrollback) = search.return_to;
            tab.terminal.scroll_to_bottom();
            tab.terminal.scroll_up(offset);
            model.scrollback_mode = was_scrollback;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Towards {
    Older,
    Newer,
}

/// Runs the query again over the whole tab and shows the match nearest the anchor.
fn refresh(model: &mut Model) {
    let Some(search) = model.search.as_mut() else {
        return;
    };
    let Some(tab) = model.tabs.iter_mut().find(|tab| tab.id == search.tab) else {
        return;
    };
    match SearchPattern::new(&search.query, search.regex) {
        Ok(pattern) => {
            search.error = None;
            search.matches = pattern
                .as_ref()
                .map(|pattern| tab.terminal.find_all(pattern))
                .unwrap_or_default();
            search.pattern = pattern;
        }
        Err(error) => {
            search.error = Some(error);
            search.pattern = None;
            search.matches.clear();
        }
    }
    let anchor = search.anchor;
    let at_or_above = search.matches.partition_point(|found| found.line <= anchor);
    search.current = match (at_or_above, search.matches.len()) {
        (_, 0) => None,
        (0, _) => Some(0),
        (after, _) => Some(after - 1),
    };
    show_current(model);
}

fn step(model: &mut Model, towards: Towards) {
    let Some(search) = model.search.as_mut() else {
        return;
    };
    let Some(current) = search.current else {
        return;
    };
    search.current = Some(match towards {
        Towards::Older => current.saturating_sub(1),
        Towards::Newer => (current + 1).min(search.matches.len().saturating_sub(1)),
    });
    show_current(model);
}

/// Scrolls the current match into view.
fn show_current(model: &mut Model) {
    let Some(search) = model.search.as_ref() else {
        return;
    };
    let Some(line) = search.current_match().map(|found| found.line) else {
        return;
    };
    let tab = search.tab;
    if let Some(tab) = model.tab_mut(tab) {
        tab.terminal.scroll_to_line(line);
    }
}
