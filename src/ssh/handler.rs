//! The russh client callbacks: host key verification and the events russh only reports here
//! (the negotiated algorithms, channel refusal texts, a DISCONNECT from the server).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::error::SshError;
use super::host_certificate::{self, CertificateVerdict};
use super::known_hosts::{HostKeyStatus, KnownHosts, fingerprint, host_port_name};
use super::link::{Link, LossCause};
use super::prompt::{Answer, HostKeyDecision, Prompt, Prompter};
use super::server_opens::{IncomingForward, Solicited};
use crate::escape::escape_line;
use russh::client::{self, ChannelOpenHandle, DisconnectReason, Msg, Session};
use russh::keys::PublicKey;
use russh::keys::PublicKeyOrCertificate;
use russh::{Channel, ChannelId, ChannelOpenFailure};

/// What the key exchange settled, for the connection inspector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiated {
    pub kex: String,
    pub cipher: String,
    /// Client to server and server to client; the same unless the server chose otherwise.
    pub mac: String,
    pub compression: String,
    /// The host key's algorithm and SHA256 fingerprint (or the certificate's).
    pub host_key_type: String,
    pub host_key_fingerprint: String,
}

/// Ciphers that authenticate what they encrypt: with one of these the negotiated MAC is not
/// used (OpenSSH's `ssh -v` prints `MAC: <implicit>`).
const AEAD_CIPHERS: [russh::cipher::Name; 3] = [
    russh::cipher::CHACHA20_POLY1305,
    russh::cipher::AES_128_GCM,
    russh::cipher::AES_256_GCM,
];

impl Negotiated {
    /// The MAC that protects the connection: `None` when the cipher authenticates by itself.
    pub fn mac_in_use(&self) -> Option<&str> {
        let aead = AEAD_CIPHERS.iter().any(|name| name.as_ref() == self.cipher);
        (!aead).then_some(self.mac.as_str())
    }
}

/// State the handler shares with the `Connection` that owns it.
#[derive(Debug)]
pub(crate) struct Shared {
    /// russh returns only the reason code from `channel_open_session`; the server's description
    /// arrives here.
    pub last_open_failure: Mutex<Option<String>>,
    pub link: Arc<Link>,
    pub negotiated: Mutex<Negotiated>,
    /// What the server may open toward us because we asked.
    pub solicited: Solicited,
    /// The host key the server showed (a certificate's own key), once checked.
    pub server_key: Mutex<Option<PublicKey>>,
}

