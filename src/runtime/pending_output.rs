//! Output that arrived for tabs and waits to be parsed, so that parsing never stands between a
//! key and its echo.
//!
//! sshd sends an output flood in packets of about 4 KiB. Each parse of a chunk pays for the
//! rows on screen that scroll off and for the rows that stay, while the lines in between skip
//! vt100 (see `terminal::plain_lines`), so the larger the chunk the cheaper each line:
//! `cargo bench --bench terminal_feed` parses `seq 1 2000000` in 139 ms as 4 KiB reads and in
//! 27 ms as 256 KiB ones. So output waits here: the active tab's until it is drawn (or a key
//! needs its modes), every other tab's until it is ripe: a slice's worth, or held for
//! [`BACKGROUND_HOLD`]. Parsing each turn's arrivals as they came instead kept a background
//! flood in chunks of a few KiB, and tabsh busy with vt100 for most of a core. Ripe output is
//! parsed in slices when the loop has nothing else to do, so a key typed meanwhile waits for
//! one slice at most. What is held is capped: past the cap, slices are parsed at once, so
//! memory stays bounded whatever the network does.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::time::Instant;

use crate::app::TabId;

/// Past this much held output (all tabs), slices are parsed before anything else is read.
const HELD_CAP: usize = 8 << 20;
/// The most parsed at a time for a tab that is not drawn: large enough for the flood
/// shortcut to skip vt100 for most lines, small enough that a key waits a millisecond at most.
/// Against 256 KiB, the echo p99 under a background flood was within 2 x idle in 6 runs of 6
/// (1.76 x at most) instead of 3 of 5, for 0-5% more CPU (`cargo bench --bench terminal`).
pub(super) const SLICE_BYTES: usize = 128 * 1024;
/// The most parsed at a time for the tab on screen before its frame takes the rest. A flood
/// there is parsed in such slices while it arrives. The coloured log's flood in three runs
/// each: 470-506 ms with these, 472-538 ms with 128 KiB ones, and 569-586 ms with none (left
/// whole to the frame, whose parse then holds up reading the connection).
pub(super) const DRAWN_SLICE_BYTES: usize = 256 * 1024;
/// The longest less than a slice of a tab not drawn waits: about a frame, so its tab-bar marks
/// and its answers to the remote's questions come as soon as they would be drawn.
pub(super) const BACKGROUND_HOLD: Duration = Duration::from_millis(16);

#[derive(Debug, Default)]
pub(super) struct PendingOutput {
    /// In order of each tab's first held chunk; a handful of tabs at most, so a list will do.
    tabs: Vec<Waiting>,
    bytes: usize,
}

/// A tab's held output, and when the oldest of it arrived.
#[derive(Debug)]
struct Waiting {
    tab: TabId,
    held: Held,
    since: Instant,
}

impl Waiting {
    /// The most parsed at a time for this tab.
    fn slice_bytes(&self, drawn: Option<TabId>) -> usize {
        if Some(self.tab) == drawn {
            DRAWN_SLICE_BYTES
        } else {
            SLICE_BYTES
        }
    }

