//! Which rows of the live screen may have changed, so that a frame after a keystroke's echo
//! looks at the row typed on instead of all of them.
//!
//! Each parse is classed by what it can reach: a chunk that only prints ASCII on the cursor's
//! row without reaching its end, moves along it, erases or inserts in it, or changes the pen
//! (what shells and line editors send to echo typing), touches that row alone; anything else
//! may have touched every row. Rows carry versions that rise when they may have changed, and a
//! view compares the [`RowStamp`] it drew a row at with the row's current one.

use std::sync::atomic::{AtomicU64, Ordering};

const BEL: u8 = 0x07;
const BS: u8 = 0x08;
const CR: u8 = 0x0d;
const ESC: u8 = 0x1b;

/// What a chunk of output may have changed on the live screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The row the cursor is on, where it stays.
    CursorRow,
    /// Any row, the screen's size or which screen is shown.
    Everything,
}

/// What `bytes` can reach when vt100 parses them from between sequences with the cursor at
/// column `col` of a screen `cols` wide (vt100 puts the cursor past the last column when the
/// next character will wrap). Errs one way only: it may say [`Reach::Everything`] for bytes
/// that stay on the row.
pub(crate) fn reach(bytes: &[u8], col: u16, cols: u16) -> Reach {
    let mut furthest = u32::from(col);
    let mut rest = bytes;
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        match byte {
            0x20..=0x7e => furthest += 1,
            BS | CR | BEL => {}
            ESC => {
                let Some((advance, after)) = same_row_csi(rest) else {
                    return Reach::Everything;
                };
                furthest = furthest.saturating_add(advance);
                rest = after;
            }
            _ => return Reach::Everything,
        }
    }
    // The last character printed must not land in the last column: one more would wrap.
    if furthest < u32::from(cols) {
        Reach::CursorRow
    } else {
        Reach::Everything
    }
}

/// After an ESC: a CSI sequence with plain numeric parameters that acts within the cursor's
/// row (EL, CUF, CUB, ICH, DCH, ECH, SGR), as how far right it may move the cursor and the
/// bytes after it. An unfinished one at the end of the chunk has done nothing yet (the chunk
/// that finishes it starts inside a sequence and reaches everything).
fn same_row_csi(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let rest = bytes.strip_prefix(b"[")?;
    let parameters_end = rest
        .iter()
        .position(|byte| !matches!(byte, b'0'..=b'9' | b';'))
        .unwrap_or(rest.len());
    let (parameters, rest) = rest.split_at(parameters_end);
    let Some((&final_byte, rest)) = rest.split_first() else {
        return Some((0, rest));
    };
    let advance = match final_byte {
        b'C' => first_parameter(parameters).max(1),
        b'D' | b'K' | b'@' | b'P' | b'X' | b'm' => 0,
        _ => return None,
    };
    Some((advance, rest))
}

fn first_parameter(parameters: &[u8]) -> u32 {
    parameters
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .fold(0u32, |value, digit| {
            value
                .saturating_mul(10)
                .saturating_add(u32::from(digit - b'0'))
        })
}

/// Identifies what a live screen row held when it was drawn: two equal stamps mean the same
/// cells. The default stamp matches no row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowStamp {
    terminal: u64,
    version: u64,
}

/// The versions of one terminal's live screen rows.
#[derive(Debug)]
pub(crate) struct RowVersions {
    /// Unique in the process, so stamps of two tabs' rows never match.
    terminal: u64,
    latest: u64,
    /// Every row is at least this version.
    everything: u64,
    rows: Vec<u64>,
}

static NEXT_TERMINAL: AtomicU64 = AtomicU64::new(1);

impl RowVersions {
    pub(crate) fn new(rows: u16) -> Self {
        Self {
            terminal: NEXT_TERMINAL.fetch_add(1, Ordering::Relaxed),
            latest: 1,
            everything: 1,
            rows: vec![0; usize::from(rows)],
        }
    }

    /// Records a change that reached `reach`, with the cursor on `cursor_row`.
    pub(crate) fn record(&mut self, reach: Reach, cursor_row: u16) {
        self.latest += 1;
        match (reach, self.rows.get_mut(usize::from(cursor_row))) {
            (Reach::CursorRow, Some(row)) => *row = self.latest,
            _ => self.everything = self.latest,
        }
    }

    /// The screen now has `rows` rows, and all of them may have changed.
    pub(crate) fn resize(&mut self, rows: u16) {
        self.rows.resize(usize::from(rows), 0);
        self.record(Reach::Everything, 0);
    }

    /// The stamp of live screen row `row` as it is now.
    pub(crate) fn stamp(&self, row: u16) -> RowStamp {
        let row_version = self.rows.get(usize::from(row)).copied().unwrap_or(0);
        RowStamp {
            terminal: self.terminal,
            version: row_version.max(self.everything),
        }
    }
}

#[cfg(test)]
#[path = "row_changes_tests.rs"]
mod tests;
