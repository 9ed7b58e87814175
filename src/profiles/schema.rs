//! The on-disk shape of a saved session. `sessions/README.md` documents every field; keep the two
//! in step. Every optional field has a default so a profile can be as short as `host = "..."`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::terminal_settings::{ClipboardPolicy, HighlightRule};

/// One saved session. There is deliberately no password field: secrets are asked for at connect
/// time and never written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// Display name; defaults to the file name without `.toml` when empty.
    pub name: String,
    /// Folder path in the session manager, `/`-separated (`"work/db"`); empty for the top level.
    pub folder: String,
    pub host: String,
    pub port: u16,
    /// Remote user; `None` means the local user name.
    pub user: Option<String>,
    /// Methods to try, in order, until one succeeds.
    pub auth: Vec<AuthMethod>,
    /// Private key for `auth = ["key"]`; `None` tries `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`.
    pub identity_file: Option<PathBuf>,
    /// OpenSSH user certificate for the key (`CertificateFile`); `None` still offers the
    /// `<identity_file>-cert.pub` beside each key file when there is one.
    pub certificate_file: Option<PathBuf>,
    /// TERM sent with the pty request.
    pub terminal_type: String,
    /// known_hosts file; `None` means `~/.ssh/known_hosts`.
    pub known_hosts_file: Option<PathBuf>,
    /// Run this instead of a login shell (like `ssh host COMMAND`).
    pub command: Option<String>,
    /// Connect to tabsh's own loopback demo server (started on demand) instead of
    /// `host`/`port`; it logs in with a key that exists only in memory.
    pub builtin_demo: bool,
    /// Jump hosts, outermost first (OpenSSH's ProxyJump): each another profile's id or
    /// `[user@]host[:port]`. The connection to `host` is carried through the last one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jump: Vec<String>,
    /// Run this command (through `sh -c`, `%h %p %r %%` expanded) and speak SSH over its
    /// stdin and stdout instead of a TCP connection (OpenSSH's ProxyCommand).
    pub proxy_command: Option<String>,
    /// Let the server use the local ssh-agent (like ForwardAgent). Never for the built-in demo.
    pub forward_agent: bool,
    pub anti_idle: AntiIdle,
    pub clone: ClonePolicy,
    pub reconnect: ReconnectPolicy,
    /// Port forwards (`[[forward]]` tables), started with the connection.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forward: Vec<Forward>,
    pub clipboard: ClipboardPolicy,
    /// Keyword highlighting; `None` uses the global rules (`highlight.toml`), `Some(empty)`
    /// none at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlight: Option<Vec<HighlightRule>>,
    /// Session logging (`[log]`).
    pub log: super::session_log::LogSettings,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            name: String::new(),
            folder: String::new(),
            host: String::new(),
            port: 22,
            user: None,
            auth: AuthMethod::DEFAULT_ORDER.to_vec(),
            identity_file: None,
            certificate_file: None,
            terminal_type: "xterm-256color".to_owned(),
            known_hosts_file: None,
            command: None,
            builtin_demo: false,
            jump: Vec::new(),
            proxy_command: None,
            forward_agent: false,
            anti_idle: AntiIdle::default(),
            clone: ClonePolicy::default(),
            reconnect: ReconnectPolicy::default(),
            forward: Vec::new(),
            clipboard: ClipboardPolicy::default(),
            highlight: None,
            log: super::session_log::LogSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// Keys held by ssh-agent (`SSH_AUTH_SOCK`).
    Agent,
    /// A private key file (`identity_file`), asking for its passphrase when encrypted.
    Key,
    Password,
    KeyboardInteractive,
}

impl AuthMethod {
    /// OpenSSH's order: keys first, then the methods that ask a person.
    pub const DEFAULT_ORDER: [AuthMethod; 4] = [
        AuthMethod::Agent,
        AuthMethod::Key,
        AuthMethod::KeyboardInteractive,
        AuthMethod::Password,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::Agent => "agent",
            AuthMethod::Key => "key",
            AuthMethod::Password => "password",
            AuthMethod::KeyboardInteractive => "keyboard-interactive",
        }
    }
}

/// Keeping idle sessions alive and noticing dead peers. `enabled` is the master switch the TUI
/// toggles; each mode below also has its own switch and interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AntiIdle {
    pub enabled: bool,
    pub noop: NoopMode,
    pub keepalive: KeepaliveMode,
    pub idle_string: IdleStringMode,
    pub tcp: TcpKeepalive,
}

impl Default for AntiIdle {
    fn default() -> Self {
        Self {
            enabled: true,
            noop: NoopMode::default(),
            keepalive: KeepaliveMode::default(),
            idle_string: IdleStringMode::default(),
            tcp: TcpKeepalive::default(),
        }
    }
}

/// A packet that needs no reply, sent after `interval_secs` of silence on the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoopMode {
    pub enabled: bool,
    pub interval_secs: u64,
}

impl Default for NoopMode {
    fn default() -> Self {
        Self {
            enabled: true,
            interval_secs: 60,
        }
    }
}

