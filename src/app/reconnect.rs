//! Bringing a lost connection back, and every tab that was on it: one new connection under the
//! same id, one login (its questions asked in one tab of the group), then each tab reopened as
//! a channel of it, in the same tab, with its scrollback and a line saying what happened.
//! A connection that had been up a while is tried again at once (a server restart, a dropped
//! Wi-Fi: most come back on the first try); then, and after a connection that died young (a
//! server that takes the login and drops it), waits start at 1 s and double up to 60 s, as
//! autossh does after fast failures.

use std::time::{Duration, Instant};

use super::connection_info::{LinkPhase, Reconnect, Reconnected};
use super::effect::Effect;
use super::ids::{ConnectionId, TabId};
use super::model::{Ending, Model, TabState};
use super::sessions;
use super::tabs;
use crate::ssh::LossCause;

/// The longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Up this long before it was lost, a connection is tried again at once.
pub const STEADY_UPTIME: Duration = Duration::from_secs(10);

/// The `n`th wait (from 1): 1 s, 2 s, 4 s, ... at most 60 s.
pub fn backoff(n: u32) -> Duration {
    let doublings = n.saturating_sub(1).min(6);
    Duration::from_secs(1 << doublings).min(MAX_BACKOFF)
}

/// The wait before attempt `attempt` (from 1): none before the first when it is made at once.
pub fn wait_before(attempt: u32, first_at_once: bool) -> Duration {
    match (first_at_once, attempt) {
        (true, 0 | 1) => Duration::ZERO,
        (true, later) => backoff(later - 1),
        (false, _) => backoff(attempt),
    }
}

/// The tabs `connection` is to bring back.
fn group(model: &Model, connection: ConnectionId) -> Vec<TabId> {
    model
        .tabs
        .iter()
        .filter(|t| t.connection == Some(connection) && t.state == TabState::Reconnecting)
        .map(|t| t.id)
        .collect()
}

/// `connection` was lost at `at`. Its tabs wait for it to come back when their profile says
/// so; otherwise they end, saying why.
pub fn connection_lost(
    model: &mut Model,
    connection: ConnectionId,
    cause: LossCause,
    at: Instant,
    effects: &mut Vec<Effect>,
) {
    let on_it: Vec<TabId> = model
        .tabs
        .iter()
        .filter(|t| {
            t.connection == Some(connection)
                && matches!(t.state, TabState::Open | TabState::Opening)
        })
        .map(|t| t.id)
        .collect();
    for &tab in &on_it {
        effects.push(Effect::CloseChannel { tab });
    }
    let Some(info) = model.connections.get(&connection) else {
        return;
    };
    let comes_back = !on_it.is_empty()
        && model
            .profiles
            .get(&info.profile_id)
            .is_some_and(|p| p.profile.reconnect.enabled);
    if !comes_back {
        for tab in on_it {
            if let Some(tab) = model.tab_mut(tab) {
                tab.state = TabState::Ended(Ending::ConnectionLost(cause.clone()));
            }
        }
        forget(model, connection, effects);
        return;
    }
    for tab in on_it {
        if let Some(tab) = model.tab_mut(tab) {
            tab.state = TabState::Reconnecting;
            tab.typeahead.clear();
        }
    }
    let Some(info) = model.connections.get_mut(&connection) else {
        return;
    };
    let first_at_once = matches!(info.phase, LinkPhase::Up { since }
        if at.saturating_duration_since(since) >= STEADY_UPTIME);
    let delay = wait_before(1, first_at_once);
    info.sessions = 0;
    info.rtt = None;
    info.misses = (0, 0);
    info.phase = LinkPhase::Reconnecting(Reconnect {
        cause,
        lost_at: at,
        attempt: 1,
        next_try: Some(at + delay),
        last_error: None,
        first_at_once,
    });
    if first_at_once {
        start_attempt(model, connection, effects);
    } else {
        effects.push(Effect::ScheduleReconnect {
            connection,
            attempt: 1,
            delay,
        });
    }
}

/// The wait before `attempt` is over: start it, unless the person already did, or stopped.
pub fn due(model: &mut Model, connection: ConnectionId, attempt: u32, effects: &mut Vec<Effect>) {
    let waiting = reconnect_of(model, connection)
        .is_some_and(|r| r.attempt == attempt && r.next_try.is_some());
    if waiting {
        start_attempt(model, connection, effects);
    }
}

/// Tries now instead of waiting out the backoff (`Ctrl-\ r` in a waiting tab). False when an
/// attempt is already under way.
pub fn retry_now(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) -> bool {
    if reconnect_of(model, connection).is_some_and(|r| r.next_try.is_some()) {
        start_attempt(model, connection, effects);
        return true;
    }
    false
}

fn start_attempt(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    let group = group(model, connection);
    // Questions (a password, 2FA) go to the tab the person looks at, when it is one of them.
    let active = model.active_tab().map(|tab| tab.id);
    let Some(asking) = group
        .iter()
        .copied()
        .find(|&tab| Some(tab) == active)
        .or_else(|| group.first().copied())
    else {
        forget(model, connection, effects);
        return;
    };
    let profile = model
        .connections
        .get(&connection)
        .and_then(|info| model.profiles.get(&info.profile_id))
        .cloned();
    let Some(profile) = profile else {
        stop(model, connection, None, effects);
        return;
    };
    if let Some(LinkPhase::Reconnecting(reconnect)) = model
        .connections
        .get_mut(&connection)
        .map(|info| &mut info.phase)
    {
        reconnect.next_try = None;
    }
    effects.push(sessions::connect_effect(model, connection, asking, profile));
}

