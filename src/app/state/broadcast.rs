//! Broadcast input's state: the group's members, the compose line and a paste waiting for a
//! yes (what they do: `app::broadcast`).

use std::collections::BTreeSet;

use super::super::ids::TabId;
use super::super::overlays::text_input::TextInput;

/// The members of the group and what the compose line remembers.
#[derive(Debug, Default)]
pub struct Broadcast {
    /// Ids outlive tabs: a closed member's id stays here, harmlessly, as ids are never reused;
    /// everything counted is counted over the tabs that exist.
    pub(in crate::app) members: BTreeSet<TabId>,
    pub(in crate::app) history: Vec<String>,
}

impl Broadcast {
    pub fn is_member(&self, tab: TabId) -> bool {
        self.members.contains(&tab)
    }

    pub fn has_members(&self) -> bool {
        !self.members.is_empty()
    }

    /// The members' ids (closed tabs' among them; see `members`).
    pub fn members(&self) -> impl Iterator<Item = TabId> + '_ {
        self.members.iter().copied()
    }
}

/// Where one piece of input typed while the active tab is a member goes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The tabs it is sent to, the active one first.
    pub targets: Vec<TabId>,
    /// Members showing a full-screen program while the active tab does not.
    pub full_screen: Vec<TabId>,
    /// Members whose channel is not open (connecting, reconnecting, ended).
    pub not_open: usize,
}

/// A paste for several tabs, waiting for a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPaste {
    pub text: String,
    pub tabs: usize,
    pub lines: usize,
}

/// The compose line: a line edited here, sent with Enter to every member.
#[derive(Debug, Default)]
pub struct ComposeLine {
    pub input: TextInput,
    /// The history line shown, counted from the newest; `None` while typing a new one.
    pub(in crate::app) recalled: Option<usize>,
}
