use super::{DEFAULT_SCROLLBACK, MouseProtocolEncoding, MouseProtocolMode, Terminal};

fn terminal_with(bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(24, 80, DEFAULT_SCROLLBACK);
    terminal.feed(bytes);
    terminal
}

fn feed_numbered_lines(terminal: &mut Terminal, count: usize) {
    for line in 1..=count {
        terminal.feed(format!("line {line}\r\n").as_bytes());
    }
}

/// The number in the first `line N` row currently displayed.
fn first_visible_line_number(terminal: &Terminal) -> usize {
    let first_row = terminal.row_text(0).expect("row 0 exists");
    first_row
        .trim()
        .strip_prefix("line ")
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("row 0 is not a numbered line: {first_row:?}"))
}

#[test]
fn plain_text_lands_on_the_screen() {
    let terminal = terminal_with(b"hello\r\nworld");
    assert_eq!(terminal.row_text(0).as_deref(), Some("hello"));
    assert_eq!(terminal.row_text(1).as_deref(), Some("world"));
    assert!(terminal.contents().starts_with("hello\nworld"));
    assert_eq!(terminal.cursor_position(), (1, 5));
    assert_eq!(terminal.row_text(24), None);
}

#[test]
fn sequences_split_across_feeds_are_parsed() {
    let mut terminal = Terminal::new(24, 80, 0);
    terminal.feed(b"\x1b[3");
    terminal.feed(b"1mred\x1b]2;ti");
    terminal.feed(b"tle\x07");
    assert_eq!(terminal.row_text(0).as_deref(), Some("red"));
    assert_eq!(
        terminal.screen().cell(0, 0).map(vt100::Cell::fgcolor),
        Some(vt100::Color::Idx(1))
    );
    assert_eq!(terminal.title(), Some("title"));
}

#[test]
fn characters_split_across_feeds_lose_nothing() {
    let mut terminal = Terminal::new(24, 80, 0);
    // Cut after the first byte of 'П' and of 'é': vte alone dropped the space and the 'e'
    // after them, because another multi-byte character followed within three bytes.
    let middle = [&b"\x9f"[..], " мир ".as_bytes(), b"\xc3"].concat();
    for read in [&b"x \xd0"[..], &middle, b"\xa9e\xcc\x81!"] {
        terminal.feed(read);
    }
    assert_eq!(terminal.row_text(0).as_deref(), Some("x П мир ée\u{301}!"));
}

#[test]
fn indexed_and_true_colours_are_kept_per_cell() {
    let terminal = terminal_with(b"\x1b[38;5;196mA\x1b[0m\x1b[38;2;1;2;3mB\x1b[48;5;21mC");
    let screen = terminal.screen();
    let colour_of = |col| {
        screen
            .cell(0, col)
            .map(|cell| (cell.fgcolor(), cell.bgcolor()))
    };
    assert_eq!(
        colour_of(0),
        Some((vt100::Color::Idx(196), vt100::Color::Default))
    );
    assert_eq!(
        colour_of(1),
        Some((vt100::Color::Rgb(1, 2, 3), vt100::Color::Default))
    );
    assert_eq!(
        colour_of(2),
        Some((vt100::Color::Rgb(1, 2, 3), vt100::Color::Idx(21)))
    );
}

#[test]
fn attributes_are_set_and_reset() {
    let terminal = terminal_with(b"\x1b[1mB\x1b[2mD\x1b[0;3mI\x1b[4mU\x1b[0;7mR\x1b[0mN");
    let screen = terminal.screen();
    let attributes = |col| {
        let cell = screen.cell(0, col).expect("cell exists");
        (
            cell.bold(),
            cell.dim(),
            cell.italic(),
            cell.underline(),
            cell.inverse(),
        )
    };
    // SGR 2 after SGR 1 replaces bold with dim: they share the intensity setting.
    let table = [
        (0, (true, false, false, false, false)),
        (1, (false, true, false, false, false)),
        (2, (false, false, true, false, false)),
        (3, (false, false, true, true, false)),
        (4, (false, false, false, false, true)),
        (5, (false, false, false, false, false)),
    ];
    for (col, expected) in table {
        assert_eq!(attributes(col), expected, "column {col}");
    }
}

