//! The russh client callbacks: host key verification and the events russh only reports here
//! (channel refusal texts, the end of the connection).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use russh::client::{self, ChannelOpenHandle, DisconnectReason, Msg, Session};
use russh::keys::PublicKey;
use russh::keys::PublicKeyOrCertificate;
use russh::{Channel, ChannelId, ChannelOpenFailure};
use tokio::sync::watch;

use super::error::SshError;
use super::host_certificate::{self, CertificateVerdict};
use super::known_hosts::{HostKeyStatus, KnownHosts, fingerprint, host_port_name};
use super::prompt::{Answer, HostKeyDecision, Prompt, Prompter};
use crate::text::escape::escape_line;

/// Whether a connection is still usable, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Up,
    Lost(String),
}

/// State the handler shares with the `Connection` that owns it.
#[derive(Debug)]
pub(crate) struct Shared {
    /// russh returns only the reason code from `channel_open_session`; the server's description
    /// arrives here.
    pub last_open_failure: Mutex<Option<String>>,
    pub link: watch::Sender<LinkState>,
}

impl Shared {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            last_open_failure: Mutex::new(None),
            link: watch::Sender::new(LinkState::Up),
        })
    }
}

pub(crate) struct ClientHandler {
    pub host: String,
    pub port: u16,
    pub known_hosts: PathBuf,
    /// Read after `known_hosts` (OpenSSH's GlobalKnownHostsFile); never written.
    pub system_known_hosts: Option<PathBuf>,
    pub pinned_host_key: Option<PublicKey>,
    pub prompter: Arc<dyn Prompter>,
    pub shared: Arc<Shared>,
}

impl ClientHandler {
    async fn verify_host_key(&self, key: &PublicKey) -> Result<bool, SshError> {
        if let Some(pinned) = &self.pinned_host_key {
            if pinned.key_data() == key.key_data() {
                return Ok(true);
            }
            return Err(SshError::HostKeyNotTrusted {
                host_port: host_port_name(&self.host, self.port),
                fingerprint: fingerprint(key),
                why: format!("it is not the expected key {}", fingerprint(pinned)),
            });
        }
        let mut known =
            KnownHosts::load_with_system(&self.known_hosts, self.system_known_hosts.as_deref())?;
        let host_port = host_port_name(&self.host, self.port);
        let offered = fingerprint(key);
        match known.check(&self.host, self.port, key) {
            HostKeyStatus::Known { .. } => Ok(true),
            HostKeyStatus::Changed {
                path,
                line,
                recorded_fingerprint,
            } => Err(SshError::HostKeyChanged {
                host_port,
                known_hosts: path,
                line,
                recorded_fingerprint,
                offered_fingerprint: offered,
            }),
            HostKeyStatus::Revoked { path, line } => Err(SshError::HostKeyRevoked {
                host_port,
                known_hosts: path,
                line,
                fingerprint: offered,
            }),
            HostKeyStatus::Unknown { other_types } => {
                let answer = self
                    .prompter
                    .ask(Prompt::UnknownHostKey {
                        host_port: host_port.clone(),
                        key_type: key.algorithm().as_str().to_owned(),
                        fingerprint: offered.clone(),
                        known_hosts: self.known_hosts.clone(),
                        other_types,
                    })
                    .await;
                match answer {
                    Answer::HostKey(HostKeyDecision::AcceptAndSave) => {
                        known.append(&self.host, self.port, key)?;
                        Ok(true)
                    }
                    Answer::HostKey(HostKeyDecision::AcceptOnce) => Ok(true),
                    Answer::HostKey(HostKeyDecision::Reject) => Err(SshError::HostKeyNotTrusted {
                        host_port,
                        fingerprint: offered,
                        why: "it is not in known_hosts and was rejected".to_owned(),
                    }),
                    _ => Err(SshError::Cancelled {
                        what: format!(
                            "trusting the host key of {host_port} ({offered}, not in {})",
                            self.known_hosts.display()
                        ),
                        tried: Vec::new(),
                    }),
                }
            }
        }
    }
}

impl client::Handler for ClientHandler {
    type Error = SshError;

