//! The terminal emulator behind each tab: the remote byte stream goes in through
//! [`Terminal::feed`], and [`TerminalView`] draws the result into a ratatui buffer.
//!
//! Parsing and the screen grid are vt100's; this module adds what a tab needs on top of it: the
//! remote window title, a bell counter, a compact scrollback with navigation, and the input modes
//! that decide how keys, pastes and the mouse are encoded (see [`crate::input`]).

mod basic_sgr;
mod cell_attributes;
mod cell_marks;
mod cell_style;
mod charsets;
mod csi_params;
mod decorations;
mod drawn_rows;
mod erase_scrollback;
mod events;
mod find;
mod highlight;
mod history_line;
mod line_builder;
mod line_log;
mod line_tokens;
mod lines;
mod osc_limit;
mod parser_hooks;
mod pass_output;
mod plain_lines;
mod replies;
mod row_capture;
mod row_changes;
mod scrollback;
mod selection;
mod sequence_state;
mod sgr;
mod stand_ins;
mod stream_state;
mod underline_sgr;
mod utf8_tail;
mod view;
mod view_links;

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use row_changes::tests::piece as output_piece;

use std::num::NonZeroU16;

pub use cell_marks::{DrawnDecoration, drawn_decoration};
pub use decorations::{Decoration, Decorations, UnderlineStyle};
use erase_scrollback::EraseScrollbackDetector;
pub use find::{MAX_MATCHES, Match, SearchPattern};
pub use highlight::Highlighter;
use history_line::HistoryLine;
pub use lines::{CellAt, LineCells, LineNumber};
use osc_limit::OscLimit;
use parser_hooks::ParserHooks;
pub use row_changes::RowStamp;
use row_changes::{Reach, RowVersions};
use scrollback::Scrollback;
pub use selection::Point;
use sequence_state::SequenceState;
use stream_state::StreamState;
use utf8_tail::Utf8Tail;
pub use view::ViewCache;
pub use view::{ChangedRow, TerminalView};
pub use vt100::{CursorStyle, MouseProtocolEncoding, MouseProtocolMode};

/// Lines of history kept per tab unless the profile asks for another amount.
///
/// Memory: vt100's own scrollback kept each history line as a heap array of 32-byte cells (26 MB
/// per tab for 10,000 full 80-column lines), where tmux needs about 6.3 MB for 10,000 lines of 97
/// characters. So vt100 runs without history and each row leaving the screen is stored compactly
/// (see [`Terminal`]): its text, trailing blanks trimmed, plus only the column runs whose colours
/// or attributes are not the default, in a ring of exactly this many slots. For 10,000 lines of 97
/// characters on a 24x100 terminal (`cargo bench --bench scrollback_memory`, 10 tabs, counting
/// allocator and /proc resident set): 1.45 MB live and 1.60 MB resident per tab, 144 and 160
/// bytes per line, down from 31.6 MB and 32.6 MB with vt100's scrollback; about a quarter of
/// tmux's. The history alone is 137 bytes per plain line and 164 per line with three coloured
/// runs (a unit test pins both).
pub const DEFAULT_SCROLLBACK: usize = 10_000;

/// Which mouse events the remote program asked for (DECSET 9/1000/1002/1003) and how it wants
/// them encoded (DECSET 1005/1006).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MouseReporting {
    pub mode: MouseProtocolMode,
    pub encoding: MouseProtocolEncoding,
}

impl MouseReporting {
    pub fn is_enabled(&self) -> bool {
        self.mode != MouseProtocolMode::None
    }
}

/// One tab's emulated terminal.
///
/// Scrollback behaviour: while the user is scrolled back, new output does not move the view;
/// the lines being looked at stay put (the offset grows as lines are added), as in xterm with
/// `scrollTtyOutput` off and most modern terminals. Only when history is full and the oldest
/// lines are discarded does the view drift. Returning to the live screen is the caller's call,
/// typically [`Terminal::scroll_to_bottom`] on a keystroke sent to the remote. A resize always
/// returns to the live screen (vt100 follows xterm there). The alternate screen has no history,
/// so scrolling is a no-op while it is active.
///
/// History is ours, not vt100's (see [`DEFAULT_SCROLLBACK`] for why): vt100 runs without
/// scrollback and hands over each row pushed off the top of the primary screen. Consequences of
/// owning it: lines keep the width they had when they left the screen, so a narrower window clips
/// them and a wider one leaves them short (no reflow, as in xterm); and making the window taller
/// adds blank rows at the bottom rather than pulling the newest history lines back onto the
/// screen. `clear` (ED 3) and `reset` (RIS) still empty the history.
pub struct Terminal {
    parser: vt100::Parser<ParserHooks>,
    erase_detector: EraseScrollbackDetector,
    sequence_state: SequenceState,
    row_versions: RowVersions,
    utf8_tail: Utf8Tail,
    osc_limit: OscLimit,
    stream_state: StreamState,
    /// Underline styles and colours and links, by the number their cells carry.
    decorations: Decorations,
    /// Names this terminal in the cells it draws (see `cell_marks`).
    drawn_mark: u16,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Terminal")
            .field("size", &self.size())
            .field("scrollback_offset", &self.scrollback_offset())
            .field("title", &self.title())
            .finish_non_exhaustive()
    }
}

