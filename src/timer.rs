//! Waiting on a deadline that may not exist, for `select!` loops whose timers come and go with
//! their settings (anti-idle, the idle string).

use std::time::{Duration, Instant};

/// `start + delay`, or `None` (never) when that lies beyond what the clock can represent.
/// Delays come from profiles and servers; `Instant + Duration` would panic on those.
pub fn deadline(start: Instant, delay: Duration) -> Option<Instant> {
    start.checked_add(delay)
}

/// Sleeps until `deadline`, or forever without one.
pub async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_past_the_clock_is_never() {
        let now = Instant::now();
        assert_eq!(
            deadline(now, Duration::from_secs(5)),
            Some(now + Duration::from_secs(5))
        );
        assert_eq!(deadline(now, Duration::from_secs(i64::MAX as u64)), None);
        assert_eq!(deadline(now, Duration::MAX), None);
    }
}
