//! Which cells of the live screen may have changed, so that a frame after a keystroke's echo
//! looks at a few cells of the row typed on instead of all rows.
//!
//! Each parse is classed by what it can reach: a chunk that only prints ASCII on the cursor's
//! row without reaching its end, moves along it, erases or inserts in it, or changes the pen
//! (what shells and line editors send to echo typing), touches some columns of that row; anything
//! else may have touched every cell. Rows carry versions that rise when they may have changed, and
//! a view compares the [`RowStamp`] it drew a row at with the row's current one; when the row
//! changed once since, the columns that change touched are known too.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

const BEL: u8 = 0x07;
const BS: u8 = 0x08;
const CR: u8 = 0x0d;
const ESC: u8 = 0x1b;

/// What a chunk of output may have changed on the live screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// These columns of the row the cursor is on, where it stays (none when the chunk only
    /// moved the cursor, rang the bell or changed the pen).
    CursorRow(Range<u16>),
    /// Any cell, the screen's size or which screen is shown.
    Everything,
}

/// What `bytes` can reach when vt100 parses them from between sequences with the cursor at
/// column `col` of a screen `cols` wide (vt100 puts the cursor past the last column when the
/// next character will wrap). Errs one way only: it may say more than the bytes change.
pub(crate) fn reach(bytes: &[u8], col: u16, cols: u16) -> Reach {
    let mut reach = RowReach {
        col: u32::from(col),
        cols: u32::from(cols),
        touched: None,
    };
    let mut rest = bytes;
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        let fits = match byte {
            0x20..=0x7e => reach.print(),
            BS => reach.move_left(1),
            CR => reach.move_left(reach.col),
            BEL => true,
            ESC => match same_row_csi(rest) {
                Some((action, after)) => {
                    rest = after;
                    reach.act(action)
                }
                None => false,
            },
            _ => false,
        };
        if !fits {
            return Reach::Everything;
        }
    }
    Reach::CursorRow(reach.touched.unwrap_or(0..0))
}

/// The cursor's column as the bytes move it, and the columns they may have changed.
struct RowReach {
    col: u32,
    cols: u32,
    touched: Option<Range<u16>>,
}

impl RowReach {
    /// False when the character lands in the last column or wraps. vt100 clears the halves
    /// of a wide character it overwrites, so the columns on either side count as touched.
    fn print(&mut self) -> bool {
        if self.col + 1 >= self.cols {
            return false;
        }
        self.touch(self.col.saturating_sub(1)..self.col + 2);
        self.col += 1;
        true
    }

    fn move_left(&mut self, columns: u32) -> bool {
        // vt100 puts the cursor past the last column while a wrap is pending; moving from
        // there is left to vt100 to work out.
        if self.col >= self.cols {
            return false;
        }
        self.col = self.col.saturating_sub(columns);
        true
    }

    fn act(&mut self, action: CsiAction) -> bool {
        match action {
            CsiAction::Nothing => true,
            CsiAction::Left(columns) => self.move_left(columns),
            CsiAction::Right(columns) => {
                if self.col >= self.cols {
                    return false;
                }
                self.col = self.col.saturating_add(columns).min(self.cols - 1);
                true
            }
            CsiAction::EditRow => {
                if self.col >= self.cols {
                    return false;
                }
                self.touch(0..self.cols);
                true
            }
        }
    }

    fn touch(&mut self, columns: Range<u32>) {
        let clip = |column: u32| column.min(self.cols) as u16;
        let columns = clip(columns.start)..clip(columns.end);
        self.touched = Some(match self.touched.take() {
            None => columns,
            Some(touched) => touched.start.min(columns.start)..touched.end.max(columns.end),
        });
    }
}

/// What a CSI sequence within the cursor's row does.
enum CsiAction {
    /// SGR, or a sequence not finished in this chunk (it acts in the next one, which starts
    /// inside a sequence and so reaches everything).
    Nothing,
    Left(u32),
    Right(u32),
    /// EL, ICH, DCH or ECH: changes cells of the row, never the cursor's position.
    EditRow,
}

