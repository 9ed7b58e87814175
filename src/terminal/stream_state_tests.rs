use super::StreamState;
use crate::terminal::Terminal;

fn filtered(state: &mut StreamState, bytes: &[u8]) -> String {
    String::from_utf8(
        state
            .filter(bytes, (24, 80), &mut Default::default())
            .into_owned(),
    )
    .unwrap()
}

fn terminal_with(bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(6, 20, 100);
    terminal.feed(bytes);
    terminal
}

#[test]
fn a_dialog_box_in_the_graphics_set_is_drawn_with_lines() {
    // What `LANG=C dialog --msgbox hi 7 30` prints, in short: G0 designated, then back.
    let terminal = terminal_with(b"\x1b(0lqqk\r\nx  x\r\nmqqj\x1b(B lqk");
    assert_eq!(terminal.contents(), "┌──┐\n│  │\n└──┘ lqk");
}

#[test]
fn shift_out_uses_g1_and_shift_in_goes_back_to_g0() {
    // ncurses with TERM=screen: G1 designated once (enacs), then SO and SI around each box.
    let terminal = terminal_with(b"\x1b(B\x1b)0a\x0eqx\x0fq");
    assert_eq!(terminal.contents(), "a─│q");
}

#[test]
fn only_text_is_translated_never_a_sequence() {
    let mut state = StreamState::default();
    let text = filtered(
        &mut state,
        b"\x1b(0q\x1b[38;5;100mq\x1b]0;qqq\x07q\x1bPqq\x1b\\q\x1b[?1049hq",
    );
    assert_eq!(
        text,
        "\x1b(0─\x1b[38;5;100m─\x1b]0;qqq\x07─\x1bPqq\x1b\\─\x1b[?1049h─"
    );
    // Upper case, digits and UTF-8 are not in the set.
    assert_eq!(filtered(&mut state, "AZ09é".as_bytes()), "AZ09é");
}

#[test]
fn a_designation_cut_across_reads_still_counts() {
    let mut state = StreamState::default();
    // An escape sequence is held back until it is known not to need changing.
    assert_eq!(filtered(&mut state, b"q\x1b"), "q");
    assert_eq!(filtered(&mut state, b"("), "\x1b(");
    assert_eq!(filtered(&mut state, b"0q"), "0─");
    assert_eq!(filtered(&mut state, b"\x1b(B"), "\x1b(B");
    assert_eq!(filtered(&mut state, b"q"), "q");
}

#[test]
fn reset_and_soft_reset_return_to_ascii() {
    let terminal = terminal_with(b"\x1b(0q\x1bcq");
    assert_eq!(terminal.contents(), "q");
    let terminal = terminal_with(b"\x1b)0\x0eq\x1b[!pq");
    assert_eq!(terminal.contents(), "─q");
}

#[test]
fn save_and_restore_cursor_keep_the_sets_as_xterm_does() {
    // DECRC puts the cursor back too: the second line starts below the first.
    let terminal = terminal_with(b"\x1b(0\x1b7\x1b(Bq\x1b8\r\nq");
    assert_eq!(terminal.contents(), "q\n─");
}

#[test]
fn the_alternate_screen_gets_the_sets_back_on_the_way_out() {
    // mc draws its panels on the alternate screen and may leave with G0 still graphics.
    let mut terminal = terminal_with(b"\x1b(0lqk\r\n\x1b[?1049h\x1b[Hx\x1b(0");
    assert_eq!(terminal.contents(), "│");
    terminal.feed(b"\x1b(B\x1b[?1049l\r\nq");
    // Back where the cursor was saved, at the start of the second row.
    assert_eq!(terminal.contents(), "┌─┐\n\n─");
}

#[test]
fn line_drawing_goes_to_the_history_as_drawn() {
    let mut terminal = Terminal::new(2, 10, 100);
    terminal.feed(b"\x1b(0lqqk\x1b(B\r\nnext\r\nlast");
    terminal.scroll_up(1);
    assert_eq!(terminal.row_text(0).as_deref(), Some("┌──┐"));
}

#[test]
fn focus_reporting_follows_decset_1004_and_reset() {
    let mut terminal = terminal_with(b"\x1b[?1004h");
    assert!(terminal.focus_reporting());
    terminal.feed(b"\x1b[?1004l");
    assert!(!terminal.focus_reporting());
    terminal.feed(b"\x1b[?25;1004h");
    assert!(terminal.focus_reporting());
    terminal.feed(b"\x1bc");
    assert!(!terminal.focus_reporting());
    // Not DECSET: no question mark, or a sub-parameter.
    terminal.feed(b"\x1b[1004h\x1b[?1004:1h");
    assert!(!terminal.focus_reporting());
}

#[test]
fn each_synchronized_update_is_numbered() {
    let mut terminal = terminal_with(b"\x1b[?2026h");
    let first = terminal.synchronized_update();
    assert!(first.is_some());
    terminal.feed(b"\x1b[?2026h");
    assert_eq!(
        terminal.synchronized_update(),
        first,
        "still the same update"
    );
    terminal.feed(b"\x1b[?2026l");
    assert_eq!(terminal.synchronized_update(), None);
    terminal.feed(b"\x1b[?2026h");
    assert!(terminal.synchronized_update().is_some());
    assert_ne!(terminal.synchronized_update(), first);
    terminal.feed(b"\x1bc");
    assert_eq!(terminal.synchronized_update(), None);
}

