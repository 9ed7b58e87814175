//! The russh server handler for one demo connection: authentication, the
//! per-connection session limit, and routing channel requests to
//! [`SessionChannel`]s.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use russh::server::{
    Auth, ChannelOpenHandle, Handler, Msg, PublicKeyOffer, Response, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, ChannelOpenFailure, Pty};
use tokio::sync::mpsc;

use super::admission::Ticket;
use super::auth::{AuthPolicy, KEYBOARD_INTERACTIVE_PROMPT};
use super::local_user::LocalUser;
use super::session_channel::{RequestRefused, SessionChannel};
use super::spawn::{Program, PtySpec, pty_size};

/// SSH_OPEN_CONNECT_FAILED, the reason code OpenSSH uses past `MaxSessions`.
const OPEN_CONNECT_FAILED: u32 = 2;
/// OpenSSH's description for that refusal; russh's `ConnectFailed` would say
/// "Connect failed", hence the `Other` variant with the same code.
const OPEN_FAILED_DESCRIPTION: &str = "open failed";

/// What every connection of one server shares.
#[derive(Debug)]
pub struct ServerShared {
    pub policy: AuthPolicy,
    pub max_sessions: u32,
    pub user: LocalUser,
}

pub struct ConnectionHandler {
    shared: Arc<ServerShared>,
    peer: Option<SocketAddr>,
    /// This connection's place in the server's connection limits.
    ticket: Arc<Ticket>,
    channels: HashMap<ChannelId, SessionChannel>,
    /// Channels their supervisor finished and closed. russh forgets a channel
    /// as soon as the server sends CLOSE and then drops the client's answering
    /// CLOSE without calling `channel_close`, so this is the only way the
    /// handler learns that such a slot is free.
    finished_sender: mpsc::UnboundedSender<ChannelId>,
    finished: mpsc::UnboundedReceiver<ChannelId>,
}

impl ConnectionHandler {
    pub fn new(shared: Arc<ServerShared>, peer: Option<SocketAddr>, ticket: Arc<Ticket>) -> Self {
        let (finished_sender, finished) = mpsc::unbounded_channel();
        Self {
            shared,
            peer,
            ticket,
            channels: HashMap::new(),
            finished_sender,
            finished,
        }
    }

    fn forget_finished_channels(&mut self) {
        while let Ok(channel) = self.finished.try_recv() {
            self.channels.remove(&channel);
        }
    }

    fn open_sessions(&mut self) -> usize {
        self.forget_finished_channels();
        self.channels.len()
    }

    fn reply(session: &mut Session, channel: ChannelId, outcome: Result<(), RequestRefused>) {
        let sent = match outcome {
            Ok(()) => session.channel_success(channel),
            Err(refused) => {
                tracing::debug!(?channel, %refused, "channel request refused");
                session.channel_failure(channel)
            }
        };
        if let Err(error) = sent {
            tracing::debug!(%error, ?channel, "could not answer a channel request");
        }
    }

    fn start(
        &mut self,
        channel: ChannelId,
        program: Program,
        session: &mut Session,
    ) -> Result<(), RequestRefused> {
        let handle = session.handle();
        let finished = self.finished_sender.clone();
        let user = &self.shared.user;
        match self.channels.get_mut(&channel) {
            Some(state) => state.start(program, user, channel, handle, finished),
            None => Err(RequestRefused::UnknownChannel),
        }
    }

    fn with_channel(
        &mut self,
        channel: ChannelId,
        request: impl FnOnce(&mut SessionChannel) -> Result<(), RequestRefused>,
    ) -> Result<(), RequestRefused> {
        match self.channels.get_mut(&channel) {
            Some(state) => request(state),
            None => Err(RequestRefused::UnknownChannel),
        }
    }

    fn decide(allowed: bool) -> Auth {
        if allowed {
            Auth::Accept
        } else {
            Auth::reject()
        }
    }
}

impl Handler for ConnectionHandler {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        Ok(Self::decide(
            self.shared
                .policy
                .password_allowed(user, password.as_bytes()),
        ))
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(Self::decide(
            self.shared.policy.key_allowed(user, offer.public_key),
        ))
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(Self::decide(
            self.shared.policy.key_allowed(user, key.public_key),
        ))
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if !self.shared.policy.offers_password() {
            return Ok(Auth::reject());
        }
        match response {
            None => Ok(Auth::Partial {
                name: Cow::Borrowed(""),
                instructions: Cow::Borrowed(""),
                prompts: Cow::Owned(vec![(Cow::Borrowed(KEYBOARD_INTERACTIVE_PROMPT), false)]),
            }),
            Some(mut answers) => {
                let password = answers.next();
                let exactly_one = answers.next().is_none();
                Ok(Self::decide(
                    exactly_one
                        && password.is_some_and(|p| self.shared.policy.password_allowed(user, &p)),
                ))
            }
        }
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        tracing::debug!(peer = ?self.peer, "demo login accepted");
        self.ticket.authenticated();
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The Channel object is not used: requests arrive as handler calls, and
        // an unread Channel would fill its queue and stall the whole session.
        let id = channel.id();
        drop(channel);
        let limit = usize::try_from(self.shared.max_sessions).unwrap_or(usize::MAX);
        if self.open_sessions() >= limit {
            tracing::info!(peer = ?self.peer, limit, "no more sessions");
            reply
                .reject(ChannelOpenFailure::Other {
                    code: OPEN_CONNECT_FAILED,
                    reason: OPEN_FAILED_DESCRIPTION.to_owned(),
                })
                .await;
            return Ok(());
        }
        self.channels.insert(id, SessionChannel::default());
        reply.accept().await;
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Dropping the state hangs up a child that is still running.
        self.channels.remove(&channel);
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(state) = self.channels.get(&channel) {
            state.end_of_input();
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(state) = self.channels.get(&channel) {
            state.input(data);
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        col_width: u32,
        row_height: u32,
        pix_width: u32,
        pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Terminal modes are left at the kernel's defaults, which match what
        // clients ask for in practice (echo, icanon, isig, utf8 input).
        let pty = PtySpec {
            term: term.to_owned(),
            size: pty_size(col_width, row_height, pix_width, pix_height),
        };
        let outcome = self.with_channel(channel, |state| state.request_pty(pty));
        Self::reply(session, channel, outcome);
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        variable_name: &str,
        variable_value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let outcome = self.with_channel(channel, |state| {
            state.set_env(variable_name, variable_value)
        });
        Self::reply(session, channel, outcome);
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Success is queued before returning, and output can only follow once
        // this handler returns, so the client always sees the reply first.
        let outcome = self.start(channel, Program::LoginShell, session);
        Self::reply(session, channel, outcome);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(data).into_owned();
        let outcome = self.start(channel, Program::Command(command), session);
        Self::reply(session, channel, outcome);
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        pix_width: u32,
        pix_height: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let size = pty_size(col_width, row_height, pix_width, pix_height);
        let resized = self
            .channels
            .get_mut(&channel)
            .is_some_and(|state| state.resize(size));
        if resized {
            session.channel_success(channel)?;
        } else {
            session.channel_failure(channel)?;
        }
        Ok(())
    }

    // russh's defaults for the next two never answer, which would leave a
    // client that asked for a reply waiting forever.

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        tracing::debug!(?channel, name, "subsystem refused");
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }
}
