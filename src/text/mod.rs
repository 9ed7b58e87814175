//! The words tabsh says: every user-facing sentence made from a typed value (why a connection
//! or a session ended, what the status bar says, refusals and notices) is made here, so the
//! app and the network layers carry facts and the screen and the command line say them the
//! same way.

mod loss;
mod notice;
mod tab_state;

pub use loss::loss_hint;
pub use notice::{notice, refusal};
pub use tab_state::{channel_end, tab_state};
