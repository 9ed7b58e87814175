//! Follows the byte stream closely enough to know when vt100's parser (vte 0.15) is certainly
//! between escape sequences, where printable text is drawn as text.
//!
//! Why it matters: vte carries out CR and LF even inside an unfinished CSI sequence, so a line
//! that looks like plain text can still be the tail of a sequence. The shortcut for output
//! floods (see `plain_lines`) only skips lines it knows vte would draw as text.
//!
//! The model is coarser than vte's and errs one way only: it may think a sequence is still open
//! when vte has already left it (e.g. a DCS string ended by the 8-bit ST byte), which merely
//! keeps the shortcut off until the next ESC, CAN or SUB; it never thinks the parser is between
//! sequences when it is not. vte leaves its ground state only on ESC.

const ESC: u8 = 0x1b;
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;
const BEL: u8 = 0x07;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum SequenceState {
    /// Between sequences: printable bytes are drawn.
    #[default]
    Ground,
    Escape,
    EscapeIntermediate,
    /// CSI entry, parameters, intermediates or ignored: all end with a final byte.
    Csi,
    /// OSC: ends with BEL or ST (`ESC \`).
    Osc,
    /// DCS, SOS, PM and APC strings: end with ST.
    String,
}

impl SequenceState {
    pub(crate) fn between_sequences(self) -> bool {
        self == Self::Ground
    }

    /// The state after `bytes`.
    pub(crate) fn after(mut self, bytes: &[u8]) -> Self {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self == Self::Ground {
                // Only ESC leaves the ground state, so plain text is skipped at memchr speed.
                let Some(escape) = memchr::memchr(ESC, rest) else {
                    return self;
                };
                self = Self::Escape;
                rest = &rest[escape + 1..];
                continue;
            }
            self = self.after_byte(rest[0]);
            rest = &rest[1..];
        }
        self
    }

    fn after_byte(self, byte: u8) -> Self {
        // vte's "anywhere" transitions, valid in every state.
        match byte {
            CAN | SUB => return Self::Ground,
            ESC => return Self::Escape,
            _ => {}
        }
        match (self, byte) {
            (Self::Escape, 0x20..=0x2f) => Self::EscapeIntermediate,
            (Self::Escape, b'[') => Self::Csi,
            (Self::Escape, b']') => Self::Osc,
            (Self::Escape, b'P' | b'X' | b'^' | b'_') => Self::String,
            (Self::Escape | Self::EscapeIntermediate | Self::Csi, 0x40..=0x7e)
            | (Self::Escape | Self::EscapeIntermediate, 0x30..=0x3f)
            | (Self::Osc, BEL) => Self::Ground,
            // Controls are carried out inside a sequence without ending it; other bytes are
            // parameters, string contents or ignored.
            (state, _) => state,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SequenceState;

    fn after(bytes: &[u8]) -> SequenceState {
        SequenceState::Ground.after(bytes)
    }

    #[test]
    fn plain_text_and_finished_sequences_end_between_sequences() {
        for bytes in [
            &b"plain text\r\n"[..],
            b"\x1b[31mred\x1b[m\r\n",
            b"\x1b]0;title\x07",
            b"\x1b]0;title\x1b\\",
            b"\x1b(B",
            b"\x1b7\x1b8",
            b"\x1bc",
            b"\x1bP1$r\x1b\\",
            b"\x1b_apc\x1b\\",
            b"\x1b[5\x18",
            b"\x1b]unfinished\x1a",
        ] {
            assert!(after(bytes).between_sequences(), "{bytes:?}");
        }
    }

    #[test]
    fn unfinished_sequences_are_noticed_even_across_line_ends() {
        for bytes in [
            &b"\x1b"[..],
            b"\x1b[",
            b"\x1b[5\r\n12",
            b"\x1b[?25",
            b"\x1b(",
            b"\x1b]0;title\r\nmore",
            b"\x1bPq\r\n#0",
            b"\x1b^private\r\n",
            b"text\x1b[1;3",
        ] {
            assert!(!after(bytes).between_sequences(), "{bytes:?}");
        }
    }

    #[test]
    fn the_state_carries_over_between_chunks() {
        let state = after(b"\x1b[3");
        assert_eq!(state, SequenceState::Csi);
        assert!(state.after(b"1mred").between_sequences());
        assert_eq!(after(b"\x1b]2;ti").after(b"tle"), SequenceState::Osc);
    }
}
