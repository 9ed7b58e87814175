//! What tabsh follows in the remote byte stream beside vt100, which does not keep it: the
//! character sets (text drawn in DEC special graphics is handed to vt100 as box drawing, see
//! `charsets`), focus reporting (DECSET 1004) and synchronized output (DECSET 2026).
//!
//! The bytes are read once, before vt100 parses them, by a scanner that follows vte 0.15's
//! states closely enough to tell text from sequences: only text is translated, and only
//! complete sequences change a mode. The state carries over between reads, so a stream gives
//! the same result however it is cut. Text is skipped at memchr speed while the set in use is
//! ASCII, so an output flood pays one pass over its bytes for the three bytes that matter.
//!
//! Followed as xterm does: DECSC (`ESC 7`) saves the sets with the cursor and DECRC (`ESC 8`)
//! restores them, one slot for each screen; DECSET 1049 saves them on the way to the
//! alternate screen and restores them on the way back; RIS (`ESC c`) resets everything and
//! DECSTR (`CSI ! p`) the sets.
//!
//! Underline styles and colours and hyperlinks are followed here too (see `decorations`): an
//! SGR sequence vt100 would misread and an OSC 8 are held back until they end, so that vt100
//! gets the one rewritten and never sees the other, however the stream is cut.

use std::borrow::Cow;
use std::sync::Arc;

use super::cell_marks::STRUCK_UTF8;
use super::charsets::{Charset, Charsets, Slot};
use super::csi_params::{
    Csi, MODE_ALTERNATE_SCREEN, MODE_COLUMNS, MODE_FOCUS_REPORTING, MODE_INSERT,
    MODE_SAVE_CURSOR_AND_ALTERNATE_SCREEN, MODE_SYNCHRONIZED_OUTPUT,
};
use super::decorations::Decorations;
use super::pass_output::PassOutput;
use super::stand_ins::{INSERT_ONE_BLANK, StandIn, starts_character};
use super::underline_sgr::{self, UnderlinePen};
use held::{Ending, MAX_HELD_BYTES, OscKind};

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;
/// Shift out: G1 in use.
const SO: u8 = 0x0e;
/// Shift in: G0 in use.
const SI: u8 = 0x0f;

/// Where the scanner is, after vte's states.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Scan {
    #[default]
    Ground,
    Escape,
    /// After `ESC (` or `ESC )`: the next final byte names a set.
    Designating(Slot),
    /// After `ESC #`: `8` is DECALN.
    Hash,
    /// After other intermediates: the sequence does nothing followed here.
    EscapeIntermediate,
    Csi(Csi),
    /// OSC: ends with BEL, or ESC (ST is `ESC \`); controls inside are ignored.
    Osc(OscKind),
    /// DCS, SOS, PM and APC: end with ESC; controls inside are ignored.
    String,
}

/// The state of one tab's stream beside vt100's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StreamState {
    scan: Scan,
    charsets: Charsets,
    /// What DECSC saved, on the primary and the alternate screen: the sets, whether text was
    /// struck through and how it was underlined (part of the pen it saves).
    saved: [(Charsets, bool, UnderlinePen); 2],
    /// SGR 9: characters drawn now get the strikethrough mark (see `cell_marks`).
    struck: bool,
    underline: UnderlinePen,
    /// The hyperlink characters drawn now belong to (OSC 8).
    link: Option<Arc<str>>,
    /// The mark of the underline and link characters drawn now get, unless they are plain.
    mark: Option<[u8; 4]>,
    /// The underline or link changed: the mark is looked up again.
    pen_changed: bool,
    /// The sequence being read is held back from vt100 until it ends; these are its bytes from
    /// earlier reads.
    held: Vec<u8>,
    holding: bool,
    /// The sequence held back is an SGR that has just ended.
    sgr_ended: bool,
    /// The sequence held back is a hyperlink that BEL has just ended (CAN and SUB cancel one,
    /// and vt100 is left to ignore it).
    link_ended: bool,
    /// A hyperlink ended by ESC was left out: the ST it begins goes too.
    link_left_out: bool,
    /// Bytes still to come of the UTF-8 character being drawn, whose mark follows them.
    utf8_left: u8,
    alternate_screen: bool,
    /// IRM: characters are inserted, not written over.
    insert_mode: bool,
    focus_reporting: bool,
    /// Counts the synchronized updates begun; `Some` while one is open.
    synchronized_update: Option<u64>,
    updates_begun: u64,
}

