//! Client key pairs for the test user, and host keys for test servers, made with ssh-keygen.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Passphrase of [`UserKeys::ed25519_encrypted`].
pub const ENCRYPTED_KEY_PASSPHRASE: &str = "tabsh-key-passphrase";

/// One key pair on disk. `public_line` is the `.pub` file's line (`type base64 comment`).
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub private: PathBuf,
    pub public: PathBuf,
    pub public_line: String,
}

/// The test user's client keys. All but `unauthorized` are authorized on every test server.
#[derive(Debug)]
pub struct UserKeys {
    pub dir: PathBuf,
    pub ed25519: KeyPair,
    /// Protected by [`ENCRYPTED_KEY_PASSPHRASE`].
    pub ed25519_encrypted: KeyPair,
    /// RSA 3072 in the OpenSSH private key format.
    pub rsa: KeyPair,
    /// RSA 3072 as an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub rsa_pkcs8: KeyPair,
    /// ECDSA P-256.
    pub ecdsa: KeyPair,
    /// Never written to any authorized_keys file: logins with it must be refused.
    pub unauthorized: KeyPair,
}

impl UserKeys {
    pub fn authorized(&self) -> [&KeyPair; 5] {
        [
            &self.ed25519,
            &self.ed25519_encrypted,
            &self.rsa,
            &self.rsa_pkcs8,
            &self.ecdsa,
        ]
    }

    /// Contents for an authorized_keys file listing every authorized key.
    pub fn authorized_keys_file(&self) -> String {
        self.authorized()
            .iter()
            .map(|key| format!("{}\n", key.public_line))
            .collect()
    }
}

/// The keys are generated once per test process. They live under cargo's per-target temp
/// dir (not /tmp) because statics are never dropped; the next run deletes directories left by
/// processes that are gone.
pub fn user_keys() -> &'static UserKeys {
    static KEYS: OnceLock<UserKeys> = OnceLock::new();
    KEYS.get_or_init(generate_user_keys)
}

fn generate_user_keys() -> UserKeys {
    let parent = Path::new(env!("CARGO_TARGET_TMPDIR")).join("testbed-keys");
    remove_dirs_of_finished_processes(&parent);
    let dir = parent.join(std::process::id().to_string());
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));

    let rsa_pkcs8 = keygen(
        &dir,
        "rsa_pkcs8",
        &["-t", "rsa", "-b", "3072", "-m", "PKCS8"],
        "",
    );
    let pem = fs::read_to_string(&rsa_pkcs8.private).expect("read the PKCS#8 key");
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "ssh-keygen -m PKCS8 did not write a PKCS#8 PEM; it starts with: {}",
        pem.lines().next().unwrap_or("")
    );

    UserKeys {
        ed25519: keygen(&dir, "ed25519", &["-t", "ed25519"], ""),
        ed25519_encrypted: keygen(
            &dir,
            "ed25519_encrypted",
            &["-t", "ed25519"],
            ENCRYPTED_KEY_PASSPHRASE,
        ),
        rsa: keygen(&dir, "rsa", &["-t", "rsa", "-b", "3072"], ""),
        rsa_pkcs8,
        ecdsa: keygen(&dir, "ecdsa", &["-t", "ecdsa", "-b", "256"], ""),
        unauthorized: keygen(&dir, "unauthorized", &["-t", "ed25519"], ""),
        dir,
    }
}

fn remove_dirs_of_finished_processes(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Runs `ssh-keygen` to write `dir/name` and `dir/name.pub`.
pub fn keygen(dir: &Path, name: &str, type_args: &[&str], passphrase: &str) -> KeyPair {
    let private = dir.join(name);
    let output = Command::new("ssh-keygen")
        .args(type_args)
        .args([
            "-q",
            "-N",
            passphrase,
            "-C",
            &format!("tabsh-test-{name}"),
            "-f",
        ])
        .arg(&private)
        .output()
        .expect("run ssh-keygen");
    assert!(
        output.status.success(),
        "ssh-keygen for {name} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let public = dir.join(format!("{name}.pub"));
    let public_line = fs::read_to_string(&public)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", public.display()))
        .trim()
        .to_owned();
    KeyPair {
        private,
        public,
        public_line,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HostKeyType {
    #[default]
    Ed25519,
    Rsa,
}

/// A server host key. `public_line` is `type base64` without a comment, ready for
/// known_hosts lines.
#[derive(Debug, Clone)]
pub struct HostKey {
    pub private: PathBuf,
    pub public_line: String,
}

/// Generates a host key pair (OpenSSH format) into `dir` as `host_key` and `host_key.pub`.
pub fn generate_host_key(dir: &Path, kind: HostKeyType) -> HostKey {
    let type_args: &[&str] = match kind {
        HostKeyType::Ed25519 => &["-t", "ed25519"],
        HostKeyType::Rsa => &["-t", "rsa", "-b", "3072"],
    };
    let pair = keygen(dir, "host_key", type_args, "");
    HostKey {
        private: pair.private,
        public_line: without_comment(&pair.public_line),
    }
}

/// `type base64 comment` -> `type base64`.
pub fn without_comment(public_line: &str) -> String {
    public_line
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `dir/known_hosts` trusting exactly `line` and returns its path.
pub fn write_known_hosts(dir: &Path, line: &str) -> PathBuf {
    let path = dir.join("known_hosts");
    fs::write(&path, format!("{line}\n")).expect("write known_hosts");
    path
}
