//! The SSH transport: TCP with socket options, host keys, authentication, connections shared by
//! many session channels, and the prompts all of these need.

pub mod activity;
mod agent_forward;
mod auth;
pub mod certificate_auth;
pub mod channel;
pub mod connection;
pub mod error;
mod handler;
pub mod host_certificate;
mod host_key_order;
pub mod jump;
pub mod known_hosts;
mod link;
mod machine_time;
mod observed_stream;
pub mod options;
pub mod prompt;
mod proxy_command;
mod refusal;
pub mod route;
pub mod secret;
pub mod server_opens;
mod session_open;
pub mod tcp;
mod upstream;
mod yielding_stream;

pub use activity::Activity;
pub use channel::{
    BoundedInput, BoundedSession, ChannelCommands, ChannelEnd, ChannelEvent, ChannelHandle,
    EventSink, IdleString, OpenedSession, SessionChannel, command_queue,
};
pub use connection::Connection;
pub use connection::ConnectionDetails;
pub use error::SshError;
pub use handler::Negotiated;
pub use jump::JumpHosts;
pub use link::{LinkState, LossCause};
pub use options::{ConnectOptions, PtyRequest, Route, SessionRequest};
pub use prompt::{
    Answer, BatchPrompter, FnPrompter, HostKeyDecision, KbdPrompt, Prompt, PromptFuture, Prompter,
};
pub use refusal::Refusal;
pub use secret::Secret;
pub use server_opens::IncomingForward;
