//! Encoding the user's keys, pastes and mouse for the remote program, in the modes the remote
//! terminal state (see [`crate::terminal`]) says it expects.

pub mod key_encoding;
pub mod keymap;
pub mod mouse;

pub use key_encoding::{encode_key, encode_paste, focus_report};
pub use mouse::{MouseAction, encode_mouse};
