//! Agent forwarding: each agent channel the server opens (after a session asked for it) is
//! carried to the local ssh-agent's socket, like OpenSSH's ForwardAgent.

use std::path::PathBuf;

use russh::client::{ChannelOpenHandle, Msg};
use russh::{Channel, ChannelOpenFailure};

/// Answers one agent channel: accepted and carried to `socket` once it is reached, refused
/// when it cannot be.
pub(crate) fn serve(channel: Channel<Msg>, reply: ChannelOpenHandle, socket: PathBuf) {
    tokio::spawn(async move {
        let mut agent = match tokio::net::UnixStream::connect(&socket).await {
            Ok(agent) => agent,
            Err(error) => {
                tracing::debug!("agent forwarding: {}: {error}", socket.display());
                reply.reject(ChannelOpenFailure::ConnectFailed).await;
                return;
            }
        };
        reply.accept().await;
        // Agent messages are small and the agent answers at once: copying both ways keeps the
        // channel drained.
        let mut stream = channel.into_stream();
        let _ = tokio::io::copy_bidirectional(&mut stream, &mut agent).await;
    });
}
