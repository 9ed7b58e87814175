//! Who broadcast typing reaches from the active tab, as the status bar and the compose line
//! tell it.

use crate::app::Model;

/// "broadcast to 3 tabs", with the members typing skips.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BroadcastStatus {
    /// The tabs typing reaches, the active one included.
    pub tabs: usize,
    /// Members skipped because they show a full-screen program and the active tab does not.
    pub full_screen: usize,
    /// Members skipped because their channel is not open.
    pub not_open: usize,
}

impl BroadcastStatus {
    /// Where typing in the active tab goes now.
    pub fn of(model: &Model) -> Self {
        let reach = crate::app::broadcast::reach(model);
        Self {
            tabs: reach.targets.len(),
            full_screen: reach.full_screen.len(),
            not_open: reach.not_open,
        }
    }
}
