//! Remote forwards (`-R`): the server listens; each connection it forwards is carried to
//! `host:port` as this machine reaches it, and refused when that cannot be reached.

use std::sync::Arc;

use russh::ChannelOpenFailure;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::pump::carry;
use super::stats::{ForwardStats, ForwardStatus};
use crate::ssh::{Connection, IncomingForward, SshError};
use crate::text::forwarding as words;

/// Asks the server to listen. The error says why it would not.
pub async fn request(
    connection: &Connection,
    stats: &ForwardStats,
) -> Result<(u16, mpsc::Receiver<IncomingForward>), SshError> {
    let forward = &stats.forward;
    connection
        .request_remote_forward(&forward.bind_address, forward.bind_port)
        .await
}

/// Serves the connections the server forwards until the task is dropped.
pub async fn serve(
    bound: u16,
    mut incoming: mpsc::Receiver<IncomingForward>,
    stats: Arc<ForwardStats>,
) {
    stats.set_status(ForwardStatus::Listening(words::server_listens(
        &stats.forward.bind_address,
        bound,
    )));
    let mut carried = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            opened = incoming.recv() => {
                let Some(opened) = opened else { return };
                carried.spawn(one(opened, Arc::clone(&stats)));
            }
            Some(_) = carried.join_next(), if !carried.is_empty() => {}
        }
    }
}

async fn one(opened: IncomingForward, stats: Arc<ForwardStats>) {
    let forward = &stats.forward;
    match TcpStream::connect((forward.host.as_str(), forward.port)).await {
        Ok(target) => {
            let _ = target.set_nodelay(true);
            opened.reply.accept().await;
            carry(target, opened.channel.into_stream(), stats).await;
        }
        Err(error) => {
            opened.reply.reject(ChannelOpenFailure::ConnectFailed).await;
            stats.failed_connection(words::target_refused(
                &forward.host,
                forward.port,
                &opened.originator,
                &error,
            ));
        }
    }
}
