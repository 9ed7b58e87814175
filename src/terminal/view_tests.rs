use ratatui::{
    backend::TestBackend,
    buffer::Buffer,
    layout::{Position, Rect},
    style::{Color, Modifier},
    widgets::{Block, Widget},
};

use super::{TerminalView, ViewCache};
use crate::terminal::Terminal;

fn terminal_with(rows: u16, cols: u16, bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(rows, cols, 100);
    terminal.feed(bytes);
    terminal
}

/// Draws `view` filling a `width` x `height` host screen through ratatui's test backend.
fn draw(view: TerminalView<'_>, width: u16, height: u16) -> TestBackend {
    let mut screen = ratatui::Terminal::new(TestBackend::new(width, height))
        .expect("the test backend cannot fail");
    screen
        .draw(|frame| frame.render_widget(view, frame.area()))
        .expect("the test backend cannot fail");
    screen.backend().clone()
}

fn render_to_buffer(view: TerminalView<'_>, area: Rect) -> Buffer {
    let mut buffer = Buffer::empty(area);
    view.render(area, &mut buffer);
    buffer
}

#[test]
fn renders_a_shell_session() {
    let terminal = terminal_with(
        6,
        30,
        b"\x1b]2;web01\x07\x1b[1;32muser@web01\x1b[0m:\x1b[1;34m~\x1b[0m$ ls\r\n\
          \x1b[34mbin\x1b[0m  notes.txt  \x1b[32mrun.sh\x1b[0m\r\n\
          \x1b[1;32muser@web01\x1b[0m:\x1b[1;34m~\x1b[0m$ ",
    );
    let backend = draw(TerminalView::new(&terminal).show_cursor(false), 30, 6);
    insta::assert_snapshot!(backend);
}

#[test]
fn renders_the_scrollback_indicator_when_scrolled_back() {
    let mut terminal = Terminal::new(5, 40, 100);
    for line in 1..=20 {
        terminal.feed(format!("line {line}\r\n").as_bytes());
    }
    terminal.scroll_up(7);
    let backend = draw(TerminalView::new(&terminal), 40, 5);
    insta::assert_snapshot!(backend);

    let indicator = &backend.buffer()[(39, 0)];
    assert_eq!(indicator.symbol(), "]");
    assert_eq!(indicator.bg, Color::Yellow);
}

#[test]
fn a_narrow_view_gets_a_short_indicator() {
    let mut terminal = Terminal::new(3, 10, 100);
    for line in 1..=20 {
        terminal.feed(format!("line {line}\r\n").as_bytes());
    }
    terminal.scroll_up(2);
    let backend = draw(TerminalView::new(&terminal), 10, 3);
    insta::assert_snapshot!(backend);
}

#[test]
fn renders_inside_a_block_and_blanks_cells_beyond_the_terminal() {
    let terminal = terminal_with(
        3,
        12,
        b"wide \xe6\x97\xa5\xe6\x9c\xac\r\n\x1b[7mreverse\x1b[0m",
    );
    let mut screen =
        ratatui::Terminal::new(TestBackend::new(18, 6)).expect("the test backend cannot fail");
    screen
        .draw(|frame| {
            let block = Block::bordered().title("web01");
            let inner = block.inner(frame.area());
            frame.render_widget(block, frame.area());
            frame.render_widget(TerminalView::new(&terminal).show_cursor(false), inner);
        })
        .expect("the test backend cannot fail");
    insta::assert_snapshot!(screen.backend());
}

#[test]
fn cells_carry_true_colour_256_colours_and_attributes() {
    let terminal = terminal_with(
        2,
        12,
        b"\x1b[38;2;1;2;3mT\x1b[0m\x1b[38;5;196;48;5;21mI\x1b[0m\x1b[7mR\x1b[0m\
          \x1b[1;3;4mS\x1b[0m\x1b[2mD\x1b[0m\x1b[31;47mN\x1b[0m\x1b[91mB",
    );
    let backend = draw(TerminalView::new(&terminal).show_cursor(false), 12, 2);
    let buffer = backend.buffer();
    let cell = |column: u16| &buffer[(column, 0)];

    let true_colour = cell(0);
    assert_eq!(true_colour.symbol(), "T");
    assert_eq!(true_colour.fg, Color::Rgb(1, 2, 3));
    assert_eq!(true_colour.bg, Color::Reset);
    assert_eq!(true_colour.modifier, Modifier::empty());

    let indexed = cell(1);
    assert_eq!(indexed.fg, Color::Indexed(196));
    assert_eq!(indexed.bg, Color::Indexed(21));

    let reversed = cell(2);
    assert_eq!(reversed.symbol(), "R");
    assert_eq!(reversed.modifier, Modifier::REVERSED);
    assert_eq!((reversed.fg, reversed.bg), (Color::Reset, Color::Reset));

    assert_eq!(
        cell(3).modifier,
        Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED
    );
    assert_eq!(cell(4).modifier, Modifier::DIM);
    // The 16 base colours go out as named colours so the host palette applies.
    assert_eq!((cell(5).fg, cell(5).bg), (Color::Red, Color::Gray));
    assert_eq!(cell(6).fg, Color::LightRed);
    // Blank cells are reset, not left with the last style.
    assert_eq!(cell(7).symbol(), " ");
    assert_eq!((cell(7).fg, cell(7).bg), (Color::Reset, Color::Reset));
}

