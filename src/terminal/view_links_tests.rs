use ratatui::{buffer::Buffer, layout::Rect, style::Color, style::Modifier, widgets::Widget};

use crate::terminal::{Point, Terminal, TerminalView, UnderlineStyle, drawn_decoration};

fn drawn(terminal: &Terminal) -> Buffer {
    let (rows, cols) = terminal.size();
    let area = Rect::new(0, 0, cols, rows);
    let mut buffer = Buffer::empty(area);
    TerminalView::new(terminal).render(area, &mut buffer);
    buffer
}

fn point(terminal: &Terminal, row: u16, col: u16) -> Point {
    Point::new(terminal.line_of_row(row).unwrap(), col)
}

#[test]
fn a_link_is_kept_per_cell_on_screen_and_in_history_and_read_as_plain_text() {
    let mut terminal = Terminal::new(3, 40, 100);
    terminal.feed(b"see \x1b]8;id=1;https://example.com/a;b\x1b\\here\x1b]8;;\x1b\\ ok");
    assert_eq!(terminal.contents(), "see here ok");
    assert_eq!(terminal.link_at(point(&terminal, 0, 3)), None);
    for col in 4..8 {
        assert_eq!(
            terminal.link_at(point(&terminal, 0, col)),
            Some("https://example.com/a;b")
        );
    }
    assert_eq!(terminal.link_at(point(&terminal, 0, 8)), None);
    let screen = drawn(&terminal);
    let (text, decoration) = drawn_decoration(screen[(4, 0)].symbol());
    assert_eq!(text, "h");
    let decoration = decoration.expect("a linked cell carries its decoration");
    assert_eq!(decoration.terminal, terminal.drawn_mark());
    assert_eq!(
        terminal
            .decorations()
            .get(decoration.id)
            .unwrap()
            .link
            .as_deref(),
        Some("https://example.com/a;b")
    );
    assert_eq!(drawn_decoration(screen[(9, 0)].symbol()), ("o", None));

    // Scrolled into the history, and still linked there (BEL ends a link too).
    terminal.feed(b"\r\n\x1b]8;;file:///etc\x07/etc\x1b]8;;\x07\r\n\r\n\r\n");
    let line = terminal.first_line();
    assert_eq!(
        terminal.link_at(Point::new(line, 5)),
        Some("https://example.com/a;b")
    );
    assert_eq!(
        terminal.link_at(Point::new(line + 1, 0)),
        Some("file:///etc")
    );
    terminal.scroll_up(2);
    let history = drawn(&terminal);
    assert_eq!(drawn_decoration(history[(5, 0)].symbol()).0, "e");
    assert!(drawn_decoration(history[(5, 0)].symbol()).1.is_some());
    assert_eq!(terminal.row_text(0).as_deref(), Some("see here ok"));
}

#[test]
fn hostile_links_are_refused_and_the_text_stays() {
    let mut terminal = Terminal::new(6, 40, 100);
    let long = "x".repeat(crate::terminal::decorations::MAX_URI_BYTES + 1);
    for uri in [
        "a\tb",
        "javascript:\u{9b}x",
        "caf\u{e9}",
        "with space",
        long.as_str(),
    ] {
        terminal.feed(format!("\x1b]8;;{uri}\x1b\\T\x1b]8;;\x1b\\\r\n").as_bytes());
    }
    assert_eq!(terminal.contents(), "T\nT\nT\nT\nT");
    for row in 0..5 {
        assert_eq!(terminal.link_at(point(&terminal, row, 0)), None);
    }
    assert_eq!(terminal.decorations().len(), 0);
}

