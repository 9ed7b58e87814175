//! Releasing a remote command at a moment the test chooses, instead of guessing with `sleep N`:
//! the remote shell waits for a file that the test creates once it has seen what it needs.

use std::path::PathBuf;

use tempfile::TempDir;

/// How long the remote side waits for the gate at most, in tenths of a second: a test that
/// failed before opening it must not leave a shell looping forever.
const REMOTE_WAIT_TENTHS: u32 = 600;

/// A directory every local account can use, so the shells of the test user (`tabsh-test`)
/// behind sshd can read and write files in it too.
pub fn shared_dir() -> TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("create a shared temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777))
        .expect("open the shared temp dir to every account");
    dir
}

pub struct Gate {
    dir: TempDir,
}

impl Gate {
    pub fn new() -> Gate {
        Gate { dir: shared_dir() }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("go")
    }

    /// A POSIX shell command that returns once the gate is open (or after about a minute),
    /// to put before the command it holds back: `"{gate.shell_wait()}; printf ..."`.
    pub fn shell_wait(&self) -> String {
        format!(
            "i=0; while [ ! -e {go} ] && [ $i -lt {REMOTE_WAIT_TENTHS} ]; do sleep 0.1; i=$((i+1)); done",
            go = self.path().display()
        )
    }

    /// Lets the waiting command go on.
    pub fn open(&self) {
        std::fs::write(self.path(), b"").expect("create the gate file");
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}
