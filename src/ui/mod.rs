//! Terminal UI components. Each keeps only UI state, changes it in a pure `handle_key`, and
//! draws in a `render` that reads state and never does I/O.

pub mod escapes;
pub mod profile_form;
pub mod session_manager;
pub mod text_input;
