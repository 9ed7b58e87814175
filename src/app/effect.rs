//! Side effects `update` asks for; the runtime carries them out.

use super::ids::{ConnectionId, TabId};
use super::msg::PromptReply;
use crate::profiles::{Profile, StoredProfile};
use crate::ssh::{Answer, PtyRequest};

#[derive(Debug)]
pub enum Effect {
    /// Connect to the profile, then report `Connected` (or `ConnectFailed`) for `tab`.
    Connect {
        tab: TabId,
        profile: Box<StoredProfile>,
    },
    /// Open a session channel for `tab` on an existing connection.
    OpenChannel {
        tab: TabId,
        connection: ConnectionId,
        pty: PtyRequest,
        command: Option<String>,
    },
    Write {
        tab: TabId,
        bytes: Vec<u8>,
    },
    ResizeChannel {
        tab: TabId,
        cols: u16,
        rows: u16,
    },
    /// Pause (or resume) the tab's anti-idle string: a full-screen program is showing.
    HoldIdleString {
        tab: TabId,
        hold: bool,
    },
    /// Send CLOSE so the server frees the session slot.
    CloseChannel {
        tab: TabId,
    },
    /// Close the connection once no tab uses it, after the profile's linger time.
    ReleaseConnection {
        connection: ConnectionId,
        linger_secs: u64,
    },
    Answer {
        reply: PromptReply,
        answer: Answer,
    },
    SaveProfile {
        id: Option<String>,
        profile: Box<Profile>,
    },
    DeleteProfile {
        id: String,
    },
    DuplicateProfile {
        id: String,
    },
    Quit,
}
