//! Builds a [`HistoryLine`] cell by cell, left to right, as a row of vt100 cells is kept: the
//! text of the cells, runs of their non-default attributes, and trailing cells that look blank
//! trimmed. Rows captured from vt100 (`row_capture`) and lines the flood shortcut keeps from
//! vt100 (`plain_lines`) are both built here, so they cannot come out differently.

use super::{
    cell_attributes::CellAttributes,
    history_line::{HistoryLine, StyleRun},
    line_tokens::CELL_APPEND_LIMIT,
};

/// Scratch space reused from one line to the next, so building allocates only the line kept.
#[derive(Debug, Default)]
pub(crate) struct LineBuilder {
    text: String,
    runs: Vec<StyleRun>,
    /// The column after the last cell.
    col: u16,
    /// Where the last cell's contents start in `text`, and its attributes.
    last_cell: Option<(usize, CellAttributes)>,
    /// `text` and columns up to the end of the last cell that does not look blank.
    kept_text_len: usize,
    kept_cols: u16,
}

impl LineBuilder {
    /// A cell holding `symbol` (a character and any zero-width ones joined to it), `width`
    /// columns wide.
    pub(crate) fn push_cell(&mut self, symbol: &str, width: u16, attributes: CellAttributes) {
        self.last_cell = Some((self.text.len(), attributes));
        self.text.push_str(symbol);
        self.extend_runs(width, attributes);
        self.keep_last_cell_unless_blank();
    }

    /// One single-column cell per byte of `ascii` (printable ASCII), all with `attributes`.
    pub(crate) fn push_ascii(&mut self, ascii: &[u8], attributes: CellAttributes) {
        // ASCII is UTF-8; reading it as such is a quick check of whole words.
        let Ok(ascii) = std::str::from_utf8(ascii) else {
            return;
        };
        let Some(last) = ascii.len().checked_sub(1) else {
            return;
        };
        let (start_len, start_col) = (self.text.len(), self.col);
        self.text.push_str(ascii);
        // Lines are at most a screen wide, so this cannot truncate.
        let width = u16::try_from(ascii.len()).unwrap_or(u16::MAX);
        self.extend_runs(width, attributes);
        self.last_cell = Some((start_len + last, attributes));
        let kept_bytes = if attributes.blank_looking() {
            ascii.trim_end_matches(' ').len()
        } else {
            ascii.len()
        };
        if kept_bytes > 0 {
            self.kept_text_len = start_len + kept_bytes;
            self.kept_cols = start_col.saturating_add(u16::try_from(kept_bytes).unwrap_or(0));
        }
    }

    /// Joins a zero-width character to the last cell, as vt100 does; nothing when there is no
    /// cell yet (vt100 drops such a character) or the cell is full.
    pub(crate) fn join_to_last_cell(&mut self, zero_width: char) {
        let Some((start, _)) = self.last_cell else {
            return;
        };
        if self.text.len() - start >= CELL_APPEND_LIMIT {
            return;
        }
        self.text.push(zero_width);
        self.keep_last_cell_unless_blank();
    }

    /// The line built so far; the builder is empty again afterwards.
    pub(crate) fn finish(&mut self, wrapped: bool) -> HistoryLine {
        self.text.truncate(self.kept_text_len);
        let cols = self.kept_cols;
        self.runs.retain(|run| run.start < cols);
        if let Some(last) = self.runs.last_mut() {
            last.width = last.width.min(cols - last.start);
        }
        let line = HistoryLine {
            text: self.text.as_str().into(),
            runs: self.runs.as_slice().into(),
            wrapped,
        };
        self.text.clear();
        self.runs.clear();
        self.col = 0;
        self.last_cell = None;
        self.kept_text_len = 0;
        self.kept_cols = 0;
        line
    }

    /// A space that looks like no cell at all can be trimmed from the end of a line; anything
    /// else keeps the line up to here.
    fn keep_last_cell_unless_blank(&mut self) {
        let Some((start, attributes)) = self.last_cell else {
            return;
        };
        if &self.text[start..] != " " || !attributes.blank_looking() {
            self.kept_text_len = self.text.len();
            self.kept_cols = self.col;
        }
    }

    /// Covers the next `width` columns with `attributes` and moves past them.
    fn extend_runs(&mut self, width: u16, attributes: CellAttributes) {
        let col = self.col;
        self.col = col.saturating_add(width);
        if attributes == CellAttributes::default() {
            return;
        }
        if let Some(last) = self.runs.last_mut()
            && last.attributes == attributes
            && u32::from(last.start) + u32::from(last.width) == u32::from(col)
        {
            last.width = last.width.saturating_add(width);
            return;
        }
        self.runs.push(StyleRun {
            start: col,
            width,
            attributes,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::LineBuilder;
    use crate::terminal::cell_attributes::CellAttributes;
    use crate::terminal::history_line::HistoryLine;

    fn red() -> CellAttributes {
        let mut attributes = CellAttributes::default();
        attributes.fg = vt100::Color::Idx(1);
        attributes
    }

    fn blue_background() -> CellAttributes {
        let mut attributes = CellAttributes::default();
        attributes.bg = vt100::Color::Idx(4);
        attributes
    }

    #[test]
    fn trailing_blanks_go_unless_they_show() {
        let mut builder = LineBuilder::default();
        builder.push_ascii(b"ab  ", red());
        assert_eq!(
            builder.finish(false),
            HistoryLine::plain("ab").with_run(0, 2, red())
        );
        builder.push_ascii(b"ab", CellAttributes::default());
        builder.push_ascii(b"  ", blue_background());
        assert_eq!(
            builder.finish(true),
            HistoryLine {
                text: "ab  ".into(),
                runs: Box::new([]),
                wrapped: true,
            }
            .with_run(2, 2, blue_background())
        );
    }

    #[test]
    fn cells_of_one_style_share_a_run_and_zero_width_characters_join_a_cell() {
        let mut builder = LineBuilder::default();
        builder.push_cell("漢", 2, red());
        builder.push_ascii(b"x", red());
        builder.push_cell(" ", 1, CellAttributes::default());
        builder.join_to_last_cell('\u{301}');
        assert_eq!(
            builder.finish(false),
            HistoryLine::plain("漢x \u{301}").with_run(0, 3, red())
        );
    }

    #[test]
    fn a_full_cell_takes_no_more_characters() {
        let mut builder = LineBuilder::default();
        builder.join_to_last_cell('\u{301}');
        builder.push_ascii(b"e", CellAttributes::default());
        for _ in 0..20 {
            builder.join_to_last_cell('\u{301}');
        }
        // 'e' and eight two-byte accents reach 17 bytes; one more fits, then the cell is full.
        let expected = format!("e{}", "\u{301}".repeat(9));
        assert_eq!(builder.finish(false), HistoryLine::plain(&expected));
    }
}
