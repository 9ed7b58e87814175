//! A login made by tabsh's library, the floor under anything the tabsh binary does: connect,
//! authenticate, open a pty + shell channel and wait for the shell's prompt.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use tabsh::ssh::{
    BatchPrompter, ChannelEvent, Connection, PtyRequest, SessionChannel, SessionRequest,
};

use super::ssh_target::SshTarget;

/// Far above any expected latency; only a broken setup gets near it.
pub const PROMPT_TIMEOUT: Duration = Duration::from_secs(10);
pub const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// Lets sshd finish tearing down the previous session (its slot, its shell process) so that
/// cleanup of one sample does not slow down the next; never part of a measurement.
pub const SETTLE_PAUSE: Duration = Duration::from_millis(50);
/// dash, the test user's /bin/sh, prints `$ ` (`# ` for root) and then waits for input, so the
/// output so far ending in one of these means the shell is ready.
const PROMPT_ENDINGS: [&[u8]; 2] = [b"$ ", b"# "];

/// A fresh tabsh connection to `target`, authenticated.
pub async fn connect_tabsh(target: &SshTarget) -> Result<Connection> {
    tokio::time::timeout(
        PROMPT_TIMEOUT,
        Connection::connect(
            &target.connect_options(PROMPT_TIMEOUT),
            Arc::new(BatchPrompter),
        ),
    )
    .await
    .map_err(|_| anyhow!("tabsh did not connect within {PROMPT_TIMEOUT:?}"))?
    .context("tabsh connects to the bench sshd")
}

pub fn pty_shell_request() -> SessionRequest {
    SessionRequest {
        pty: Some(PtyRequest {
            term: "xterm-256color".to_owned(),
            cols: 80,
            rows: 24,
        }),
        command: None,
    }
}

/// From nothing to a shell prompt with tabsh's library: TCP, key exchange, authentication, a
/// pty + shell channel, the prompt. Closed again (outside the time) before returning.
pub async fn time_tabsh_fresh(target: &SshTarget) -> Result<Duration> {
    let started = Instant::now();
    let connection = connect_tabsh(target).await?;
    let session = open_shell_until_prompt(&connection).await?;
    let elapsed = started.elapsed();
    close_channel(session).await;
    connection.disconnect().await;
    tokio::time::sleep(SETTLE_PAUSE).await;
    Ok(elapsed)
}

/// Opens a pty + shell channel on `connection` and waits for the shell's prompt.
pub async fn open_shell_until_prompt(connection: &Connection) -> Result<SessionChannel> {
    let mut session = connection
        .open_session(&pty_shell_request())
        .await
        .context("open a pty + shell channel")?;
    wait_for_channel_prompt(&mut session).await?;
    Ok(session)
}

pub async fn wait_for_channel_prompt(session: &mut SessionChannel) -> Result<()> {
    let deadline = tokio::time::Instant::now() + PROMPT_TIMEOUT;
    let mut seen = Vec::new();
    while !ends_with_prompt(&seen) {
        let event = tokio::time::timeout_at(deadline, session.events.recv())
            .await
            .map_err(|_| {
                anyhow!(
                    "no shell prompt within {PROMPT_TIMEOUT:?}; saw {:?}",
                    String::from_utf8_lossy(&seen)
                )
            })?;
        match event {
            Some(ChannelEvent::Data(bytes)) => seen.extend_from_slice(&bytes),
            Some(ChannelEvent::Closed) | None => bail!(
                "channel closed before the prompt; saw {:?}",
                String::from_utf8_lossy(&seen)
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Sends CLOSE and waits (bounded) for the server's CLOSE, so the slot is free again before
/// the next sample.
pub async fn close_channel(mut session: SessionChannel) {
    session.handle.close();
    let _ = tokio::time::timeout(TEARDOWN_TIMEOUT, async {
        while let Some(event) = session.events.recv().await {
            if event == ChannelEvent::Closed {
                break;
            }
        }
    })
    .await;
}

pub fn ends_with_prompt(output: &[u8]) -> bool {
    PROMPT_ENDINGS.iter().any(|ending| output.ends_with(ending))
}