    async fn check_server_key(
        &mut self,
        server_public_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        match server_public_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => self.verify_host_key(key).await,
            PublicKeyOrCertificate::Certificate(certificate) => {
                self.verify_host_certificate(certificate).await
            }
        }
    }

    async fn channel_open_failure(
        &mut self,
        _channel: ChannelId,
        _reason: ChannelOpenFailure,
        description: &str,
        _language: &str,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        *self
            .shared
            .last_open_failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some(escape_line(description).into_owned());
        Ok(())
    }

    async fn disconnected(
        &mut self,
        reason: DisconnectReason<Self::Error>,
    ) -> Result<(), Self::Error> {
        let why = match &reason {
            DisconnectReason::ReceivedDisconnect(info) if info.message.is_empty() => {
                format!("the server disconnected ({:?})", info.reason_code)
            }
            DisconnectReason::ReceivedDisconnect(info) => {
                format!("the server disconnected: {}", escape_line(&info.message))
            }
            DisconnectReason::Error(error) => error.to_string(),
        };
        self.shared.link.send_replace(LinkState::Lost(why));
        match reason {
            DisconnectReason::ReceivedDisconnect(_) => Ok(()),
            DisconnectReason::Error(error) => Err(error),
        }
    }

    // Channels the server opens toward us. tabsh asks for none of them (no X11 or agent
    // forwarding, no remote port forwards), and russh's default handler would accept them
    // all: each would be one more channel for a hostile server to fill. All are refused, as
    // OpenSSH refuses what it did not request.

    async fn server_channel_open_session(
        &mut self,
        _channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "session").await;
        Ok(())
    }

    async fn server_channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "x11").await;
        Ok(())
    }

    async fn server_channel_open_agent_forward(
        &mut self,
        _channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "auth-agent@openssh.com").await;
        Ok(())
    }

    async fn server_channel_open_forwarded_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        connected_address: &str,
        connected_port: u32,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.requested_remote_forward(connected_address, connected_port) {
            // Unreachable today; see `requested_remote_forward`.
            reply.accept().await;
        } else {
            refuse_unsolicited(reply, "forwarded-tcpip").await;
        }
        Ok(())
    }

    async fn server_channel_open_forwarded_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _socket_path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "forwarded-streamlocal@openssh.com").await;
        Ok(())
    }

    async fn server_channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host_to_connect: &str,
        _port_to_connect: u32,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "direct-tcpip").await;
        Ok(())
    }

    async fn server_channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _socket_path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        refuse_unsolicited(reply, "direct-streamlocal@openssh.com").await;
        Ok(())
    }
}

impl ClientHandler {
    /// Whether a forwarded-tcpip open is for a remote forward (`-R`) this connection asked
    /// for. tabsh asks for none yet, so none is. The hook for remote forwarding: record each
    /// `tcpip_forward` the connection makes (address and the port the server bound) and
    /// answer true only for those, as OpenSSH's client does.
    fn requested_remote_forward(&self, _address: &str, _port: u32) -> bool {
        false
    }
}

/// Answers a channel the server opened without being asked, as OpenSSH does.
async fn refuse_unsolicited(reply: ChannelOpenHandle, kind: &str) {
    tracing::debug!("refused a {kind} channel the server opened unasked");
    reply
        .reject(ChannelOpenFailure::AdministrativelyProhibited)
        .await;
}

impl ClientHandler {
    /// A host certificate is trusted when an `@cert-authority` line for this host lists its
    /// signer and it passes every check of `host_certificate::check`. With no authority for
    /// the host, the certificate's own key is checked like a plain host key, as OpenSSH
    /// falls back to doing.
    async fn verify_host_certificate(
        &self,
        certificate: &russh::keys::Certificate,
    ) -> Result<bool, SshError> {
        let host_port = host_port_name(&self.host, self.port);
        let key = PublicKey::from(certificate.public_key().clone());
        if self.pinned_host_key.is_some() {
            return self.verify_host_key(&key).await;
        }
        let known =
            KnownHosts::load_with_system(&self.known_hosts, self.system_known_hosts.as_deref())?;
        match host_certificate::check(certificate, &self.host, self.port, &known) {
            CertificateVerdict::Trusted => Ok(true),
            CertificateVerdict::NoAuthority => self.verify_host_key(&key).await,
            CertificateVerdict::Refused(why) => Err(SshError::HostKeyNotTrusted {
                host_port,
                fingerprint: fingerprint(&key),
                why,
            }),
        }
    }
}
