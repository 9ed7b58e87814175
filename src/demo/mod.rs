//! A built-in SSH server on loopback.
//!
//! It gives a newcomer working tabs without a server of their own (the "demo"
//! profile), and gives tests a fast in-process server. It listens only on
//! `127.0.0.1`, uses a host key generated at start, lets in only the keys (and
//! optionally the password) it was given, and runs shells and commands as the
//! local user on real ptys.
//!
//! ```no_run
//! # async fn demo(client_key: russh::keys::PublicKey) -> Result<(), tabsh::demo::DemoError> {
//! use tabsh::demo::{DemoConfig, DemoServer};
//! let server = DemoServer::start(DemoConfig::with_authorized_key(client_key)).await?;
//! println!("ssh -p {} 127.0.0.1 ({})", server.port(), server.host_public_key().fingerprint(Default::default()));
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod admission;
mod auth;
mod builtin;
mod config;
mod error;
mod handler;
mod local_user;
mod pumps;
mod server;
mod session_channel;
mod spawn;
mod supervisor;

pub use auth::KEYBOARD_INTERACTIVE_PROMPT;
pub use builtin::{BuiltinDemo, Targets};
pub use config::{
    DEFAULT_LOGIN_GRACE_TIME, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_SESSIONS,
    DEFAULT_MAX_UNAUTHENTICATED, DemoConfig,
};
pub use error::DemoError;
pub use server::DemoServer;
