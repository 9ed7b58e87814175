//! Text from outside (servers, files) made safe to show.

pub mod escape;
