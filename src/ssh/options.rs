//! How to reach and log in to a server, and what to ask of a new session channel.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::{PrivateKey, PublicKey};

use super::known_hosts::{SYSTEM_KNOWN_HOSTS, host_port_name};
use super::tcp;
use crate::profiles::{AuthMethod, Profile, TcpKeepalive};

/// Everything needed to reach and log in to a server.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub auth: Vec<AuthMethod>,
    pub identity_file: Option<PathBuf>,
    /// An OpenSSH user certificate (`CertificateFile`); `<key>-cert.pub` files are offered
    /// without it.
    pub certificate_file: Option<PathBuf>,
    pub known_hosts: PathBuf,
    /// The system-wide known_hosts, read after `known_hosts`; `None` reads none.
    pub system_known_hosts: Option<PathBuf>,
    /// ssh-agent socket; from `SSH_AUTH_SOCK` by default.
    pub agent_socket: Option<PathBuf>,
    /// A key held only in memory, tried before key files (the demo server's client key).
    pub client_key: Option<Arc<PrivateKey>>,
    /// Trust exactly this host key instead of consulting known_hosts (the demo server, whose
    /// key is made fresh at every start).
    pub pinned_host_key: Option<PublicKey>,
    pub tcp_keepalive: TcpKeepalive,
    /// The profile's anti-idle master switch; TCP keepalive is one of its modes.
    pub anti_idle: bool,
    pub connect_timeout: Duration,
    /// How the stream is made: TCP, a proxy command, or through jump hosts.
    pub route: Route,
    /// Ask the server to let the session use the local ssh-agent.
    pub forward_agent: bool,
}

impl ConnectOptions {
    pub fn from_profile(profile: &Profile) -> Self {
        Self {
            host: profile.host.clone(),
            port: profile.port,
            user: profile.effective_user(),
            auth: profile.auth.clone(),
            identity_file: profile.identity_file.as_deref().map(expand_tilde),
            certificate_file: profile.certificate_file.as_deref().map(expand_tilde),
            known_hosts: profile
                .known_hosts_file
                .as_deref()
                .map(expand_tilde)
                .unwrap_or_else(default_known_hosts),
            system_known_hosts: Some(PathBuf::from(SYSTEM_KNOWN_HOSTS)),
            agent_socket: std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from),
            client_key: None,
            pinned_host_key: None,
            tcp_keepalive: profile.anti_idle.tcp.clone(),
            anti_idle: profile.anti_idle.enabled,
            connect_timeout: tcp::CONNECT_TIMEOUT,
            route: match &profile.proxy_command {
                Some(command) => Route::ProxyCommand(command.clone()),
                None => Route::Direct,
            },
            forward_agent: profile.forward_agent,
        }
    }

    /// For `profile`, through `hops` (outermost first, as `profiles::jump::resolve_chain`
    /// gives them) when there are any.
    pub fn through(profile: &Profile, hops: &[Profile]) -> Self {
        let mut options = Self::from_profile(profile);
        if !hops.is_empty() {
            options.route = Route::Jump(hops.iter().map(Self::from_profile).collect());
        }
        options
    }

    pub fn host_port(&self) -> String {
        host_port_name(&self.host, self.port)
    }
}

/// How to reach a server.
#[derive(Debug, Clone, Default)]
pub enum Route {
    /// A TCP connection to `host:port`.
    #[default]
    Direct,
    /// Through these jump hosts, outermost first; the last one opens a `direct-tcpip`
    /// channel to `host:port`. The outermost may have a proxy command of its own.
    Jump(Vec<ConnectOptions>),
    /// The command's stdin and stdout (run by `sh -c`, `%h %p %r %%` expanded).
    ProxyCommand(String),
}

pub(crate) fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_owned())
}

/// `~/.ssh/known_hosts`, as OpenSSH uses.
pub fn default_known_hosts() -> PathBuf {
    home_dir()
        .unwrap_or_default()
        .join(".ssh")
        .join("known_hosts")
}

pub fn expand_tilde(path: &std::path::Path) -> PathBuf {
    match (path.strip_prefix("~"), home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

/// A pseudo-terminal for a session channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtyRequest {
    pub term: String,
    pub cols: u16,
    pub rows: u16,
}

/// What to run on a new session channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRequest {
    pub pty: Option<PtyRequest>,
    /// `None` starts the login shell.
    pub command: Option<String>,
}
