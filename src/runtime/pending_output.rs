//! Output that arrived for tabs and waits, at most until the next frame, to be parsed in one go.
//!
//! sshd sends an output flood in packets of about 4 KiB. Each parse of a chunk pays for the
//! rows on screen that scroll off and for the rows that stay, while the lines in between skip
//! vt100 (see `terminal::plain_lines`), so the larger the chunk the cheaper each line:
//! `cargo bench --bench terminal_feed` parses `seq 1 2000000` in 139 ms as 4 KiB reads and in
//! 27 ms as 256 KiB ones. Nothing reads a terminal between frames except `update` handling
//! other messages, so the event loop hands over what is held before any other message and
//! before drawing, and output is never seen later than it would have been drawn.

use bytes::{Bytes, BytesMut};

use crate::app::TabId;

/// Held output is handed over once it reaches this size, so a fast flood cannot pile up
/// megabytes between two frames.
const HAND_OVER_BYTES: usize = 1 << 20;

#[derive(Debug, Default)]
pub(super) struct PendingOutput {
    /// In order of each tab's first held chunk; a handful of tabs at most, so a list will do.
    tabs: Vec<(TabId, Held)>,
    bytes: usize,
}

/// A single chunk is kept as it came; only a second one for the same tab is copied.
#[derive(Debug)]
enum Held {
    One(Bytes),
    Joined(BytesMut),
}

impl PendingOutput {
    /// Holds `bytes` for `tab`, after what it already holds for that tab. True when enough is
    /// held that it should be handed over now.
    pub(super) fn push(&mut self, tab: TabId, bytes: Bytes) -> bool {
        self.bytes += bytes.len();
        match self.tabs.iter_mut().find(|(held_tab, _)| *held_tab == tab) {
            None => self.tabs.push((tab, Held::One(bytes))),
            Some((_, held)) => match held {
                Held::One(first) => {
                    let mut joined = BytesMut::with_capacity(first.len() + bytes.len());
                    joined.extend_from_slice(first);
                    joined.extend_from_slice(&bytes);
                    *held = Held::Joined(joined);
                }
                Held::Joined(joined) => joined.extend_from_slice(&bytes),
            },
        }
        self.bytes >= HAND_OVER_BYTES
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tabs.is_empty()
    }

    /// Everything held, one chunk per tab, and nothing held afterwards.
    pub(super) fn take(&mut self) -> impl Iterator<Item = (TabId, Bytes)> + use<> {
        self.bytes = 0;
        std::mem::take(&mut self.tabs)
            .into_iter()
            .map(|(tab, held)| match held {
                Held::One(bytes) => (tab, bytes),
                Held::Joined(joined) => (tab, joined.freeze()),
            })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::{HAND_OVER_BYTES, PendingOutput};
    use crate::app::TabId;

    #[test]
    fn chunks_are_joined_per_tab_in_arrival_order() {
        let mut pending = PendingOutput::default();
        assert!(pending.is_empty());
        for (tab, text) in [(1, "a"), (2, "x"), (1, "b"), (1, "c"), (2, "y")] {
            assert!(!pending.push(TabId(tab), Bytes::from(text)));
        }
        assert!(!pending.is_empty());
        let taken: Vec<(TabId, Bytes)> = pending.take().collect();
        assert_eq!(
            taken,
            [
                (TabId(1), Bytes::from("abc")),
                (TabId(2), Bytes::from("xy"))
            ]
        );
        assert!(pending.is_empty());
        assert_eq!(pending.take().count(), 0);
    }

    #[test]
    fn a_megabyte_held_asks_to_be_handed_over() {
        let mut pending = PendingOutput::default();
        let chunk = Bytes::from(vec![b'x'; 4096]);
        let pushes_until_full = (0..HAND_OVER_BYTES / 4096)
            .position(|_| pending.push(TabId(1), chunk.clone()))
            .map(|index| index + 1);
        assert_eq!(pushes_until_full, Some(HAND_OVER_BYTES / 4096));
        assert_eq!(
            pending.take().next().map(|(_, bytes)| bytes.len()),
            Some(HAND_OVER_BYTES)
        );
        assert!(!pending.push(TabId(1), chunk));
    }
}
