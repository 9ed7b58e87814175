//! The form's fields: which there are, in the order they show and Tab visits, and where each
//! lives in the profile file.

use crate::profiles::SpillOver;

/// Every field of the form, in the order it shows and Tab visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Name,
    Folder,
    Host,
    Port,
    User,
    Auth,
    IdentityFile,
    CertificateFile,
    TerminalType,
    KnownHostsFile,
    Command,
    Jump,
    AntiIdleEnabled,
    NoopEnabled,
    NoopInterval,
    KeepaliveEnabled,
    KeepaliveInterval,
    KeepaliveMaxMisses,
    IdleStringEnabled,
    IdleStringInterval,
    IdleString,
    TcpEnabled,
    TcpIdle,
    TcpInterval,
    TcpCount,
    TcpUserTimeout,
    SpillOver,
    LingerSecs,
    ReconnectEnabled,
    ReconnectMaxAttempts,
}

impl FieldId {
    pub const ALL: [FieldId; 30] = [
        FieldId::Name,
        FieldId::Folder,
        FieldId::Host,
        FieldId::Port,
        FieldId::User,
        FieldId::Auth,
        FieldId::IdentityFile,
        FieldId::CertificateFile,
        FieldId::TerminalType,
        FieldId::KnownHostsFile,
        FieldId::Command,
        FieldId::Jump,
        FieldId::AntiIdleEnabled,
        FieldId::NoopEnabled,
        FieldId::NoopInterval,
        FieldId::KeepaliveEnabled,
        FieldId::KeepaliveInterval,
        FieldId::KeepaliveMaxMisses,
        FieldId::IdleStringEnabled,
        FieldId::IdleStringInterval,
        FieldId::IdleString,
        FieldId::TcpEnabled,
        FieldId::TcpIdle,
        FieldId::TcpInterval,
        FieldId::TcpCount,
        FieldId::TcpUserTimeout,
        FieldId::SpillOver,
        FieldId::LingerSecs,
        FieldId::ReconnectEnabled,
        FieldId::ReconnectMaxAttempts,
    ];

    /// The dotted TOML path, the same name [`Profile::validate`] and the profile files use, so
    /// a problem reads the same in the form and in the file.
    pub fn path(self) -> &'static str {
        match self {
            FieldId::Name => "name",
            FieldId::Folder => "folder",
            FieldId::Host => "host",
            FieldId::Port => "port",
            FieldId::User => "user",
            FieldId::Auth => "auth",
            FieldId::IdentityFile => "identity_file",
            FieldId::CertificateFile => "certificate_file",
            FieldId::TerminalType => "terminal_type",
            FieldId::KnownHostsFile => "known_hosts_file",
            FieldId::Command => "command",
            FieldId::Jump => "jump",
            FieldId::AntiIdleEnabled => "anti_idle.enabled",
            FieldId::NoopEnabled => "anti_idle.noop.enabled",
            FieldId::NoopInterval => "anti_idle.noop.interval_secs",
            FieldId::KeepaliveEnabled => "anti_idle.keepalive.enabled",
            FieldId::KeepaliveInterval => "anti_idle.keepalive.interval_secs",
            FieldId::KeepaliveMaxMisses => "anti_idle.keepalive.max_misses",
            FieldId::IdleStringEnabled => "anti_idle.idle_string.enabled",
            FieldId::IdleStringInterval => "anti_idle.idle_string.interval_secs",
            FieldId::IdleString => "anti_idle.idle_string.string",
            FieldId::TcpEnabled => "anti_idle.tcp.enabled",
            FieldId::TcpIdle => "anti_idle.tcp.idle_secs",
            FieldId::TcpInterval => "anti_idle.tcp.interval_secs",
            FieldId::TcpCount => "anti_idle.tcp.count",
            FieldId::TcpUserTimeout => "anti_idle.tcp.user_timeout_secs",
            FieldId::SpillOver => "clone.spill_over",
            FieldId::LingerSecs => "clone.linger_secs",
            FieldId::ReconnectEnabled => "reconnect.enabled",
            FieldId::ReconnectMaxAttempts => "reconnect.max_attempts",
        }
    }

    pub fn from_path(path: &str) -> Option<FieldId> {
        FieldId::ALL.into_iter().find(|field| field.path() == path)
    }

    /// The toggle that switches this field's anti-idle mode on, for dimming disabled modes.
    pub fn mode_switch(self) -> Option<FieldId> {
        match self {
            FieldId::NoopInterval => Some(FieldId::NoopEnabled),
            FieldId::KeepaliveInterval | FieldId::KeepaliveMaxMisses => {
                Some(FieldId::KeepaliveEnabled)
            }
            FieldId::IdleStringInterval | FieldId::IdleString => Some(FieldId::IdleStringEnabled),
            FieldId::TcpIdle
            | FieldId::TcpInterval
            | FieldId::TcpCount
            | FieldId::TcpUserTimeout => Some(FieldId::TcpEnabled),
            FieldId::ReconnectMaxAttempts => Some(FieldId::ReconnectEnabled),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        FieldId::ALL
            .iter()
            .position(|field| *field == self)
            .unwrap_or(0)
    }
}

/// The spill-over choices in the order the form cycles through them.
pub const SPILL_OVER_CHOICES: [SpillOver; 3] =
    [SpillOver::Ask, SpillOver::NewConnection, SpillOver::Never];
