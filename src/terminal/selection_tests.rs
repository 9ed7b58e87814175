use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use super::Point;
use crate::terminal::{Terminal, TerminalView};

const ROWS: u16 = 24;
const COLS: u16 = 12;

fn terminal_with(bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(ROWS, COLS, 100);
    terminal.feed(bytes);
    terminal
}

#[test]
fn a_selection_within_a_line_takes_its_cells() {
    let terminal = terminal_with("ab 漢字 cd\r\nsecond line\r\n".as_bytes());
    assert_eq!(
        terminal.selected_text(Point::new(0, 1), Point::new(0, 4), false),
        "b 漢"
    );
    // The second column of a wide character selects it whole.
    assert_eq!(
        terminal.selected_text(Point::new(0, 4), Point::new(0, 6), false),
        "漢字"
    );
    assert_eq!(
        terminal.selected_text(Point::new(1, 3), Point::new(0, 8), false),
        "cd\nseco"
    );
    assert_eq!(
        terminal.selected_text(Point::new(1, 3), Point::new(0, 8), true),
        "ab 漢字 cd\nsecond line"
    );
}

#[test]
fn wrapped_lines_are_joined_and_history_counts_too() {
    let mut terminal = Terminal::new(3, 5, 100);
    terminal.feed(b"abcdefghij\r\nk\r\n");
    assert_eq!(
        terminal.selected_text(Point::new(0, 0), Point::new(2, 4), false),
        "abcdefghij\nk"
    );
    terminal.feed(b"1\r\n2\r\n3\r\n");
    assert!(terminal.first_line() < terminal.screen_top_line());
    assert_eq!(
        terminal.selected_text(Point::new(0, 2), Point::new(1, 1), false),
        "cdefg"
    );
}

/// The text of the cells a view drew for lines `from..=to` (rows on the screen), read back
/// from the buffer: the oracle the selection must agree with.
fn drawn_text(terminal: &Terminal, from: Point, to: Point) -> String {
    let area = Rect::new(0, 0, COLS, ROWS);
    let mut buffer = Buffer::empty(area);
    TerminalView::new(terminal)
        .show_cursor(false)
        .render(area, &mut buffer);
    let (start, end) = if from <= to { (from, to) } else { (to, from) };
    let mut text = String::new();
    for line in start.line..=end.line {
        let row = terminal.row_of_line(line).unwrap();
        // Which cell each column belongs to: the column after a wide symbol is its second half.
        let mut owner = Vec::new();
        let mut col = 0;
        while col < COLS {
            let symbol = buffer[(col, row)].symbol().to_owned();
            let width = symbol.width().max(1) as u16;
            owner.push((col, symbol.clone()));
            if width == 2 {
                owner.push((col, String::new()));
            }
            col += width;
        }
        let first = if line == start.line {
            owner[usize::from(start.col)].0
        } else {
            0
        };
        let last = if line == end.line { end.col } else { COLS - 1 };
        let mut row_text = String::new();
        for (col, (cell_col, symbol)) in owner.iter().enumerate() {
            if (first..=last).contains(&(col as u16)) && *cell_col == col as u16 {
                row_text.push_str(symbol);
            }
        }
        text.push_str(row_text.trim_end_matches(' '));
        let wrapped = terminal.line_cells(line).unwrap().wrapped;
        if line != end.line && !wrapped {
            text.push('\n');
        }
    }
    text
}

fn piece() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("a"),
        Just("b"),
        Just(" "),
        Just("漢"),
        Just("字"),
        Just("é"),
        Just("-"),
    ]
}

proptest! {
    #[test]
    fn the_copied_text_is_the_text_of_the_selected_cells(
        lines in prop::collection::vec(prop::collection::vec(piece(), 0..20), 1..5),
        from in (0..18u64, 0..COLS),
        to in (0..18u64, 0..COLS),
    ) {
        let text: String = lines.iter().map(|pieces| pieces.concat() + "\r\n").collect();
        let terminal = terminal_with(text.as_bytes());
        let (from, to) = (Point::new(from.0, from.1), Point::new(to.0, to.1));
        prop_assert_eq!(
            terminal.selected_text(from, to, false),
            drawn_text(&terminal, from, to)
        );
    }
}
