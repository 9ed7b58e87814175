//! Copy mode: scrollback mode's cursor and selection, moved with keys or dragged with the
//! mouse, and copying what it selects.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::model::Model;
use super::notice::Notice;
pub use super::state::copy_mode::{CopyMode, Selection};
use crate::terminal::{LineCells, LineNumber, Point, Terminal};

/// The most text one copy takes: its OSC 52 sequence (a third larger) must fit tmux's input
/// buffer (1 MiB by default) and what terminals accept.
pub const MAX_COPY_BYTES: usize = 512 * 1024;

/// Scrollback mode begins with the cursor where the terminal's is.
pub fn enter(model: &mut Model) {
    let Some(tab) = model.active_tab() else {
        return;
    };
    let terminal = &tab.terminal;
    let (row, col) = terminal.cursor_position();
    let line = terminal.screen_top_line() + u64::from(row);
    model.copy = Some(CopyMode::at(tab.id, line, col));
    model.scrollback_mode = true;
}

/// Keys in scrollback mode: moving the cursor and the view, selecting, copying; any other key
/// leaves (`/`, the search, is the caller's).
pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    let (rows, _) = model.terminal_size();
    let page = u64::from(rows.saturating_sub(1).max(1));
    if model.copy.is_none() {
        enter(model);
    }
    let Some(copy) = model.copy.as_mut() else {
        model.scrollback_mode = false;
        return;
    };
    let Some(tab) = model.tabs.iter_mut().find(|tab| tab.id == copy.tab) else {
        leave(model);
        return;
    };
    let terminal = &mut tab.terminal;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let cursor = copy.cursor;
    let line = terminal.line_cells(cursor.line).unwrap_or_default();
    let moved = match key.code {
        KeyCode::Up | KeyCode::Char('k') => Some(vertical(terminal, cursor, -1)),
        KeyCode::Down | KeyCode::Char('j') => Some(vertical(terminal, cursor, 1)),
        KeyCode::Left | KeyCode::Char('h') => Some(Point::new(
            cursor.line,
            line.cell_start(cursor.col.saturating_sub(1)),
        )),
        KeyCode::Right | KeyCode::Char('l') => Some(Point::new(
            cursor.line,
            next_cell(&line, cursor.col).min(terminal.size().1.saturating_sub(1)),
        )),
        KeyCode::Char('w') => Some(word_forward(terminal, cursor)),
        KeyCode::Char('b') if !ctrl => Some(word_back(terminal, cursor)),
        KeyCode::Char('e') => Some(word_end(terminal, cursor)),
        KeyCode::Char('0') => Some(Point::new(cursor.line, 0)),
        KeyCode::Char('^') => Some(Point::new(cursor.line, first_non_blank(&line))),
        KeyCode::Char('$') => Some(Point::new(cursor.line, last_cell(&line))),
        KeyCode::PageUp | KeyCode::Char('b') => {
            terminal.scroll_up(page as usize);
            Some(vertical(terminal, cursor, -(page as i64)))
        }
        KeyCode::PageDown | KeyCode::Char(' ') | KeyCode::Char('f') => {
            terminal.scroll_down(page as usize);
            Some(vertical(terminal, cursor, page as i64))
        }
        KeyCode::Home | KeyCode::Char('g') => {
            terminal.scroll_up(usize::MAX / 2);
            Some(Point::new(terminal.first_line(), 0))
        }
        KeyCode::End | KeyCode::Char('G') => {
            terminal.scroll_to_bottom();
            Some(Point::new(terminal.last_line(), 0))
        }
        _ => None,
    };
    if let Some(point) = moved {
        copy.cursor = point;
        keep_in_view(terminal, point.line);
        return;
    }
    match key.code {
        KeyCode::Char('v') => toggle_selection(copy, false),
        KeyCode::Char('V') => toggle_selection(copy, true),
        KeyCode::Char('y') | KeyCode::Enter => {
            if let Some(text) = copy.text(terminal) {
                copy_text(model, text, effects);
            }
            leave(model);
        }
        KeyCode::Esc if copy.selection.is_some() => copy.selection = None,
        _ => leave(model),
    }
}

fn toggle_selection(copy: &mut CopyMode, whole_lines: bool) {
    copy.selection = match copy.selection {
        Some(selection) if selection.whole_lines == whole_lines => None,
        Some(selection) => Some(Selection {
            whole_lines,
            ..selection
        }),
        None => Some(Selection {
            anchor: copy.cursor,
            whole_lines,
        }),
    };
}

/// Leaves scrollback mode for the live screen.
pub fn leave(model: &mut Model) {
    if let Some(tab) = model.active_tab_mut() {
        tab.terminal.scroll_to_bottom();
    }
    model.scrollback_mode = false;
    model.copy = None;
}

