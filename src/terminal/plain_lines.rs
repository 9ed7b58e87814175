//! The shortcut that keeps an output flood (`cat big.log`, `seq 1 2000000`) cheap.
//!
//! Such output is mostly lines of text, and one read holds thousands of them, nearly all of
//! which scroll off the screen before the read ends. Parsing them with vt100 costs little, but
//! getting a scrolled-off row back out of vt100 does: its `on_scroll` hook only offers the row
//! written out as formatted text, which compares every one of its 32-byte cells (a 15 MB flood
//! spent 0.86 s of 1.09 s there). What a plain line (printable text, UTF-8 included, and colour
//! changes; see `line_tokens`) leaves when vt100 writes it onto a fresh row and scrolls it off is
//! known from the line and the pen it starts with, so such lines go straight to the history, and
//! vt100 only sees what stays on the screen.
//!
//! When that is safe, per run of plain lines `L1 .. Ln` (each at most as wide as the screen,
//! ending in CR LF), on a screen of `r` rows:
//!
//! 1. vt100 parses lines one at a time until one of them ends with the cursor on a fresh blank
//!    bottom row: exactly one row scrolled off the top of the primary screen while it was
//!    parsed (so the scroll region starts at the top), and the cursor is at column 0 of the last
//!    row (so the region ends at the bottom). The parser is between escape sequences (see
//!    `sequence_state`), so the lines are drawn as text, and it holds no part of a UTF-8
//!    character (a whole line ended in a line feed).
//! 2. From there vt100 would move the `r - 1` rows above the cursor into history, then the lines
//!    up to `L(n-r+1)`, and keep `L(n-r+2) .. Ln` above a blank bottom row. Instead: `r - 1`
//!    line feeds move those rows out as usual; the middle lines become history lines, drawn
//!    from vt100's pen on, which then gets the pen they leave (an SGR sequence setting it whole);
//!    the last `r - 1` lines are parsed, and the blank rows they push off the top are not
//!    history. vt100 also remembers the last character drawn (for REP), so the last lines must
//!    draw one.
//!
//! The property test in `tests` checks that any stream, cut anywhere, leaves the same screen
//! (vt100's whole state, pen included), history, title and bells as feeding it one byte at a
//! time.

use std::ops::Range;

use super::{
    Terminal,
    cell_attributes::CellAttributes,
    history_line::HistoryLine,
    line_builder::LineBuilder,
    line_tokens::{LineKind, LineShape, Token, shape_of, tokens},
    sgr::{self, SgrParams},
};

/// Finds the first run of at least `min_lines` plain lines: printable text and SGR sequences of
/// at most `max_width` columns (see `line_tokens`), each ending in CR LF. A run starts at the
/// beginning of `bytes` or after a line feed. `shapes` gets the shape of each of its lines.
pub(crate) fn find_run(
    bytes: &[u8],
    max_width: usize,
    min_lines: usize,
    shapes: &mut Vec<LineShape>,
) -> Option<Range<usize>> {
    shapes.clear();
    let mut run_start = 0;
    let mut line_start = 0;
    for newline in memchr::memchr_iter(b'\n', bytes) {
        if let Some(shape) = shape_of(&bytes[line_start..newline], max_width) {
            shapes.push(shape);
        } else {
            if shapes.len() >= min_lines {
                return Some(run_start..line_start);
            }
            run_start = newline + 1;
            shapes.clear();
        }
        line_start = newline + 1;
    }
    (shapes.len() >= min_lines).then_some(run_start..line_start)
}

/// The text of a plain line: without CR LF.
fn text_of(line: &[u8]) -> &[u8] {
    &line[..line.len() - 2]
}

/// Splits a run of `count` lines after its first `count - tail` lines.
fn split_off_last_lines(run: &[u8], tail: usize) -> (&[u8], &[u8]) {
    // The run ends with a line feed; the tail starts after the one `tail + 1` from the end.
    let split = memchr::memrchr_iter(b'\n', run)
        .nth(tail)
        .map_or(0, |newline| newline + 1);
    run.split_at(split)
}

