//! The words for the app's own states (a tab's state, the status bar's notices); the words
//! for network facts they include come from `crate::text`.

use std::time::Instant;

use crate::app::{Ending, Failure, HostChange, Notice, Reconnect, StoreOutcome, TabState};
use crate::text;

pub fn tab_state(state: &TabState) -> String {
    match state {
        TabState::Connecting => "connecting".to_owned(),
        TabState::Opening => "opening session".to_owned(),
        TabState::Open => "connected".to_owned(),
        TabState::Reconnecting => "reconnecting".to_owned(),
        TabState::Ended(Ending::Channel(end)) => format!("ended: {}", text::channel_end(end)),
        TabState::Ended(Ending::ConnectionLost(cause)) => format!("connection lost: {cause}"),
        TabState::Ended(Ending::ReconnectStopped { cause, error }) => match error {
            Some(error) => {
                format!("connection lost: {cause}; reconnecting stopped: {error}")
            }
            None => format!("connection lost: {cause}; reconnecting stopped"),
        },
        TabState::Ended(Ending::ConnectionClosed) => "connection closed".to_owned(),
        TabState::Failed(Failure::Connect(error)) => format!("failed: {error}"),
        TabState::Failed(Failure::Refused(refusal)) => {
            format!("failed: {}", text::refusal(refusal))
        }
        TabState::Cancelled(what) => format!("cancelled: {what}"),
    }
}

/// The lines of the question when the remote asks to set the clipboard, and its keys line.
/// Server text: escaped and cut short.
pub fn clipboard_question(text: &str) -> (Vec<String>, String) {
    const SHOWN: usize = 60;
    let chars = text.chars().count();
    let policy = crate::escape::Policy::LINE.with_max_chars(SHOWN);
    let lines = vec![
        format!("The remote program asks to set your clipboard ({chars} characters):"),
        crate::escape::escape(text, policy).into_owned(),
        "A server writing your clipboard can plant a command for your next paste.".to_owned(),
    ];
    let keys = "y: allow for this tab   n: refuse for this tab".to_owned();
    (lines, keys)
}

/// The inspector's MAC line when the cipher authenticates by itself (AEAD).
pub const IMPLICIT_MAC: &str = "implicit (the cipher authenticates)";

/// The keys line of scrollback (copy) mode.
pub const COPY_MODE_KEYS: &str = " scrollback: hjkl/arrows w b e 0 $ PgUp PgDn g G move · v V select · y copy · / search · q leaves ";

/// A search query the regex crate refused, in its words (the last line says what is wrong).
pub fn bad_search(error: &str) -> String {
    let what = error.lines().last().unwrap_or(error).trim();
    format!(
        "not a pattern: {}",
        crate::escape::escape(what, crate::escape::Policy::LINE)
    )
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
        Notice::NoConnection => "this tab has no connection".to_owned(),
        Notice::AlreadyReconnecting => "already trying to reconnect".to_owned(),
        Notice::ConnectionClosed => "connection closed".to_owned(),
        Notice::ReadOnlySshHost { alias, change } => format!(
            "{alias} is a ~/.ssh/config host and cannot be {} here; Ctrl-d makes an editable copy",
            match change {
                HostChange::Edit => "edited",
                HostChange::Delete => "deleted",
                HostChange::SwitchAntiIdle => "switched",
            }
        ),
        Notice::LogStopped => "session log stopped".to_owned(),
        Notice::SshHostGone(id) => format!("{id} is no longer in the ssh config"),
        Notice::Store(StoreOutcome::Saved(id)) => format!("saved {id}"),
        Notice::Store(StoreOutcome::Deleted(id)) => format!("deleted {id}"),
        Notice::Store(StoreOutcome::Duplicated { from, to }) => {
            format!("duplicated {from} as {to}")
        }
        Notice::Store(StoreOutcome::Failed(error)) => {
            format!("could not change the session store: {error}")
        }
        Notice::Copied { chars, cut: false } => format!("copied {chars} characters"),
        Notice::Copied { chars, cut: true } => {
            format!("copied the first {chars} characters (one copy takes 512 KiB at most)")
        }
        Notice::NothingCopied => "nothing copied yet: select in scrollback mode, then y".to_owned(),
        Notice::RemoteCopied { chars } => {
            format!("the remote program set the clipboard ({chars} characters)")
        }
    }
}

/// `attempt 3 in 4 s`, or `attempt 3 under way`.
pub fn reconnect_progress(reconnect: &Reconnect, now: Instant) -> String {
    match reconnect.next_try {
        Some(at) => format!(
            "attempt {} in {} s",
            reconnect.attempt,
            at.saturating_duration_since(now).as_secs_f32().ceil() as u64
        ),
        None => format!("attempt {} under way", reconnect.attempt),
    }
}

/// "broadcast to 3 tabs, 1 full-screen skipped, 1 not open".
pub fn broadcast(status: super::broadcast_status::BroadcastStatus) -> String {
    format!("broadcast to {}", broadcast_reach(status))
}

/// "3 tabs, 1 full-screen skipped, 1 not open".
pub fn broadcast_reach(status: super::broadcast_status::BroadcastStatus) -> String {
    let mut text = match status.tabs {
        1 => "1 tab".to_owned(),
        n => format!("{n} tabs"),
    };
    if status.full_screen > 0 {
        text.push_str(&format!(", {} full-screen skipped", status.full_screen));
    }
    if status.not_open > 0 {
        text.push_str(&format!(", {} not open", status.not_open));
    }
    text
}

/// "Paste 3 lines to 4 tabs?"
pub fn broadcast_paste(pending: &crate::app::broadcast::PendingPaste) -> String {
    let lines = match pending.lines {
        1 => "1 line".to_owned(),
        n => format!("{n} lines"),
    };
    format!("Paste {lines} to {} tabs?", pending.tabs)
}

/// The status bar's word for the tab's session log.
pub fn tab_log(log: &crate::app::TabLog) -> String {
    match &log.error {
        None if log.raw => "log (raw)".to_owned(),
        None => "log".to_owned(),
        Some(error) => format!("log failed: {}", crate::escape::escape_line(error)),
    }
}

/// The status bar while the mouse or copy mode's cursor is on a link: where it goes. The URI
/// is printable ASCII (the terminal refuses any other), escaped again all the same.
pub fn link_target(uri: &str) -> String {
    format!(" link {}", crate::escape::escape_line(uri))
}
