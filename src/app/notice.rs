//! What the app tells the person in the status bar, as typed values; the words are made in
//! `ui::words`.

use crate::ssh::Refusal;

/// A one-line message for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A key pressed after the prefix that does nothing; the key and the prefix as shown.
    KeyNotBound {
        key: String,
        prefix: String,
    },
    NoSuchProfile(String),
    TabStillOpen,
    ProfileGone(String),
    CloneNeedsConnection,
    /// The server refused a clone and the profile says not to spill over.
    CloneRefused(Refusal),
    /// The server refused a clone; it opens on a new connection.
    SpillingOver(Refusal),
    CloneCancelled,
    /// The active tab has no connection to inspect.
    NoConnection,
    /// An attempt to reconnect is already under way.
    AlreadyReconnecting,
    ConnectionClosed,
    /// A host of `~/.ssh/config` is read-only here; Ctrl-d makes an editable copy.
    ReadOnlySshHost {
        alias: String,
        change: HostChange,
    },
    /// The host is no longer in `~/.ssh/config`.
    SshHostGone(String),
    Store(StoreOutcome),
    /// Text went to the clipboard; `cut` when it was longer than one copy takes.
    Copied {
        chars: usize,
        cut: bool,
    },
    /// `paste-copy` with nothing copied yet.
    NothingCopied,
    /// The remote program set the clipboard (the profile or the person allowed it).
    RemoteCopied {
        chars: usize,
    },
    LogStopped,
}

/// What was refused on a read-only host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostChange {
    Edit,
    Delete,
    SwitchAntiIdle,
}

/// What the profile store did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOutcome {
    Saved(String),
    Deleted(String),
    Duplicated {
        from: String,
        to: String,
    },
    /// The store's error, in its words.
    Failed(String),
}
