//! The whole state of the TUI. Only `update` changes it; the view only reads it.

use std::collections::BTreeMap;

use super::connection_info::ConnectionInfo;
use super::effect::Effect;
use super::ids::{ConnectionId, TabId};
use super::msg::PromptReply;
use super::notice::Notice;
use super::overlays::profile_form::ProfileForm;
use super::overlays::session_manager::SessionManager;
use super::profile_list::ProfileList;
use super::state::broadcast::{Broadcast, ComposeLine, PendingPaste};
use super::state::copy_mode::CopyMode;
use super::state::highlights::Highlights;
use super::state::remote_clipboard::ClipboardConsent;
use super::state::search::Search;
use super::state::session_log::TabLog;
use crate::input::keymap::Keymap;
use crate::profiles::StoredProfile;
use crate::ssh::Refusal;
use crate::ssh::{ChannelEnd, LossCause, Prompt, Secret};
use crate::terminal::Terminal;

/// Rows the tab bar and the status bar take from the screen.
pub const CHROME_ROWS: u16 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabState {
    Connecting,
    /// Connected; waiting for the server to open the channel.
    Opening,
    Open,
    /// The connection was lost and is coming back (its `ConnectionInfo` says how it goes);
    /// the tab reopens on it with its scrollback kept.
    Reconnecting,
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
    /// The connection was lost and reconnecting stopped: the person pressed Esc, the
    /// attempts ran out, or one failed for good (a refused login, a changed host key).
    ReconnectStopped {
        cause: LossCause,
        /// The last attempt's error, when one failed.
        error: Option<String>,
    },
    /// The person closed the connection (from the inspector).
    ConnectionClosed,
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
            TabState::Connecting | TabState::Opening | TabState::Open | TabState::Reconnecting
        )
    }
}

/// A question from the SSH layer waiting for the person, shown over its tab. It takes keys only
/// once it is armed, a moment after it was first shown: keys already on their way (typed into
/// the shell, a paste) must never answer it, least of all trust a host key.
#[derive(Debug)]
pub struct PendingPrompt {
    /// Which question this is, so arming reaches this one and not a later one.
    pub id: u64,
    pub armed: bool,
    pub prompt: Prompt,
    pub reply: PromptReply,
    /// What is being typed for the current question.
    pub input: Secret,
    /// Answers given so far (keyboard-interactive asks several questions at once).
    pub answers: Vec<Secret>,
}

impl PendingPrompt {
    pub fn new(id: u64, prompt: Prompt, reply: PromptReply) -> Self {
        Self {
            id,
            armed: false,
            prompt,
            reply,
            input: Secret::new(),
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
    /// Made by clone and not yet open: if the server refuses its channel, the tab goes away
    /// rather than stay half-made.
    pub cloned: bool,
    /// The tab's session log, while it is logged.
    pub log: Option<TabLog>,
    /// Reopening on its reconnected connection: if the server refuses the channel, the
    /// profile's spill-over policy decides.
    pub rejoining: bool,
    /// What happened while the tab was in the background, for its mark in the tab bar.
    pub marks: TabMarks,
    /// Whether the remote may set the clipboard, when the profile says to ask.
    pub clipboard: ClipboardConsent,
}

/// What a background tab's label tells: new output, a bell. Cleared when the tab is shown.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TabMarks {
    pub activity: bool,
    pub bell: bool,
    /// The terminal's bell count when last looked at, to notice new bells.
    pub bells_seen: u64,
}

impl Tab {
    /// Input goes to an open channel, waits for one that is opening, and is dropped
    /// otherwise. Nothing is held while still connecting: it could be a password meant for a
    /// prompt that has not shown yet, and must never reach the shell.
    pub fn send_or_hold(&mut self, bytes: Vec<u8>, effects: &mut Vec<Effect>) {
        match self.state {
            TabState::Open => effects.push(Effect::Write {
                tab: self.id,
                bytes,
            }),
            TabState::Opening => self.typeahead.extend(bytes),
            _ => {}
        }
    }