#[test]
fn underline_styles_and_colours_are_drawn_and_vt100_keeps_the_underline() {
    let mut terminal = Terminal::new(2, 20, 100);
    terminal.feed(b"\x1b[4:3;58;2;255;0;0mcurly\x1b[59;21md\x1b[4:0mn\x1b[4mu\x1b[0m.");
    assert_eq!(terminal.contents(), "curlydnu.");
    let screen = drawn(&terminal);
    let decoration_of = |x: u16| {
        let id = drawn_decoration(screen[(x, 0)].symbol()).1?.id;
        terminal.decorations().get(id).cloned()
    };
    let curly = decoration_of(0).expect("curly is a decoration");
    assert_eq!(curly.underline, UnderlineStyle::Curly);
    assert_eq!(curly.underline_color, Color::Rgb(255, 0, 0));
    assert_eq!(screen[(0, 0)].underline_color, Color::Rgb(255, 0, 0));
    assert!(screen[(0, 0)].modifier.contains(Modifier::UNDERLINED));
    let double = decoration_of(5).expect("double is a decoration");
    assert_eq!(double.underline, UnderlineStyle::Double);
    assert_eq!(double.underline_color, Color::Reset);
    assert!(!screen[(6, 0)].modifier.contains(Modifier::UNDERLINED));
    assert_eq!(decoration_of(6), None);
    assert!(screen[(7, 0)].modifier.contains(Modifier::UNDERLINED));
    assert_eq!(decoration_of(7), None, "a plain underline is vt100's alone");
    assert!(!screen[(8, 0)].modifier.contains(Modifier::UNDERLINED));
    // 58;2 no longer reaches vt100, which read its numbers as dim and bold.
    assert!(!screen[(0, 0)].modifier.contains(Modifier::DIM));
}

#[test]
fn a_link_cut_across_reads_is_held_back_only_up_to_a_cap() {
    let mut terminal = Terminal::new(3, 40, 100);
    terminal.feed(b"\x1b]8;;https://ok/\x1b\\A");
    // An endless link, a little at a time: what is held back stays bounded, and the link is
    // refused (the text after it is not linked, not even to the link before).
    terminal.feed(b"\x1b]8;;https://");
    for _ in 0..1000 {
        terminal.feed(&[b'x'; 100]);
        let held = terminal.stream_state.held_bytes();
        assert!(held <= 2048 + 512 + 100, "{held} bytes held");
    }
    terminal.feed(b"\x1b\\B");
    assert_eq!(terminal.contents(), "AB");
    assert_eq!(
        terminal.link_at(point(&terminal, 0, 0)),
        Some("https://ok/")
    );
    assert_eq!(terminal.link_at(point(&terminal, 0, 1)), None);
}

#[test]
fn decsc_saves_the_underline_style_and_reset_forgets_everything() {
    let mut terminal = Terminal::new(3, 40, 100);
    // DECRC brings back the curly underline (and the cursor, so `b` is at column 0).
    terminal.feed(b"\x1b[4:3m\x1b7\x1b[4:1m\x1b8b\x1b[4:1ma\x1b]8;;https://x\x07c");
    let style = |terminal: &Terminal, col| {
        terminal
            .decoration_at(point(terminal, 0, col))
            .map(|decoration| decoration.underline)
    };
    assert_eq!(style(&terminal, 0), Some(UnderlineStyle::Curly));
    assert_eq!(style(&terminal, 1), None, "single is vt100's own");
    assert_eq!(terminal.link_at(point(&terminal, 0, 2)), Some("https://x"));
    terminal.feed(b"\x1bcd");
    assert_eq!(terminal.contents(), "d");
    assert_eq!(style(&terminal, 0), None);
    assert_eq!(terminal.link_at(point(&terminal, 0, 0)), None);
}

#[test]
fn linked_and_curly_text_is_found_and_copied_as_its_plain_text() {
    use crate::terminal::find::tests::columns_found;
    let mut terminal = Terminal::new(2, 30, 100);
    terminal.feed(
        b"one \x1b]8;;https://x/\x1b\\docs\x1b]8;;\x1b\\ two\r\nnext\r\n\x1b[4:3mlast docs\x1b[m",
    );
    assert_eq!(
        columns_found(&terminal, "docs"),
        [4..8, 5..9],
        "in the history and on the screen"
    );
    let first = terminal.first_line();
    let copied = terminal.selected_text(Point::new(first, 0), Point::new(first, 10), false);
    assert_eq!(copied, "one docs tw");
}
