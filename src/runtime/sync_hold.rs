//! Synchronized output (DECSET 2026): a program that brackets a screen update with
//! `ESC [ ? 2026 h` ... `ESC [ ? 2026 l` is not drawn half-way through it. The frame waits for
//! the end of the update, but never longer than [`SYNC_TIMEOUT`] from when it was first held:
//! a program that never ends one (it crashed, or its output was cut) cannot freeze its tab.

use std::time::Duration;

use tokio::time::Instant;

use crate::app::TabId;

/// The longest a frame waits for an update to end. Updates are one redraw of a screen, written
/// at once; this is several frames, and short enough not to be noticed as a hang.
pub const SYNC_TIMEOUT: Duration = Duration::from_millis(150);

/// The update a frame is waiting for, if any.
#[derive(Debug, Default)]
pub struct SyncHold {
    /// The tab, its update's number and when the first frame was held for it.
    held: Option<(TabId, u64, Instant)>,
}

impl SyncHold {
    /// Whether to hold the frame, given the tab on screen and the update it is in, if any:
    /// `Some(deadline)` to wait until, `None` to draw now.
    pub fn hold_until(&mut self, update: Option<(TabId, u64)>, now: Instant) -> Option<Instant> {
        let Some((tab, number)) = update else {
            self.held = None;
            return None;
        };
        let since = match self.held {
            Some((held_tab, held_number, since)) if (held_tab, held_number) == (tab, number) => {
                since
            }
            _ => {
                self.held = Some((tab, number, now));
                now
            }
        };
        let deadline = since + SYNC_TIMEOUT;
        (now < deadline).then_some(deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_waits_for_an_update_until_the_timeout_and_no_longer() {
        let mut hold = SyncHold::default();
        let start = Instant::now();
        let deadline = start + SYNC_TIMEOUT;
        assert_eq!(hold.hold_until(Some((TabId(1), 1)), start), Some(deadline));
        let later = start + SYNC_TIMEOUT / 2;
        assert_eq!(hold.hold_until(Some((TabId(1), 1)), later), Some(deadline));
        // The same update still open at the deadline: drawn, and drawn from then on.
        assert_eq!(hold.hold_until(Some((TabId(1), 1)), deadline), None);
        let after = deadline + SYNC_TIMEOUT;
        assert_eq!(hold.hold_until(Some((TabId(1), 1)), after), None);
    }

    #[test]
    fn a_new_update_or_another_tab_is_held_afresh_and_an_ended_one_is_drawn() {
        let mut hold = SyncHold::default();
        let start = Instant::now();
        let after = start + SYNC_TIMEOUT * 2;
        assert!(hold.hold_until(Some((TabId(1), 1)), start).is_some());
        assert_eq!(
            hold.hold_until(Some((TabId(1), 2)), after),
            Some(after + SYNC_TIMEOUT),
            "the next update"
        );
        assert_eq!(
            hold.hold_until(Some((TabId(2), 2)), after),
            Some(after + SYNC_TIMEOUT),
            "another tab"
        );
        assert_eq!(hold.hold_until(None, after), None, "ended");
    }
}
