//! A private dropbear server per test, as a second, independent SSH implementation.

use std::fs::{self, File};
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use tempfile::TempDir;

use super::keys::{HostKey, HostKeyType, user_keys, without_comment};
use super::launch::{read_log, start_on_free_port};
use super::process::ServerProcess;
use super::user::{TestUser, test_user};

const DROPBEAR: &str = "/usr/sbin/dropbear";

#[derive(Debug, Clone)]
pub struct DropbearOptions {
    /// Password logins (dropbear's `-s` turns them off).
    pub password: bool,
    pub host_key_type: HostKeyType,
    /// Raw extra command-line arguments, e.g. `["-K", "1"]` for keepalives.
    pub extra_args: Vec<String>,
}

impl Default for DropbearOptions {
    fn default() -> Self {
        DropbearOptions {
            password: true,
            host_key_type: HostKeyType::Ed25519,
            extra_args: Vec::new(),
        }
    }
}

/// A running dropbear. Dropping it kills it with its per-connection children and removes its
/// directory. Its log is dropbear's stderr (`-E`).
pub struct Dropbear {
    // Declared first so it is dropped (killed) before the directory it uses goes away.
    process: ServerProcess,
    dir: TempDir,
    port: u16,
    host_key: HostKey,
    log_path: PathBuf,
}

impl Dropbear {
    pub fn start(options: DropbearOptions) -> Dropbear {
        let user = test_user();
        authorize_user_keys_in_home(user);
        let dir = tempfile::Builder::new()
            .prefix("tabsh-dropbear-")
            .tempdir()
            .expect("create a temp dir for dropbear");
        let host_key = generate_dropbear_host_key(dir.path(), options.host_key_type);
        let log_path = dir.path().join("dropbear.log");
        let pid_path = dir.path().join("dropbear.pid");

        let (process, port) = start_on_free_port(
            "dropbear",
            &log_path,
            // Logged right after the listening sockets are set up (with -F).
            |_port| "Not backgrounding".to_owned(),
            |port| {
                let log = File::create(&log_path).expect("create the dropbear log");
                let mut command = Command::new(DROPBEAR);
                command
                    .args(["-F", "-E", "-p", &format!("127.0.0.1:{port}"), "-r"])
                    .arg(&host_key.private)
                    // Without -P every instance would fight over /var/run/dropbear.pid.
                    .arg("-P")
                    .arg(&pid_path);
                if !options.password {
                    command.arg("-s");
                }
                command
                    .args(&options.extra_args)
                    .stdin(Stdio::null())
                    .stdout(log.try_clone().expect("clone the dropbear log handle"))
                    .stderr(log);
                ServerProcess::spawn(&mut command, "dropbear").serving_sessions_on(port)
            },
        );
        Dropbear {
            process,
            dir,
            port,
            host_key,
            log_path,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The host public key as `type base64`.
    pub fn host_key_public(&self) -> &str {
        &self.host_key.public_line
    }

    /// `[127.0.0.1]:PORT type base64`, one line for a known_hosts file.
    pub fn known_hosts_line(&self) -> String {
        format!("[127.0.0.1]:{} {}", self.port, self.host_key.public_line)
    }

    /// Writes a known_hosts file trusting only this server and returns its path.
    pub fn write_known_hosts(&self) -> PathBuf {
        super::keys::write_known_hosts(self.dir.path(), &self.known_hosts_line())
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    pub fn log(&self) -> String {
        read_log(&self.log_path)
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the server now instead of at drop.
    pub fn stop(&mut self) {
        self.process.stop();
    }
}

impl Drop for Dropbear {
    fn drop(&mut self) {
        self.process.stop();
    }
}

/// dropbear has no AuthorizedKeysFile option: it always reads `~/.ssh/authorized_keys` and
/// insists that it and `~/.ssh` belong to the user and are not writable by others. Written
/// once per process (the keys are per process), replaced atomically so a dropbear started by
/// an earlier test never sees a half-written file.
fn authorize_user_keys_in_home(user: &TestUser) {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let ssh_dir = user.home.join(".ssh");
        fs::create_dir_all(&ssh_dir)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", ssh_dir.display()));
        own_with_mode(&ssh_dir, user, 0o700);
        let staging = ssh_dir.join(format!("authorized_keys.tabsh-{}", std::process::id()));
        fs::write(&staging, user_keys().authorized_keys_file())
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", staging.display()));
        own_with_mode(&staging, user, 0o600);
        let target = ssh_dir.join("authorized_keys");
        fs::rename(&staging, &target)
            .unwrap_or_else(|error| panic!("cannot replace {}: {error}", target.display()));
    });
}

fn own_with_mode(path: &Path, user: &TestUser, mode: u32) {
    chown(path, Some(user.uid), Some(user.gid))
        .unwrap_or_else(|error| panic!("cannot chown {}: {error}", path.display()));
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|error| panic!("cannot chmod {}: {error}", path.display()));
}

/// dropbear 2022.83 cannot read OpenSSH-format host keys, so its own tool makes them.
fn generate_dropbear_host_key(dir: &Path, kind: HostKeyType) -> HostKey {
    let private = dir.join("dropbear_host_key");
    let type_args: &[&str] = match kind {
        HostKeyType::Ed25519 => &["-t", "ed25519"],
        HostKeyType::Rsa => &["-t", "rsa", "-s", "3072"],
    };
    let output = Command::new("dropbearkey")
        .args(type_args)
        .arg("-f")
        .arg(&private)
        .output()
        .expect("run dropbearkey");
    assert!(
        output.status.success(),
        "dropbearkey failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // stdout holds a line "Public key portion is:" followed by the key line.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let public_line = stdout
        .lines()
        .find(|line| line.starts_with("ssh-") || line.starts_with("ecdsa-"))
        .map(without_comment)
        .unwrap_or_else(|| panic!("no public key in dropbearkey output:\n{stdout}"));
    HostKey {
        private,
        public_line,
    }
}