/// After an ESC: a CSI sequence with plain numeric parameters that acts within the cursor's
/// row (EL, CUF, CUB, ICH, DCH, ECH, SGR), and the bytes after it.
fn same_row_csi(bytes: &[u8]) -> Option<(CsiAction, &[u8])> {
    let rest = bytes.strip_prefix(b"[")?;
    let parameters_end = rest
        .iter()
        .position(|byte| !matches!(byte, b'0'..=b'9' | b';'))
        .unwrap_or(rest.len());
    let (parameters, rest) = rest.split_at(parameters_end);
    let Some((&final_byte, rest)) = rest.split_first() else {
        return Some((CsiAction::Nothing, rest));
    };
    let action = match final_byte {
        b'C' => CsiAction::Right(first_parameter(parameters).max(1)),
        b'D' => CsiAction::Left(first_parameter(parameters).max(1)),
        b'K' | b'@' | b'P' | b'X' => CsiAction::EditRow,
        b'm' => CsiAction::Nothing,
        _ => return None,
    };
    Some((action, rest))
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

/// Identifies what a live screen row held when it was drawn: stamps taken at two moments are
/// equal only if the row cannot have changed in between. The default stamp matches no row.
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
    rows: Vec<RowVersion>,
}

/// A row's version, and what its last change did: which columns it touched, starting from
/// which version.
#[derive(Clone, Debug, Default)]
struct RowVersion {
    version: u64,
    changed_from: u64,
    columns: Range<u16>,
}

static NEXT_TERMINAL: AtomicU64 = AtomicU64::new(1);

impl RowVersions {
    pub(crate) fn new(rows: u16) -> Self {
        Self {
            terminal: NEXT_TERMINAL.fetch_add(1, Ordering::Relaxed),
            latest: 1,
            everything: 1,
            rows: vec![RowVersion::default(); usize::from(rows)],
        }
    }

    /// Records a change that reached `reach`, with the cursor on `cursor_row`.
    pub(crate) fn record(&mut self, reach: Reach, cursor_row: u16) {
        match (reach, self.rows.get(usize::from(cursor_row))) {
            (Reach::CursorRow(columns), _) if columns.is_empty() => {}
            (Reach::CursorRow(columns), Some(row)) => {
                self.latest += 1;
                let changed_from = row.version.max(self.everything);
                self.rows[usize::from(cursor_row)] = RowVersion {
                    version: self.latest,
                    changed_from,
                    columns,
                };
            }
            _ => {
                self.latest += 1;
                self.everything = self.latest;
            }
        }
    }

    /// The screen now has `rows` rows, and all of them may have changed.
    pub(crate) fn resize(&mut self, rows: u16) {
        self.rows.resize(usize::from(rows), RowVersion::default());
        self.record(Reach::Everything, 0);
    }

    /// The stamp of live screen row `row` as it is now.
    pub(crate) fn stamp(&self, row: u16) -> RowStamp {
        let row_version = self.rows.get(usize::from(row)).map_or(0, |row| row.version);
        RowStamp {
            terminal: self.terminal,
            version: row_version.max(self.everything),
        }
    }

    /// The columns of `row` that may differ from when it had stamp `then`, if only one
    /// change came since and it touched part of the row; `None` when any cell may differ.
    pub(crate) fn changed_columns(&self, row: u16, then: RowStamp) -> Option<Range<u16>> {
        let row = self.rows.get(usize::from(row))?;
        let one_change_since = then.terminal == self.terminal
            && row.version > self.everything
            && row.changed_from == then.version;
        one_change_since.then(|| row.columns.clone())
    }
}

#[cfg(test)]
#[path = "row_changes_tests.rs"]
pub(crate) mod tests;
