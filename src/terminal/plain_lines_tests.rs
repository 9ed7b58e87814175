use proptest::prelude::*;

use super::{find_run, split_off_last_lines};
use crate::terminal::Terminal;

/// Everything a stream leaves behind that a person could notice, one item per line: vt100's
/// whole screen state (grids, cursor, pen, modes, scroll region, last character), the history,
/// the view's offset, the title and the bells.
///
/// Left out: vt100's count of rows that ever scrolled off, which the shortcut does not keep up
/// to date. vt100 reads it only when the screen grows, and `Terminal::resize` zeroes it first.
fn observable_state(terminal: &Terminal) -> Vec<String> {
    let screen = format!("{:#?}", terminal.screen());
    let history = terminal
        .hooks()
        .scrollback
        .lines()
        .map(|line| format!("history: {line:?}"));
    screen
        .lines()
        .filter(|line| !line.trim_start().starts_with("unbounded_len:"))
        .map(str::to_owned)
        .chain(history)
        .chain([
            format!("offset: {}", terminal.scrollback_offset()),
            format!("title: {:?}", terminal.title()),
            format!("bells: {}", terminal.bell_count()),
        ])
        .collect()
}

/// The first line where the two states differ, with some lines before it for context.
fn first_difference(shortcut: &Terminal, reference: &Terminal) -> Option<String> {
    let (ours, theirs) = (observable_state(shortcut), observable_state(reference));
    let index = (0..ours.len().max(theirs.len())).find(|&i| ours.get(i) != theirs.get(i))?;
    let context = ours[index.saturating_sub(12)..index.min(ours.len())].join("\n");
    Some(format!(
        "{context}\nshortcut:  {:?}\nreference: {:?}",
        ours.get(index),
        theirs.get(index)
    ))
}

fn assert_same(shortcut: &Terminal, reference: &Terminal) {
    if let Some(difference) = first_difference(shortcut, reference) {
        panic!("the shortcut changed the outcome:\n{difference}");
    }
}

/// The reference: one byte per call can never hold a run of lines, so no shortcut is taken.
fn feed_byte_by_byte(terminal: &mut Terminal, bytes: &[u8]) {
    for byte in bytes {
        terminal.feed(std::slice::from_ref(byte));
    }
}

fn numbered_lines(range: std::ops::RangeInclusive<u32>) -> Vec<u8> {
    range
        .flat_map(|n| format!("{n}\r\n").into_bytes())
        .collect()
}

#[test]
fn finds_runs_of_plain_lines() {
    assert_eq!(find_run(b"a\r\nb\r\nc\r\n", 10, 3), Some(0..9));
    assert_eq!(find_run(b"a\r\nb\r\nc\r\n", 10, 4), None);
    // A line with a control, a missing CR, or too long for the screen ends a run.
    assert_eq!(find_run(b"\x1b[1mX\r\na\r\nb\r\ntail", 10, 2), Some(7..13));
    assert_eq!(find_run(b"a\nb\r\nc\r\n", 10, 2), Some(2..8));
    assert_eq!(find_run(b"long line\r\na\r\nb\r\n", 4, 2), Some(11..17));
    assert_eq!(find_run(b"a\r\n\tb\r\nc\r\n", 10, 2), None);
}

#[test]
fn splits_off_the_lines_that_stay_on_screen() {
    let (middle, last) = split_off_last_lines(b"1\r\n2\r\n3\r\n4\r\n", 2);
    assert_eq!((middle, last), (&b"1\r\n2\r\n"[..], &b"3\r\n4\r\n"[..]));
}

#[test]
fn a_flood_skips_vt100_for_most_lines_and_keeps_the_same_history() {
    let flood = numbered_lines(1..=5000);
    let mut shortcut = Terminal::new(24, 80, 1000);
    let mut reference = Terminal::new(24, 80, 1000);
    for chunk in flood.chunks(32 * 1024) {
        shortcut.feed(chunk);
    }
    feed_byte_by_byte(&mut reference, &flood);
    assert_same(&shortcut, &reference);
    assert_eq!(shortcut.row_text(22).as_deref(), Some("5000"));
    assert_eq!(shortcut.scrollback_len(), 1000);
    // Without the shortcut every line but the last 23 leaves vt100's screen one by one.
    let rows_through_vt100 = shortcut.hooks().primary_rows_scrolled;
    assert!(
        rows_through_vt100 < 500,
        "{rows_through_vt100} rows scrolled through vt100"
    );
}

