//! A user certificate authority for sshd's `TrustedUserCAKeys`: a CA key pair made with
//! ssh-keygen, and certificates it signs for the test user's keys.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::keys::{KeyPair, keygen};
use super::user::TEST_USER_NAME;

pub struct UserCa {
    dir: TempDir,
    ca: KeyPair,
}

impl UserCa {
    /// A fresh ed25519 CA in a directory sshd can read.
    pub fn new() -> UserCa {
        let dir = tempfile::Builder::new()
            .prefix("tabsh-user-ca-")
            .tempdir()
            .expect("create a temp dir for the CA");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
            .expect("chmod the CA dir");
        let ca = keygen(dir.path(), "user_ca", &["-t", "ed25519"], "");
        UserCa { dir, ca }
    }

    /// The sshd_config line that makes sshd trust certificates this CA signs.
    pub fn sshd_line(&self) -> String {
        format!("TrustedUserCAKeys {}", self.ca.public.display())
    }

    /// A new key pair (never in any authorized_keys file) in this CA's directory.
    pub fn new_key(&self, name: &str, type_args: &[&str]) -> KeyPair {
        keygen(self.dir.path(), name, type_args, "")
    }

    /// Signs `key`'s public half for the test user with key id `id`, valid from five minutes
    /// ago for an hour; ssh-keygen writes `<private>-cert.pub` beside the key. Returns it.
    pub fn sign(&self, key: &KeyPair, id: &str) -> PathBuf {
        let output = Command::new("ssh-keygen")
            .arg("-q")
            .arg("-s")
            .arg(&self.ca.private)
            .args(["-I", id, "-n", TEST_USER_NAME, "-V", "-5m:+1h"])
            .arg(&key.public)
            .output()
            .expect("run ssh-keygen -s");
        assert!(
            output.status.success(),
            "ssh-keygen -s for {id} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let cert = cert_path(&key.private);
        assert!(cert.exists(), "ssh-keygen wrote no {}", cert.display());
        cert
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Where ssh-keygen puts the certificate for the key at `private`.
pub fn cert_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push("-cert.pub");
    PathBuf::from(name)
}
