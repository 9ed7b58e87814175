use proptest::prelude::*;

use super::{Reach, RowStamp, RowVersions, reach};
use crate::terminal::Terminal;

#[test]
fn typing_and_line_editing_reach_the_cursor_row() {
    for bytes in [
        &b"a"[..],
        b"ls -l",
        b"\x08 \x08",
        b"\x08x",
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
        assert!(
            matches!(reach(bytes, 2, 80), Reach::CursorRow(_)),
            "{bytes:?}"
        );
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
    assert_eq!(reach(b"abc", 6, 10), Reach::CursorRow(5..10));
    assert_eq!(
        reach(b"abcd", 6, 10),
        Reach::Everything,
        "lands in the last column"
    );
    assert_eq!(reach(b"a\x1b[3C", 5, 10), Reach::CursorRow(4..7));
    assert_eq!(
        reach(b"a\x1b[4Cb", 5, 10),
        Reach::Everything,
        "CUF stops at the last column"
    );
    assert_eq!(reach(b"\x1b[99999999999C", 0, 10), Reach::CursorRow(0..0));
    // vt100 puts the cursor past the last column while a wrap is pending.
    assert_eq!(reach(b"\x08", 10, 10), Reach::Everything);
    assert_eq!(reach(b"\r", 10, 10), Reach::Everything);
}

#[test]
fn the_columns_reached_are_those_written_and_their_neighbours() {
    assert_eq!(reach(b"a", 2, 80), Reach::CursorRow(1..4));
    assert_eq!(reach(b"ab", 0, 80), Reach::CursorRow(0..3));
    assert_eq!(reach(b"\x08\x08xy", 10, 80), Reach::CursorRow(7..11));
    assert_eq!(reach(b"\rz", 10, 80), Reach::CursorRow(0..2));
    assert_eq!(reach(b"x\x08\x1b[K", 3, 80), Reach::CursorRow(0..80));
    assert_eq!(reach(b"\x07\x1b[1m\x1b[3D", 3, 80), Reach::CursorRow(0..0));
}

#[test]
fn an_unfinished_sequence_has_not_acted_yet() {
    assert_eq!(reach(b"ab\x1b[", 0, 80), Reach::CursorRow(0..3));
    assert_eq!(reach(b"ab\x1b[12", 0, 80), Reach::CursorRow(0..3));
}

#[test]
fn stamps_change_with_the_rows_a_change_reached() {
    let mut versions = RowVersions::new(3);
    let before: Vec<_> = (0..3).map(|row| versions.stamp(row)).collect();

    versions.record(Reach::CursorRow(2..5), 1);
    assert_eq!(versions.stamp(0), before[0]);
    assert_ne!(versions.stamp(1), before[1]);
    assert_eq!(versions.stamp(2), before[2]);

    let after_row: Vec<_> = (0..3).map(|row| versions.stamp(row)).collect();
    versions.record(Reach::CursorRow(0..0), 2);
    assert_eq!(versions.stamp(2), after_row[2], "nothing touched");
    versions.record(Reach::Everything, 1);
    for row in 0..3 {
        assert_ne!(versions.stamp(row), after_row[usize::from(row)]);
    }
}

#[test]
fn the_columns_changed_are_known_for_one_change_since_a_stamp() {
    let mut versions = RowVersions::new(3);
    let first = versions.stamp(1);
    versions.record(Reach::CursorRow(2..5), 1);
    assert_eq!(versions.changed_columns(1, first), Some(2..5));
    let second = versions.stamp(1);
    versions.record(Reach::CursorRow(4..7), 1);
    assert_eq!(versions.changed_columns(1, second), Some(4..7));
    assert_eq!(
        versions.changed_columns(1, first),
        None,
        "two changes since"
    );
    assert_eq!(versions.changed_columns(1, RowStamp::default()), None);

    let third = versions.stamp(1);
    versions.record(Reach::Everything, 0);
    assert_eq!(versions.changed_columns(1, third), None);
    let other = RowVersions::new(3);
    assert_eq!(versions.changed_columns(1, other.stamp(1)), None);
}

#[test]
fn two_terminals_never_share_a_stamp() {
    let first = RowVersions::new(2);
    let second = RowVersions::new(2);
    assert_ne!(first.stamp(0), second.stamp(0));
    assert_ne!(first.stamp(0), Default::default());
}

/// Pieces of output: typing and line editing, and what moves, scrolls, clears or switches
/// screens, whole or cut.
pub(crate) fn piece() -> impl Strategy<Value = Vec<u8>> {
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
        b"\x08x",
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
            let cells_before = cells(&terminal);
            terminal.feed(chunk);
            let after = row_contents(&terminal);
            let cells_after = cells(&terminal);
            for row in 0..rows {
                let index = usize::from(row);
                if terminal.row_stamp(row) == stamps[index] {
                    prop_assert_eq!(&after[index], &before[index], "row {} after {:?}", row, chunk);
                }
                if let Some(columns) = terminal.changed_columns(row, stamps[index]) {
                    for col in (0..cols).filter(|col| !columns.contains(col)) {
                        let at = usize::from(row) * usize::from(cols) + usize::from(col);
                        prop_assert_eq!(
                            &cells_after[at], &cells_before[at],
                            "cell {},{} outside {:?} after {:?}", row, col, columns, chunk
                        );
                    }
                }
            }
        }
    }
}

/// Every cell as vt100 holds it, row by row.
fn cells(terminal: &Terminal) -> Vec<String> {
    let (rows, cols) = terminal.size();
    (0..rows)
        .flat_map(|row| (0..cols).map(move |col| (row, col)))
        .map(|(row, col)| format!("{:?}", terminal.screen().cell(row, col)))
        .collect()
}

/// Each row's cells (text and attributes) and whether it wraps, as vt100 holds them. Not
/// vt100's `rows_formatted`: a row's formatted text also depends on whether the row above it
/// wraps, which is that row's to change.
fn row_contents(terminal: &Terminal) -> Vec<String> {
    let (rows, cols) = terminal.size();
    let screen = terminal.screen();
    (0..rows)
        .map(|row| {
            let cells: Vec<_> = (0..cols).map(|col| screen.cell(row, col)).collect();
            format!("{cells:?} wrapped: {}", screen.row_wrapped(row))
        })
        .collect()
}

#[test]
fn overwriting_half_of_a_wide_character_clears_the_other_half_within_the_columns() {
    for (typed, wide_half) in [(&b"\x08x"[..], 2), (&b"\x08\x08y"[..], 3)] {
        let mut terminal = Terminal::new(2, 10, 10);
        terminal.feed("ab漢".as_bytes());
        let stamp = terminal.row_stamp(0);
        let before = cells(&terminal);
        terminal.feed(typed);
        let columns = terminal
            .changed_columns(0, stamp)
            .expect("one change within the row");
        assert_ne!(cells(&terminal)[wide_half], before[wide_half], "{typed:?}");
        assert!(
            columns.contains(&(wide_half as u16)),
            "{columns:?} after {typed:?}"
        );
    }
}
