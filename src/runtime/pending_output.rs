//! Output that arrived for tabs and waits to be parsed, so that parsing never stands between a
//! key and its echo.
//!
//! sshd sends an output flood in packets of about 4 KiB. Each parse of a chunk pays for the
//! rows on screen that scroll off and for the rows that stay, while the lines in between skip
//! vt100 (see `terminal::plain_lines`), so the larger the chunk the cheaper each line:
//! `cargo bench --bench terminal_feed` parses `seq 1 2000000` in 139 ms as 4 KiB reads and in
//! 27 ms as 256 KiB ones. So output waits here: the active tab's until it is drawn (or a key
//! needs its modes), every other tab's until the loop has nothing else to do, and then in
//! slices, so a key typed meanwhile waits for one slice at most. What is held is capped: past
//! the cap, slices are parsed at once, so memory stays bounded whatever the network does.

use bytes::{Bytes, BytesMut};

use crate::app::TabId;

/// Past this much held output (all tabs), slices are parsed before anything else is read.
const HELD_CAP: usize = 8 << 20;
/// The most parsed at a time for a tab that is not drawn: large enough for the flood
/// shortcut to skip vt100 for most lines, small enough that a key waits a millisecond or two.
pub(super) const SLICE_BYTES: usize = 256 * 1024;

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

impl Held {
    fn len(&self) -> usize {
        match self {
            Held::One(bytes) => bytes.len(),
            Held::Joined(joined) => joined.len(),
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Held::One(bytes) => bytes,
            Held::Joined(joined) => joined.freeze(),
        }
    }

    /// The first `max` bytes, leaving the rest.
    fn split_front(&mut self, max: usize) -> Bytes {
        match self {
            Held::One(bytes) => bytes.split_to(max.min(bytes.len())),
            Held::Joined(joined) => joined.split_to(max.min(joined.len())).freeze(),
        }
    }
}

impl PendingOutput {
    /// Holds `bytes` for `tab`, after what it already holds for that tab.
    pub(super) fn push(&mut self, tab: TabId, bytes: Bytes) {
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
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tabs.is_empty()
    }

    /// Whether so much is held that slices must be parsed before anything more is read.
    pub(super) fn over_cap(&self) -> bool {
        self.bytes >= HELD_CAP
    }

    /// Everything held for `tab`.
    pub(super) fn take_tab(&mut self, tab: TabId) -> Option<Bytes> {
        let index = self
            .tabs
            .iter()
            .position(|(held_tab, _)| *held_tab == tab)?;
        let (_, held) = self.tabs.remove(index);
        self.bytes -= held.len();
        Some(held.into_bytes())
    }

    /// At most `max` bytes for the tab that has waited longest; that tab goes to the back of
    /// the line if it still holds more, so every tab gets its turn.
    pub(super) fn take_slice(&mut self, max: usize) -> Option<(TabId, Bytes)> {
        if self.tabs.is_empty() {
            return None;
        }
        let (tab, mut held) = self.tabs.remove(0);
        let slice = held.split_front(max);
        self.bytes -= slice.len();
        if held.len() > 0 {
            self.tabs.push((tab, held));
        }
        Some((tab, slice))
    }

    /// Everything held, one chunk per tab, and nothing held afterwards.
    pub(super) fn take(&mut self) -> impl Iterator<Item = (TabId, Bytes)> + use<> {
        self.bytes = 0;
        std::mem::take(&mut self.tabs)
            .into_iter()
            .map(|(tab, held)| (tab, held.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[test]
    fn chunks_are_joined_per_tab_in_arrival_order() {
        let mut pending = PendingOutput::default();
        assert!(pending.is_empty());
        for (tab, text) in [(1, "a"), (2, "x"), (1, "b"), (1, "c"), (2, "y")] {
            pending.push(TabId(tab), Bytes::from(text));
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
    fn one_tab_is_taken_whole_and_the_others_wait() {
        let mut pending = PendingOutput::default();
        pending.push(TabId(1), Bytes::from("flood"));
        pending.push(TabId(2), Bytes::from("echo"));
        pending.push(TabId(2), Bytes::from("!"));
        assert_eq!(pending.take_tab(TabId(2)), Some(Bytes::from("echo!")));
        assert_eq!(pending.take_tab(TabId(2)), None);
        assert_eq!(
            pending.take().collect::<Vec<_>>(),
            [(TabId(1), Bytes::from("flood"))]
        );
    }

    #[test]
    fn slices_take_turns_between_tabs_and_keep_the_order_within_each() {
        let mut pending = PendingOutput::default();
        pending.push(TabId(1), Bytes::from("aaaaa"));
        pending.push(TabId(2), Bytes::from("bb"));
        pending.push(TabId(1), Bytes::from("AA"));
        let mut slices = Vec::new();
        while let Some(slice) = pending.take_slice(3) {
            slices.push(slice);
        }
        assert_eq!(
            slices,
            [
                (TabId(1), Bytes::from("aaa")),
                (TabId(2), Bytes::from("bb")),
                (TabId(1), Bytes::from("aaA")),
                (TabId(1), Bytes::from("A")),
            ]
        );
        assert!(pending.is_empty());
    }

    #[test]
    fn the_cap_counts_what_is_held_not_what_was_taken() {
        let mut pending = PendingOutput::default();
        let chunk = Bytes::from(vec![b'x'; HELD_CAP / 4]);
        for _ in 0..4 {
            pending.push(TabId(1), chunk.clone());
        }
        assert!(pending.over_cap());
        pending.take_slice(SLICE_BYTES);
        assert!(!pending.over_cap());
    }
}
