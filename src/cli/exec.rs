//! `tabsh exec PROFILE -- COMMAND...`: one command over the profile's connection, like
//! `ssh host command`: remote stdout and stderr to ours, our stdin to the remote, and the
//! remote exit status as ours.

use std::path::Path;
use std::sync::Arc;

use tabsh::demo::Targets;
use tabsh::escape::escape_line;
use tabsh::profiles::Profile;
use tabsh::ssh::{
    BatchPrompter, BoundedInput, ChannelEvent, Connection, LinkState, Prompter, SessionRequest,
    SshError, command_queue,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::shared::SharedRun;
use super::terminal_prompter::TerminalPrompter;
use tabsh::control::Reply;

/// OpenSSH's exit status for its own failures (connection, authentication, ...).
pub const SSH_FAILURE_STATUS: i32 = 255;

/// Packets (32 KiB at most each) read from the channel ahead of our stdout. When stdout is
/// slower, the channel is not read and the server's window closes (see
/// `OpenedSession::start_bounded`), so a command printing gigabytes into a pipe nobody
/// reads costs this much memory, not gigabytes.
const OUTPUT_QUEUE_PACKETS: usize = 16;

pub async fn run(
    profile: &Profile,
    hops: &[Profile],
    command: &[String],
    batch: bool,
    demo_max_sessions: u32,
    shared: Option<Shared<'_>>,
) -> Result<i32, SshError> {
    if let Some(shared) = shared
        && let Some(run) = SharedRun::start(
            shared.config_dir,
            shared.profile_id,
            &command.join(" "),
            true,
        )
        .await
    {
        return Ok(relay_shared(run).await);
    }
    let prompter: Arc<dyn Prompter> = match (batch, TerminalPrompter::open()) {
        (false, Some(terminal)) => Arc::new(terminal),
        _ => Arc::new(BatchPrompter),
    };
    // One place decides where a profile connects, for every command: its host, or the
    // built-in demo server, started here and kept running until the command is done.
    let targets = Targets::new(demo_max_sessions);
    let options = targets
        .connect_options_through(profile, hops)
        .await
        .map_err(SshError::Other)?;
    let connection = Connection::connect(&options, prompter).await?;
    let request = SessionRequest {
        pty: None,
        // Like ssh, the words are joined with spaces and the remote shell parses them.
        command: Some(command.join(" ")),
    };
    // The handle keeps the channel open until the command is done with.
    let (_handle, commands) = command_queue();
    let session = connection
        .set_up_session(&request, commands)
        .await?
        .start_bounded(OUTPUT_QUEUE_PACKETS);
    tokio::spawn(forward_stdin(session.input.clone()));
    let status = relay_output(session.events).await;
    let lost = match &*connection.link_state().borrow() {
        LinkState::Lost(cause) if status.is_none() => Some(cause.to_string()),
        _ => None,
    };
    if let Some(reason) = lost {
        // The channel ended because the connection did: say why, as ssh does.
        return Err(SshError::ConnectionLost { reason });
    }
    connection.disconnect().await;
    Ok(status.unwrap_or(SSH_FAILURE_STATUS))
}

/// Where a running TUI may hold a live connection of the profile: its config dir, and the
/// profile's id there.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    pub config_dir: &'a Path,
    pub profile_id: &'a str,
}

/// Writes what the TUI relays, as `relay_output` does for a connection of our own.
async fn relay_shared(mut run: SharedRun) -> i32 {
    let mut stdout = tokio::io::stdout();
    let mut stderr = tokio::io::stderr();
    loop {
        let message = match run.next().await {
            Some(Reply::Stdout(bytes)) => {
                let _ = stdout.write_all(&bytes).await;
                let _ = stdout.flush().await;
                continue;
            }
            Some(Reply::Stderr(bytes)) => {
                let _ = stderr.write_all(&bytes).await;
                let _ = stderr.flush().await;
                continue;
            }
            Some(Reply::Exit(status)) => return status as i32,
            Some(Reply::Signal(signal)) => {
                format!(
                    "tabsh: remote command killed by signal {}\n",
                    escape_line(&signal)
                )
            }
            Some(Reply::Failed(reason)) => format!("tabsh: {}\n", escape_line(&reason)),
            _ => "tabsh: the TUI ended the command without its status\n".to_owned(),
        };
        let _ = stderr.write_all(message.as_bytes()).await;
        let _ = stderr.flush().await;
        return SSH_FAILURE_STATUS;
    }
}

/// Reads stdin only while the channel takes it: `write` waits while the server's window is
/// shut, and no more is read meanwhile.
async fn forward_stdin(channel: BoundedInput) {
    let mut stdin = tokio::io::stdin();
    let mut buffer = vec![0u8; 32 * 1024];
    loop {
        match stdin.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if !channel.write(buffer[..n].to_vec()).await {
                    return;
                }
            }
        }
    }
    channel.eof().await;
}

/// Writes what the channel brings to our stdout and stderr, one event at a time: while a
/// write waits (a slow or unread pipe), no more is taken from the channel.
/// The remote exit status; `None` when the channel ended without one.
async fn relay_output(mut events: tokio::sync::mpsc::Receiver<ChannelEvent>) -> Option<i32> {
    let mut stdout = tokio::io::stdout();
    let mut stderr = tokio::io::stderr();
    let mut status = None;
    while let Some(event) = events.recv().await {
        match event {
            ChannelEvent::Data(bytes) => {
                // A closed stdout (e.g. `| head`) must not stop the draining.
                let _ = stdout.write_all(&bytes).await;
                let _ = stdout.flush().await;
            }
            ChannelEvent::Stderr(bytes) => {
                let _ = stderr.write_all(&bytes).await;
                let _ = stderr.flush().await;
            }
            ChannelEvent::ExitStatus(code) => status = Some(code as i32),
            ChannelEvent::ExitSignal { signal, message } => {
                let _ = stderr
                    .write_all(
                        // Both come from the server (a custom signal name is any string).
                        format!(
                            "tabsh: remote command killed by signal {} {}\n",
                            escape_line(&signal),
                            escape_line(&message)
                        )
                        .as_bytes(),
                    )
                    .await;
                // tokio writes stderr on a blocking thread: without the flush the line can
                // still be on its way when the process exits.
                let _ = stderr.flush().await;
                status = Some(SSH_FAILURE_STATUS);
            }
            ChannelEvent::Eof => {}
            ChannelEvent::Closed | ChannelEvent::Lost => break,
        }
    }
    status
}