#[test]
fn a_scrolled_back_view_stays_on_its_lines_during_a_flood() {
    let mut shortcut = Terminal::new(5, 20, 100);
    let mut reference = Terminal::new(5, 20, 100);
    let start = numbered_lines(1..=50);
    shortcut.feed(&start);
    feed_byte_by_byte(&mut reference, &start);
    shortcut.scroll_up(10);
    reference.scroll_up(10);
    let more = numbered_lines(51..=80);
    shortcut.feed(&more);
    feed_byte_by_byte(&mut reference, &more);
    assert_same(&shortcut, &reference);
    assert_eq!(shortcut.scrollback_offset(), 40);
}

/// Pieces of terminal output that interact with the shortcut's conditions: plain lines of every
/// length around the screen width, colours, cursor moves, scroll regions, the alternate screen,
/// sequences left open across line ends, history erasure, wide and split UTF-8 characters.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    // Numbers alone (like `seq`) keep an unfinished CSI sequence open across lines.
    let plain_lines =
        (1usize..30, 0usize..14, any::<bool>()).prop_map(|(count, width, numbers)| {
            (0..count)
                .flat_map(|n| {
                    let text: String = (0..(width + n) % 14)
                        .map(|i| match (numbers, (i + n) % 5) {
                            (true, _) => '7',
                            (false, 0) => ' ',
                            (false, _) => 'a',
                        })
                        .collect();
                    format!("{n}{text}\r\n").into_bytes()
                })
                .collect()
        });
    let fixed = prop::sample::select(vec![
        &b"\r\n"[..],
        b"\n",
        b"\r",
        b"text",
        b"\t",
        b"\x07",
        b"\x08",
        b"\x1b[31m",
        b"\x1b[44m",
        b"\x1b[1m",
        b"\x1b[7m",
        b"\x1b[m",
        b"\x1b[2;3r",
        b"\x1b[1;3r",
        b"\x1b[r",
        b"\x1b[H",
        b"\x1b[3;1H",
        b"\x1b[9;1H",
        b"\x1b[2J",
        b"\x1b[3J",
        b"\x1bc",
        b"\x1b[?1049h",
        b"\x1b[?1049l",
        b"\x1b[?7l",
        b"\x1b[?7h",
        b"\x1b[?6h",
        b"\x1b[?6l",
        b"\x1b[2L",
        b"\x1b[M",
        b"\x1b[2S",
        b"\x1b[T",
        b"\x1bM",
        b"\x1bD",
        b"\x1bE",
        b"\x1b7",
        b"\x1b8",
        b"\x1b[3b",
        b"\x1b[5",
        b"\x1b[?25",
        b"\x1b]0;ti",
        b"tle\x07",
        b"\x1bPq",
        b"\x1b\\",
        b"\x18",
        b"\x1b",
        "é漢".as_bytes(),
        b"\xc3",
        b"\xa9",
    ])
    .prop_map(<[u8]>::to_vec);
    prop_oneof![2 => plain_lines, 3 => fixed]
}

#[derive(Clone, Debug)]
enum Step {
    Feed(Vec<u8>),
    ScrollUp(usize),
    Resize(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => prop::collection::vec(piece(), 1..12).prop_map(|pieces| Step::Feed(pieces.concat())),
        1 => (0usize..8).prop_map(Step::ScrollUp),
        1 => (1u16..7, 1u16..14).prop_map(|(rows, cols)| Step::Resize(rows, cols)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_stream_leaves_what_byte_by_byte_parsing_leaves(
        rows in 1u16..7,
        cols in 1u16..14,
        history in 0usize..12,
        steps in prop::collection::vec(step(), 1..12),
    ) {
        let mut shortcut = Terminal::new(rows, cols, history);
        let mut reference = Terminal::new(rows, cols, history);
        for step in &steps {
            match step {
                Step::Feed(bytes) => {
                    shortcut.feed(bytes);
                    feed_byte_by_byte(&mut reference, bytes);
                }
                Step::ScrollUp(lines) => {
                    shortcut.scroll_up(*lines);
                    reference.scroll_up(*lines);
                }
                Step::Resize(rows, cols) => {
                    shortcut.resize(*rows, *cols);
                    reference.resize(*rows, *cols);
                }
            }
            if let Some(difference) = first_difference(&shortcut, &reference) {
                return Err(TestCaseError::fail(difference));
            }
        }
    }
}
