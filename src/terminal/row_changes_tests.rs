use proptest::prelude::*;

use super::{Reach, RowVersions, reach};
use crate::terminal::Terminal;

#[test]
fn typing_and_line_editing_reach_the_cursor_row() {
    for bytes in [
        &b"a"[..],
        b"ls -l",
        b"\x08 \x08",
        b"\x08\x1b[K",
        b"\x1b[1@x",
        b"\x1b[3P",
        b"\x1b[2X",
        b"\x1b[C\x1b[5D",
        b"\x1b[01;32mgreen\x1b[0m",
        b"\r$ ls",
        b"\x07",
        b"",
    ] {
        assert_eq!(reach(bytes, 2, 80), Reach::CursorRow, "{bytes:?}");
    }
}

#[test]
fn anything_that_can_leave_the_row_reaches_everything() {
    for bytes in [
        &b"\n"[..],
        b"a\r\n",
        b"\t",
        b"\x1bM",
        b"\x1b[A",
        b"\x1b[2J",
        b"\x1b[5;1H",
        b"\x1b[?1049h",
        b"\x1b[?25l",
        b"\x1b]0;title\x07",
        "é".as_bytes(),
        b"\x1b",
        b"\x0b",
    ] {
        assert_eq!(reach(bytes, 2, 80), Reach::Everything, "{bytes:?}");
    }
}

#[test]
fn text_that_would_wrap_reaches_everything() {
    assert_eq!(reach(b"abc", 6, 10), Reach::CursorRow);
    assert_eq!(
        reach(b"abcd", 6, 10),
        Reach::Everything,
        "lands in the last column"
    );
    assert_eq!(reach(b"a\x1b[3C", 5, 10), Reach::CursorRow);
    assert_eq!(reach(b"a\x1b[4C", 5, 10), Reach::Everything);
    assert_eq!(
        reach(b"\x1b[99999999999C", 0, 10),
        Reach::Everything,
        "no overflow"
    );
    // vt100 puts the cursor past the last column while a wrap is pending.
    assert_eq!(reach(b"", 10, 10), Reach::Everything);
}

#[test]
fn an_unfinished_sequence_has_not_acted_yet() {
    assert_eq!(reach(b"ab\x1b[", 0, 80), Reach::CursorRow);
    assert_eq!(reach(b"ab\x1b[12", 0, 80), Reach::CursorRow);
}

#[test]
fn stamps_change_with_the_rows_a_change_reached() {
    let mut versions = RowVersions::new(3);
    let before: Vec<_> = (0..3).map(|row| versions.stamp(row)).collect();

    versions.record(Reach::CursorRow, 1);
    assert_eq!(versions.stamp(0), before[0]);
    assert_ne!(versions.stamp(1), before[1]);
    assert_eq!(versions.stamp(2), before[2]);

    let after_row: Vec<_> = (0..3).map(|row| versions.stamp(row)).collect();
    versions.record(Reach::Everything, 1);
    for row in 0..3 {
        assert_ne!(versions.stamp(row), after_row[usize::from(row)]);
    }
}

#[test]
fn two_terminals_never_share_a_stamp() {
    let first = RowVersions::new(2);
    let second = RowVersions::new(2);
    assert_ne!(first.stamp(0), second.stamp(0));
    assert_ne!(first.stamp(0), Default::default());
}

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        &b"$ "[..],
        b"typed",
        b"x",
        b"0123456789",
        b"\r\n",
        b"\n",
        b"\r",
        b"\x08",
        b"\x08 \x08",
        b"\x07",
        b"\t",
        b"\x1b[K",
        b"\x1b[1K",
        b"\x1b[2K",
        b"\x1b[2@",
        b"\x1b[P",
        b"\x1b[3X",
        b"\x1b[C",
        b"\x1b[4C",
        b"\x1b[2D",
        b"\x1b[1;31m",
        b"\x1b[0m",
        b"\x1b[7m",
        b"\x1b[4h",
        b"\x1b[4l",
        b"\x1b[2;1H",
        b"\x1b[A",
        b"\x1b[2J",
        b"\x1bM",
        b"\x1b[?1049h",
        b"\x1b[?1049l",
        b"\x1b[?7l",
        b"\x1b[?7h",
        b"\x1b[",
        b"3",
        b"\x1b",
        b"\x1b]0;ti",
        "漢".as_bytes(),
        b"\xe6",
    ])
    .prop_map(<[u8]>::to_vec)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever a terminal is fed, cut anywhere, a row whose stamp did not change holds the
    /// text and attributes it held.
    #[test]
    fn rows_keep_their_stamp_only_while_their_cells_stay(
        rows in 1u16..5,
        cols in 1u16..12,
        pieces in prop::collection::vec(piece(), 1..24),
        cuts in prop::collection::vec(0usize..64, 1..8),
    ) {
        let stream = pieces.concat();
        let mut terminal = Terminal::new(rows, cols, 10);
        let mut rest = &stream[..];
        for cut in cuts.iter().chain(std::iter::once(&usize::MAX)) {
            let (chunk, after) = rest.split_at((*cut).min(rest.len()));
            rest = after;
            let stamps: Vec<_> = (0..rows).map(|row| terminal.row_stamp(row)).collect();
            let before = row_contents(&terminal);
            terminal.feed(chunk);
            let after = row_contents(&terminal);
            for row in 0..rows {
                let index = usize::from(row);
                if terminal.row_stamp(row) == stamps[index] {
                    prop_assert_eq!(&after[index], &before[index], "row {} after {:?}", row, chunk);
                }
            }
        }
    }
}

/// Each row's text and attributes as vt100 holds them.
fn row_contents(terminal: &Terminal) -> Vec<String> {
    let (_, cols) = terminal.size();
    terminal
        .screen()
        .rows_formatted(0, cols)
        .map(|row| format!("{row:?}"))
        .collect()
}
