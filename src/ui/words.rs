//! The words for the app's own states (a tab's state, the status bar's notices); the words
//! for network facts they include come from `crate::text`.

use crate::app::{Ending, Failure, Notice, StoreOutcome, TabState};
use crate::text;

pub fn tab_state(state: &TabState) -> String {
    match state {
        TabState::Connecting => "connecting".to_owned(),
        TabState::Opening => "opening session".to_owned(),
        TabState::Open => "connected".to_owned(),
        TabState::Ended(Ending::Channel(end)) => format!("ended: {}", text::channel_end(end)),
        TabState::Ended(Ending::ConnectionLost(cause)) => format!("connection lost: {cause}"),
        TabState::Failed(Failure::Connect(error)) => format!("failed: {error}"),
        TabState::Failed(Failure::Refused(refusal)) => {
            format!("failed: {}", text::refusal(refusal))
        }
        TabState::Cancelled(what) => format!("cancelled: {what}"),
    }
}

pub fn notice(notice: &Notice) -> String {
    match notice {
        Notice::KeyNotBound { key, prefix } => {
            format!("{key} is not bound; {prefix} ? shows the keys")
        }
        Notice::NoSuchProfile(id) => format!("no saved session {id:?}"),
        Notice::TabStillOpen => "the tab is still open".to_owned(),
        Notice::ProfileGone(id) => format!("the saved session {id:?} is gone"),
        Notice::CloneNeedsConnection => {
            "clone needs a connected tab; this one is not connected".to_owned()
        }
        Notice::CloneRefused(refusal) => format!("clone refused: {}", text::refusal(refusal)),
        Notice::SpillingOver(refusal) => {
            format!("{}; opening a new connection", text::refusal(refusal))
        }
        Notice::CloneCancelled => "clone cancelled".to_owned(),
        Notice::Store(StoreOutcome::Saved(id)) => format!("saved {id}"),
        Notice::Store(StoreOutcome::Deleted(id)) => format!("deleted {id}"),
        Notice::Store(StoreOutcome::Duplicated { from, to }) => {
            format!("duplicated {from} as {to}")
        }
        Notice::Store(StoreOutcome::Failed(error)) => {
            format!("could not change the session store: {error}")
        }
    }
}