    /// Rename > remote title > `profile_name`.
    pub fn title<'a>(&'a self, profile_name: &'a str) -> &'a str {
        self.custom_title
            .as_deref()
            .or_else(|| self.terminal.title().filter(|t| !t.is_empty()))
            .unwrap_or(profile_name)
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
        /// The tab to move to a new connection (reopening after a reconnect); `None` opens a
        /// new one (a clone).
        tab: Option<TabId>,
    },
    /// What is known about the active tab's connection; `closing` once asked to close it.
    Inspector {
        connection: ConnectionId,
        closing: bool,
    },
    /// A paste that would reach more than one tab of the broadcast group, waiting for a yes.
    ConfirmPaste(PendingPaste),
    /// The compose line: a line typed here goes to every tab typing reaches, plus Enter.
    Compose(ComposeLine),
}

#[derive(Debug)]
pub struct Model {
    pub tabs: Vec<Tab>,
    pub active: usize,
    pub connections: BTreeMap<ConnectionId, ConnectionInfo>,
    pub profiles: ProfileList,
    pub overlay: Option<Overlay>,
    pub keymap: Keymap,
    /// Commands control clients run on live connections, each counted as a session there.
    pub control_execs: BTreeMap<crate::control::ClientId, ConnectionId>,
    /// The tabs that get every key typed into any of them.
    pub broadcast: Broadcast,
    /// The prefix key was pressed; the next key is a command.
    pub prefix_pending: bool,
    /// The active tab is in scrollback mode: keys scroll instead of going to the remote.
    pub scrollback_mode: bool,
    /// The search line over the active tab, while it is open.
    pub search: Option<Search>,
    /// Scrollback mode's cursor and selection, or a mouse drag's selection.
    pub copy: Option<CopyMode>,
    /// The text copied last, for `paste-copy`.
    pub last_copy: Option<String>,
    /// Keyword highlighting, compiled from the profiles and the global rules.
    pub highlights: Highlights,
    pub cols: u16,
    pub rows: u16,
    pub notice: Option<Notice>,
    pub next_tab: u64,
    pub next_connection: u64,
    pub next_prompt: u64,
    /// Sessions asked for at start, opened once the profiles have been read.
    pub opening_at_start: Vec<String>,
    pub quitting: bool,
    /// Whether the host terminal has focus (true until it reports otherwise).
    pub host_focused: bool,
    /// Where the mouse was last reported on the host screen: (column, row).
    pub pointer: Option<(u16, u16)>,
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
            control_execs: BTreeMap::new(),
            broadcast: Broadcast::default(),
            prefix_pending: false,
            scrollback_mode: false,
            search: None,
            copy: None,
            last_copy: None,
            highlights: Highlights::default(),
            cols,
            rows,
            notice: None,
            next_tab: 1,
            next_connection: 1,
            next_prompt: 1,
            opening_at_start: Vec::new(),
            quitting: false,
            host_focused: true,
            pointer: None,
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

    /// Whether output just parsed for tab `id` needs a frame: the active tab's does; another
    /// tab's only when what the tab bar shows of it changed (`bar_stamp` is the tab's before
    /// the parse).
    pub fn output_needs_frame(&self, id: TabId, bar_stamp: Option<u64>) -> bool {
        self.active_tab().is_some_and(|tab| tab.id == id) || self.bar_stamp(id) != bar_stamp
    }

    /// Changes whenever what the tab bar shows of tab `id` may have changed with its output:
    /// its title, its activity and bell marks, a clipboard question.
    pub fn bar_stamp(&self, id: TabId) -> Option<u64> {
        let tab = self.tabs.iter().find(|tab| tab.id == id)?;
        let marks = u64::from(tab.marks.activity)
            | u64::from(tab.marks.bell) << 1
            | u64::from(matches!(tab.clipboard, ClipboardConsent::Asking(_))) << 2;
        Some(tab.terminal.title_changes().wrapping_mul(8) | marks)
    }

    pub fn tab_mut(&mut self, id: TabId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|tab| tab.id == id)
    }

    pub fn live_sessions(&self) -> usize {
        self.tabs.iter().filter(|tab| tab.state.is_live()).count()
    }

    /// The question shown now that does not take keys yet: the active tab's first, with no
    /// overlay over it. The runtime arms it a moment after it has been drawn.
    pub fn prompt_to_arm(&self) -> Option<(TabId, u64)> {
        if self.overlay.is_some() {
            return None;
        }
        let tab = self.active_tab()?;
        if let Some(prompt) = tab.prompts.first() {
            return (!prompt.armed).then_some((tab.id, prompt.id));
        }
        match &tab.clipboard {
            ClipboardConsent::Asking(question) if !question.armed => Some((tab.id, question.id)),
            _ => None,
        }
    }

    /// Whether the screen shows something that changes with time alone: a reconnect
    /// countdown, or the inspector's uptime and traffic.
    pub fn shows_a_clock(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Inspector { .. }))
            || self
                .connections
                .values()
                .any(|info| info.reconnect().is_some_and(|r| r.next_try.is_some()))
    }

    /// How many tabs show an activity mark and how many a bell mark: when either changes,
    /// the tab bar needs drawing.
    pub fn marks_shown(&self) -> (usize, usize) {
        let activity = self.tabs.iter().filter(|tab| tab.marks.activity).count();
        let bells = self.tabs.iter().filter(|tab| tab.marks.bell).count();
        (activity, bells)
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