#[test]
fn window_title_comes_from_osc_0_and_osc_2() {
    let cases: [(&[u8], Option<&str>); 6] = [
        (b"\x1b]2;build server\x07", Some("build server")),
        (b"\x1b]0;user@host: ~\x1b\\", Some("user@host: ~")),
        (b"\x1b]2;make; make install\x07", Some("make; make install")),
        (b"\x1b]0;caf\xc3\xa9\x07", Some("café")),
        (b"\x1b]1;icon only\x07", None),
        (b"no title here", None),
    ];
    for (bytes, expected) in cases {
        assert_eq!(terminal_with(bytes).title(), expected, "{bytes:?}");
    }
}

#[test]
fn an_empty_title_clears_the_previous_one() {
    let mut terminal = terminal_with(b"\x1b]2;first\x07");
    terminal.feed(b"\x1b]2;\x07");
    assert_eq!(terminal.title(), None);
}

#[test]
fn bells_are_counted() {
    let mut terminal = terminal_with(b"");
    assert_eq!(terminal.bell_count(), 0);
    terminal.feed(b"ding\x07dong\x07\x1bg");
    assert_eq!(terminal.bell_count(), 3);
    // A BEL that terminates an OSC is not a bell.
    terminal.feed(b"\x1b]2;quiet\x07");
    assert_eq!(terminal.bell_count(), 3);
}

#[test]
fn alternate_screen_is_left_with_the_primary_screen_intact() {
    let mut terminal = terminal_with(b"$ vim notes.txt\r\n");
    let primary = terminal.contents();
    assert!(!terminal.alternate_screen());

    terminal.feed(b"\x1b[?1049h\x1b[H\x1b[2Jfull screen editor");
    assert!(terminal.alternate_screen());
    assert_eq!(terminal.row_text(0).as_deref(), Some("full screen editor"));

    terminal.feed(b"\x1b[?1049l");
    assert!(!terminal.alternate_screen());
    assert_eq!(terminal.contents(), primary);
    assert_eq!(terminal.cursor_position(), (1, 0));
}

#[test]
fn input_modes_follow_decset_and_decrst() {
    type Probe = fn(&Terminal) -> bool;
    let cases: [(&str, &[u8], &[u8], Probe); 3] = [
        (
            "application cursor",
            b"\x1b[?1h",
            b"\x1b[?1l",
            Terminal::application_cursor,
        ),
        (
            "bracketed paste",
            b"\x1b[?2004h",
            b"\x1b[?2004l",
            Terminal::bracketed_paste,
        ),
        (
            "cursor visible",
            b"\x1b[?25h",
            b"\x1b[?25l",
            Terminal::cursor_visible,
        ),
    ];
    for (name, set, reset, probe) in cases {
        let mut terminal = terminal_with(reset);
        assert!(!probe(&terminal), "{name} after reset");
        terminal.feed(set);
        assert!(probe(&terminal), "{name} after set");
        terminal.feed(reset);
        assert!(!probe(&terminal), "{name} after second reset");
    }
}

#[test]
fn mouse_reporting_reports_mode_and_encoding() {
    let mut terminal = terminal_with(b"");
    assert!(!terminal.mouse_reporting().is_enabled());

    terminal.feed(b"\x1b[?1002h\x1b[?1006h");
    let reporting = terminal.mouse_reporting();
    assert!(reporting.is_enabled());
    assert_eq!(reporting.mode, MouseProtocolMode::ButtonMotion);
    assert_eq!(reporting.encoding, MouseProtocolEncoding::Sgr);

    terminal.feed(b"\x1b[?1002l\x1b[?1006l");
    assert_eq!(terminal.mouse_reporting().mode, MouseProtocolMode::None);
    assert_eq!(
        terminal.mouse_reporting().encoding,
        MouseProtocolEncoding::Default
    );
}

