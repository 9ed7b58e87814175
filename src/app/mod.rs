//! The application state and its single `update`: model, messages, effects. Pure: no I/O.

mod actions;
mod clone;
pub mod effect;
pub mod ids;
mod keys;
pub mod model;
pub mod msg;
mod net;
mod notice;
mod open;
mod overlays;
mod profile_list;
mod prompts;
mod sessions;
mod tabs;
pub mod update;

pub use effect::Effect;
pub use ids::{ConnectionId, TabId};
pub use model::{
    CHROME_ROWS, ConnectionInfo, Ending, Failure, LinkPhase, Model, Overlay, PendingPrompt, Tab,
    TabState,
};
pub use msg::{Msg, NetEvent, PromptReply};
pub use notice::{Notice, StoreOutcome};
pub use overlays::{profile_form, session_manager, text_input};
pub use profile_list::ProfileList;
pub use update::update;

#[cfg(test)]
pub(crate) mod tests;
