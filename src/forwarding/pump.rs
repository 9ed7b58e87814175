//! Carrying one forwarded connection both ways, counted. Each direction holds one buffer and
//! reads only after the last read was written: when one end stops taking data, the other is
//! no longer read (for the SSH channel: its queue fills and the forward connection's window
//! closes), so memory stays bounded whatever either end does.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::stats::ForwardStats;

/// One SSH packet's worth.
const BUFFER_BYTES: usize = 32 * 1024;

/// Copies `client` to `channel` and back until both directions end; EOF is passed on as a
/// half-close, as ssh does.
pub async fn carry<C, S>(client: C, channel: S, stats: Arc<ForwardStats>)
where
    C: AsyncRead + AsyncWrite + Send + 'static,
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    stats.started();
    let (client_read, client_write) = tokio::io::split(client);
    let (channel_read, channel_write) = tokio::io::split(channel);
    let upstream = copy(client_read, channel_write, |n| stats.from_client(n));
    let downstream = copy(channel_read, client_write, |n| stats.to_client(n));
    tokio::join!(upstream, downstream);
    stats.ended();
}

async fn copy<R, W>(mut from: R, mut to: W, count: impl Fn(usize))
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = vec![0u8; BUFFER_BYTES];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
        count(read);
    }
    let _ = to.shutdown().await;
}
