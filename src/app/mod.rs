//! The application state and its single `update`: model, messages, effects. Pure: no I/O.

mod actions;
mod anti_idle;
pub mod broadcast;
mod clone;
mod close;
mod connection_info;
mod control;
pub mod copy_mode;
pub mod effect;
mod focus;
pub mod highlights;
pub mod ids;
mod inspector;
mod keys;
pub mod model;
pub mod msg;
mod net;
mod notice;
mod open;
mod overlays;
mod profile_list;
mod prompts;
mod reconnect;
pub mod remote_clipboard;
pub mod search;
mod session_log;
mod sessions;
mod shown_link;
mod state;
mod tabs;
pub mod update;

pub use connection_info::{ConnectionInfo, LinkPhase, Reconnect, Reconnected};
pub use effect::Effect;
pub use ids::{ConnectionId, TabId};
pub use model::{
    CHROME_ROWS, Ending, Failure, Model, Overlay, PendingPrompt, Tab, TabMarks, TabState,
};
pub use msg::{Msg, NetEvent, PromptReply};
pub use notice::{HostChange, Notice, StoreOutcome};
pub use overlays::{profile_form, session_manager, text_input};
pub use profile_list::ProfileList;
pub use session_log::TabLog;
pub use shown_link::link_shown;
pub use update::update;

#[cfg(test)]
pub(crate) mod tests;