#[test]
fn resize_changes_the_size_and_keeps_text() {
    let mut terminal = terminal_with(b"keep me");
    terminal.resize(10, 40);
    assert_eq!(terminal.size(), (10, 40));
    assert_eq!(terminal.row_text(0).as_deref(), Some("keep me"));
    assert_eq!(terminal.row_text(10), None);

    terminal.resize(0, 0);
    assert_eq!(terminal.size(), (1, 1));
}

#[test]
fn a_taller_screen_grows_at_the_bottom_after_output_scrolled() {
    let mut terminal = Terminal::new(3, 10, 100);
    terminal.feed(b"1\r\n2\r\n3\r\n4\r\n5");
    terminal.resize(6, 10);
    let rows: Vec<String> = (0..6).filter_map(|row| terminal.row_text(row)).collect();
    assert_eq!(rows, ["3", "4", "5", "", "", ""]);
    assert_eq!(terminal.cursor_position(), (2, 1));

    // Also when the window grows while a full-screen program runs.
    terminal.feed(b"\r\n6\r\n7\r\n8\r\n9\x1b[?1049hvim");
    terminal.resize(9, 10);
    assert_eq!(terminal.row_text(0).as_deref(), Some("vim"));
    terminal.feed(b"\x1b[?1049l");
    let rows: Vec<String> = (0..7).filter_map(|row| terminal.row_text(row)).collect();
    assert_eq!(rows, ["4", "5", "6", "7", "8", "9", ""]);
    assert_eq!(terminal.cursor_position(), (5, 1));
}

#[test]
fn a_resize_does_not_cut_into_a_sequence_split_across_reads() {
    let mut terminal = Terminal::new(3, 10, 100);
    terminal.feed(b"\x1b[?1049h\x1b[3");
    terminal.resize(6, 10);
    terminal.feed(b"1mred");
    let cell = terminal.screen().cell(0, 0).expect("a cell");
    assert_eq!(cell.contents(), "r");
    assert_eq!(cell.fgcolor(), vt100::Color::Idx(1));
}

#[test]
fn resize_returns_to_the_live_screen() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 50);
    terminal.scroll_up(10);
    terminal.resize(6, 20);
    assert!(!terminal.is_scrolled());
}

#[test]
fn scrollback_holds_ten_thousand_lines() {
    let mut terminal = Terminal::new(24, 80, DEFAULT_SCROLLBACK);
    feed_numbered_lines(&mut terminal, 12_000);
    assert_eq!(terminal.scrollback_len(), DEFAULT_SCROLLBACK);

    terminal.scroll_up(usize::MAX);
    assert_eq!(terminal.scrollback_offset(), DEFAULT_SCROLLBACK);
    assert!(terminal.is_scrolled());
    let oldest = first_visible_line_number(&terminal);
    assert!(oldest <= 2_000, "oldest line kept is {oldest}");
    // The live screen shows lines 11,978-12,000 above the cursor's empty row, so lines 1-11,977
    // went to history, which keeps the newest 10,000 of them.
    assert_eq!(oldest, 1_978);

    terminal.scroll_to_bottom();
    assert!(!terminal.is_scrolled());
    assert_eq!(first_visible_line_number(&terminal), 11_978);
}

#[test]
fn scrolling_moves_by_lines_and_stops_at_both_ends() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    let live_top = first_visible_line_number(&terminal);

    terminal.scroll_up(3);
    assert_eq!(terminal.scrollback_offset(), 3);
    assert_eq!(first_visible_line_number(&terminal), live_top - 3);

    terminal.scroll_down(1);
    assert_eq!(terminal.scrollback_offset(), 2);

    terminal.scroll_down(50);
    assert_eq!(terminal.scrollback_offset(), 0);

    terminal.scroll_up(1_000);
    assert_eq!(terminal.scrollback_offset(), terminal.scrollback_len());
    assert_eq!(first_visible_line_number(&terminal), 1);
}

