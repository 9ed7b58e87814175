//! One line of scrollback in compact form: its text and the column ranges that are not plainly
//! styled, instead of vt100's 32 bytes per cell.

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

use super::cell_attributes::CellAttributes;
use super::line_tokens::common_width;

/// Columns `start..start + width` share `attributes`. Columns not covered by any run have
/// default attributes, so a plain line needs no runs (and no allocation for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StyleRun {
    pub(crate) start: u16,
    pub(crate) width: u16,
    pub(crate) attributes: CellAttributes,
}

/// A line that left the top of the primary screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HistoryLine {
    /// The cells' contents in order, trailing blanks trimmed; a cell without contents is a space.
    pub(crate) text: Box<str>,
    /// Sorted by column, not overlapping.
    pub(crate) runs: Box<[StyleRun]>,
    /// The line continued on the next one because the text reached the right margin.
    pub(crate) wrapped: bool,
}

/// One cell of a history line, ready to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HistoryCell<'a> {
    pub(crate) col: u16,
    pub(crate) symbol: &'a str,
    pub(crate) wide: bool,
    pub(crate) attributes: CellAttributes,
}

impl HistoryLine {
    /// A row of default-styled cells holding `text`, one cell per character: its trailing
    /// blanks are not kept, and there are no style runs.
    pub(crate) fn plain(text: &str) -> Self {
        HistoryLine {
            text: text.trim_end_matches(' ').into(),
            runs: Box::new([]),
            wrapped: false,
        }
    }

    /// The same line with one more style run, after the others.
    #[cfg(test)]
    pub(crate) fn with_run(self, start: u16, width: u16, attributes: CellAttributes) -> Self {
        let mut runs = self.runs.into_vec();
        runs.push(StyleRun {
            start,
            width,
            attributes,
        });
        Self {
            runs: runs.into(),
            ..self
        }
    }

    /// Bytes this line owns on the heap (what the allocator was asked for).
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.len() + std::mem::size_of_val::<[StyleRun]>(&self.runs)
    }

    /// The text as a screen `cols` wide shows it: cut at the right edge (history is not
    /// reflowed), trailing spaces dropped.
    pub(crate) fn text_within(&self, cols: u16) -> &str {
        let end = positioned_cells(&self.text)
            .scan(0, |byte_end, (col, symbol, wide)| {
                let fits = u32::from(col) + if wide { 2 } else { 1 } <= u32::from(cols);
                *byte_end += symbol.len();
                fits.then_some(*byte_end)
            })
            .last()
            .unwrap_or(0);
        self.text[..end].trim_end_matches(' ')
    }

    pub(crate) fn cells(&self) -> impl Iterator<Item = HistoryCell<'_>> + '_ {
        let mut runs = self.runs.iter().peekable();
        positioned_cells(&self.text).map(move |(col, symbol, wide)| {
            while runs
                .peek()
                .is_some_and(|run| u32::from(run.start) + u32::from(run.width) <= u32::from(col))
            {
                runs.next();
            }
            let attributes = runs
                .peek()
                .filter(|run| run.start <= col)
                .map_or_else(CellAttributes::default, |run| run.attributes);
            HistoryCell {
                col,
                symbol,
                wide,
                attributes,
            }
        })
    }
}

/// Splits text the way vt100 fills cells: a character of non-zero width starts a cell, and
/// zero-width characters (combining marks, variation selectors) join the cell before them.
pub(crate) fn cell_symbols(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        chars.next()?;
        let end = chars
            .find(|&(_, c)| columns(c) != Some(0))
            .map_or(rest.len(), |(index, _)| index);
        let (symbol, after) = rest.split_at(end);
        rest = after;
        Some(symbol)
    })
}

/// vt100's rule: a cell is wide when its first character is, or when an emoji presentation
/// selector makes the whole sequence wide.
pub(crate) fn is_wide_symbol(symbol: &str) -> bool {
    let mut chars = symbol.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    // Most cells hold one character; only a joined selector can widen one.
    if !chars.as_str().is_empty() && symbol.contains('\u{FE0F}') {
        return symbol.width() > 1;
    }
    columns(first).unwrap_or(1) > 1
}

/// unicode-width's width of a character, for the common scripts without its tables.
fn columns(character: char) -> Option<usize> {
    if character.is_ascii() {
        return character.width();
    }
    common_width(character).map_or_else(|| character.width(), |width| Some(usize::from(width)))
}

/// `(column, symbol, wide)` for each cell of `text`; a wide cell takes two columns.
pub(crate) fn positioned_cells(text: &str) -> impl Iterator<Item = (u16, &str, bool)> + '_ {
    let mut col: u16 = 0;
    cell_symbols(text).map(move |symbol| {
        let wide = is_wide_symbol(symbol);
        let at = col;
        col = col.saturating_add(if wide { 2 } else { 1 });
        (at, symbol, wide)
    })
}
