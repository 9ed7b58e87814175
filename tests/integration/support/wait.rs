//! Bounded polling. Every wait in the test bed goes through here so that no loop can hang a
//! test run: each is limited both in elapsed time and in number of checks.

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `condition` every `step` until it returns true or `timeout` has passed.
/// Returns whether the condition became true.
pub fn wait_until(timeout: Duration, step: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    for _ in 0..max_checks(timeout, step) {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(step);
    }
    false
}

/// The async twin of [`wait_until`], for tests running inside a tokio runtime: it sleeps
/// with `tokio::time::sleep` so the runtime keeps driving other tasks meanwhile.
pub async fn wait_until_async<F, Fut>(timeout: Duration, step: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    for _ in 0..max_checks(timeout, step) {
        if condition().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(step).await;
    }
    false
}

/// Polls `read` every `step` until its value has stayed the same for `quiet`, bounded by
/// `timeout`; returns that settled value, or `None` when it kept changing.
pub fn wait_until_stable<T: PartialEq>(
    timeout: Duration,
    quiet: Duration,
    step: Duration,
    mut read: impl FnMut() -> T,
) -> Option<T> {
    let mut last = read();
    let mut unchanged_since = Instant::now();
    let settled = wait_until(timeout, step, || {
        let now = read();
        if now != last {
            last = now;
            unchanged_since = Instant::now();
            return false;
        }
        unchanged_since.elapsed() >= quiet
    });
    settled.then_some(last)
}

/// One check per step plus one at the deadline; a zero step still gets a finite count.
fn max_checks(timeout: Duration, step: Duration) -> u128 {
    let step_ms = step.as_millis().max(1);
    timeout.as_millis() / step_ms + 2
}
