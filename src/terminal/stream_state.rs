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

use std::borrow::Cow;

use super::cell_marks::STRUCK_UTF8;
use super::charsets::{Charset, Charsets, Slot};
use super::csi_params::{
    Csi, MODE_ALTERNATE_SCREEN, MODE_COLUMNS, MODE_FOCUS_REPORTING, MODE_INSERT,
    MODE_SAVE_CURSOR_AND_ALTERNATE_SCREEN, MODE_SYNCHRONIZED_OUTPUT,
};
use super::stand_ins::{INSERT_ONE_BLANK, StandIn, starts_character};

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
    Osc,
    /// DCS, SOS, PM and APC: end with ESC; controls inside are ignored.
    String,
}

/// The state of one tab's stream beside vt100's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StreamState {
    scan: Scan,
    charsets: Charsets,
    /// What DECSC saved, on the primary and the alternate screen: the sets, and whether text
    /// was struck through (part of the pen it saves).
    saved: [(Charsets, bool); 2],
    /// SGR 9: characters drawn now get the strikethrough mark (see `cell_marks`).
    struck: bool,
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

    /// The synchronized update in progress (DECSET 2026 until DECRST 2026), numbered so a new
    /// one can be told from the one before.
    pub(crate) fn synchronized_update(&self) -> Option<u64> {
        self.synchronized_update
    }

    /// The bytes vt100 should see for `bytes`, on a screen of `size` (rows, columns): the
    /// same, except for text drawn in a set other than ASCII, which comes as the Unicode
    /// characters it shows, and for what vt100 does not carry out (see `stand_ins`), which is
    /// followed by what does the same. Borrowed unless something had to change.
    pub(crate) fn filter<'a>(&mut self, bytes: &'a [u8], size: (u16, u16)) -> Cow<'a, [u8]> {
        let mut translated: Option<Vec<u8>> = None;
        let new_output = || Vec::with_capacity(bytes.len() + bytes.len() / 2);
        // `bytes[copied..]` has not been written to `translated` yet.
        let mut copied = 0;
        let mut index = 0;
        while index < bytes.len() {
            if self.scan == Scan::Csi(Csi::default())
                && let Some(length) = self.passed_over(&bytes[index..])
            {
                // A whole CSI sequence that changes nothing followed here (a colour).
                index += length;
                self.scan = Scan::Ground;
                continue;
            }
            if self.scan == Scan::Ground {
                let charset = self.charsets.in_use();
                if charset == Charset::Ascii && !self.insert_mode && !self.struck {
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
                    let mark = self.struck && self.ends_character(byte);
                    if shown.is_some() || insert || mark {
                        let translated = translated.get_or_insert_with(new_output);
                        translated.extend_from_slice(&bytes[copied..index]);
                        if insert {
                            translated.extend_from_slice(INSERT_ONE_BLANK);
                        }
                        match shown {
                            Some(shown) => translated.extend_from_slice(shown.as_bytes()),
                            None => translated.push(byte),
                        }
                        if mark {
                            translated.extend_from_slice(STRUCK_UTF8);
                        }
                        index += 1;
                        copied = index;
                        continue;
                    }
                }
            }
            if let Some(stand_in) = self.step(bytes[index]) {
                let translated = translated.get_or_insert_with(new_output);
                translated.extend_from_slice(&bytes[copied..=index]);
                stand_in.write(translated, size);
                copied = index + 1;
            }
            index += 1;
        }
        match translated {
            None => Cow::Borrowed(bytes),
            Some(mut translated) => {
                translated.extend_from_slice(&bytes[copied..]);
                Cow::Owned(translated)
            }
        }
    }

    /// The length of the CSI sequence `rest` starts with (after `ESC [`), when it is whole
    /// and changes nothing followed here, so it need not be read byte by byte: an output
    /// flood's colour changes. Only DECSET/DECRST, DECSTR and SGR touching strikethrough
    /// matter; anything unusual inside (a control, an ESC) is left to the byte-by-byte path.
    fn passed_over(&self, rest: &[u8]) -> Option<usize> {
        let end = rest.iter().position(|byte| !(0x20..0x40).contains(byte))?;
        let matters = match rest[end] {
            b'h' | b'l' | b'p' => true,
            // Strikethrough is 9 or 29, and ends with 0 as well.
            b'm' => self.struck || rest[..end].contains(&b'9'),
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
            Scan::Osc => {
                if byte == BEL {
                    self.scan = Scan::Ground;
                }
            }
            Scan::String => {}
        }
        None
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
            b']' => (Scan::Osc, None),
            b'P' | b'X' | b'^' | b'_' => (Scan::String, None),
            b'#' => (Scan::Hash, None),
            0x20..=0x2f => (
                Slot::of_intermediate(byte).map_or(Scan::EscapeIntermediate, Scan::Designating),
                None,
            ),
            b'7' => {
                self.saved[usize::from(self.alternate_screen)] = (self.charsets, self.struck);
                (Scan::Ground, None)
            }
            b'8' => {
                (self.charsets, self.struck) = self.saved[usize::from(self.alternate_screen)];
                (Scan::Ground, None)
            }
            b'c' => {
                *self = Self {
                    updates_begun: self.updates_begun,
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
            return None;
        }
        if final_byte == b'm' && !csi.private && !csi.other_marker && !csi.intermediate {
            if let Some(struck) = csi.strike {
                self.struck = struck;
            }
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
                self.saved[usize::from(self.alternate_screen)] = (self.charsets, self.struck);
                self.alternate_screen = true;
            } else {
                self.alternate_screen = false;
                (self.charsets, self.struck) = self.saved[0];
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

#[cfg(test)]
#[path = "stream_state_tests.rs"]
mod tests;
