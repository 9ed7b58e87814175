//! Failures of the demo server that its caller can see.

use thiserror::Error;

/// Why the demo server could not start.
#[derive(Debug, Error)]
pub enum DemoError {
    #[error("could not generate the demo host key: {0}")]
    HostKey(#[source] russh::keys::ssh_key::Error),
    #[error("could not listen on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
}
