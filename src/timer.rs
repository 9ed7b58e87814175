//! Waiting on a deadline that may not exist, for `select!` loops whose timers come and go with
//! their settings (anti-idle, the idle string).

use std::time::Instant;

/// Sleeps until `deadline`, or forever without one.
pub async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}