impl Shared {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            last_open_failure: Mutex::new(None),
            link: Arc::new(Link::new()),
            negotiated: Mutex::new(Negotiated::default()),
            solicited: Solicited::default(),
            server_key: Mutex::new(None),
        })
    }

    fn negotiated(&self) -> std::sync::MutexGuard<'_, Negotiated> {
        self.negotiated.lock().unwrap_or_else(|p| p.into_inner())
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
    /// The local ssh-agent, for agent channels the server opens once a session asked for
    /// agent forwarding; `None` when the profile does not forward it.
    pub agent_socket: Option<PathBuf>,
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
        let (key_type, key_fingerprint) = match server_public_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => {
                (key.algorithm().as_str().to_owned(), fingerprint(key))
            }
            PublicKeyOrCertificate::Certificate(certificate) => (
                format!("{} certificate", certificate.algorithm().as_str()),
                certificate
                    .public_key()
                    .fingerprint(russh::keys::HashAlg::Sha256)
                    .to_string(),
            ),
        };
        {
            let mut negotiated = self.shared.negotiated();
            negotiated.host_key_type = key_type;
            negotiated.host_key_fingerprint = key_fingerprint;
        }
        let (verdict, key) = match server_public_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => {
                (self.verify_host_key(key).await, key.clone())
            }
            PublicKeyOrCertificate::Certificate(certificate) => (
                self.verify_host_certificate(certificate).await,
                PublicKey::from(certificate.public_key().clone()),
            ),
        };
        if matches!(verdict, Ok(true)) {
            *self
                .shared
                .server_key
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(key);
        }
        verdict
    }

    async fn kex_done(
        &mut self,
        _shared_secret: Option<&[u8]>,
        names: &russh::Names,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let mut negotiated = self.shared.negotiated();
        negotiated.kex = names.kex.as_ref().to_owned();
        negotiated.cipher = names.cipher.as_ref().to_owned();
        negotiated.mac = if names.client_mac.as_ref() == names.server_mac.as_ref() {
            names.client_mac.as_ref().to_owned()
        } else {
            format!(
                "{} / {}",
                names.client_mac.as_ref(),
                names.server_mac.as_ref()
            )
        };
        negotiated.compression = format!("{:?}", names.client_compression).to_lowercase();
        Ok(())
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
        // The stream has usually named the end already (a reset, end of file); a DISCONNECT
        // arrives before either and names it first.
        let cause = match &reason {
            DisconnectReason::ReceivedDisconnect(info) => LossCause::ServerDisconnected {
                code: disconnect_code(&info.reason_code),
                message: escape_line(&info.message).into_owned(),
            },
            DisconnectReason::Error(error) => LossCause::Other(error.to_string()),
        };
        self.shared.link.lost(cause);
        match reason {
            DisconnectReason::ReceivedDisconnect(_) => Ok(()),
            DisconnectReason::Error(error) => Err(error),
        }
    }

    // Channels the server opens toward us. russh's default handler would accept them all:
    // each would be one more channel for a hostile server to fill. Only what this connection
    // asked for is accepted (agent channels once a session asked for agent forwarding,
    // forwarded-tcpip for the ports its remote forwards requested); the rest is refused, as
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
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        match &self.agent_socket {
            Some(socket) if self.shared.solicited.agent_asked() => {
                super::agent_forward::serve(channel, reply, socket.clone());
            }
            _ => refuse_unsolicited(reply, "auth-agent@openssh.com").await,
        }
        Ok(())
    }

    async fn server_channel_open_forwarded_tcpip(
        &mut self,
        channel: Channel<Msg>,
        connected_address: &str,
        connected_port: u32,
        originator_address: &str,
        originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(to) = self
            .shared
            .solicited
            .remote_for(connected_address, connected_port)
        else {
            refuse_unsolicited(reply, "forwarded-tcpip").await;
            return Ok(());
        };
        // Never waits: a forward whose task is behind refuses the connection instead of
        // holding up the connection's other channels.
        match to.try_reserve() {
            Ok(permit) => permit.send(IncomingForward {
                channel,
                reply,
                originator: format!("{}:{originator_port}", escape_line(originator_address)),
            }),
            Err(_) => reply.reject(ChannelOpenFailure::ResourceShortage).await,
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

/// The RFC 4253 (11.1) number of a DISCONNECT reason.
fn disconnect_code(reason: &russh::Disconnect) -> u32 {
    use russh::Disconnect as D;
    match reason {
        D::HostNotAllowedToConnect => 1,
        D::ProtocolError => 2,
        D::KeyExchangeFailed => 3,
        D::Reserved => 4,
        D::MACError => 5,
        D::CompressionError => 6,
        D::ServiceNotAvailable => 7,
        D::ProtocolVersionNotSupported => 8,
        D::HostKeyNotVerifiable => 9,
        D::ConnectionLost => 10,
        D::ByApplication => 11,
        D::TooManyConnections => 12,
        D::AuthCancelledByUser => 13,
        D::NoMoreAuthMethodsAvailable => 14,
        D::IllegalUserName => 15,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negotiated(cipher: &str) -> Negotiated {
        Negotiated {
            cipher: cipher.to_owned(),
            mac: "hmac-sha2-256-etm@openssh.com".to_owned(),
            ..Negotiated::default()
        }
    }

    #[test]
    fn an_aead_cipher_uses_no_mac_of_its_own() {
        for cipher in AEAD_CIPHERS {
            let cipher = cipher.as_ref();
            assert_eq!(negotiated(cipher).mac_in_use(), None, "{cipher}");
        }
        assert_eq!(
            negotiated("aes256-ctr").mac_in_use(),
            Some("hmac-sha2-256-etm@openssh.com")
        );
    }
}
