//! A private OpenSSH server per test: own temp dir, config, host key, authorized keys, log.

use std::fs::{self, File};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::keys::{HostKey, HostKeyType, generate_host_key, user_keys};
use super::launch::{read_log, start_on_free_port_probed};
use super::netns;
use super::process::ServerProcess;
use super::user::{TEST_USER_NAME, test_user};

const SSHD: &str = "/usr/sbin/sshd";
/// sshd's privilege-separation chroot; it refuses to start without it.
const PRIVSEP_DIR: &str = "/run/sshd";

#[derive(Debug, Clone)]
pub struct SshdOptions {
    pub max_sessions: Option<u32>,
    /// `PasswordAuthentication` (checked through PAM).
    pub password: bool,
    /// `KbdInteractiveAuthentication`: PAM asks for the password as a keyboard-interactive prompt.
    pub kbd_interactive: bool,
    pub pubkey: bool,
    /// `(ClientAliveInterval, ClientAliveCountMax)`.
    pub client_alive: Option<(u32, u32)>,
    pub host_key_type: HostKeyType,
    /// Raw sshd_config lines. They are written before the defaults, so they override them
    /// (sshd keeps the first value of a keyword); a `Match` line and everything after it is
    /// written at the end instead, where Match blocks must be.
    pub extra: Vec<String>,
    /// Run sshd inside this network namespace (`ip netns exec`) instead of the test's own.
    pub netns: Option<String>,
    /// `ListenAddress`; 127.0.0.1 when unset.
    pub listen: Option<IpAddr>,
}

impl Default for SshdOptions {
    fn default() -> Self {
        SshdOptions {
            max_sessions: None,
            password: true,
            kbd_interactive: true,
            pubkey: true,
            client_alive: None,
            host_key_type: HostKeyType::Ed25519,
            extra: Vec::new(),
            netns: None,
            listen: None,
        }
    }
}

/// A running sshd. Dropping it kills it together with its per-connection children and
/// removes its directory.
pub struct Sshd {
    // Declared first so it is dropped (killed) before the directory it uses goes away.
    process: ServerProcess,
    dir: TempDir,
    listen: IpAddr,
    port: u16,
    host_key: HostKey,
    config_path: PathBuf,
    log_path: PathBuf,
}

