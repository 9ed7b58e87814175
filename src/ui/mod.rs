//! Drawing: `view(&Model, &ViewCache, &mut Frame)` and the widgets it uses. Reads state (the cache
//! only remembers drawn rows), never does I/O.

pub mod escapes;
pub mod popups;
pub mod profile_form;
pub mod session_manager;
pub mod status_bar;
pub mod tab_bar;
pub mod text_input;
mod view;

pub use view::view;

#[cfg(test)]
mod view_tests;