/// The history line that `text`, a plain line of shape `shape` without its CR LF, leaves when
/// drawn on a fresh row with `pen`; `pen` becomes what the line leaves it.
fn history_line_of(
    text: &[u8],
    shape: LineShape,
    pen: &mut CellAttributes,
    builder: &mut LineBuilder,
) -> HistoryLine {
    match shape.kind {
        LineKind::Ascii | LineKind::Text if *pen == CellAttributes::default() => {
            // `shape_of` took these bytes, and it takes valid UTF-8 only: the lossy form is
            // borrowed, never replaced, and costs what the strict check would.
            return HistoryLine::plain(&String::from_utf8_lossy(text));
        }
        LineKind::Ascii => builder.push_ascii(text, *pen),
        LineKind::Text | LineKind::Styled => {
            for token in tokens(text) {
                match token {
                    Ok(Token::Ascii(ascii)) => builder.push_ascii(ascii, *pen),
                    Ok(Token::WideRun(run)) => {
                        // A wide run is UTF-8 of two-column characters.
                        let run = std::str::from_utf8(run).unwrap_or_default();
                        for (start, character) in run.char_indices() {
                            let symbol = &run[start..start + character.len_utf8()];
                            builder.push_cell(symbol, 2, *pen);
                        }
                    }
                    Ok(Token::Char(zero_width, _, 0)) => builder.join_to_last_cell(zero_width),
                    Ok(Token::Char(character, _, width)) => {
                        let mut symbol = [0; 4];
                        let symbol = character.encode_utf8(&mut symbol);
                        builder.push_cell(symbol, u16::from(width), *pen);
                    }
                    Ok(Token::Sgr(params)) => {
                        if let Some(params) = SgrParams::parse(params) {
                            params.apply(pen);
                        }
                    }
                    // `shape_of` took the line, so every token is one.
                    Err(()) => break,
                }
            }
        }
    }
    builder.finish(false)
}

/// What the SGR sequences of `text`, a plain line, do to `pen`: all that is needed of a line
/// whose history is not kept.
fn follow_pen(text: &[u8], pen: &mut CellAttributes) {
    for escape in memchr::memchr_iter(0x1b, text) {
        // A plain line's escapes all start `ESC [ params m`.
        let params = text.get(escape + 2..).unwrap_or_default();
        let end = memchr::memchr(b'm', params).unwrap_or(params.len());
        if let Some(params) = SgrParams::parse(&params[..end]) {
            params.apply(pen);
        }
    }
}

const LINE_FEEDS: [u8; 64] = [b'\n'; 64];

impl Terminal {
    /// Parses `bytes`, taking the shortcut for runs of plain lines where it applies.
    pub(super) fn process(&mut self, mut bytes: &[u8]) {
        let (rows, cols) = self.size();
        let rows = usize::from(rows);
        // A run needs a line to find the fresh row with, `rows - 1` lines that stay on the
        // screen, and at least one line to skip. One-row screens keep no line on screen, and
        // nothing would be gained.
        let min_lines = rows + 1;
        // Measuring lines costs more than counting them: a read too short to hold a run (a
        // few KiB of log lines) goes to vt100 unmeasured.
        if rows < 2 || memchr::memchr_iter(b'\n', bytes).count() < min_lines {
            self.parse(bytes);
            return;
        }
        let mut shapes = Vec::new();
        while let Some(run) = find_run(bytes, usize::from(cols), min_lines, &mut shapes) {
            let (before, rest) = bytes.split_at(run.start);
            let (run, after) = rest.split_at(run.len());
            self.parse(before);
            self.process_plain_run(run, &shapes, rows);
            bytes = after;
        }
        self.parse(bytes);
    }