/// vt100 cannot hold a zero-sized screen, and a pane can be squeezed to nothing for a frame while
/// the layout settles; one row or column is the nearest size it can hold.
fn at_least_one(cells: u16) -> NonZeroU16 {
    NonZeroU16::new(cells).unwrap_or(NonZeroU16::MIN)
}

/// What one row of the displayed terminal shows.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DisplayedRow<'a> {
    /// A line of history, while scrolled back.
    History(&'a HistoryLine),
    /// A row of vt100's live screen.
    Screen(u16),
}

/// vt100 keeps no history of its own: every row leaving the screen goes to [`Scrollback`].
const VT100_SCROLLBACK: usize = 0;

impl Terminal {
    /// A blank terminal of `rows` x `cols` keeping up to `scrollback_lines` of history.
    /// Zero dimensions are raised to one.
    pub fn new(rows: u16, cols: u16, scrollback_lines: usize) -> Self {
        Self {
            parser: vt100::Parser::new_with_callbacks(
                at_least_one(rows),
                at_least_one(cols),
                VT100_SCROLLBACK,
                ParserHooks::new(scrollback_lines),
            ),
            erase_detector: EraseScrollbackDetector::default(),
            sequence_state: SequenceState::default(),
            row_versions: RowVersions::new(at_least_one(rows).get()),
            utf8_tail: Utf8Tail::default(),
            osc_limit: OscLimit::default(),
            stream_state: StreamState::default(),
            decorations: Decorations::default(),
            drawn_mark: cell_marks::new_terminal_mark(),
        }
    }

    /// Parses output from the remote side. Escape sequences and characters may be split across
    /// calls.
    pub fn feed(&mut self, bytes: &[u8]) {
        // An endless OSC would grow vte's buffer without bound; its excess never gets there.
        let bytes = self.osc_limit.filter(bytes);
        // Text in the line-drawing set reaches vt100 as box drawing.
        let size = self.size();
        let bytes = self
            .stream_state
            .filter(&bytes, size, &mut self.decorations);
        let mut utf8_tail = std::mem::take(&mut self.utf8_tail);
        utf8_tail.pass(&bytes, |whole_characters| self.feed_whole(whole_characters));
        self.utf8_tail = utf8_tail;
    }

    fn feed_whole(&mut self, mut bytes: &[u8]) {
        // Lines scrolled off after an erase must survive it, so the erase happens in its place.
        while let Some(end) = self.erase_detector.find_in(bytes) {
            let (up_to_erase, rest) = bytes.split_at(end);
            self.process(up_to_erase);
            // As in vt100, ED 3 on the alternate screen erases that screen's (absent) history.
            if !self.alternate_screen() {
                self.scrollback_mut().clear();
            }
            bytes = rest;
        }
        self.process(bytes);
    }

    /// Every byte reaches vt100 through here, so the sequence state follows vt100's parser and
    /// the row versions follow its screen.
    fn parse(&mut self, bytes: &[u8]) {
        let (cursor_row, cursor_col) = self.cursor_position();
        let reach = if self.sequence_state.between_sequences() {
            let (_, cols) = self.size();
            row_changes::reach(bytes, cursor_col, cols)
        } else {
            Reach::Everything
        };
        let between_sequences = self.sequence_state.between_sequences();
        self.hooks_mut()
            .drawn_rows
            .before_parse(bytes, between_sequences);
        self.sequence_state = self.sequence_state.after(bytes);
        self.parser.process(bytes);
        self.row_versions.record(reach, cursor_row);
    }