/// `keepalive@openssh.com` with want-reply; `max_misses` unanswered in a row declare the
/// connection dead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeepaliveMode {
    pub enabled: bool,
    pub interval_secs: u64,
    pub max_misses: u32,
}

impl Default for KeepaliveMode {
    fn default() -> Self {
        Self {
            enabled: true,
            interval_secs: 30,
            max_misses: 3,
        }
    }
}

/// Bytes written into an idle tab's channel; the only mode that resets server-side channel
/// timeouts and shell `TMOUT`, so it is off by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdleStringMode {
    pub enabled: bool,
    pub interval_secs: u64,
    pub string: String,
}

impl Default for IdleStringMode {
    fn default() -> Self {
        Self {
            enabled: false,
            interval_secs: 300,
            // NUL: readline binds it to set-mark, which neither prints nor edits the line.
            string: "\u{0}".to_owned(),
        }
    }
}

/// Kernel TCP keepalive on the socket (SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT) and
/// optionally TCP_USER_TIMEOUT (0 = kernel default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TcpKeepalive {
    pub enabled: bool,
    pub idle_secs: u64,
    pub interval_secs: u64,
    pub count: u32,
    pub user_timeout_secs: u64,
}

impl Default for TcpKeepalive {
    fn default() -> Self {
        Self {
            enabled: true,
            idle_secs: 60,
            interval_secs: 10,
            count: 6,
            user_timeout_secs: 0,
        }
    }
}

/// What clone does when the server refuses another session on the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClonePolicy {
    pub spill_over: SpillOver,
    /// Keep a connection open this long after its last tab closes (like ControlPersist).
    pub linger_secs: u64,
}

impl Default for ClonePolicy {
    fn default() -> Self {
        Self {
            spill_over: SpillOver::Ask,
            linger_secs: 0,
        }
    }
}

/// Bringing a lost connection back, with every tab that was on it. Only a lost connection
/// (keepalive verdict, reset, end of file, TCP timeout, the server's DISCONNECT), never a tab
/// whose shell exited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReconnectPolicy {
    pub enabled: bool,
    /// Attempts before giving up; 0 keeps trying while tabs wait. The waits between them
    /// start at 1 s and double up to 60 s.
    pub max_attempts: u32,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            max_attempts: 0,
        }
    }
}

/// One port forward, like ssh's `-L`, `-R` and `-D`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Forward {
    pub kind: ForwardKind,
    /// Where the listening end binds: on this machine for local and dynamic forwards, on the
    /// server for remote ones. Loopback unless the profile says otherwise.
    pub bind_address: String,
    /// The listening port; 0 for a remote forward lets the server choose.
    pub bind_port: u16,
    /// Where connections go: reached from the server for local forwards, from this machine
    /// for remote ones; unused by dynamic forwards (the SOCKS client names it).
    pub host: String,
    pub port: u16,
    /// Off: kept in the profile, not started (switched live from the inspector).
    pub enabled: bool,
}

impl Default for Forward {
    fn default() -> Self {
        Self {
            kind: ForwardKind::Local,
            bind_address: "127.0.0.1".to_owned(),
            bind_port: 0,
            host: String::new(),
            port: 0,
            enabled: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardKind {
    /// `-L`: a local port, each connection carried to `host:port` as seen from the server.
    Local,
    /// `-R`: a port on the server, each connection carried back to `host:port` from here.
    Remote,
    /// `-D`: a local SOCKS5 (and SOCKS4a) proxy whose connections leave from the server.
    Dynamic,
}

impl Forward {
    /// ssh's notation: `-L 127.0.0.1:8080:db:5432`, `-D 127.0.0.1:1080`.
    pub fn shown(&self) -> String {
        let bind = format!("{}:{}", self.bind_address, self.bind_port);
        match self.kind {
            ForwardKind::Local => format!("-L {bind}:{}:{}", self.host, self.port),
            ForwardKind::Remote => format!("-R {bind}:{}:{}", self.host, self.port),
            ForwardKind::Dynamic => format!("-D {bind}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpillOver {
    /// Ask the user whether to open the tab on a new connection.
    #[default]
    Ask,
    /// Open a new connection to the same profile without asking.
    NewConnection,
    /// Report the refusal and open nothing.
    Never,
}

impl Profile {
    /// The user to log in as: the profile's, else the local one.
    pub fn effective_user(&self) -> String {
        self.user.clone().unwrap_or_else(local_user_name)
    }

    /// Where it connects, as every command shows it: `user@host:port` (the user only when
    /// the profile names one), or the built-in demo server, which ignores host and port.
    pub fn shown_target(&self) -> String {
        match &self.user {
            _ if self.builtin_demo => "built-in demo server".to_owned(),
            Some(user) => format!("{user}@{}:{}", self.host, self.port),
            None => format!("{}:{}", self.host, self.port),
        }
    }
}

pub fn local_user_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "root".to_owned())
}