#[test]
fn new_output_while_scrolled_back_keeps_the_view_still() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    terminal.scroll_up(10);
    let viewed = terminal.contents();

    terminal.feed(b"more output\r\nand more\r\n");
    assert_eq!(terminal.contents(), viewed);
    assert_eq!(terminal.scrollback_offset(), 12);
}

#[test]
fn the_cursor_follows_the_scrollback_offset() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    terminal.feed(b"$ ");
    assert_eq!(terminal.cursor_in_view(), Some((4, 2)));

    terminal.scroll_up(0);
    assert_eq!(terminal.cursor_in_view(), Some((4, 2)));
    terminal.scroll_up(1);
    assert_eq!(terminal.cursor_in_view(), None);
    terminal.scroll_to_bottom();

    terminal.feed(b"\x1b[?25l");
    assert_eq!(terminal.cursor_in_view(), None);
    assert_eq!(terminal.cursor_position(), (4, 2));
}

#[test]
fn the_alternate_screen_has_no_scrollback() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    terminal.feed(b"\x1b[?1049h");
    feed_numbered_lines(&mut terminal, 30);
    terminal.scroll_up(5);
    assert!(!terminal.is_scrolled());
    assert_eq!(terminal.scrollback_len(), 0);

    terminal.feed(b"\x1b[?1049l");
    assert_eq!(terminal.scrollback_len(), 26);
}

/// Feeds `count` lines numbered from 1, each padded with dots to exactly `width` characters.
fn feed_full_width_lines(terminal: &mut Terminal, count: usize, width: usize) {
    for line in 1..=count {
        terminal.feed(format!("{:.<width$}\r\n", format!("line {line} ")).as_bytes());
    }
}

#[test]
fn history_holds_every_line_in_order() {
    let mut terminal = Terminal::new(24, 80, DEFAULT_SCROLLBACK);
    feed_numbered_lines(&mut terminal, 12_000);
    for offset in [DEFAULT_SCROLLBACK, 7_531, 24, 1] {
        terminal.scroll_to_bottom();
        terminal.scroll_up(offset);
        // History ends with line 11,977, just above the live screen.
        assert_eq!(
            first_visible_line_number(&terminal),
            11_978 - offset,
            "offset {offset}"
        );
    }
    terminal.scroll_up(usize::MAX);
    assert_eq!(terminal.row_text(23).as_deref(), Some("line 2001"));
}

#[test]
fn full_screen_programs_leave_history_alone() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    let history_before = terminal.scrollback_len();
    terminal.scroll_up(usize::MAX);
    let oldest_before = terminal.contents();
    terminal.scroll_to_bottom();

    // vim: alternate screen, then a lot of scrolling output in it.
    terminal.feed(b"\x1b[?1049h\x1b[H\x1b[2J");
    feed_numbered_lines(&mut terminal, 500);
    terminal.feed(b"\x1b[?1049l");

    assert_eq!(terminal.scrollback_len(), history_before);
    terminal.scroll_up(usize::MAX);
    assert_eq!(terminal.contents(), oldest_before);
}

#[test]
fn clear_and_reset_empty_the_history_but_keep_what_follows() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    // What `clear` sends, with more output in the same read.
    terminal.feed(b"\x1b[H\x1b[2J\x1b[3J");
    assert_eq!(terminal.scrollback_len(), 0);
    feed_numbered_lines(&mut terminal, 7);
    assert_eq!(terminal.scrollback_len(), 3);

    terminal.scroll_up(2);
    terminal.feed(b"\x1bc");
    assert_eq!(terminal.scrollback_len(), 0);
    assert!(!terminal.is_scrolled());
}

#[test]
fn erasing_saved_lines_on_the_alternate_screen_keeps_the_primary_history() {
    let mut terminal = Terminal::new(5, 20, 100);
    feed_numbered_lines(&mut terminal, 30);
    terminal.feed(b"\x1b[?1049h\x1b[3J\x1b[?1049l");
    assert_eq!(terminal.scrollback_len(), 26);
}

