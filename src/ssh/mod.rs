//! The SSH transport: TCP with socket options, host keys, authentication, connections shared by
//! many session channels, and the prompts all of these need.

pub mod activity;
mod auth;
pub mod certificate_auth;
pub mod channel;
pub mod connection;
pub mod error;
mod handler;
pub mod host_certificate;
mod host_key_order;
pub mod known_hosts;
pub mod prompt;
pub mod secret;
pub mod tcp;

pub use activity::Activity;
pub use channel::{
    BoundedInput, BoundedSession, ChannelCommands, ChannelEvent, ChannelHandle, EventSink,
    IdleString, OpenedSession, SessionChannel, command_queue,
};
pub use connection::{ConnectOptions, Connection, PtyRequest, SessionRequest};
pub use error::SshError;
pub use handler::LinkState;
pub use prompt::{
    Answer, BatchPrompter, FnPrompter, HostKeyDecision, KbdPrompt, Prompt, PromptFuture, Prompter,
};
pub use secret::Secret;
