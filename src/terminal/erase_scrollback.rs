//! Spots the sequences that erase scrollback in the byte stream: "erase saved lines"
//! (`ESC [ 3 J`, sent by `clear`) and full reset (`ESC c`, sent by `reset`).
//!
//! vt100 handles them by clearing its own scrollback, which we keep empty, and does not tell its
//! callbacks; so we watch for them ourselves. The state survives between feeds because a
//! sequence can arrive split across reads.

/// Longest parameter string worth remembering; ED's is one or two bytes.
const MAX_PARAMS: usize = 4;

#[derive(Debug, Default)]
pub(crate) struct EraseScrollbackDetector {
    state: State,
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Ground,
    Escape,
    Csi {
        params: [u8; MAX_PARAMS],
        len: usize,
        /// Too long or with intermediates: cannot be ED 3.
        spoiled: bool,
    },
}

impl EraseScrollbackDetector {
    /// The index just after the first ED 3 or RIS that completes in `bytes`, if any.
    pub(crate) fn find_in(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut index = 0;
        while index < bytes.len() {
            if matches!(self.state, State::Ground) {
                // Only ESC starts what is looked for, so text is skipped at memchr speed.
                index += memchr::memchr(0x1b, &bytes[index..])?;
            }
            if self.advance(bytes[index]) {
                return Some(index + 1);
            }
            index += 1;
        }
        None
    }

    /// Follows one byte as vte's parser would (as far as CSI goes); true when it ends an ED 3 or
    /// a RIS.
    fn advance(&mut self, byte: u8) -> bool {
        const ESC: u8 = 0x1b;
        const CAN: u8 = 0x18;
        const SUB: u8 = 0x1a;
        match (&mut self.state, byte) {
            (_, ESC) => self.state = State::Escape,
            (State::Escape, b'c') => {
                self.state = State::Ground;
                return true;
            }
            (State::Escape, b'[') => {
                self.state = State::Csi {
                    params: [0; MAX_PARAMS],
                    len: 0,
                    spoiled: false,
                }
            }
            (State::Csi { .. }, CAN | SUB) => self.state = State::Ground,
            // Other C0 controls are carried out in the middle of a sequence without ending it.
            (State::Csi { .. }, 0x00..=0x1f | 0x7f) => {}
            (
                State::Csi {
                    params,
                    len,
                    spoiled,
                },
                0x30..=0x3f,
            ) => {
                let first_param_done = params[..*len].iter().any(|b| matches!(b, b';' | b':'));
                if first_param_done {
                    // vt100 reads only the first parameter of ED.
                } else if *len == MAX_PARAMS {
                    *spoiled = true;
                } else {
                    params[*len] = byte;
                    *len += 1;
                }
            }
            (State::Csi { spoiled, .. }, 0x20..=0x2f) => *spoiled = true,
            (
                State::Csi {
                    params,
                    len,
                    spoiled,
                },
                final_byte,
            ) => {
                let is_erase_saved_lines =
                    final_byte == b'J' && !*spoiled && first_param_is_three(&params[..*len]);
                self.state = State::Ground;
                return is_erase_saved_lines;
            }
            _ => self.state = State::Ground,
        }
        false
    }
}

/// `3`, `?3`, `03;1` and the like: what vt100 reads as ED (or DECSED) 3.
fn first_param_is_three(params: &[u8]) -> bool {
    let params = params.strip_prefix(b"?").unwrap_or(params);
    let first = params
        .split(|byte| matches!(byte, b';' | b':'))
        .next()
        .unwrap_or_default();
    !first.is_empty()
        && first.iter().all(u8::is_ascii_digit)
        && first.iter().rev().skip(1).all(|digit| *digit == b'0')
        && first.last() == Some(&b'3')
}

#[cfg(test)]
mod tests {
    use super::EraseScrollbackDetector;

    fn positions(chunks: &[&[u8]]) -> Vec<Option<usize>> {
        let mut detector = EraseScrollbackDetector::default();
        chunks.iter().map(|chunk| detector.find_in(chunk)).collect()
    }

    #[test]
    fn finds_the_sequence_clear_sends() {
        assert_eq!(positions(&[b"\x1b[H\x1b[2J\x1b[3J$ "]), [Some(11)]);
        assert_eq!(positions(&[b"\x1b[?3J"]), [Some(5)]);
        assert_eq!(positions(&[b"\x1b[03;1J"]), [Some(7)]);
        assert_eq!(positions(&[b"$ reset\r\n\x1bc"]), [Some(11)]);
    }

    #[test]
    fn finds_it_split_across_feeds() {
        assert_eq!(
            positions(&[b"text\x1b", b"[", b"3", b"Jmore"]),
            [None, None, None, Some(1)]
        );
    }

    #[test]
    fn leaves_other_sequences_alone() {
        let others: [&[u8]; 6] = [
            b"\x1b[2J",
            b"\x1b[3K",
            b"\x1b[13J",
            b"\x1b[1;3J",
            b"3J",
            b"\x1b[3\x18J",
        ];
        for bytes in others {
            assert_eq!(positions(&[bytes]), [None], "{bytes:?}");
        }
    }
}