#[test]
fn history_is_not_reflowed_on_a_width_change() {
    let mut terminal = Terminal::new(3, 30, 100);
    feed_full_width_lines(&mut terminal, 10, 30);
    terminal.resize(3, 12);
    terminal.scroll_up(usize::MAX);
    // Cut at the new right edge, not wrapped onto more lines.
    assert_eq!(terminal.row_text(0).as_deref(), Some("line 1 ....."));
    assert_eq!(terminal.scrollback_len(), 8);

    terminal.resize(3, 60);
    terminal.scroll_up(usize::MAX);
    assert_eq!(
        terminal.row_text(0).as_deref(),
        Some("line 1 .......................")
    );
}

#[test]
fn no_history_is_kept_when_none_is_asked_for() {
    let mut terminal = Terminal::new(5, 20, 0);
    feed_numbered_lines(&mut terminal, 30);
    assert_eq!(terminal.scrollback_len(), 0);
    terminal.scroll_up(5);
    assert!(!terminal.is_scrolled());
}

/// The bytes per line behind the figures in [`DEFAULT_SCROLLBACK`]'s doc comment: 10,000 lines
/// of 97 characters, as in the tmux comparison, plain and coloured like `ls --color` output.
#[test]
fn a_full_history_of_97_character_lines_fits_the_memory_budget() {
    let mut plain = Terminal::new(24, 100, DEFAULT_SCROLLBACK);
    feed_full_width_lines(&mut plain, DEFAULT_SCROLLBACK + 24, 97);
    assert_eq!(plain.scrollback_len(), DEFAULT_SCROLLBACK);
    let plain_per_line = plain.scrollback_heap_bytes() / DEFAULT_SCROLLBACK;

    let mut coloured = Terminal::new(24, 100, DEFAULT_SCROLLBACK);
    for line in 1..=DEFAULT_SCROLLBACK + 24 {
        let name = format!("{line:0>8}");
        let rest = ".".repeat(97 - 3 * 9 - 1);
        coloured.feed(
            format!("\x1b[1;34m{name}\x1b[0m \x1b[32m{name}\x1b[0m {name} {rest}\r\n").as_bytes(),
        );
    }
    let coloured_per_line = coloured.scrollback_heap_bytes() / DEFAULT_SCROLLBACK;

    eprintln!(
        "history bytes per 97-character line: plain {plain_per_line}, coloured {coloured_per_line}"
    );
    // vt100 kept 97 x 32 = 3,104 bytes of cells per line; tmux about 630 per line.
    assert!(
        plain_per_line <= 150,
        "plain: {plain_per_line} bytes per line"
    );
    assert!(
        coloured_per_line <= 180,
        "coloured: {coloured_per_line} bytes per line"
    );
}

#[test]
fn a_hostile_title_is_stored_escaped_and_capped() {
    let mut terminal = Terminal::new(24, 80, 100);
    // A C1 CSI (U+009B) and a bidi override survive the OSC parser as text; drawn raw they
    // would act on the host terminal.
    terminal.feed("\x1b]2;owned\u{9b}2J\u{202e}txt\x07".as_bytes());
    let title = terminal.title().unwrap_or_default().to_owned();
    assert!(
        !title.contains('\u{9b}') && !title.contains('\u{202e}'),
        "{title:?}"
    );
    assert!(title.starts_with("owned\\302\\2332J"), "{title:?}");

    terminal.feed(b"\x1b]0;");
    for _ in 0..64 {
        terminal.feed(&[b'x'; 16 * 1024]);
    }
    terminal.feed(b"\x07");
    if let Some(title) = terminal.title() {
        assert!(
            title.chars().count() <= crate::terminal::events::MAX_TITLE_CHARS + 1,
            "{} chars",
            title.chars().count()
        );
    }
}
