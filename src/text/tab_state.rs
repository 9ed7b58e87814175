//! A tab's state and how its session ended, in words.

use crate::app::{Ending, Failure, TabState};
use crate::ssh::ChannelEnd;

pub fn tab_state(state: &TabState) -> String {
    match state {
        TabState::Connecting => "connecting".to_owned(),
        TabState::Opening => "opening session".to_owned(),
        TabState::Open => "connected".to_owned(),
        TabState::Ended(Ending::Channel(end)) => format!("ended: {}", channel_end(end)),
        TabState::Ended(Ending::ConnectionLost(cause)) => format!("connection lost: {cause}"),
        TabState::Failed(Failure::Connect(error)) => format!("failed: {error}"),
        TabState::Failed(Failure::Refused(refusal)) => {
            format!("failed: {}", super::refusal(refusal))
        }
        TabState::Cancelled(what) => format!("cancelled: {what}"),
    }
}

pub fn channel_end(end: &ChannelEnd) -> String {
    match end {
        ChannelEnd::Exited(status) => format!("exited with status {status}"),
        ChannelEnd::Killed { signal, message } if message.is_empty() => {
            format!("killed by signal {signal}")
        }
        ChannelEnd::Killed { signal, message } => {
            format!("killed by signal {signal}: {message}")
        }
        ChannelEnd::ClosedByServer => "closed by the server".to_owned(),
        ChannelEnd::ConnectionLost => "the connection was lost".to_owned(),
    }
}