#[test]
fn cursor_shapes_follow_decscusr_and_reset() {
    use crate::terminal::CursorStyle;
    let mut terminal = terminal_with(b"\x1b[6 q");
    assert_eq!(terminal.cursor_style(), CursorStyle::SteadyVerticalBar);
    terminal.feed(b"\x1b[3 q");
    assert_eq!(terminal.cursor_style(), CursorStyle::BlinkUnderline);
    terminal.feed(b"\x1b[0 q");
    assert_eq!(terminal.cursor_style(), CursorStyle::Default);
    terminal.feed(b"\x1b[2 q\x1bc");
    assert_eq!(terminal.cursor_style(), CursorStyle::Default);
}

#[test]
fn a_flood_of_plain_text_is_passed_on_uncopied() {
    let mut state = StreamState::default();
    let text = b"1\r\n2\r\n\x1b[31mred\x1b[m\r\n".repeat(1000);
    assert!(matches!(
        state.filter(&text, (24, 80), &mut Default::default()),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn struck_text_is_marked_cell_by_cell_until_sgr_29_or_0() {
    use crate::terminal::cell_marks::STRUCK;
    let mut state = StreamState::default();
    let marked = filtered(
        &mut state,
        "a\x1b[9mbé漢\x1b[29mc\x1b[9;1md\x1b[md".as_bytes(),
    );
    assert_eq!(
        marked,
        format!("a\x1b[9mb{STRUCK}é{STRUCK}漢{STRUCK}\x1b[29mc\x1b[9;1md{STRUCK}\x1b[md")
    );
    // Colour numbers are not attributes; other markers are not SGR.
    for not_struck in [
        &b"\x1b[38;5;9mx"[..],
        b"\x1b[48;2;9;9;9mx",
        b"\x1b[>9mx",
        b"\x1b[?9mx",
    ] {
        assert_eq!(
            filtered(&mut StreamState::default(), not_struck).as_bytes(),
            not_struck
        );
    }
    // A character cut between reads gets its mark once it is whole.
    let mut state = StreamState::default();
    assert_eq!(
        state
            .filter(b"\x1b[9m\xc3", (24, 80), &mut Default::default())
            .as_ref(),
        b"\x1b[9m\xc3"
    );
    assert_eq!(
        state
            .filter(b"\xa9", (24, 80), &mut Default::default())
            .as_ref(),
        format!("\u{a9}{STRUCK}").as_bytes().get(1..).unwrap()
    );
}

#[test]
fn struck_text_is_drawn_crossed_out_on_screen_and_in_history_and_read_without_marks() {
    use ratatui::{buffer::Buffer, layout::Rect, style::Modifier, widgets::Widget};
    let mut terminal = Terminal::new(2, 10, 100);
    terminal.feed(b"ok \x1b[9mgone\x1b[m ok");
    assert_eq!(terminal.contents(), "ok gone ok");
    let drawn = |terminal: &Terminal| {
        let area = Rect::new(0, 0, 10, 2);
        let mut buffer = Buffer::empty(area);
        crate::terminal::TerminalView::new(terminal).render(area, &mut buffer);
        buffer
    };
    let crossed = |buffer: &Buffer, x: u16| buffer[(x, 0)].modifier.contains(Modifier::CROSSED_OUT);
    let screen = drawn(&terminal);
    assert_eq!(screen[(3, 0)].symbol(), "g");
    assert!((3..7).all(|x| crossed(&screen, x)), "{screen:?}");
    assert!(!crossed(&screen, 0) && !crossed(&screen, 8));
    // Into the history, and still struck there.
    terminal.feed(b"\r\nnext\r\nlast");
    terminal.scroll_up(1);
    assert_eq!(terminal.row_text(0).as_deref(), Some("ok gone ok"));
    let history = drawn(&terminal);
    assert_eq!(history[(3, 0)].symbol(), "g");
    assert!((3..7).all(|x| crossed(&history, x)), "{history:?}");
    assert!(!crossed(&history, 0));
}

#[test]
fn struck_text_is_found_and_selected_as_its_plain_text() {
    use crate::terminal::find::tests::columns_found;
    let mut terminal = Terminal::new(2, 20, 100);
    terminal.feed(b"one \x1b[9mgone\x1b[m two\r\nnext\r\nlast \x1b[9mgone\x1b[m");
    assert_eq!(
        columns_found(&terminal, "gone"),
        [4..8, 5..9],
        "in the history and on the screen"
    );
}

#[test]
fn underline_styles_are_rewritten_and_links_left_out_however_the_stream_is_cut() {
    use crate::terminal::decorations::Decorations;
    let stream = "a\x1b[4:3;58:5:1mb\x1b[59;24m\x1b]8;id=1;https://x/y\x1b\\c\x1b]8;;\x07d";
    let mut table = Decorations::default();
    let whole = StreamState::default()
        .filter(stream.as_bytes(), (24, 80), &mut table)
        .into_owned();
    let mut state = StreamState::default();
    let mut cut_table = Decorations::default();
    let byte_by_byte: Vec<u8> = stream
        .as_bytes()
        .iter()
        .flat_map(|byte| {
            state
                .filter(std::slice::from_ref(byte), (24, 80), &mut cut_table)
                .into_owned()
        })
        .collect();
    assert_eq!(whole, byte_by_byte);
    assert_eq!(table, cut_table);
    let mark = |decoration| {
        let mut bytes = Decorations::default().mark_of(&decoration);
        String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| {
            bytes.fill(0);
            String::new()
        })
    };
    // The table numbers the curly underline 0 and the link 1, as a fresh one would.
    let curly = mark(Default::default());
    let mut two = Decorations::default();
    two.mark_of(&Default::default());
    let link = String::from_utf8(
        two.mark_of(&crate::terminal::Decoration {
            link: Some("https://x/y".into()),
            ..Default::default()
        })
        .to_vec(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(whole).unwrap(),
        format!("a\x1b[4mb{curly}\x1b[24mc{link}d")
    );
}
