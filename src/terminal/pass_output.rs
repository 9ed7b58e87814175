//! What the pass before vt100 (`stream_state`) hands on for one read: the read itself, borrowed,
//! until something in it has to change; from then on a copy with the changes.

use std::borrow::Cow;

pub(super) struct PassOutput<'a> {
    bytes: &'a [u8],
    changed: Option<Vec<u8>>,
    /// `bytes[copied..]` has not been written to `changed` yet.
    copied: usize,
}

impl<'a> PassOutput<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            changed: None,
            copied: 0,
        }
    }

    /// The copy, with the read's bytes before `upto` in it: what comes next is written after.
    pub(super) fn up_to(&mut self, upto: usize) -> &mut Vec<u8> {
        let bytes = self.bytes;
        let changed = self
            .changed
            .get_or_insert_with(|| Vec::with_capacity(bytes.len() + bytes.len() / 2));
        if upto > self.copied {
            changed.extend_from_slice(&bytes[self.copied..upto]);
            self.copied = upto;
        }
        changed
    }

    /// Leaves the read's bytes before `from` out.
    pub(super) fn skip_to(&mut self, from: usize) {
        self.copied = self.copied.max(from);
    }

    /// Bytes written ahead of the read's own, which all come after them.
    pub(super) fn insert_before_read(&mut self, before: &[u8]) {
        self.up_to(0).extend_from_slice(before);
    }

    /// The output, with the read's bytes up to `end` (the rest is held back).
    pub(super) fn finish(mut self, end: usize) -> Cow<'a, [u8]> {
        match self.changed.take() {
            None => Cow::Borrowed(&self.bytes[..end]),
            Some(mut changed) => {
                if end > self.copied {
                    changed.extend_from_slice(&self.bytes[self.copied..end]);
                }
                Cow::Owned(changed)
            }
        }
    }
}