impl StreamState {
    /// Whether the remote asked for focus-in and focus-out reports (DECSET 1004).
    pub(crate) fn focus_reporting(&self) -> bool {
        self.focus_reporting
    }

    /// Bytes of a sequence held back from earlier reads.
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        self.held.len()
    }

    /// The synchronized update in progress (DECSET 2026 until DECRST 2026), numbered so a new
    /// one can be told from the one before.
    pub(crate) fn synchronized_update(&self) -> Option<u64> {
        self.synchronized_update
    }

    /// The bytes vt100 should see for `bytes`, on a screen of `size` (rows, columns): the
    /// same, except for text drawn in a set other than ASCII, which comes as the Unicode
    /// characters it shows, for what vt100 does not carry out (see `stand_ins`), which is
    /// followed by what does the same, for marks after characters drawn struck through,
    /// underlined in style or linked, whose decorations `decorations` numbers, and for
    /// underline sequences and hyperlinks, rewritten or left out. Borrowed unless something had
    /// to change.
    pub(crate) fn filter<'a>(
        &mut self,
        bytes: &'a [u8],
        size: (u16, u16),
        decorations: &mut Decorations,
    ) -> Cow<'a, [u8]> {
        let mut out = PassOutput::new(bytes);
        // Where the sequence held back starts in this read; `None`: in an earlier one.
        let mut held_from: Option<usize> = None;
        let mut index = 0;
        while index < bytes.len() {
            if self.scan == Scan::Csi(Csi::default())
                && let Some(length) = self.passed_over(&bytes[index..])
            {
                // A whole CSI sequence that changes nothing followed here (a colour).
                index += length;
                self.scan = Scan::Ground;
                if self.holding {
                    let last = bytes[index - 1];
                    self.end_held(&mut out, bytes, held_from, index, Ending::With(last));
                }
                continue;
            }
            if self.scan == Scan::Ground {
                let charset = self.charsets.in_use();
                if charset == Charset::Ascii
                    && !self.insert_mode
                    && !self.struck
                    && self.mark.is_none()
                {
                    // Nothing to translate: jump to what can change the state.
                    match memchr::memchr3(ESC, SO, SI, &bytes[index..]) {
                        Some(offset) => index += offset,
                        None => break,
                    }
                    // A colour change whole in this read is passed over at once.
                    if bytes[index] == ESC
                        && bytes.get(index + 1) == Some(&b'[')
                        && let Some(length) = self.passed_over(&bytes[index + 2..])
                    {
                        index += 2 + length;
                        continue;
                    }
                } else {
                    let byte = bytes[index];
                    let shown = charset.map(byte);
                    let insert = self.insert_mode && starts_character(byte);
                    let marked = (self.struck || self.mark.is_some()) && self.ends_character(byte);
                    if shown.is_some() || insert || marked {
                        let translated = out.up_to(index);
                        if insert {
                            translated.extend_from_slice(INSERT_ONE_BLANK);
                        }
                        match shown {
                            Some(shown) => translated.extend_from_slice(shown.as_bytes()),
                            None => translated.push(byte),
                        }
                        if marked && self.struck {
                            translated.extend_from_slice(STRUCK_UTF8);
                        }
                        if let Some(mark) = self.mark.filter(|_| marked) {
                            translated.extend_from_slice(&mark);
                        }
                        index += 1;
                        out.skip_to(index);
                        continue;
                    }
                }
            }
            let byte = bytes[index];
            if self.holding && byte == ESC {
                self.end_held(&mut out, bytes, held_from, index, Ending::BeforeEscape);
            }
            let stand_in = self.step(byte);
            if self.holding {
                if !self.holds_sequence() {
                    self.end_held(&mut out, bytes, held_from, index + 1, Ending::With(byte));
                }
            } else if self.scan == Scan::Escape {
                self.holding = true;
                held_from = Some(index);
            }
            if self.pen_changed {
                self.choose_mark(decorations);
            }
            if let Some(stand_in) = stand_in {
                stand_in.write(out.up_to(index + 1), size);
            }
            index += 1;
        }
        let mut output = out.finish(if self.holding {
            held_from.unwrap_or(0)
        } else {
            bytes.len()
        });
        if self.holding {
            self.held
                .extend_from_slice(&bytes[held_from.unwrap_or(0)..]);
            if self.held.len() > MAX_HELD_BYTES {
                self.release_overlong(output.to_mut());
                self.choose_mark(decorations);
            }
        }
        output
    }

    /// The length of the CSI sequence `rest` starts with (after `ESC [`), when it is whole
    /// and changes nothing followed here, so it need not be read byte by byte: an output
    /// flood's colour changes. Only DECSET/DECRST, DECSTR and SGR touching strikethrough,
    /// underline styles and colours matter; anything unusual inside (a control, an ESC) is
    /// left to the byte-by-byte path.
    fn passed_over(&self, rest: &[u8]) -> Option<usize> {
        let end = rest.iter().position(|byte| !(0x20..0x40).contains(byte))?;
        let matters = match rest[end] {
            b'h' | b'l' | b'p' => true,
            // Strikethrough is 9 or 29, and ends with 0 as well.
            b'm' => {
                self.struck
                    || self.mark.is_some()
                    || rest[..end].contains(&b'9')
                    || underline_sgr::may_matter(&rest[..end])
            }
            0x40..=0x7e => false,
            _ => true,
        };
        (!matters).then_some(end + 1)
    }

    /// Whether `byte`, between sequences, ends a character that vt100 draws.
    fn ends_character(&mut self, byte: u8) -> bool {
        let (left, ends) = match byte {
            0x20..=0x7e => (0, true),
            0x80..=0xbf if self.utf8_left > 0 => (self.utf8_left - 1, self.utf8_left == 1),
            0xc0..=0xdf => (1, false),
            0xe0..=0xef => (2, false),
            0xf0..=0xf7 => (3, false),
            _ => (0, false),
        };
        self.utf8_left = left;
        ends
    }

    /// Follows `byte`; returns what must follow it for vt100, if anything.
    fn step(&mut self, byte: u8) -> Option<StandIn> {
        // vte's transitions from anywhere.
        match byte {
            CAN | SUB => {
                self.scan = Scan::Ground;
                return None;
            }
            ESC => {
                self.scan = Scan::Escape;
                return None;
            }
            _ => {}
        }
        match self.scan {
            Scan::Ground
            | Scan::Escape
            | Scan::Designating(_)
            | Scan::Hash
            | Scan::EscapeIntermediate
            | Scan::Csi(_)
                if byte < 0x20 =>
            {
                self.execute(byte)
            }
            Scan::Ground => {}
            Scan::Escape => return self.after_escape(byte),
            Scan::Hash => {
                if (0x30..=0x7e).contains(&byte) {
                    self.scan = Scan::Ground;
                    return (byte == b'8').then_some(StandIn::ScreenAlignment);
                } else if (0x20..=0x2f).contains(&byte) {
                    self.scan = Scan::EscapeIntermediate;
                }
            }
            Scan::Designating(slot) => {
                if (0x30..=0x7e).contains(&byte) {
                    if let Some(charset) = Charset::designated_by(byte) {
                        self.charsets.designate(slot, charset);
                    }
                    self.scan = Scan::Ground;
                } else if (0x20..=0x2f).contains(&byte) {
                    self.scan = Scan::EscapeIntermediate;
                }
            }
            Scan::EscapeIntermediate => {
                if (0x30..=0x7e).contains(&byte) {
                    self.scan = Scan::Ground;
                }
            }
            Scan::Csi(mut csi) => {
                if (0x40..=0x7e).contains(&byte) {
                    self.scan = Scan::Ground;
                    if !csi.ignored {
                        csi.finish_param();
                        return self.dispatch_csi(csi, byte);
                    }
                } else {
                    csi.take(byte);
                    self.scan = Scan::Csi(csi);
                }
            }
            Scan::Osc(kind) => {
                if byte == BEL {
                    self.link_ended = kind == OscKind::Link;
                    self.scan = Scan::Ground;
                } else {
                    self.scan = Scan::Osc(kind.after(byte));
                }
            }
            Scan::String => {}
        }
        None
    }

    /// What DECSC saves of the pen and the sets.
    fn pen(&self) -> (Charsets, bool, UnderlinePen) {
        (self.charsets, self.struck, self.underline)
    }

    fn set_pen(&mut self, (charsets, struck, underline): (Charsets, bool, UnderlinePen)) {
        self.pen_changed |= self.underline != underline;
        (self.charsets, self.struck, self.underline) = (charsets, struck, underline);
    }

    /// A C0 control, carried out between sequences and inside ESC and CSI ones.
    fn execute(&mut self, byte: u8) {
        match byte {
            SO => self.charsets.shift_out(),
            SI => self.charsets.shift_in(),
            _ => {}
        }
    }

    /// The byte after ESC; returns what must follow the sequence for vt100, if anything.
    fn after_escape(&mut self, byte: u8) -> Option<StandIn> {
        let (scan, stand_in) = match byte {
            b'[' => (Scan::Csi(Csi::default()), None),
            b']' => (Scan::Osc(OscKind::Start), None),
            b'P' | b'X' | b'^' | b'_' => (Scan::String, None),
            b'#' => (Scan::Hash, None),
            0x20..=0x2f => (
                Slot::of_intermediate(byte).map_or(Scan::EscapeIntermediate, Scan::Designating),
                None,
            ),
            b'7' => {
                self.saved[usize::from(self.alternate_screen)] = self.pen();
                (Scan::Ground, None)
            }
            b'8' => {
                self.set_pen(self.saved[usize::from(self.alternate_screen)]);
                (Scan::Ground, None)
            }
            b'c' => {
                // The sequence itself is still held back.
                *self = Self {
                    updates_begun: self.updates_begun,
                    held: std::mem::take(&mut self.held),
                    holding: self.holding,
                    ..Self::default()
                };
                (Scan::Ground, None)
            }
            b'D' => (Scan::Ground, Some(StandIn::Index)),
            b'E' => (Scan::Ground, Some(StandIn::NextLine)),
            0x30..=0x7e => (Scan::Ground, None),
            _ => (Scan::Escape, None),
        };
        self.scan = scan;
        stand_in
    }

    /// Carries out a CSI sequence; returns what must follow it for vt100, if anything.
    fn dispatch_csi(&mut self, csi: Csi, final_byte: u8) -> Option<StandIn> {
        if csi.bang && !csi.private && final_byte == b'p' {
            self.charsets = Charsets::default();
            self.insert_mode = false;
            self.struck = false;
            self.pen_changed |= !self.underline.is_default();
            self.underline = UnderlinePen::default();
            return None;
        }
        if final_byte == b'm' && !csi.private && !csi.other_marker && !csi.intermediate {
            if let Some(struck) = csi.strike {
                self.struck = struck;
            }
            self.sgr_ended = self.holding;
            return None;
        }
        let set = match final_byte {
            b'h' => true,
            b'l' => false,
            _ => return None,
        };
        if csi.bang {
            return None;
        }
        if !csi.private {
            if csi.modes.has(MODE_INSERT) {
                self.insert_mode = set;
            }
            return None;
        }
        // In the order vt100 carries them out when one sequence names several.
        if csi.modes.has(MODE_ALTERNATE_SCREEN) {
            self.alternate_screen = set;
        }
        if csi.modes.has(MODE_SAVE_CURSOR_AND_ALTERNATE_SCREEN) {
            if set {
                self.saved[usize::from(self.alternate_screen)] = self.pen();
                self.alternate_screen = true;
            } else {
                self.alternate_screen = false;
                self.set_pen(self.saved[0]);
            }
        }
        if csi.modes.has(MODE_FOCUS_REPORTING) {
            self.focus_reporting = set;
        }
        if csi.modes.has(MODE_SYNCHRONIZED_OUTPUT) {
            match (set, self.synchronized_update) {
                (true, None) => {
                    self.updates_begun += 1;
                    self.synchronized_update = Some(self.updates_begun);
                }
                (false, _) => self.synchronized_update = None,
                (true, Some(_)) => {}
            }
        }
        csi.modes
            .has(MODE_COLUMNS)
            .then_some(StandIn::ClearForColumnMode)
    }
}

#[path = "stream_held.rs"]
mod held;

#[cfg(test)]
#[path = "stream_state_tests.rs"]
mod tests;
