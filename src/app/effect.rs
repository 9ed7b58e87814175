//! Side effects `update` asks for; the runtime carries them out.

use std::time::Duration;

use super::ids::{ConnectionId, TabId};
use super::msg::PromptReply;
use crate::control::{ClientId, Reply};
use crate::profiles::jump::JumpError;
use crate::profiles::{AntiIdle, LogSettings};
use crate::profiles::{Profile, StoredProfile};
use crate::ssh::{Answer, IdleString, PtyRequest};

#[derive(Debug)]
pub enum Effect {
    /// Make `connection` to the profile (again, after a loss), then report `Connected` or
    /// `ConnectFailed`. Questions (host key, password) are asked in `tab`.
    Connect {
        connection: ConnectionId,
        tab: TabId,
        profile: Box<StoredProfile>,
        /// The jump hosts to go through, outermost first (or why they cannot be followed).
        hops: Result<Vec<Profile>, JumpError>,
    },
    /// Open a session channel for `tab` on a connection that is up.
    OpenChannel {
        tab: TabId,
        connection: ConnectionId,
        pty: PtyRequest,
        command: Option<String>,
        /// What anti-idle types into the channel when it sits idle.
        idle: Option<IdleString>,
    },
    Write {
        tab: TabId,
        bytes: Vec<u8>,
    },
    /// Tell the tab's program it gained or lost focus (it asked with DECSET 1004).
    ReportFocus {
        tab: TabId,
        focused: bool,
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
    /// Wait `delay`, then report `ReconnectDue` for this attempt.
    ScheduleReconnect {
        connection: ConnectionId,
        attempt: u32,
        delay: Duration,
    },
    /// No tab waits on `connection` any more: stop making it, wherever it is.
    CancelConnect {
        connection: ConnectionId,
    },
    /// The tab is done with its channel: send CLOSE (when it is still open) so the server
    /// frees the session slot, and forget it.
    CloseChannel {
        tab: TabId,
    },
    /// Close the connection once no tab uses it, after the profile's linger time.
    ReleaseConnection {
        connection: ConnectionId,
        linger_secs: u64,
    },
    /// The profile's anti-idle settings changed: apply them to this live connection at once.
    SetAntiIdle {
        connection: ConnectionId,
        settings: AntiIdle,
    },
    /// The profile's forwards were switched: which are on now, in the profile's order.
    SetForwards {
        connection: ConnectionId,
        enabled: Vec<bool>,
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
    /// Put `text` on the host terminal's clipboard (OSC 52).
    SetClipboard {
        text: String,
    },
    /// Run `command` for a control client as a new exec channel on `connection`.
    ControlExec {
        client: ClientId,
        connection: ConnectionId,
        command: String,
    },
    /// Answer a control client.
    ControlReply {
        client: ClientId,
        reply: Reply,
    },
    /// Start writing `tab`'s session log: the runtime makes the path from the template.
    StartLog {
        tab: TabId,
        settings: LogSettings,
        id: String,
        name: String,
        host: String,
    },
    /// Text lines for `tab`'s log.
    LogLines {
        tab: TabId,
        lines: Vec<String>,
    },
    /// Output as received, for a raw log.
    LogBytes {
        tab: TabId,
        bytes: Vec<u8>,
    },
    /// Flush and close `tab`'s log.
    StopLog {
        tab: TabId,
    },
    Quit,
}
