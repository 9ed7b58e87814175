//! The server a benchmark logs in to, and the same login as each client spells it: `ssh`
//! arguments, tabsh's connect options, a tabsh profile file. One place, so every client in a
//! benchmark uses the same user, key and known_hosts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use tabsh::profiles::{AuthMethod, TcpKeepalive};
use tabsh::ssh::ConnectOptions;

/// `ssh` options for the key exchange tabsh (russh) ends up with against OpenSSH < 9.9, which
/// lacks ML-KEM. OpenSSH's own default there is sntrup761x25519, whose key generation costs
/// tens of milliseconds, so a like-for-like row keeps that cost out of the comparison.
pub const TABSH_KEX_OPTION: [&str; 2] = ["-o", "KexAlgorithms=curve25519-sha256"];

/// Where the benchmarks' sshd listens.
pub const HOST: &str = "127.0.0.1";

/// A user with a key on an sshd at [`HOST`], trusted through its own known_hosts file.
#[derive(Clone)]
pub struct SshTarget {
    pub port: u16,
    pub user: String,
    /// The private key; its public half is in the server's authorized keys.
    pub key: PathBuf,
    pub known_hosts: PathBuf,
}

impl SshTarget {
    pub fn destination(&self) -> String {
        format!("{}@{HOST}", self.user)
    }

    /// Options every `ssh` invocation shares: no user or system config, only this key, only
    /// this known_hosts, and never a question.
    pub fn ssh_common_args(&self) -> Vec<String> {
        vec![
            "-F".to_owned(),
            "/dev/null".to_owned(),
            "-i".to_owned(),
            self.key.display().to_string(),
            "-o".to_owned(),
            "IdentitiesOnly=yes".to_owned(),
            "-o".to_owned(),
            "BatchMode=yes".to_owned(),
            "-o".to_owned(),
            format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-o".to_owned(),
            "StrictHostKeyChecking=yes".to_owned(),
            "-p".to_owned(),
            self.port.to_string(),
        ]
    }

    /// `ssh -tt USER@127.0.0.1` with [`Self::ssh_common_args`] and `options`, as a program
    /// and its arguments: an interactive login with a pty, what a person types.
    pub fn ssh_tt_argv(&self, options: &[&str]) -> Vec<String> {
        let mut argv = vec!["ssh".to_owned(), "-tt".to_owned()];
        argv.extend(options.iter().map(|&option| option.to_owned()));
        argv.extend(self.ssh_common_args());
        argv.push(self.destination());
        argv
    }

    /// The same login for tabsh's library, giving up after `timeout`.
    pub fn connect_options(&self, timeout: Duration) -> ConnectOptions {
        ConnectOptions {
            host: HOST.to_owned(),
            port: self.port,
            user: self.user.clone(),
            auth: vec![AuthMethod::Key],
            identity_file: Some(self.key.clone()),
            certificate_file: None,
            known_hosts: self.known_hosts.clone(),
            system_known_hosts: None,
            agent_socket: None,
            client_key: None,
            pinned_host_key: None,
            tcp_keepalive: TcpKeepalive::default(),
            anti_idle: false,
            connect_timeout: timeout,
            route: tabsh::ssh::Route::Direct,
            forward_agent: false,
        }
    }

    /// Writes `<config_dir>/sessions/<name>.toml`, a tabsh profile for the same login, so that
    /// `tabsh --config-dir CONFIG_DIR open NAME` connects like the other clients.
    pub fn write_tabsh_profile(&self, config_dir: &Path, name: &str) -> Result<()> {
        let sessions = config_dir.join("sessions");
        std::fs::create_dir_all(&sessions)
            .with_context(|| format!("create {}", sessions.display()))?;
        std::fs::write(
            sessions.join(format!("{name}.toml")),
            format!(
                "host = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"key\"]\n\
                 identity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
                self.port,
                self.user,
                self.key.display(),
                self.known_hosts.display()
            ),
        )
        .with_context(|| format!("write the {name} profile"))
    }
}
