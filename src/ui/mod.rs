//! Drawing: `view(&Model, &FrameMemory, &mut Canvas)` and the widgets it uses, which read state
//! (the memory only remembers what was painted) and never do I/O; and the [`Renderer`] that
//! puts frames on the host terminal through a ratatui backend.

mod broadcast_status;
mod frame_memory;
mod host_decorations;
mod inspector;
mod painted;
pub mod popups;
pub mod profile_form;
pub(crate) mod renderer;
mod session_detail;
pub mod session_manager;
pub mod status_bar;
pub mod tab_bar;
mod terminal_marks;
mod view;
pub mod words;

pub use frame_memory::FrameMemory;
pub use renderer::{Canvas, Renderer};
pub use terminal_marks::highlight_row;
pub use view::{cursor_style, view};

#[cfg(test)]
mod host_decorations_tests;
#[cfg(test)]
mod marks_tests;
#[cfg(test)]
mod view_tests;

#[cfg(test)]
mod broadcast_tests;
