//! The words for network facts: why a connection or a session ended, a refused channel, the
//! line a reconnected tab shows. The app and the network layers carry these as values; the
//! screen, the tab's marker line and the command line all say them with these functions.

mod channel_end;
pub mod forwarding;
mod loss;
mod marker;
mod refusal;
pub mod shared_exec;

pub use channel_end::channel_end;
pub use loss::loss_hint;
pub use marker::reconnected_marker;
pub use refusal::refusal;
