//! The per-connection anti-idle loop.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::profiles::AntiIdle;
use crate::ssh::{Connection, LinkState, LossCause};
use crate::timer::{deadline, sleep_until};

/// OpenSSH's own name; sshd answers it (REQUEST_FAILURE is an answer) and drops it silently
/// without want-reply.
pub const KEEPALIVE_REQUEST: &str = "keepalive@openssh.com";

/// What the task tells the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A keepalive was answered.
    Reply { rtt: Duration },
    /// A keepalive went unanswered: `misses` in a row out of `max`. `misses` is 0 when a
    /// packet arrived since and the misses so far are forgiven.
    Miss { misses: u32, max: u32 },
    /// A NO-OP went out after silence.
    NoopSent,
    /// The connection is declared dead, and is killed for this cause.
    Dead { cause: LossCause },
}

fn secs(value: u64) -> Duration {
    Duration::from_secs(value.max(1))
}

/// Runs until the connection ends or is declared dead.
pub async fn run(
    connection: Connection,
    mut settings: watch::Receiver<AntiIdle>,
    report: impl Fn(Report) + Send,
) {
    let activity = connection.activity();
    let lost = link_lost(connection.link_state());
    tokio::pin!(lost);
    let mut misses = 0u32;
    let mut last_keepalive = Instant::now();
    // The stream notes a packet once russh has written it, a moment after it is asked for;
    // until then the NO-OP just sent counts as traffic by this.
    let mut last_noop = Instant::now();
    loop {
        let current = settings.borrow_and_update().clone();
        let noop_interval = secs(current.noop.interval_secs);
        let noop_due = if current.enabled && current.noop.enabled {
            deadline(activity.last_traffic().max(last_noop), noop_interval)
        } else {
            None
        };
        let keepalive_interval = secs(current.keepalive.interval_secs);
        // Like OpenSSH's ServerAliveInterval: only when nothing came from the server lately.
        let keepalive_due = if current.enabled && current.keepalive.enabled {
            deadline(
                activity.last_received().max(last_keepalive),
                keepalive_interval,
            )
        } else {
            None
        };

        tokio::select! {
            changed = settings.changed() => {
                if changed.is_err() {
                    return;
                }
                misses = 0;
            }
            () = &mut lost => return,
            () = sleep_until(noop_due) => {
                // Only if still silent: traffic may have flowed while we slept.
                let silent_until =
                    deadline(activity.last_traffic().max(last_noop), noop_interval);
                if noop_due.is_some_and(|due| silent_until.is_some_and(|t| t <= due)) {
                    last_noop = Instant::now();
                    if connection.global_request(KEEPALIVE_REQUEST, false).await.is_err() {
                        return;
                    }
                    report(Report::NoopSent);
                }
            }
            () = sleep_until(keepalive_due) => {
                if deadline(activity.last_received(), keepalive_interval)
                    .is_none_or(|next| next > Instant::now())
                {
                    // Something arrived meanwhile: the server is alive, and any packet counts
                    // as an answer (as OpenSSH counts it), so the misses so far are forgiven.
                    if misses > 0 {
                        misses = 0;
                        let max = current.keepalive.max_misses.max(1);
                        report(Report::Miss { misses, max });
                    }
                    continue;
                }
                last_keepalive = Instant::now();
                let asked = Instant::now();
                let reply = tokio::time::timeout(
                    keepalive_interval,
                    connection.global_request(KEEPALIVE_REQUEST, true),
                );
                tokio::select! {
                    answer = reply => match answer {
                        Ok(Ok(())) => {
                            misses = 0;
                            report(Report::Reply { rtt: asked.elapsed() });
                        }
                        Ok(Err(_)) => return,
                        Err(_elapsed) => {
                            misses += 1;
                            let max = current.keepalive.max_misses.max(1);
                            report(Report::Miss { misses, max });
                            if misses >= max {
                                let cause = LossCause::KeepaliveUnanswered {
                                    misses,
                                    interval: keepalive_interval,
                                    silent: activity.last_received().elapsed(),
                                };
                                report(Report::Dead {
                                    cause: cause.clone(),
                                });
                                connection.kill(cause);
                                return;
                            }
                        }
                    },
                    changed = settings.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        misses = 0;
                    }
                }
            }
        }
    }
}

/// Resolves once the connection is gone. Its own function, because `wait_for`'s guard held
/// across a `select!` would make the task's future non-`Send`.
async fn link_lost(mut link: watch::Receiver<LinkState>) {
    let _ = link.wait_for(|state| *state != LinkState::Up).await;
}
