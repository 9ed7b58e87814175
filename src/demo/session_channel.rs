//! State of one `session` channel: what the client asked for before starting a
//! program (pty, environment), and the program once it runs.

use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::mpsc;

use super::local_user::LocalUser;
use super::pumps::ProcessInput;
use super::spawn::{Program, PtySpec, SpawnRequest, env_allowed};
use super::supervisor::{ProcessControl, supervise};
use pty_process::Size;

/// Why a channel request was refused; the client just sees CHANNEL_FAILURE,
/// this is for the log.
#[derive(Debug, thiserror::Error)]
pub enum RequestRefused {
    #[error("no such session channel")]
    UnknownChannel,
    #[error("a program is already running on this channel")]
    AlreadyStarted,
    #[error("a pty was already allocated for this channel")]
    PtyAlreadyAllocated,
    #[error("environment variable {0} is not accepted")]
    EnvNotAllowed(String),
    #[error("could not start the program: {0}")]
    Spawn(#[source] std::io::Error),
}

#[derive(Debug, Default)]
pub struct SessionChannel {
    pty: Option<PtySpec>,
    env: Vec<(String, String)>,
    process: Option<ProcessControl>,
}

impl SessionChannel {
    pub fn request_pty(&mut self, pty: PtySpec) -> Result<(), RequestRefused> {
        self.ensure_not_started()?;
        if self.pty.is_some() {
            return Err(RequestRefused::PtyAlreadyAllocated);
        }
        self.pty = Some(pty);
        Ok(())
    }

    pub fn set_env(&mut self, name: &str, value: &str) -> Result<(), RequestRefused> {
        self.ensure_not_started()?;
        if !env_allowed(name) {
            return Err(RequestRefused::EnvNotAllowed(name.to_owned()));
        }
        self.env.retain(|(existing, _)| existing != name);
        self.env.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// Returns false when there is no pty to resize, which the client hears as failure.
    pub fn resize(&mut self, size: Size) -> bool {
        let Some(pty) = self.pty.as_mut() else {
            return false;
        };
        pty.size = size;
        if let Some(process) = &self.process {
            process.send(ProcessInput::Resize(size));
        }
        true
    }

    pub fn start(
        &mut self,
        program: Program,
        user: &LocalUser,
        channel: ChannelId,
        session: Handle,
        finished: mpsc::UnboundedSender<ChannelId>,
    ) -> Result<(), RequestRefused> {
        self.ensure_not_started()?;
        let process = SpawnRequest {
            program: &program,
            pty: self.pty.as_ref(),
            client_env: &self.env,
            user,
        }
        .spawn()
        .map_err(RequestRefused::Spawn)?;
        self.process = Some(supervise(channel, session, process, finished));
        Ok(())
    }

    pub fn input(&self, data: &[u8]) {
        if let Some(process) = &self.process {
            process.send(ProcessInput::Data(data.to_vec()));
        }
    }

    pub fn end_of_input(&self) {
        if let Some(process) = &self.process {
            process.send(ProcessInput::Eof);
        }
    }

    fn ensure_not_started(&self) -> Result<(), RequestRefused> {
        match self.process {
            Some(_) => Err(RequestRefused::AlreadyStarted),
            None => Ok(()),
        }
    }
}
