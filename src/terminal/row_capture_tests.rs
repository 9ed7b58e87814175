use super::RowCapture;
use crate::terminal::cell_attributes::CellAttributes;
use crate::terminal::history_line::{HistoryLine, StyleRun};

/// Feeds `bytes` to a one-row vt100 terminal, then pushes its row off the top and captures it.
fn captured(cols: u16, bytes: &[u8]) -> HistoryLine {
    #[derive(Default)]
    struct Capturer {
        capture: RowCapture,
        lines: Vec<HistoryLine>,
    }
    impl vt100::Callbacks for Capturer {
        fn on_scroll(&mut self, row: vt100::capture::RowContents<'_>, _: bool) {
            let line = self.capture.capture(&row);
            self.lines.push(line);
        }
    }
    let rows = std::num::NonZeroU16::new(2).unwrap();
    let cols = std::num::NonZeroU16::new(cols).unwrap();
    let mut parser = vt100::Parser::new_with_callbacks(rows, cols, 0, Capturer::default());
    parser.process(bytes);
    parser.process(b"\x1b[2;1H\r\n");
    let mut lines = std::mem::take(&mut parser.callbacks_mut().lines);
    assert_eq!(lines.len(), 1, "one row scrolled off");
    lines.remove(0)
}

fn attributes(sgr: &str) -> CellAttributes {
    let mut attributes = CellAttributes::default();
    crate::terminal::basic_sgr::apply_sgr(sgr, &mut attributes);
    attributes
}

#[test]
fn plain_text_needs_no_runs() {
    let line = captured(20, b"hello  world");
    assert_eq!(&*line.text, "hello  world");
    assert!(line.runs.is_empty());
    assert!(!line.wrapped);
}

#[test]
fn colours_and_attributes_become_runs() {
    let line = captured(
        40,
        b"\x1b[31mred\x1b[0m plain \x1b[1;4;48;5;200mbold\x1b[22mthin\x1b[0;38;2;1;2;3;7mrgb",
    );
    assert_eq!(&*line.text, "red plain boldthinrgb");
    let run = |start, width, sgr| StyleRun {
        start,
        width,
        attributes: attributes(sgr),
    };
    assert_eq!(
        &*line.runs,
        [
            run(0, 3, "31"),
            run(10, 4, "1;4;48;5;200"),
            run(14, 4, "4;48;5;200"),
            run(18, 3, "38;2;1;2;3;7"),
        ]
    );
}

#[test]
fn bright_colours_dim_and_italic_survive() {
    let line = captured(20, b"\x1b[91;102;2;3mx");
    let found = line.runs[0].attributes;
    assert_eq!(found.fg, vt100::Color::Idx(9));
    assert_eq!(found.bg, vt100::Color::Idx(10));
    assert!(found.dim() && found.italic() && !found.bold());
}

#[test]
fn blank_cells_inside_the_line_are_spaces_and_trailing_ones_go() {
    let line = captured(20, b"a\x1b[5Cb     ");
    assert_eq!(&*line.text, "a     b");
    let coloured_tail = captured(20, b"a\x1b[44m   \x1b[0m   ");
    assert_eq!(&*coloured_tail.text, "a   ");
    assert_eq!(coloured_tail.runs[0].start, 1);
    assert_eq!(coloured_tail.runs[0].width, 3);
}

#[test]
fn wide_and_combining_characters_keep_their_columns() {
    let line = captured(20, "\u{65e5}\u{672c}e\u{301}\x1b[32mx".as_bytes());
    assert_eq!(&*line.text, "\u{65e5}\u{672c}e\u{301}x");
    let cells: Vec<(u16, &str, bool)> = line
        .cells()
        .map(|cell| (cell.col, cell.symbol, cell.wide))
        .collect();
    assert_eq!(
        cells,
        [
            (0, "\u{65e5}", true),
            (2, "\u{672c}", true),
            (4, "e\u{301}", false),
            (5, "x", false)
        ]
    );
    assert_eq!(line.runs[0].start, 5);
}

#[test]
fn a_row_that_reached_the_margin_is_marked_wrapped() {
    // Ten characters on a five-column screen: the first row wraps into the second.
    let line = captured(5, b"abcdefghij");
    assert_eq!(&*line.text, "abcde");
    assert!(line.wrapped);
}