impl Sshd {
    pub fn start(options: SshdOptions) -> Sshd {
        test_user();
        ensure_privsep_dir();
        let dir = tempfile::Builder::new()
            .prefix("tabsh-sshd-")
            .tempdir()
            .expect("create a temp dir for sshd");
        // sshd reads AuthorizedKeysFile as the test user, who must be able to reach it.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
            .expect("chmod the sshd temp dir");
        let host_key = generate_host_key(dir.path(), options.host_key_type);
        let authorized_keys = dir.path().join("authorized_keys");
        fs::write(&authorized_keys, user_keys().authorized_keys_file())
            .expect("write sshd authorized_keys");
        fs::set_permissions(&authorized_keys, fs::Permissions::from_mode(0o644))
            .expect("chmod sshd authorized_keys");
        let config_path = dir.path().join("sshd_config");
        let log_path = dir.path().join("sshd.log");

        let listen = options.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let (process, port) = start_on_free_port_probed(
            "sshd",
            &log_path,
            |port| format!("Server listening on {listen} port {port}."),
            |port| accepts_tcp(options.netns.as_deref(), SocketAddr::new(listen, port)),
            |port| {
                let config = render_config(&options, dir.path(), &host_key, listen, port);
                fs::write(&config_path, config).expect("write sshd_config");
                let log = File::create(&log_path).expect("create the sshd log");
                let mut command = match &options.netns {
                    Some(namespace) => netns::command_in(namespace, SSHD),
                    None => Command::new(SSHD),
                };
                command
                    .args(["-D", "-e", "-f"])
                    .arg(&config_path)
                    .stdin(Stdio::null())
                    .stdout(log.try_clone().expect("clone the sshd log handle"))
                    .stderr(log);
                ServerProcess::spawn(&mut command, "sshd").serving_sessions_at(listen, port)
            },
        );
        Sshd {
            process,
            dir,
            listen,
            port,
            host_key,
            config_path,
            log_path,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address sshd listens on (`SshdOptions::listen`, 127.0.0.1 by default).
    pub fn listen_address(&self) -> IpAddr {
        self.listen
    }

    /// The host public key as `type base64`, e.g. `ssh-ed25519 AAAA...`.
    pub fn host_key_public(&self) -> &str {
        &self.host_key.public_line
    }

    /// `[ADDRESS]:PORT type base64` (ADDRESS is 127.0.0.1 by default), one line for a
    /// known_hosts file.
    pub fn known_hosts_line(&self) -> String {
        format!(
            "[{}]:{} {}",
            self.listen, self.port, self.host_key.public_line
        )
    }

    /// Writes a known_hosts file trusting only this server and returns its path.
    pub fn write_known_hosts(&self) -> PathBuf {
        super::keys::write_known_hosts(self.dir.path(), &self.known_hosts_line())
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Everything sshd (and its per-connection children) logged so far, at DEBUG1.
    pub fn log(&self) -> String {
        read_log(&self.log_path)
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the server now instead of at drop, e.g. to test how a client sees a dead server.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.process.stop();
    }
}

fn ensure_privsep_dir() {
    // Racing creators are fine: create_dir_all tolerates a directory that appeared meanwhile.
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(PRIVSEP_DIR)
        .unwrap_or_else(|error| panic!("cannot create {PRIVSEP_DIR}: {error}"));
}

/// Whether `address` accepts a TCP connection, tried from inside `namespace` if given.
fn accepts_tcp(namespace: Option<&str>, address: SocketAddr) -> bool {
    let connect = || TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok();
    match namespace {
        Some(namespace) => netns::run_in(namespace, connect),
        None => connect(),
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn render_config(
    options: &SshdOptions,
    dir: &Path,
    host_key: &HostKey,
    listen: IpAddr,
    port: u16,
) -> String {
    let match_start = options
        .extra
        .iter()
        .position(|line| line.trim_start().to_ascii_lowercase().starts_with("match "))
        .unwrap_or(options.extra.len());
    let (overrides, match_blocks) = options.extra.split_at(match_start);

    let mut lines: Vec<String> = overrides.to_vec();
    lines.extend([
        format!("ListenAddress {listen}"),
        format!("Port {port}"),
        format!("HostKey {}", host_key.private.display()),
        format!("PidFile {}", dir.join("sshd.pid").display()),
        format!(
            "AuthorizedKeysFile {}",
            dir.join("authorized_keys").display()
        ),
        "StrictModes no".to_owned(),
        "UsePAM yes".to_owned(),
        format!("PubkeyAuthentication {}", yes_no(options.pubkey)),
        format!("PasswordAuthentication {}", yes_no(options.password)),
        format!(
            "KbdInteractiveAuthentication {}",
            yes_no(options.kbd_interactive)
        ),
        "LogLevel DEBUG1".to_owned(),
        format!("AllowUsers {TEST_USER_NAME}"),
        "PermitRootLogin no".to_owned(),
        "UseDNS no".to_owned(),
        "PrintMotd no".to_owned(),
        "PrintLastLog no".to_owned(),
        "Subsystem sftp internal-sftp".to_owned(),
    ]);
    if let Some(max_sessions) = options.max_sessions {
        lines.push(format!("MaxSessions {max_sessions}"));
    }
    if let Some((interval, count_max)) = options.client_alive {
        lines.push(format!("ClientAliveInterval {interval}"));
        lines.push(format!("ClientAliveCountMax {count_max}"));
    }
    lines.extend(match_blocks.iter().cloned());
    lines.iter().map(|line| format!("{line}\n")).collect()
}
