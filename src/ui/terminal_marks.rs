//! What tabsh draws over a tab's cells: keyword highlights, search matches (the current one
//! apart), copy mode's cursor and selection, and the search line. The cells' text is the terminal's; only their
//! look changes, and only in the frame (nothing stored changes).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::search::Search;
use crate::app::{Model, Tab};
use crate::terminal::{Highlighter, LineCells, MAX_MATCHES, Point, Terminal};

fn match_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

fn current_match_style() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::LightMagenta)
        .add_modifier(Modifier::BOLD)
}

fn selection_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::LightBlue)
}

fn copy_cursor_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::LightGreen)
}

/// Paints the marks of `tab` (the active one) over its terminal drawn in `body`.
pub fn paint(model: &Model, tab: &Tab, body: Rect, buf: &mut Buffer) {
    let terminal = &tab.terminal;
    if let Some(rules) = model.highlights.for_profile(&tab.profile_id) {
        let (rows, _) = terminal.size();
        for row in 0..rows.min(body.height) {
            highlight_row(rules, terminal, row, body, buf);
        }
    }
    let search = model.search.as_ref().filter(|search| search.tab == tab.id);
    if let Some(search) = search {
        paint_matches(search, terminal, body, buf);
    }
    if let Some(copy) = model.copy.as_ref().filter(|copy| copy.tab == tab.id) {
        for_each_cell(
            terminal,
            body,
            |point, cell| {
                if copy.selects(point) {
                    cell.set_style(selection_style());
                }
            },
            buf,
        );
        if model.scrollback_mode && search.is_none() {
            for_each_cell(
                terminal,
                body,
                |point, cell| {
                    if point == copy.cursor {
                        cell.set_style(copy_cursor_style());
                    }
                },
                buf,
            );
        }
    }
    if let Some(search) = search {
        paint_search_line(search, body, buf);
    }
}

/// Draws the keyword highlights of displayed row `row` over its cells.
pub fn highlight_row(
    rules: &Highlighter,
    terminal: &Terminal,
    row: u16,
    body: Rect,
    buf: &mut Buffer,
) {
    let (rows, cols) = terminal.size();
    if row >= body.height || row >= rows {
        return;
    }
    let width = cols.min(body.width);
    let y = body.y + row;
    let cells = LineCells::of_drawn_row((body.x..body.x + width).map(|x| buf[(x, y)].symbol()));
    for (found, style) in rules.spans(&cells) {
        for col in found.start.min(width)..found.end.min(width) {
            buf[(body.x + col, body.y + row)].set_style(style);
        }
    }
}

/// Calls `paint` for each cell of the terminal shown in `body`, with its line and column.
fn for_each_cell(
    terminal: &Terminal,
    body: Rect,
    mut paint: impl FnMut(Point, &mut ratatui::buffer::Cell),
    buf: &mut Buffer,
) {
    let (rows, cols) = terminal.size();
    for row in 0..rows.min(body.height) {
        let Some(line) = terminal.line_of_row(row) else {
            continue;
        };
        for col in 0..cols.min(body.width) {
            paint(
                Point::new(line, col),
                &mut buf[(body.x + col, body.y + row)],
            );
        }
    }
}

fn paint_matches(search: &Search, terminal: &Terminal, body: Rect, buf: &mut Buffer) {
    let Some(pattern) = &search.pattern else {
        return;
    };
    let current = search.current_match();
    let (rows, cols) = terminal.size();
    let width = cols.min(body.width);
    for row in 0..rows.min(body.height) {
        let Some(line) = terminal.line_of_row(row) else {
            continue;
        };
        let Some(cells) = terminal.line_cells(line) else {
            continue;
        };
        for found in pattern.columns_in(&cells) {
            let is_current =
                current.is_some_and(|current| current.line == line && current.cols == found);
            let style = if is_current {
                current_match_style()
            } else {
                match_style()
            };
            for col in found.start.min(width)..found.end.min(width) {
                buf[(body.x + col, body.y + row)].set_style(style);
            }
        }
    }
}

/// The search line, over the bottom row of the body: the query, the mode and the count.
fn paint_search_line(search: &Search, body: Rect, buf: &mut Buffer) {
    if body.height == 0 {
        return;
    }
    let at = Rect::new(body.x, body.bottom() - 1, body.width, 1);
    let mut spans = vec![
        Span::raw(if search.regex { " regex/" } else { " /" }),
        Span::raw(crate::escape::escape(&search.query, crate::escape::Policy::LINE).into_owned()),
    ];
    if search.editing {
        spans.push(Span::raw("▏"));
    }
    let count = match (&search.error, search.current, search.matches.len()) {
        (Some(error), _, _) => format!("  {}", super::words::bad_search(error)),
        (None, _, 0) if search.query.is_empty() => String::new(),
        (None, _, 0) => "  no matches".to_owned(),
        (None, current, total) => {
            let more = if total >= MAX_MATCHES { "+" } else { "" };
            format!(
                "  {}/{total}{more}",
                current.map_or(0, |index| total - index)
            )
        }
    };
    spans.push(Span::raw(count));
    let keys = if search.editing {
        "  Enter done · Ctrl-r regex · Esc leaves"
    } else {
        "  n older · N newer · / edit · Esc leaves"
    };
    spans.push(Span::raw(keys).dark_gray());
    Line::from(spans).black().on_white().render(at, buf);
}
