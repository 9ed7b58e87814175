//! The application state and its single `update`: model, messages, effects. Pure: no I/O.

mod actions;
mod clone;
mod connections;
pub mod effect;
pub mod ids;
pub mod model;
pub mod msg;
mod net;
mod overlays;
mod profile_list;
mod prompts;
pub mod update;

pub use effect::Effect;
pub use ids::{ConnectionId, TabId};
pub use model::{CHROME_ROWS, ConnectionInfo, Model, Overlay, PendingPrompt, Tab, TabState};
pub use msg::{Msg, NetEvent, PromptReply};
pub use profile_list::ProfileList;
pub use update::{open_profile, update};

#[cfg(test)]
mod tests;
