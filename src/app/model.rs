//! The whole state of the TUI. Only `update` changes it; the view only reads it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::ids::{ConnectionId, TabId};
use super::msg::PromptReply;
use super::notice::Notice;
use super::overlays::profile_form::ProfileForm;
use super::overlays::session_manager::SessionManager;
use super::profile_list::ProfileList;
use crate::input::keymap::Keymap;
use crate::profiles::StoredProfile;
use crate::ssh::Refusal;
use crate::ssh::{Activity, ChannelEnd, LossCause, Prompt};
use crate::terminal::Terminal;

/// Rows the tab bar and the status bar take from the screen.
pub const CHROME_ROWS: u16 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabState {
    Connecting,
    /// Connected; waiting for the server to open the channel.
    Opening,
    Open,
    /// The session is over.
    Ended(Ending),
    /// Connecting or opening failed.
    Failed(Failure),
    /// The person cancelled a prompt; the text says which.
    Cancelled(String),
}

/// Why a tab's session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The channel ended by itself (the shell exited, the server closed it).
    Channel(ChannelEnd),
    /// The connection under it was lost.
    ConnectionLost(LossCause),
}

/// Why a tab never got its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Connecting or logging in failed; the error's own words.
    Connect(String),
    /// The server refused the session channel.
    Refused(Refusal),
}

impl TabState {
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            TabState::Connecting | TabState::Opening | TabState::Open
        )
    }
}

/// A question from the SSH layer waiting for the person, shown over its tab.
#[derive(Debug)]
pub struct PendingPrompt {
    pub prompt: Prompt,
    pub reply: PromptReply,
    /// What is being typed for the current question.
    pub input: String,
    /// Answers given so far (keyboard-interactive asks several questions at once).
    pub answers: Vec<String>,
}

impl PendingPrompt {
    pub fn new(prompt: Prompt, reply: PromptReply) -> Self {
        Self {
            prompt,
            reply,
            input: String::new(),
            answers: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct Tab {
    pub id: TabId,
    /// The saved session this tab was opened from; its settings are read from the model's one
    /// [`ProfileList`], so an edit reaches the tab at once.
    pub profile_id: String,
    /// `user@host:port` once known.
    pub target: String,
    pub custom_title: Option<String>,
    pub connection: Option<ConnectionId>,
    pub state: TabState,
    pub terminal: Terminal,
    pub prompts: Vec<PendingPrompt>,
    /// Keys typed while the session was still opening, sent once it is open (like a
    /// terminal's typeahead).
    pub typeahead: Vec<u8>,
    /// Made by clone: if the server refuses its channel, the tab goes away rather than stay
    /// half-made.
    pub cloned: bool,
}

impl Tab {
    /// Rename > remote title > `profile_name`.
    pub fn title<'a>(&'a self, profile_name: &'a str) -> &'a str {
        self.custom_title
            .as_deref()
            .or_else(|| self.terminal.title().filter(|t| !t.is_empty()))
            .unwrap_or(profile_name)
    }
}

/// Where a connection is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPhase {
    /// Connecting and logging in; tabs wait on it.
    Connecting,
    Up,
    /// Gone, for this reason.
    Lost(LossCause),
}

/// A connection as the model knows it; the runtime holds the live object under the same id.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub profile_id: String,
    /// `user@host:port` once connected.
    pub target: String,
    pub phase: LinkPhase,
    /// Session channels open (or opening) on this connection. Zero while the connection
    /// lingers after its last tab closed, ready to be reused.
    pub sessions: u32,
    /// Learned from a refusal: the server allows this many sessions per connection.
    pub server_limit: Option<u32>,
    /// When traffic last flowed (read when drawing the status bar).
    pub activity: Option<Arc<Activity>>,
    /// The last keepalive's round trip.
    pub rtt: Option<Duration>,
    /// Keepalives unanswered in a row, and the limit.
    pub misses: (u32, u32),
}

impl ConnectionInfo {
    /// A connection being made for `profile_id`.
    pub fn connecting(profile_id: &str) -> Self {
        Self {
            profile_id: profile_id.to_owned(),
            target: String::new(),
            phase: LinkPhase::Connecting,
            sessions: 0,
            server_limit: None,
            activity: None,
            rtt: None,
            misses: (0, 0),
        }
    }

    pub fn is_up(&self) -> bool {
        self.phase == LinkPhase::Up
    }
}

#[derive(Debug)]
pub enum Overlay {
    SessionManager(SessionManager),
    ProfileForm(ProfileForm),
    Help,
    Rename {
        tab: TabId,
        text: String,
    },
    ConfirmQuit,
    /// The server refused a clone: open the tab on a new connection, or cancel.
    SpillOver {
        profile_id: String,
        refusal: Refusal,
    },
}

#[derive(Debug)]
pub struct Model {
    pub tabs: Vec<Tab>,
    pub active: usize,
    pub connections: BTreeMap<ConnectionId, ConnectionInfo>,
    pub profiles: ProfileList,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    /// The prefix key was pressed; the next key is a command.
    pub prefix_pending: bool,
    /// The active tab is in scrollback mode: keys scroll instead of going to the remote.
    pub scrollback_mode: bool,
    pub cols: u16,
    pub rows: u16,
    pub notice: Option<Notice>,
    pub next_tab: u64,
    pub next_connection: u64,
    pub quitting: bool,
}

impl Model {
    pub fn new(keymap: Keymap, cols: u16, rows: u16) -> Self {
        Self {
            tabs: Vec::new(),
            active: 0,
            connections: BTreeMap::new(),
            profiles: ProfileList::default(),
            overlay: None,
            keymap,
            prefix_pending: false,
            scrollback_mode: false,
            cols,
            rows,
            notice: None,
            next_tab: 1,
            next_connection: 1,
            quitting: false,
        }
    }

    /// The size every tab's terminal gets: the screen less the tab bar and status bar.
    pub fn terminal_size(&self) -> (u16, u16) {
        (
            self.rows.saturating_sub(CHROME_ROWS).max(1),
            self.cols.max(1),
        )
    }

    pub fn active_tab(&self) -> Option<&Tab> {
        self.tabs.get(self.active)
    }

    pub fn active_tab_mut(&mut self) -> Option<&mut Tab> {
        self.tabs.get_mut(self.active)
    }

    pub fn tab_index(&self, id: TabId) -> Option<usize> {
        self.tabs.iter().position(|tab| tab.id == id)
    }

    pub fn tab_mut(&mut self, id: TabId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|tab| tab.id == id)
    }

    pub fn live_sessions(&self) -> usize {
        self.tabs.iter().filter(|tab| tab.state.is_live()).count()
    }

    /// The current settings of the profile `tab` was opened from.
    pub fn profile_of(&self, tab: &Tab) -> Option<&StoredProfile> {
        self.profiles.get(&tab.profile_id)
    }

    /// The profile's name for `tab`, or its id when the profile is unknown.
    pub fn profile_name<'a>(&'a self, tab: &'a Tab) -> &'a str {
        self.profile_of(tab)
            .map_or(tab.profile_id.as_str(), StoredProfile::display_name)
    }

    /// Rename > remote title > profile name.
    pub fn tab_title<'a>(&'a self, tab: &'a Tab) -> &'a str {
        tab.title(self.profile_name(tab))
    }
}
