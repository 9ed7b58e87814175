use super::super::Terminal;
use super::LineCells;

fn terminal_with(rows: u16, cols: u16, bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(rows, cols, 100);
    terminal.feed(bytes);
    terminal
}

fn numbered(count: usize) -> Vec<u8> {
    (1..=count)
        .map(|n| format!("line-{n}\r\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn a_line_keeps_its_number_as_it_scrolls_into_history() {
    let mut terminal = terminal_with(4, 20, b"one\r\ntwo\r\n");
    assert_eq!(terminal.first_line(), 0);
    assert_eq!(terminal.line_cells(1).unwrap().text, "two");
    terminal.feed(&numbered(10));
    // "two" left the screen long ago; its number still names it.
    assert_eq!(terminal.line_cells(1).unwrap().text, "two");
    assert_eq!(terminal.line_cells(2).unwrap().text, "line-1");
    assert_eq!(terminal.first_line(), 0);
    assert_eq!(terminal.screen_top_line(), 9);
    assert_eq!(terminal.line_cells(11).unwrap().text, "line-10");
    assert_eq!(terminal.last_line(), 12);
    assert!(terminal.line_cells(13).is_none());
}

#[test]
fn dropped_history_lines_are_gone_and_the_rest_keep_their_numbers() {
    let mut terminal = Terminal::new(4, 20, 5);
    terminal.feed(&numbered(20));
    assert_eq!(terminal.first_line(), terminal.screen_top_line() - 5);
    assert!(terminal.line_cells(0).is_none());
    assert_eq!(terminal.line_cells(19).unwrap().text, "line-20");
}

#[test]
fn rows_and_lines_map_both_ways_while_scrolled() {
    let mut terminal = terminal_with(4, 20, &numbered(30));
    let top = terminal.screen_top_line();
    assert_eq!(terminal.line_of_row(0), Some(top));
    terminal.scroll_up(10);
    assert_eq!(terminal.line_of_row(0), Some(top - 10));
    assert_eq!(terminal.row_of_line(top - 9), Some(1));
    assert_eq!(terminal.row_of_line(top), None);
    assert_eq!(terminal.line_of_row(4), None);
}

#[test]
fn scrolling_to_a_line_shows_it_in_the_middle_or_leaves_a_visible_one() {
    let mut terminal = terminal_with(6, 20, &numbered(50));
    terminal.scroll_to_line(5);
    assert_eq!(terminal.row_of_line(5), Some(3));
    assert_eq!(terminal.row_text(3).unwrap(), "line-6");
    let offset = terminal.scrollback_offset();
    terminal.scroll_to_line(6);
    assert_eq!(terminal.scrollback_offset(), offset, "already in view");
    terminal.scroll_to_line(terminal.last_line());
    assert_eq!(terminal.scrollback_offset(), 0);
}

#[test]
fn wide_characters_take_two_columns_and_one_cell() {
    let terminal = terminal_with(3, 20, "a漢字b\r\n".as_bytes());
    let cells = terminal.line_cells(0).unwrap();
    assert_eq!(cells.text, "a漢字b");
    let cols: Vec<u16> = cells.cells.iter().map(|cell| cell.col).collect();
    assert_eq!(cols, [0, 1, 3, 5]);
    assert_eq!(cells.end_col(), 6);
    assert_eq!(cells.columns_of(1..4), 1..3);
    assert_eq!(cells.text_of_columns(1..5), "漢字");
    assert_eq!(cells.cell_start(2), 1);
    assert_eq!(cells.cell_start(5), 5);
}

#[test]
fn history_and_screen_give_the_same_cells_for_the_same_line() {
    let mut terminal = terminal_with(3, 20, "x 漢 y  \r\n".as_bytes());
    let on_screen = terminal.line_cells(0).unwrap();
    terminal.feed(&numbered(5));
    let in_history = terminal.line_cells(0).unwrap();
    assert_eq!(on_screen, in_history);
    assert_eq!(in_history, LineCells::of_history_text("x 漢 y", false));
}

#[test]
fn a_wrapped_line_says_so() {
    let terminal = terminal_with(3, 5, b"abcdefg\r\n");
    assert!(terminal.line_cells(0).unwrap().wrapped);
    assert!(!terminal.line_cells(1).unwrap().wrapped);
}

#[test]
fn a_drawn_row_reads_back_as_the_line_the_screen_holds() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    // Wide characters, a struck one (its mark is drawn as an attribute), a combining accent,
    // colour, and a history line drawn while scrolled back.
    let mut terminal = terminal_with(
        3,
        16,
        "漢字 e\u{301}rror \x1b[9mok\x1b[0m\r\nwarn \x1b[31m界\x1b[0m x\r\n".as_bytes(),
    );
    let area = Rect::new(0, 0, 16, 3);
    let check = |terminal: &Terminal, rows: std::ops::Range<u16>| {
        let mut drawn = Buffer::empty(area);
        super::super::TerminalView::new(terminal).render(area, &mut drawn);
        for row in rows {
            let line = terminal.line_of_row(row).unwrap();
            let held = terminal.line_cells(line).unwrap();
            let read = LineCells::of_drawn_row((0..16).map(|x| drawn[(x, row)].symbol()));
            assert_eq!(read.text, held.text, "row {row}");
            assert_eq!(read.cells, held.cells, "row {row}");
        }
    };
    check(&terminal, 0..3);
    terminal.feed(&numbered(3));
    terminal.set_scrollback_offset(3);
    // Row 0 of a scrolled view carries the scrollback position over the line.
    check(&terminal, 1..3);
    assert_eq!(terminal.line_cells(0).unwrap().text, "漢字 e\u{301}rror ok");
}
