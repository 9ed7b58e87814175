//! tabsh: a terminal-UI SSH session manager. The library holds everything but the command line,
//! so integration tests drive the same code the binary runs.

pub mod anti_idle;
pub mod app;
pub mod control;
pub mod demo;
pub mod escape;
pub mod forwarding;
pub mod input;
pub mod patterns;
pub mod profiles;
pub mod runtime;
pub mod ssh;
pub mod terminal;
pub mod text;
pub mod timer;
pub mod ui;
