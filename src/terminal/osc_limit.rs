//! A cap on Operating System Command strings (window titles, hyperlinks, clipboard requests).
//!
//! vte 0.15 with its `std` feature keeps an OSC's whole payload in a growing buffer until the
//! terminator comes: a remote printing `ESC ] 0 ;` and then 100 MB cost 100 MB here. Every
//! use tabsh has for an OSC is short, so the payload beyond [`MAX_OSC_BYTES`] never reaches
//! vt100; the terminator still does, so the sequence ends where the remote ends it.

use std::borrow::Cow;

/// The longest OSC payload passed on: room for any title, a long hyperlink or a clipboard
/// request of a few kilobytes.
pub(crate) const MAX_OSC_BYTES: usize = 16 * 1024;

const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    /// After ESC: `]` opens an OSC.
    Escape,
    /// In an OSC, this many payload bytes passed on so far.
    Osc { kept: usize },
    /// ESC inside an OSC: `\` ends it (ST); anything else ends it too and starts a new one.
    OscEscape,
}

#[derive(Debug, Default)]
pub(crate) struct OscLimit {
    state: State,
}

impl OscLimit {
    /// The bytes vt100 should see: `bytes` without OSC payload past the cap. Borrowed unless
    /// something had to be left out.
    pub(crate) fn filter<'a>(&mut self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut kept: Option<Vec<u8>> = None;
        let mut index = 0;
        while index < bytes.len() {
            if self.state == State::Ground {
                // Text between sequences: jump to the next ESC.
                match memchr::memchr(ESC, &bytes[index..]) {
                    Some(offset) => {
                        if let Some(kept) = &mut kept {
                            kept.extend_from_slice(&bytes[index..index + offset]);
                        }
                        index += offset;
                    }
                    None => {
                        if let Some(kept) = &mut kept {
                            kept.extend_from_slice(&bytes[index..]);
                        }
                        break;
                    }
                }
            }
            let byte = bytes[index];
            let (next, pass) = self.step(byte);
            self.state = next;
            match (pass, &mut kept) {
                (true, Some(kept)) => kept.push(byte),
                (false, None) => kept = Some(bytes[..index].to_vec()),
                _ => {}
            }
            index += 1;
        }
        match kept {
            Some(kept) => Cow::Owned(kept),
            None => Cow::Borrowed(bytes),
        }
    }

    /// The state after `byte`, and whether `byte` goes on to vt100.
    fn step(&self, byte: u8) -> (State, bool) {
        match (self.state, byte) {
            (State::Ground, ESC) => (State::Escape, true),
            (State::Ground, _) => (State::Ground, true),
            (State::Escape, b']') => (State::Osc { kept: 0 }, true),
            (State::Escape, ESC) => (State::Escape, true),
            (State::Escape, _) => (State::Ground, true),
            (State::Osc { .. }, ESC) => (State::OscEscape, true),
            (State::Osc { .. }, BEL | CAN | SUB) => (State::Ground, true),
            (State::Osc { kept }, _) if kept < MAX_OSC_BYTES => {
                (State::Osc { kept: kept + 1 }, true)
            }
            (State::Osc { kept }, _) => (State::Osc { kept }, false),
            (State::OscEscape, b']') => (State::Osc { kept: 0 }, true),
            (State::OscEscape, ESC) => (State::Escape, true),
            (State::OscEscape, _) => (State::Ground, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The stream with every OSC payload cut to the cap, written the simple way.
    fn capped_by_hand(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut state = State::Ground;
        for &byte in stream {
            let (next, pass) = OscLimit { state }.step(byte);
            state = next;
            if pass {
                out.push(byte);
            }
        }
        out
    }

    #[test]
    fn a_long_title_is_cut_and_still_ends_where_the_remote_ends_it() {
        let mut limit = OscLimit::default();
        let mut passed = Vec::new();
        passed.extend_from_slice(&limit.filter(b"before\x1b]0;"));
        for _ in 0..100 {
            passed.extend_from_slice(&limit.filter(&[b'a'; 1024]));
        }
        passed.extend_from_slice(&limit.filter(b"\x07after\x1b]2;short\x1b\\"));
        // The payload counts from after `]`: `0;` and then the first title bytes.
        let expected: Vec<u8> = [
            &b"before\x1b]0;"[..],
            &vec![b'a'; MAX_OSC_BYTES - 2],
            &b"\x07after\x1b]2;short\x1b\\"[..],
        ]
        .concat();
        assert!(
            passed == expected,
            "{} bytes passed, {} expected",
            passed.len(),
            expected.len()
        );
    }

    #[test]
    fn text_and_other_sequences_pass_untouched_and_uncopied() {
        let mut limit = OscLimit::default();
        let text = b"\x1b[1;31mred\x1b[0m plain\r\n\x1b]0;title\x07";
        assert!(matches!(limit.filter(text), Cow::Borrowed(_)));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Cut anywhere, the stream comes out as if filtered in one piece.
        #[test]
        fn cuts_do_not_matter(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(b"\x1b]0;".to_vec()),
                    Just(b"\x07".to_vec()),
                    Just(b"\x1b\\".to_vec()),
                    Just(b"\x1b".to_vec()),
                    Just(vec![b'x'; MAX_OSC_BYTES / 3]),
                    proptest::collection::vec(any::<u8>(), 0..64),
                ],
                0..24,
            ),
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
        ) {
            let stream = pieces.concat();
            let mut at: Vec<usize> = cuts.iter().map(|cut| cut % (stream.len() + 1)).collect();
            at.sort_unstable();
            let mut limit = OscLimit::default();
            let mut passed = Vec::new();
            let mut start = 0;
            for end in at.into_iter().chain([stream.len()]) {
                passed.extend_from_slice(&limit.filter(&stream[start..end]));
                start = end;
            }
            let expected = capped_by_hand(&stream);
            prop_assert!(passed == expected, "{} bytes passed, {} expected", passed.len(), expected.len());
        }
    }
}
