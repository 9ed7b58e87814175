//! Holds back a UTF-8 character cut off at the end of a read until the rest of it arrives, so
//! vt100's parser only ever sees whole characters.
//!
//! vte 0.15 keeps such a partial character itself, but completing it from the next read can
//! lose characters: it copies up to three bytes ahead, and when those hold the rest of the
//! character, ASCII, then the start of another multi-byte character, it prints the first
//! character and skips the ASCII with it (`Parser::advance_partial_utf8` consumes everything
//! valid but prints one character). Text in Cyrillic, Greek or with accents, cut after the first
//! byte of a character (`"П|" + " мир"`), lost the space. Fed whole, the same bytes parse as
//! they do in one piece or one byte at a time.

#[derive(Debug, Default)]
pub(crate) struct Utf8Tail {
    /// The end of the last read, from where vte would still be waiting for a character's
    /// bytes; rarely more than three bytes.
    held: Vec<u8>,
}

impl Utf8Tail {
    /// Hands `bytes` to `parse` in pieces that end between characters: what was held back
    /// joined with `bytes` (a copy, only when something was held), less what is held back now.
    pub(crate) fn pass(&mut self, bytes: &[u8], parse: impl FnMut(&[u8])) {
        if self.held.is_empty() {
            self.pass_and_hold(bytes, parse);
        } else {
            let mut joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(bytes);
            self.pass_and_hold(&joined, parse);
        }
    }

    fn pass_and_hold(&mut self, bytes: &[u8], mut parse: impl FnMut(&[u8])) {
        // vte waits for the rest of a character that ends a piece, and reads a bad start as
        // bad only with the byte after it: so the held part goes back over starts left
        // dangling in front of it (`\xc3` before `\xf0\x9f`).
        let mut whole = bytes.len();
        while let cut @ 1.. = cut_off_len(&bytes[..whole]) {
            whole -= cut;
        }
        if whole > 0 {
            parse(&bytes[..whole]);
        }
        self.held.clear();
        self.held.extend_from_slice(&bytes[whole..]);
    }
}

/// Bytes at the end of `bytes` that begin a character without finishing it.
fn cut_off_len(bytes: &[u8]) -> usize {
    for len in 1..=3.min(bytes.len()) {
        let tail = &bytes[bytes.len() - len..];
        if !is_continuation(tail[0]) {
            // A valid start that ran out of bytes; anything else the parser reads as it is.
            return match std::str::from_utf8(tail) {
                Err(error) if error.valid_up_to() == 0 && error.error_len().is_none() => len,
                _ => 0,
            };
        }
    }
    0
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xc0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::Utf8Tail;

    /// The pieces `reads` reach the parser in.
    fn passed(reads: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut tail = Utf8Tail::default();
        let mut pieces = Vec::new();
        for read in reads {
            tail.pass(read, |piece| pieces.push(piece.to_vec()));
        }
        pieces
    }

    #[test]
    fn a_character_cut_off_is_passed_whole_with_the_next_read() {
        // The first read ends in the first byte of 'П'.
        let pieces = passed(&[b"x \xd0", b"\x9f", " мир".as_bytes()]);
        let expected: Vec<Vec<u8>> = vec![
            b"x ".to_vec(),
            "П".as_bytes().to_vec(),
            " мир".as_bytes().to_vec(),
        ];
        assert_eq!(pieces, expected);
    }

    #[test]
    fn a_character_may_arrive_a_byte_at_a_time() {
        let pieces = passed(&[b"\xe6", b"\xbc", b"\xa2ok"]);
        assert_eq!(pieces, vec!["漢ok".as_bytes().to_vec()]);
    }

    #[test]
    fn bytes_that_cannot_become_a_character_are_not_held() {
        for read in [&b"a\xff"[..], b"a\x80", b"a\xe0\x80", b"\x1b"] {
            assert_eq!(passed(&[read]), vec![read.to_vec()], "{read:?}");
        }
        // A start that turns out wrong goes to the parser with what followed it.
        assert_eq!(
            passed(&[b"a\xe6", b"b\x1b[m"]),
            vec![b"a".to_vec(), b"\xe6b\x1b[m".to_vec()]
        );
        // A bad start is held with the start after it, which shows it bad.
        assert_eq!(
            passed(&[b"a\xc3\xf0\x9f", "\u{1f600}".as_bytes()[2..].as_ref()]),
            vec![b"a".to_vec(), b"\xc3\xf0\x9f\x98\x80".to_vec()]
        );
    }
}