#[test]
fn the_cursor_is_drawn_in_reverse_video() {
    let terminal = terminal_with(3, 10, b"$ ls\r\n$ ");
    let backend = draw(TerminalView::new(&terminal), 10, 3);
    let cursor_cell = &backend.buffer()[(2, 1)];
    assert_eq!(cursor_cell.symbol(), " ");
    assert!(cursor_cell.modifier.contains(Modifier::REVERSED));
    assert!(
        !backend.buffer()[(1, 1)]
            .modifier
            .contains(Modifier::REVERSED)
    );

    let without = draw(TerminalView::new(&terminal).show_cursor(false), 10, 3);
    assert!(
        !without.buffer()[(2, 1)]
            .modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn the_cursor_on_reversed_text_is_drawn_normal() {
    let terminal = terminal_with(2, 10, b"\x1b[7mab\x1b[0m\x1b[1D");
    let buffer = render_to_buffer(TerminalView::new(&terminal), Rect::new(0, 0, 10, 2));
    assert_eq!(buffer[(0, 0)].modifier, Modifier::REVERSED);
    assert_eq!(buffer[(1, 0)].symbol(), "b");
    assert_eq!(buffer[(1, 0)].modifier, Modifier::empty());
}

#[test]
fn a_hidden_cursor_is_not_drawn() {
    let terminal = terminal_with(2, 10, b"$ \x1b[?25l");
    let buffer = render_to_buffer(TerminalView::new(&terminal), Rect::new(0, 0, 10, 2));
    assert!(!buffer[(2, 0)].modifier.contains(Modifier::REVERSED));
    assert_eq!(
        TerminalView::new(&terminal).cursor_position(buffer.area),
        None
    );
}

#[test]
fn cursor_position_is_in_buffer_coordinates() {
    let mut terminal = terminal_with(5, 20, b"one\r\ntwo\r\n$ ");
    let view_area = Rect::new(4, 1, 20, 5);
    assert_eq!(
        TerminalView::new(&terminal).cursor_position(view_area),
        Some(Position::new(6, 3))
    );
    // Clipped by a smaller area.
    assert_eq!(
        TerminalView::new(&terminal).cursor_position(Rect::new(0, 0, 20, 2)),
        None
    );

    for line in 0..10 {
        terminal.feed(format!("\r\nmore {line}").as_bytes());
    }
    terminal.scroll_up(2);
    assert_eq!(
        TerminalView::new(&terminal).cursor_position(view_area),
        None,
        "the cursor row scrolled below the view"
    );
}

#[test]
fn renders_the_alternate_screen_and_comes_back() {
    let mut terminal = terminal_with(3, 16, b"$ htop\r\n");
    terminal.feed(b"\x1b[?1049h\x1b[H\x1b[44m CPU 12% \x1b[0m");
    let alternate = draw(TerminalView::new(&terminal).show_cursor(false), 16, 3);
    assert_eq!(alternate.buffer()[(0, 0)].bg, Color::Blue);

    terminal.feed(b"\x1b[?1049l");
    let primary = draw(TerminalView::new(&terminal).show_cursor(false), 16, 3);
    insta::assert_snapshot!("alternate_screen_active", alternate);
    insta::assert_snapshot!("primary_screen_restored", primary);
}

#[test]
fn a_wide_character_cut_by_the_view_edge_is_blanked() {
    let terminal = terminal_with(1, 10, "ab\u{65e5}c".as_bytes());
    let clipped = render_to_buffer(
        TerminalView::new(&terminal).show_cursor(false),
        Rect::new(0, 0, 3, 1),
    );
    let symbols: Vec<&str> = (0..3).map(|column| clipped[(column, 0)].symbol()).collect();
    assert_eq!(symbols, ["a", "b", " "]);

    let whole = render_to_buffer(
        TerminalView::new(&terminal).show_cursor(false),
        Rect::new(0, 0, 5, 1),
    );
    assert_eq!(whole[(2, 0)].symbol(), "\u{65e5}");
    assert_eq!(whole[(4, 0)].symbol(), "c");
}

#[test]
fn colours_and_attributes_survive_into_scrollback() {
    // Wide enough that the scrollback indicator stays clear of the text.
    let mut terminal = Terminal::new(3, 40, 100);
    terminal.feed(b"\x1b[31mred line\x1b[0m\r\n\x1b[1;44mbold on blue\x1b[0m\r\nplain\r\n");
    for line in 1..=10 {
        terminal.feed(format!("line {line}\r\n").as_bytes());
    }
    terminal.scroll_up(usize::MAX);
    let backend = draw(TerminalView::new(&terminal).show_cursor(false), 40, 3);
    let buffer = backend.buffer();

    assert_eq!(terminal.row_text(0).as_deref(), Some("red line"));
    assert_eq!(buffer[(0, 0)].symbol(), "r");
    assert_eq!(buffer[(0, 0)].fg, Color::Red);
    assert_eq!(buffer[(7, 0)].fg, Color::Red);
    assert_eq!(buffer[(8, 0)].fg, Color::Reset);

    let bold_on_blue = &buffer[(0, 1)];
    assert_eq!(bold_on_blue.symbol(), "b");
    assert_eq!(bold_on_blue.bg, Color::Blue);
    assert!(bold_on_blue.modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(0, 2)].fg, Color::Reset);
    assert_eq!(buffer[(0, 2)].modifier, Modifier::empty());
}

#[test]
fn history_rows_are_drawn_above_the_live_screen_and_blank_stale_cells() {
    let mut terminal = Terminal::new(4, 12, 100);
    terminal.feed("wide \u{65e5}\u{672c}\r\n".as_bytes());
    for line in 1..=5 {
        terminal.feed(format!("line {line}\r\n").as_bytes());
    }
    terminal.scroll_up(3);
    // A stale buffer full of text: every cell must be drawn over or reset.
    let area = Rect::new(0, 0, 12, 4);
    let mut buffer = Buffer::with_lines(["############"; 4]);
    TerminalView::new(&terminal)
        .show_cursor(false)
        .render(area, &mut buffer);
    let rows: Vec<String> = (0..4)
        .map(|row| {
            (0..12)
                .map(|col| buffer[(col, row)].symbol().to_owned())
                .collect()
        })
        .collect();
    // Row 0 carries the indicator at its right end, which covers the narrow label.
    assert!(rows[0].starts_with("wide \u{65e5}"), "{rows:?}");
    assert_eq!(rows[1], "line 1      ");
    assert_eq!(rows[2], "line 2      ");
    assert_eq!(rows[3], "line 3      ");
}

/// Draws `terminal` once through `cache` and once without any, and insists on the same cells.
fn assert_cached_draw_matches(terminal: &Terminal, cache: &ViewCache, area: Rect) {
    let cached = render_to_buffer(TerminalView::new(terminal).cache(cache), area);
    let fresh = render_to_buffer(TerminalView::new(terminal), area);
    assert_eq!(cached, fresh);
}

#[test]
fn cached_rows_follow_every_kind_of_change() {
    let cache = ViewCache::default();
    let area = Rect::new(0, 0, 24, 6);
    let mut terminal = Terminal::new(6, 20, 100);
    let steps: [&[u8]; 12] = [
        b"$ ",
        b"l",
        b"s",
        b"\r\n\x1b[1;34mbin\x1b[0m  \x1b[32mrun.sh\x1b[0m\r\n$ ",
        // Same text, other colours: only the attributes change.
        b"\x1b[2;1H\x1b[1;31mbin\x1b[0m",
        // Blank cells that differ only in their background.
        b"\x1b[3;1H\x1b[44m\x1b[K\x1b[0m",
        "\x1b[4;1H界 wide".as_bytes(),
        b"\x1b[?1049h\x1b[Hfull screen\x1b[7mstatus\x1b[0m",
        b"\x1b[?1049l",
        b"\x08\x08\x1b[K",
        b"\x1b[5;18Habcdef",
        b"\r\n\r\n\r\n\r\nscrolled",
    ];
    for bytes in steps {
        terminal.feed(bytes);
        assert_cached_draw_matches(&terminal, &cache, area);
    }
    terminal.resize(4, 12);
    assert_cached_draw_matches(&terminal, &cache, area);
    assert_cached_draw_matches(&terminal, &cache, Rect::new(3, 1, 10, 3));
    terminal.scroll_up(2);
    assert_cached_draw_matches(&terminal, &cache, area);
}

#[test]
fn one_cache_serves_several_terminals() {
    let cache = ViewCache::default();
    let area = Rect::new(0, 0, 20, 3);
    let first = terminal_with(3, 20, b"\x1b[32mfirst\x1b[0m tab\r\n$ ");
    let second = terminal_with(3, 20, b"second tab\r\n$ x");
    for terminal in [&first, &second, &first, &second] {
        assert_cached_draw_matches(terminal, &cache, area);
    }
}