    fn ripe_at(&self, drawn: Option<TabId>) -> Instant {
        if self.held.len() >= self.slice_bytes(drawn) {
            self.since
        } else {
            self.since + BACKGROUND_HOLD
        }
    }
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
    /// Holds `bytes`, arrived `now`, for `tab`, after what it already holds for that tab.
    pub(super) fn push(&mut self, tab: TabId, bytes: Bytes, now: Instant) {
        self.bytes += bytes.len();
        match self.tabs.iter_mut().find(|waiting| waiting.tab == tab) {
            None => self.tabs.push(Waiting {
                tab,
                held: Held::One(bytes),
                since: now,
            }),
            Some(Waiting { held, .. }) => match held {
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
        let index = self.tabs.iter().position(|waiting| waiting.tab == tab)?;
        let waiting = self.tabs.remove(index);
        self.bytes -= waiting.held.len();
        Some(waiting.held.into_bytes())
    }

    /// When the first tab's output is ripe (see the module's description), `drawn` being the
    /// tab on screen; `None` when nothing is held.
    pub(super) fn ripe_at(&self, drawn: Option<TabId>) -> Option<Instant> {
        self.tabs.iter().map(|waiting| waiting.ripe_at(drawn)).min()
    }

    /// A slice for the first tab in line whose output is ripe at `now` (at most
    /// [`DRAWN_SLICE_BYTES`] for `drawn`, [`SLICE_BYTES`] for the others); that tab goes to the
    /// back of the line if it still holds more, so every tab gets its turn.
    pub(super) fn take_ripe_slice(
        &mut self,
        now: Instant,
        drawn: Option<TabId>,
    ) -> Option<(TabId, Bytes)> {
        let index = self
            .tabs
            .iter()
            .position(|waiting| waiting.ripe_at(drawn) <= now)?;
        Some(self.take_slice_at(index, drawn))
    }

    /// A slice for the tab that has waited longest, ripe or not.
    pub(super) fn take_slice(&mut self, drawn: Option<TabId>) -> Option<(TabId, Bytes)> {
        (!self.tabs.is_empty()).then(|| self.take_slice_at(0, drawn))
    }

    fn take_slice_at(&mut self, index: usize, drawn: Option<TabId>) -> (TabId, Bytes) {
        let mut waiting = self.tabs.remove(index);
        let slice = waiting.held.split_front(waiting.slice_bytes(drawn));
        self.bytes -= slice.len();
        let tab = waiting.tab;
        if waiting.held.len() > 0 {
            self.tabs.push(waiting);
        }
        (tab, slice)
    }

    /// Everything held, one chunk per tab, and nothing held afterwards.
    pub(super) fn take(&mut self) -> impl Iterator<Item = (TabId, Bytes)> + use<> {
        self.bytes = 0;
        std::mem::take(&mut self.tabs)
            .into_iter()
            .map(|waiting| (waiting.tab, waiting.held.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn push_now(pending: &mut PendingOutput, tab: u64, bytes: impl Into<Bytes>) {
        pending.push(TabId(tab), bytes.into(), Instant::now());
    }

    #[test]
    fn chunks_are_joined_per_tab_in_arrival_order() {
        let mut pending = PendingOutput::default();
        assert!(pending.is_empty());
        for (tab, text) in [(1, "a"), (2, "x"), (1, "b"), (1, "c"), (2, "y")] {
            push_now(&mut pending, tab, text);
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
        push_now(&mut pending, 1, "flood");
        push_now(&mut pending, 2, "echo");
        push_now(&mut pending, 2, "!");
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
        let mut long = vec![b'a'; SLICE_BYTES + 2];
        push_now(&mut pending, 1, long.clone());
        push_now(&mut pending, 2, "bb");
        push_now(&mut pending, 1, "AA");
        let mut slices = Vec::new();
        while let Some(slice) = pending.take_slice(None) {
            slices.push(slice);
        }
        let rest = long.split_off(SLICE_BYTES);
        assert_eq!(
            slices,
            [
                (TabId(1), Bytes::from(long)),
                (TabId(2), Bytes::from("bb")),
                (TabId(1), Bytes::from([rest.as_slice(), b"AA"].concat())),
            ]
        );
        assert!(pending.is_empty());
    }

    #[test]
    fn less_than_a_slice_ripens_a_hold_after_its_first_chunk_came() {
        let mut pending = PendingOutput::default();
        assert_eq!(pending.ripe_at(None), None);
        let first = Instant::now();
        pending.push(TabId(1), Bytes::from("a"), first);
        // Later output joins the line: it does not push back what already waits.
        pending.push(TabId(1), Bytes::from("b"), first + BACKGROUND_HOLD / 2);
        let ripe = first + BACKGROUND_HOLD;
        assert_eq!(pending.ripe_at(None), Some(ripe));
        assert_eq!(
            pending.take_ripe_slice(ripe - Duration::from_millis(1), None),
            None
        );
        assert_eq!(
            pending.take_ripe_slice(ripe, None),
            Some((TabId(1), Bytes::from("ab")))
        );
        assert_eq!(pending.ripe_at(None), None);
    }

    #[test]
    fn a_slice_is_ripe_at_once_and_goes_before_a_smaller_tab_ahead_of_it() {
        let mut pending = PendingOutput::default();
        let now = Instant::now();
        pending.push(TabId(1), Bytes::from("trickle"), now);
        pending.push(TabId(2), Bytes::from(vec![b'x'; SLICE_BYTES]), now);
        assert_eq!(pending.ripe_at(None), Some(now));
        let taken = pending.take_ripe_slice(now, None);
        assert_eq!(
            taken.map(|(tab, slice)| (tab, slice.len())),
            Some((TabId(2), SLICE_BYTES))
        );
        assert_eq!(pending.take_ripe_slice(now, None), None);
        assert_eq!(pending.ripe_at(None), Some(now + BACKGROUND_HOLD));
    }

    #[test]
    fn the_drawn_tab_ripens_and_is_sliced_by_its_own_larger_slice() {
        let mut pending = PendingOutput::default();
        let now = Instant::now();
        let drawn = Some(TabId(1));
        pending.push(
            TabId(1),
            Bytes::from(vec![b'x'; DRAWN_SLICE_BYTES + 1]),
            now,
        );
        let taken = pending.take_ripe_slice(now, drawn);
        assert_eq!(
            taken.map(|(tab, slice)| (tab, slice.len())),
            Some((TabId(1), DRAWN_SLICE_BYTES))
        );
        // A slice's worth for a tab not drawn is not yet one for the drawn tab.
        pending.take_tab(TabId(1));
        pending.push(TabId(1), Bytes::from(vec![b'x'; SLICE_BYTES]), now);
        assert_eq!(pending.ripe_at(drawn), Some(now + BACKGROUND_HOLD));
        assert_eq!(pending.ripe_at(None), Some(now));
    }

    #[test]
    fn the_cap_counts_what_is_held_not_what_was_taken() {
        let mut pending = PendingOutput::default();
        let chunk = Bytes::from(vec![b'x'; HELD_CAP / 4]);
        for _ in 0..4 {
            push_now(&mut pending, 1, chunk.clone());
        }
        assert!(pending.over_cap());
        pending.take_slice(None);
        assert!(!pending.over_cap());
    }
}