/// An attempt failed at `at`. A refused login, a changed host key or a cancelled question stop
/// reconnecting; anything else waits and tries again, until the profile's attempts run out.
pub fn attempt_failed(
    model: &mut Model,
    connection: ConnectionId,
    error: String,
    for_good: bool,
    at: Instant,
    effects: &mut Vec<Effect>,
) {
    let Some(info) = model.connections.get(&connection) else {
        return;
    };
    let max_attempts = model
        .profiles
        .get(&info.profile_id)
        .map_or(0, |p| p.profile.reconnect.max_attempts);
    let Some(attempt) = info.reconnect().map(|r| r.attempt) else {
        return;
    };
    if for_good || (max_attempts != 0 && attempt >= max_attempts) {
        stop(model, connection, Some(error), effects);
        return;
    }
    let Some(LinkPhase::Reconnecting(reconnect)) = model
        .connections
        .get_mut(&connection)
        .map(|info| &mut info.phase)
    else {
        return;
    };
    reconnect.last_error = Some(error);
    reconnect.attempt += 1;
    let delay = wait_before(reconnect.attempt, reconnect.first_at_once);
    reconnect.next_try = Some(at + delay);
    effects.push(Effect::ScheduleReconnect {
        connection,
        attempt: reconnect.attempt,
        delay,
    });
}

/// The connection is up again (at `at`): each waiting tab gets a line saying so and reopens
/// on it. False when the connection was not reconnecting.
pub fn reconnected(
    model: &mut Model,
    connection: ConnectionId,
    at: Instant,
    effects: &mut Vec<Effect>,
) -> bool {
    let Some(info) = model.connections.get_mut(&connection) else {
        return false;
    };
    let LinkPhase::Reconnecting(reconnect) = &info.phase else {
        return false;
    };
    let after = at.saturating_duration_since(reconnect.lost_at);
    let marker = crate::text::reconnected_marker(after, &reconnect.cause);
    info.reconnects.push(Reconnected {
        cause: reconnect.cause.clone(),
        after,
    });
    for tab in group(model, connection) {
        let full_screen = model
            .tab_index(tab)
            .is_some_and(|index| model.tabs[index].terminal.alternate_screen());
        tabs::feed(model, tab, &marker_bytes(&marker, full_screen), effects);
        if let Some(rejoining) = model.tab_mut(tab) {
            rejoining.rejoining = true;
        }
        sessions::attach(model, tab, connection, effects);
    }
    true
}

/// The marker on a line of its own, after putting back what the old session may have left
/// set (a full-screen program's alternate screen, colours, a hidden cursor, a scroll region,
/// mouse and paste modes): the new shell starts on a plain terminal, below what was there.
fn marker_bytes(marker: &str, full_screen: bool) -> Vec<u8> {
    // Leaving the alternate screen puts the cursor back where it was before it; only leave
    // it when in it. Setting the scroll region moves the cursor home, so it is saved around.
    let leave_full_screen = if full_screen { "\x1b[?1049l" } else { "" };
    let modes =
        "\x1b[0m\x1b[?25h\x1b[?1l\x1b>\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l";
    format!("{leave_full_screen}\x1b7\x1b[r\x1b8{modes}\r\n\x1b[7m{marker}\x1b[0m\r\n").into_bytes()
}

/// Stops bringing `connection` back: its waiting tabs end, saying why it was lost and, when
/// an attempt failed, why that failed.
pub fn stop(
    model: &mut Model,
    connection: ConnectionId,
    error: Option<String>,
    effects: &mut Vec<Effect>,
) {
    let Some(cause) = reconnect_of(model, connection).map(|r| r.cause.clone()) else {
        return;
    };
    let error =
        error.or_else(|| reconnect_of(model, connection).and_then(|r| r.last_error.clone()));
    for tab in group(model, connection) {
        if let Some(tab) = model.tab_mut(tab) {
            tab.state = TabState::Ended(Ending::ReconnectStopped {
                cause: cause.clone(),
                error: error.clone(),
            });
            tab.prompts.clear();
        }
    }
    model.connections.remove(&connection);
    // Whatever attempt is under way stops where it is.
    effects.push(Effect::CancelConnect { connection });
}

/// A waiting tab closed; the last one out stops the reconnecting.
pub fn left(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    if group(model, connection).is_empty() && reconnect_of(model, connection).is_some() {
        model.connections.remove(&connection);
        effects.push(Effect::CancelConnect { connection });
    }
}

fn reconnect_of(model: &Model, connection: ConnectionId) -> Option<&Reconnect> {
    model.connections.get(&connection)?.reconnect()
}

/// The runtime may let go of a connection that ended by itself.
fn forget(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    model.connections.remove(&connection);
    effects.push(Effect::ReleaseConnection {
        connection,
        linger_secs: 0,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_one_second_up_to_a_minute() {
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn a_first_attempt_at_once_starts_the_ladder_one_step_later() {
        let waits: Vec<u64> = (1..=5).map(|a| wait_before(a, true).as_secs()).collect();
        assert_eq!(waits, [0, 1, 2, 4, 8]);
        let waits: Vec<u64> = (1..=5).map(|a| wait_before(a, false).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16]);
        assert_eq!(wait_before(u32::MAX, true), MAX_BACKOFF);
    }
}