    /// `shapes` are those of the run's lines, in order.
    fn process_plain_run(&mut self, run: &[u8], shapes: &[LineShape], rows: usize) {
        let mut rest = run;
        let mut shapes_left = shapes;
        // Step 1: parse lines until the cursor sits on a fresh bottom row, between sequences (a
        // read may start in the middle of one that the first line ends).
        while shapes_left.len() > rows {
            let line_end = memchr::memchr(b'\n', rest).map_or(rest.len(), |newline| newline + 1);
            let (line, after) = rest.split_at(line_end);
            let rows_scrolled_before = self.hooks().primary_rows_scrolled;
            self.parse(line);
            rest = after;
            shapes_left = &shapes_left[1..];
            if self.sequence_state.between_sequences()
                && self.hooks().primary_rows_scrolled == rows_scrolled_before + 1
                && self.on_fresh_bottom_row()
            {
                self.skip_to_last_lines(rest, shapes_left, rows);
                return;
            }
        }
        self.parse(rest);
    }

    /// Whether text written now lands on a blank row at the bottom of a full-screen scroll
    /// region of the primary screen, and leaves history the way [`history_line_of`] says. The
    /// caller has seen the row scroll into place.
    fn on_fresh_bottom_row(&self) -> bool {
        let screen = self.screen();
        let (rows, _) = self.size();
        screen.cursor_position() == (rows - 1, 0) && !screen.alternate_screen()
    }

    /// Step 2 for the plain lines in `run` of shapes `shapes`, with the cursor on a fresh bottom
    /// row.
    fn skip_to_last_lines(&mut self, run: &[u8], shapes: &[LineShape], rows: usize) {
        let lines = shapes.len();
        let (middle, last) = split_off_last_lines(run, rows - 1);
        // vt100 remembers the last character drawn (for REP); if the lines that stay on the
        // screen draw none, the one to remember is in the skipped lines.
        if !shapes[lines - (rows - 1)..].iter().any(|shape| shape.draws) {
            self.parse(run);
            return;
        }
        let mut feeds_left = rows - 1;
        while feeds_left > 0 {
            let feeds = feeds_left.min(LINE_FEEDS.len());
            self.parse(&LINE_FEEDS[..feeds]);
            feeds_left -= feeds;
        }
        let pen_before = CellAttributes::of_pen(self.screen());
        let mut pen = pen_before;
        let skipped = lines - (rows - 1);
        // Only the newest lines survive in a full history; the rest need not be built, but
        // their colours carry on.
        // (A session log wants them all.)
        let kept = match self.hooks().log {
            Some(_) => skipped,
            None => self.hooks().scrollback.capacity().min(skipped),
        };
        let mut builder = LineBuilder::default();
        let hooks = self.hooks_mut();
        let (scrollback, log) = (&mut hooks.scrollback, &mut hooks.log);
        scrollback.pass_over(skipped - kept);
        let mut rest = middle;
        for (index, &shape) in shapes[..skipped].iter().enumerate() {
            let (line, after) = rest.split_at(shape.len);
            rest = after;
            if index >= skipped - kept {
                let line = history_line_of(text_of(line), shape, &mut pen, &mut builder);
                if let Some(log) = log.as_mut() {
                    log.skipped_screen(&line);
                }
                scrollback.push(line);
            } else if shape.kind == LineKind::Styled {
                follow_pen(text_of(line), &mut pen);
            }
        }
        // vt100 draws the lines that stay with the pen the skipped ones left.
        if pen != pen_before {
            self.parse(sgr::sequence_setting(pen).as_bytes());
        }
        self.hooks_mut().blank_rows_to_drop = rows - 1;
        self.parse(last);
        debug_assert_eq!(self.hooks().blank_rows_to_drop, 0);
        if self.hooks().scrollback.capacity() > 0 {
            self.remember_drawn_rows(last, &shapes[skipped..], pen, &mut builder);
        }
    }

    /// The last lines of a run, left to vt100, now fill the rows above the cursor: their history
    /// lines are known as the skipped ones were, from the pen they started with.
    fn remember_drawn_rows(
        &mut self,
        last: &[u8],
        shapes: &[LineShape],
        mut pen: CellAttributes,
        builder: &mut LineBuilder,
    ) {
        let mut rest = last;
        let lines = shapes.iter().map(|&shape| {
            let (line, after) = rest.split_at(shape.len);
            rest = after;
            history_line_of(text_of(line), shape, &mut pen, builder)
        });
        self.hooks_mut().drawn_rows.set(lines);
    }
}

#[cfg(test)]
#[path = "plain_lines_tests.rs"]
mod tests;
