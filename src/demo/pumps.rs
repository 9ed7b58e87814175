//! Moving bytes between a channel and its child: client input into the
//! child's stdin or pty, child output back out as channel data.

use std::time::Duration;

use pty_process::{OwnedWritePty, Size};
use russh::ChannelId;
use russh::server::Handle;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::ChildStdin;
use tokio::sync::{mpsc, watch};

/// Once the child has exited, output still arriving (from a background job
/// that kept the pty or a pipe open) is forwarded until it goes quiet this
/// long; without a limit such a job would keep the channel open forever.
pub const DRAIN_IDLE: Duration = Duration::from_millis(500);

const READ_CHUNK: usize = 32 * 1024;

/// SSH extended-data type for stderr (RFC 4254 §5.2).
const EXTENDED_DATA_STDERR: u32 = 1;

/// What the handler forwards to a running child. One queue keeps a resize
/// ordered with the keystrokes around it (`window-change` then `stty size`).
#[derive(Debug)]
pub enum ProcessInput {
    Data(Vec<u8>),
    Eof,
    Resize(Size),
}

/// Where client input goes.
pub enum InputSink {
    Pty(OwnedWritePty),
    Pipe(Option<ChildStdin>),
}

/// Runs until the handler drops its sender (channel closed or connection gone).
pub async fn feed_input(mut inputs: mpsc::UnboundedReceiver<ProcessInput>, mut sink: InputSink) {
    while let Some(input) = inputs.recv().await {
        match (input, &mut sink) {
            (ProcessInput::Data(bytes), InputSink::Pty(pty)) => {
                if let Err(error) = pty.write_all(&bytes).await {
                    tracing::debug!(%error, "writing to the pty failed");
                }
            }
            (ProcessInput::Data(bytes), InputSink::Pipe(Some(stdin))) => {
                if let Err(error) = stdin.write_all(&bytes).await {
                    // The child closed its stdin; later input has nowhere to go.
                    tracing::debug!(%error, "writing to the child's stdin failed");
                }
            }
            (ProcessInput::Data(_), InputSink::Pipe(None)) => {
                tracing::debug!("input after EOF ignored");
            }
            (ProcessInput::Eof, InputSink::Pipe(stdin)) => {
                // Closing stdin is how the child learns about EOF.
                stdin.take();
            }
            (ProcessInput::Eof, InputSink::Pty(_)) => {
                // sshd keeps the pty open too: the master is shared by both
                // directions and the user types ^D to mean end of input.
            }
            (ProcessInput::Resize(size), InputSink::Pty(pty)) => {
                if let Err(error) = pty.resize(size) {
                    tracing::warn!(%error, "resizing the pty failed");
                }
            }
            (ProcessInput::Resize(_), InputSink::Pipe(_)) => {}
        }
    }
}

/// Which channel stream output belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// Sends one output stream of the child to the client until it ends (EOF, or
/// EIO on a pty master once no process holds the slave), or until it has been
/// idle for [`DRAIN_IDLE`] after `child_exited` turned true.
///
/// Each chunk is awaited into the session, so a client that stops reading
/// (window exhausted) stalls this loop instead of growing buffers.
pub async fn forward_output<R: AsyncRead + Unpin>(
    mut reader: R,
    stream: OutputStream,
    channel: ChannelId,
    session: Handle,
    mut child_exited: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; READ_CHUNK];
    loop {
        let read = if *child_exited.borrow() {
            match tokio::time::timeout(DRAIN_IDLE, reader.read(&mut buffer)).await {
                Ok(read) => read,
                Err(_) => {
                    tracing::debug!(?channel, ?stream, "output still open after exit; giving up");
                    return;
                }
            }
        } else {
            tokio::select! {
                read = reader.read(&mut buffer) => read,
                // Reading is cancel-safe, so switching to the bounded drain loses nothing.
                changed = child_exited.changed() => {
                    if changed.is_err() {
                        // The supervisor is gone, so nothing will report this output.
                        return;
                    }
                    continue;
                }
            }
        };
        let count = match read {
            Ok(0) => return,
            Ok(count) => count,
            Err(error) => {
                // EIO is the normal end of a pty once the child side is closed.
                if error.raw_os_error() != Some(libc::EIO) {
                    tracing::debug!(%error, ?channel, ?stream, "reading child output failed");
                }
                return;
            }
        };
        let chunk = buffer[..count].to_vec();
        let sent = match stream {
            OutputStream::Stdout => session.data(channel, chunk).await,
            OutputStream::Stderr => {
                session
                    .extended_data(channel, EXTENDED_DATA_STDERR, chunk)
                    .await
            }
        };
        if sent.is_err() {
            // The connection is gone; nobody is left to read the rest.
            return;
        }
    }
}
