//! When the next frame may be drawn: about 60 a second on average, with room for a short
//! burst.
//!
//! A fixed gap after every frame made an echo wait for whatever frame came just before it: the
//! status bar's clock ticks once a second and a background tab's bar changes while it floods,
//! and a key echoed in the 16 ms after such a frame waited up to 16 ms to be drawn (1 key in
//! 60 at the clock's pace alone, so every p99). A frame may instead be drawn at once while
//! fewer than [`BURST`] frames were drawn "ahead of schedule"; a flood on screen spends that
//! allowance in its first frames and is then drawn every [`super::FRAME`], as before. This is
//! the generic cell rate algorithm: each frame pushes a theoretical time one interval on, and
//! a frame conforms while that time is at most `BURST - 1` intervals ahead of now.

use std::time::Duration;

use tokio::time::Instant;

/// Frames that may follow one another without waiting.
const BURST: u32 = 3;

#[derive(Debug)]
pub struct FramePacer {
    interval: Duration,
    /// When the next frame would be due if every frame kept the interval exactly.
    theoretical: Instant,
}

impl FramePacer {
    pub fn new(interval: Duration, now: Instant) -> Self {
        Self {
            interval,
            theoretical: now,
        }
    }

    /// The earliest time the next frame may be drawn (now or in the past: at once).
    pub fn next_slot(&self) -> Instant {
        self.theoretical
            .checked_sub(self.interval * (BURST - 1))
            .unwrap_or(self.theoretical)
    }

    /// A frame was drawn at `now`.
    pub fn drew(&mut self, now: Instant) {
        self.theoretical = self.theoretical.max(now) + self.interval;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Duration = Duration::from_millis(16);

    #[test]
    fn a_frame_after_a_quiet_moment_is_drawn_at_once_even_right_after_another() {
        let start = Instant::now();
        let mut pacer = FramePacer::new(FRAME, start);
        // The clock's frame, then an echo 1 ms later.
        pacer.drew(start);
        let echo = start + Duration::from_millis(1);
        assert!(pacer.next_slot() <= echo);
        pacer.drew(echo);
        // A second later everything has been paid back.
        let later = start + Duration::from_secs(1);
        pacer.drew(later);
        assert!(pacer.next_slot() <= later + Duration::from_millis(1));
    }

    #[test]
    fn back_to_back_frames_settle_at_one_per_interval() {
        let start = Instant::now();
        let mut pacer = FramePacer::new(FRAME, start);
        let mut now = start;
        let mut drawn_at = Vec::new();
        for _ in 0..20 {
            // Always dirty: draw as soon as the pacer lets us.
            now = now.max(pacer.next_slot());
            drawn_at.push(now);
            pacer.drew(now);
        }
        // The burst goes at once, then one frame per interval.
        assert!(drawn_at[..3].iter().all(|at| *at == start));
        for pair in drawn_at[3..].windows(2) {
            assert_eq!(pair[1] - pair[0], FRAME);
        }
        // On average no faster than the interval over the whole run.
        let span = *drawn_at.last().unwrap() - start;
        assert!(span >= FRAME * (20 - BURST));
    }
}