    /// Resizes the screen (zero dimensions are raised to one) and returns to the live view.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.hooks_mut().drawn_rows.forget();
        self.forget_rows_scrolled_off();
        self.parser.set_size(at_least_one(rows), at_least_one(cols));
        self.row_versions.resize(at_least_one(rows).get());
        self.scrollback_mut().set_offset(0);
    }

    /// vt100 counts the rows that scrolled off the primary screen so that a taller screen can
    /// pull them back from its own history. That history is ours (vt100's is empty), so they
    /// would come back as blank rows above the text. With the count at zero a taller screen
    /// grows at the bottom, as in xterm. The count can only be reset on the active screen, so
    /// the primary one is brought up for a moment (mode 47 switches without touching the
    /// cursor or either screen's contents). Those switches are sequences of their own, so they
    /// wait for the remote's unfinished one, if any, to end: cutting into it would change what
    /// it does. Only then, rarely, does a grown primary screen keep vt100's blank rows.
    fn forget_rows_scrolled_off(&mut self) {
        if !self.alternate_screen() {
            self.parser.screen_mut().clear_scrollback();
        } else if self.sequence_state.between_sequences() {
            self.parse(b"\x1b[?47l");
            self.parser.screen_mut().clear_scrollback();
            self.parse(b"\x1b[?47h");
        }
    }

    /// `(rows, cols)`.
    pub fn size(&self) -> (u16, u16) {
        let (rows, cols) = self.screen().size();
        (rows.get(), cols.get())
    }

    /// The title last set by the remote with OSC 0 or OSC 2, if any.
    pub fn title(&self) -> Option<&str> {
        self.parser.callbacks().events.title.as_deref()
    }

    /// Counts the titles set so far; differs whenever the title may have changed.
    pub fn title_changes(&self) -> u64 {
        self.parser.callbacks().events.title_changes
    }

    /// How many bells (BEL or visual bell) the remote has rung since the terminal was created.
    /// Callers remember the last value they saw to notice new ones.
    pub fn bell_count(&self) -> u64 {
        self.parser.callbacks().events.bell_count
    }

    /// The text the remote asked to put on the clipboard (OSC 52) since the last call, if
    /// any: only the latest request is kept. Whether it may is the caller's decision.
    pub fn take_clipboard_request(&mut self) -> Option<String> {
        self.hooks_mut().events.clipboard_request.take()
    }

    /// DECCKM: arrows, Home and End send `ESC O x` instead of `ESC [ x`.
    pub fn application_cursor(&self) -> bool {
        self.screen().application_cursor()
    }

    /// DECSET 2004: pastes must be wrapped in `ESC [200~` ... `ESC [201~`.
    pub fn bracketed_paste(&self) -> bool {
        self.screen().bracketed_paste()
    }

    /// Whether a full-screen program (vim, less, htop) switched to the alternate screen.
    pub fn alternate_screen(&self) -> bool {
        self.screen().alternate_screen()
    }

    pub fn mouse_reporting(&self) -> MouseReporting {
        MouseReporting {
            mode: self.screen().mouse_protocol_mode(),
            encoding: self.screen().mouse_protocol_encoding(),
        }
    }

    /// Answers to the questions the remote asked (device attributes, status, cursor position)
    /// since the last call, to send back on its channel.
    pub fn take_replies(&mut self) -> Option<Vec<u8>> {
        self.hooks_mut().replies.take()
    }

    /// The cursor shape the remote asked for with DECSCUSR (`ESC [ n SP q`).
    pub fn cursor_style(&self) -> CursorStyle {
        self.screen().cursor_style()
    }

    /// DECSET 1004: the remote wants `ESC [ I` when the tab gains focus and `ESC [ O` when it
    /// loses it.
    pub fn focus_reporting(&self) -> bool {
        self.stream_state.focus_reporting()
    }

    /// The synchronized update (DECSET 2026) the remote has begun and not yet ended, numbered
    /// so that a new one differs from the one before; `None` outside one.
    pub fn synchronized_update(&self) -> Option<u64> {
        self.stream_state.synchronized_update()
    }

    /// False after DECTCEM reset (`ESC [?25l`).
    pub fn cursor_visible(&self) -> bool {
        !self.screen().hide_cursor()
    }

    /// `(row, col)` of the cursor on the live screen, ignoring any scrollback offset.
    pub fn cursor_position(&self) -> (u16, u16) {
        self.screen().cursor_position()
    }

    /// `(row, col)` of the cursor within what is currently displayed: shifted down by the
    /// scrollback offset, and `None` once it has scrolled off the bottom or is hidden.
    pub fn cursor_in_view(&self) -> Option<(u16, u16)> {
        if !self.cursor_visible() {
            return None;
        }
        let (row, col) = self.cursor_position();
        let (rows, _) = self.size();
        let shifted_row = usize::from(row) + self.scrollback_offset();
        u16::try_from(shifted_row)
            .ok()
            .filter(|shifted| *shifted < rows)
            .map(|shifted| (shifted, col))
    }

    /// Moves the view `lines` further into history, stopping at the oldest line.
    pub fn scroll_up(&mut self, lines: usize) {
        let target = self.scrollback_offset().saturating_add(lines);
        self.set_scrollback_offset(target);
    }

    /// Moves the view `lines` back towards the live screen.
    pub fn scroll_down(&mut self, lines: usize) {
        let target = self.scrollback_offset().saturating_sub(lines);
        self.set_scrollback_offset(target);
    }

    pub fn scroll_to_bottom(&mut self) {
        self.set_scrollback_offset(0);
    }

    /// How many lines above the live screen the view starts; 0 when showing the live screen.
    pub fn scrollback_offset(&self) -> usize {
        self.primary_scrollback().map_or(0, Scrollback::offset)
    }

    /// Lines currently held in history (at most the capacity given to [`Terminal::new`]).
    pub fn scrollback_len(&self) -> usize {
        self.primary_scrollback().map_or(0, Scrollback::len)
    }

    pub fn is_scrolled(&self) -> bool {
        self.scrollback_offset() > 0
    }

    /// The displayed text (at the current scrollback offset), rows joined with newlines and
    /// trailing blanks dropped; wrapped lines are joined without a newline.
    pub fn contents(&self) -> String {
        if !self.is_scrolled() {
            return cell_marks::strip(&self.screen().contents()).into_owned();
        }
        let (rows, cols) = self.size();
        let screen_rows: Vec<String> = self.screen().rows(0, cols).collect();
        let mut contents = String::new();
        // Mirrors vt100's own `contents`, so the text does not change with where a row is kept.
        let mut previous_wrapped = false;
        for row in 0..rows {
            let (text, wrapped) = match self.displayed_row(row) {
                Some(DisplayedRow::History(line)) => (line.text_within(cols), line.wrapped),
                Some(DisplayedRow::Screen(screen_row)) => (
                    screen_rows
                        .get(usize::from(screen_row))
                        .map_or("", String::as_str),
                    self.screen().row_wrapped(screen_row),
                ),
                None => break,
            };
            contents.push_str(text);
            if text.is_empty() && previous_wrapped {
                contents.push('\n');
            }
            if !wrapped {
                contents.push('\n');
            }
            previous_wrapped = wrapped;
        }
        contents.truncate(contents.trim_end_matches('\n').len());
        cell_marks::strip(&contents).into_owned()
    }

    /// The text of one displayed row, or `None` past the last row.
    pub fn row_text(&self, row: u16) -> Option<String> {
        let (_, cols) = self.size();
        let text = match self.displayed_row(row)? {
            DisplayedRow::History(line) => line.text_within(cols).to_owned(),
            DisplayedRow::Screen(screen_row) => {
                self.screen().rows(0, cols).nth(usize::from(screen_row))?
            }
        };
        Some(cell_marks::strip(&text).into_owned())
    }

    /// What row `row` of the display shows, or `None` past the last row.
    pub(crate) fn displayed_row(&self, row: u16) -> Option<DisplayedRow<'_>> {
        let (rows, _) = self.size();
        if row >= rows {
            return None;
        }
        if let Some(line) = self
            .primary_scrollback()
            .and_then(|scrollback| scrollback.line_in_view(usize::from(row)))
        {
            return Some(DisplayedRow::History(line));
        }
        let screen_row = usize::from(row).checked_sub(self.scrollback_offset())?;
        u16::try_from(screen_row).ok().map(DisplayedRow::Screen)
    }

    /// A stamp for what live screen row `row` holds now: equal to one taken earlier only if the
    /// row cannot have changed in between (see `row_changes`).
    pub fn row_stamp(&self, row: u16) -> RowStamp {
        self.row_versions.stamp(row)
    }

    /// The columns of live screen row `row` that may have changed since it had stamp `then`,
    /// when that is known to be part of the row; `None` when any cell may have.
    pub fn changed_columns(&self, row: u16, then: RowStamp) -> Option<std::ops::Range<u16>> {
        self.row_versions.changed_columns(row, then)
    }

    pub(crate) fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// Bytes the history holds on the heap.
    #[cfg(test)]
    pub(crate) fn scrollback_heap_bytes(&self) -> usize {
        self.parser.callbacks().scrollback.heap_bytes()
    }

    /// The history, unless the alternate screen is showing: it has none, and its offset is 0
    /// (the primary screen's offset is kept for when it comes back, as vt100 did).
    fn primary_scrollback(&self) -> Option<&Scrollback> {
        (!self.alternate_screen()).then(|| &self.parser.callbacks().scrollback)
    }

    fn set_scrollback_offset(&mut self, offset: usize) {
        if !self.alternate_screen() {
            self.scrollback_mut().set_offset(offset);
        }
    }

    fn scrollback_mut(&mut self) -> &mut Scrollback {
        &mut self.hooks_mut().scrollback
    }

    fn hooks(&self) -> &ParserHooks {
        self.parser.callbacks()
    }

    fn hooks_mut(&mut self) -> &mut ParserHooks {
        self.parser.callbacks_mut()
    }
}