/// Puts `text` on the host's clipboard and keeps it for pasting.
pub fn copy_text(model: &mut Model, mut text: String, effects: &mut Vec<Effect>) {
    let cut = text.len() > MAX_COPY_BYTES;
    if cut {
        let mut end = MAX_COPY_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    model.notice = Some(Notice::Copied {
        chars: text.chars().count(),
        cut,
    });
    model.last_copy = Some(text.clone());
    effects.push(Effect::SetClipboard { text });
}

/// Scrolls the least that shows `line`.
fn keep_in_view(terminal: &mut Terminal, line: LineNumber) {
    let (rows, _) = terminal.size();
    let Some(top) = terminal.line_of_row(0) else {
        return;
    };
    if line < top {
        terminal.scroll_up((top - line) as usize);
    } else if line >= top + u64::from(rows) {
        terminal.scroll_down((line - top - u64::from(rows) + 1) as usize);
    }
}

/// `lines` up (negative) or down, within the lines held, the column kept.
fn vertical(terminal: &Terminal, cursor: Point, lines: i64) -> Point {
    let line = cursor
        .line
        .saturating_add_signed(lines)
        .clamp(terminal.first_line(), terminal.last_line());
    Point::new(line, cursor.col)
}

fn next_cell(line: &LineCells, col: u16) -> u16 {
    line.cells
        .iter()
        .find(|cell| cell.col > col)
        .map_or(col.saturating_add(1), |cell| cell.col)
}

fn first_non_blank(line: &LineCells) -> u16 {
    line.cells
        .iter()
        .find(|cell| !line.text[cell.byte..].starts_with(' '))
        .map_or(0, |cell| cell.col)
}

fn last_cell(line: &LineCells) -> u16 {
    line.cells.last().map_or(0, |cell| cell.col)
}

/// What a cell holds, for word motions: blanks, word characters, other signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Blank,
    Word,
    Sign,
}

fn class_of(symbol: &str) -> Class {
    match symbol.chars().next() {
        None | Some(' ') => Class::Blank,
        Some(c) if c.is_alphanumeric() || c == '_' => Class::Word,
        Some(_) => Class::Sign,
    }
}

/// The cells of `line` with their classes, and a blank after its end.
fn cells_of(terminal: &Terminal, line: LineNumber) -> Vec<(Point, Class)> {
    let cells = terminal.line_cells(line).unwrap_or_default();
    let mut classes: Vec<(Point, Class)> = cells
        .cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            let end = cells
                .cells
                .get(index + 1)
                .map_or(cells.text.len(), |next| next.byte);
            (
                Point::new(line, cell.col),
                class_of(&cells.text[cell.byte..end]),
            )
        })
        .collect();
    classes.push((Point::new(line, cells.end_col()), Class::Blank));
    classes
}

/// The start of the next word (vim's `w`), across lines.
fn word_forward(terminal: &Terminal, cursor: Point) -> Point {
    let mut seen_start_class = None;
    let mut left_word = false;
    for line in cursor.line..=terminal.last_line().min(cursor.line + 1_000) {
        for (point, class) in cells_of(terminal, line) {
            if point < cursor {
                continue;
            }
            let start_class = *seen_start_class.get_or_insert(class);
            if class != start_class || point.line != cursor.line {
                left_word = true;
            }
            if left_word && class != Class::Blank && point != cursor {
                return point;
            }
        }
    }
    cursor
}

/// The start of the word before (vim's `b`), across lines.
fn word_back(terminal: &Terminal, cursor: Point) -> Point {
    let first = terminal.first_line().max(cursor.line.saturating_sub(1_000));
    let mut line = cursor.line;
    loop {
        let cells: Vec<(Point, Class)> = cells_of(terminal, line)
            .into_iter()
            .filter(|(point, _)| *point < cursor)
            .collect();
        if let Some(end) = cells.iter().rposition(|(_, class)| *class != Class::Blank) {
            let class = cells[end].1;
            let mut start = end;
            while start > 0 && cells[start - 1].1 == class {
                start -= 1;
            }
            return cells[start].0;
        }
        if line <= first {
            return cursor;
        }
        line -= 1;
    }
}

/// The end of the word (vim's `e`), across lines.
fn word_end(terminal: &Terminal, cursor: Point) -> Point {
    let mut previous: Option<(Point, Class)> = None;
    for line in cursor.line..=terminal.last_line().min(cursor.line + 1_000) {
        for (point, class) in cells_of(terminal, line) {
            if point <= cursor {
                continue;
            }
            if let Some((last, last_class)) = previous
                && last_class != Class::Blank
                && class != last_class
            {
                return last;
            }
            previous = Some((point, class));
        }
    }
    cursor
}

/// Mouse: a press starts a selection at `point`, a drag extends it, a release copies it (a
/// click without a drag selects nothing).
pub fn mouse_press(model: &mut Model, point: Point) {
    let Some(tab) = model.active_tab() else {
        return;
    };
    let tab = tab.id;
    let by_mouse = !model.scrollback_mode;
    model.copy = Some(CopyMode {
        tab,
        cursor: point,
        selection: Some(Selection {
            anchor: point,
            whole_lines: false,
        }),
        by_mouse,
    });
}

pub fn mouse_drag(model: &mut Model, point: Point) {
    if let Some(copy) = model.copy.as_mut()
        && copy.selection.is_some()
    {
        copy.cursor = point;
    }
}

pub fn mouse_release(model: &mut Model, point: Point, effects: &mut Vec<Effect>) {
    mouse_drag(model, point);
    let Some(copy) = model.copy.clone() else {
        return;
    };
    let dragged = copy
        .selection
        .is_some_and(|selection| selection.anchor != copy.cursor);
    let text = model
        .tabs
        .iter()
        .find(|tab| tab.id == copy.tab)
        .and_then(|tab| copy.text(&tab.terminal));
    if dragged && let Some(text) = text {
        copy_text(model, text, effects);
    }
    if copy.by_mouse {
        model.copy = None;
    } else if let Some(copy) = model.copy.as_mut() {
        copy.selection = None;
    }
}
