//! The parts of the model that features own, as data with their own small methods: the model
//! holds them, and the features' update functions (`app::broadcast`, `app::copy_mode`, ...)
//! change them. Kept apart so the model needs nothing from the features that need it.

pub mod broadcast;
pub mod copy_mode;
pub mod highlights;
pub mod remote_clipboard;
pub mod search;
pub mod session_log;
