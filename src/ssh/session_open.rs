//! Opening a session channel on a connection: the channel, agent forwarding when the profile
//! asks, the pty, then the shell or command, with their replies read in order.

use std::sync::Arc;

use super::channel::{
    ChannelCommands, ChannelEvent, OpenedSession, SessionChannel, command_queue, event_of,
};
use super::connection::{CHANNEL_SETUP_TIMEOUT, Connection};
use super::error::{SshError, channel_open_failure_text};
use super::options::SessionRequest;

impl Connection {
    /// Opens a session channel, asks for a pty and starts the shell or command, with its
    /// events in a queue. A refusal carries the server's reason and description.
    pub async fn open_session(&self, request: &SessionRequest) -> Result<SessionChannel, SshError> {
        let (handle, commands) = command_queue();
        let session = self.set_up_session(request, commands).await?;
        let (event_tx, events) = tokio::sync::mpsc::unbounded_channel();
        session.start(event_tx);
        Ok(SessionChannel { handle, events })
    }

    /// Like [`Self::open_session`], but nothing reads the channel until the caller starts it
    /// with its own [`super::EventSink`]; it takes its commands from `commands`, whose handle
    /// the caller already has.
    pub async fn set_up_session(
        &self,
        request: &SessionRequest,
        commands: ChannelCommands,
    ) -> Result<OpenedSession, SshError> {
        tokio::time::timeout(
            CHANNEL_SETUP_TIMEOUT,
            self.set_up_session_unbounded(request, commands),
        )
        .await
        .map_err(|_| SshError::ChannelSetupTimedOut {
            host_port: self.inner.host_port.clone(),
            after: CHANNEL_SETUP_TIMEOUT,
        })?
    }

    async fn set_up_session_unbounded(
        &self,
        request: &SessionRequest,
        commands: ChannelCommands,
    ) -> Result<OpenedSession, SshError> {
        let mut channel = match self.inner.handle.channel_open_session().await {
            Ok(channel) => channel,
            Err(russh::Error::ChannelOpenFailure(failure)) => {
                let (code, reason) = channel_open_failure_text(&failure);
                let description = self.take_open_failure_description();
                return Err(SshError::ChannelRefused {
                    code,
                    reason,
                    description,
                });
            }
            Err(other) => return Err(self.lost_or(other)),
        };

        if self.inner.forward_agent {
            // As OpenSSH asks: without a reply. Agent channels are accepted from now on.
            self.inner
                .shared
                .solicited
                .agent
                .store(true, std::sync::atomic::Ordering::SeqCst);
            channel
                .agent_forward(false)
                .await
                .map_err(|e| self.lost_or(e))?;
        }
        let mut replies_expected = 1;
        if let Some(pty) = &request.pty {
            channel
                .request_pty(
                    true,
                    &pty.term,
                    u32::from(pty.cols),
                    u32::from(pty.rows),
                    0,
                    0,
                    &[],
                )
                .await
                .map_err(|e| self.lost_or(e))?;
            replies_expected += 1;
        }
        match &request.command {
            Some(command) => channel.exec(true, command.as_bytes()).await,
            None => channel.request_shell(true).await,
        }
        .map_err(|e| self.lost_or(e))?;

        // Replies come in request order. A refused pty is survivable (OpenSSH warns and goes
        // on); a refused shell or command is not.
        let mut early = Vec::new();
        let mut replies = 0;
        while replies < replies_expected {
            let Some(message) = channel.wait().await else {
                return Err(self.lost_or(russh::Error::Disconnect));
            };
            match message {
                russh::ChannelMsg::Success => replies += 1,
                russh::ChannelMsg::Failure => {
                    replies += 1;
                    if replies == replies_expected {
                        let _ = channel.close().await;
                        return Err(SshError::Other(format!(
                            "{} refused to start {}",
                            self.inner.host_port,
                            request.command.as_deref().unwrap_or("a shell")
                        )));
                    }
                    tracing::warn!("pty request refused by {}", self.inner.host_port);
                }
                other => {
                    if let Some(event) = event_of(other) {
                        let closed = event == ChannelEvent::Closed;
                        early.push(event);
                        if closed {
                            break;
                        }
                    }
                }
            }
        }
        Ok(OpenedSession::new(
            channel,
            early,
            Arc::clone(&self.inner.shared.link),
            commands,
        ))
    }
}
