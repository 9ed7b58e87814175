//! When a connection last carried traffic and how much, kept in atomics so the connection's
//! stream can note every read and write without locks, and the anti-idle task, the status bar
//! and the inspector can read it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last_received: AtomicU64,
    last_sent: AtomicU64,
    bytes_received: AtomicU64,
    bytes_sent: AtomicU64,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            last_received: AtomicU64::new(0),
            last_sent: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
        }
    }
}

impl Activity {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// `bytes` came in from the server (any packet, or part of one).
    pub fn received(&self, bytes: usize) {
        self.last_received.store(self.now_ms(), Ordering::Relaxed);
        self.bytes_received
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// `bytes` went out to the server.
    pub fn sent(&self, bytes: usize) {
        self.last_sent.store(self.now_ms(), Ordering::Relaxed);
        self.bytes_sent.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Bytes in and out on the wire (encrypted), since the connection began.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.bytes_received.load(Ordering::Relaxed),
            self.bytes_sent.load(Ordering::Relaxed),
        )
    }

    /// When the connection began.
    pub fn since(&self) -> Instant {
        self.start
    }

    pub fn last_received(&self) -> Instant {
        self.start + Duration::from_millis(self.last_received.load(Ordering::Relaxed))
    }

    /// The last packet in either direction.
    pub fn last_traffic(&self) -> Instant {
        let ms = self
            .last_received
            .load(Ordering::Relaxed)
            .max(self.last_sent.load(Ordering::Relaxed));
        self.start + Duration::from_millis(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_in_either_direction_counts() {
        let activity = Activity::default();
        let before = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        activity.sent(3);
        assert!(activity.last_traffic() >= before);
        assert!(activity.last_received() < before, "nothing received yet");
        std::thread::sleep(Duration::from_millis(20));
        let mid = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        activity.received(5);
        assert!(activity.last_received() >= mid);
        assert!(activity.last_traffic() >= mid);
        assert_eq!(activity.bytes(), (5, 3));
    }
}
