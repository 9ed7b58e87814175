//! A private ssh-agent per test, so agent tests never touch the developer's own agent.

use std::fs::File;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use super::askpass::{use_askpass, write_askpass};
use super::launch::read_log;
use super::process::ServerProcess;
use super::wait::wait_until;

/// An agent start on a busy machine (2 cores shared with parallel tests) can take seconds.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Agent {
    // Declared first so it is dropped (killed) before its socket directory goes away.
    process: ServerProcess,
    dir: TempDir,
    sock: PathBuf,
    log_path: PathBuf,
}

impl Agent {
    /// Runs `ssh-agent -D -a SOCK` and waits (bounded) until the socket exists.
    pub fn start() -> Agent {
        let dir = tempfile::Builder::new()
            .prefix("tabsh-agent-")
            .tempdir()
            .expect("create a temp dir for ssh-agent");
        let sock = dir.path().join("agent.sock");
        let log_path = dir.path().join("agent.log");
        let log = File::create(&log_path).expect("create the ssh-agent log");
        let mut command = Command::new("ssh-agent");
        command
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the ssh-agent log handle"))
            .stderr(log);
        let mut process = ServerProcess::spawn(&mut command, "ssh-agent");
        let mut exited = false;
        let ready = wait_until(READY_TIMEOUT, Duration::from_millis(20), || {
            exited = process.exit_status().is_some();
            // The socket file appears at bind(), before the agent listens on it.
            !exited && UnixStream::connect(&sock).is_ok()
        });
        if !ready {
            process.stop();
            let reason = if exited {
                "exited".to_owned()
            } else {
                format!("did not accept connections within {READY_TIMEOUT:?}")
            };
            panic!("ssh-agent {reason}; its output:\n{}", read_log(&log_path));
        }
        Agent {
            process,
            dir,
            sock,
            log_path,
        }
    }

    /// The agent socket, for `SSH_AUTH_SOCK` or ssh's `IdentityAgent`.
    pub fn sock(&self) -> &Path {
        &self.sock
    }

    /// Adds an unencrypted private key.
    pub fn add(&self, private_key: &Path) {
        self.add_with_passphrase(private_key, "");
    }

    /// Adds a private key; ssh-add asks `SSH_ASKPASS` for the passphrase.
    pub fn add_with_passphrase(&self, private_key: &Path, passphrase: &str) {
        let askpass = write_askpass(self.dir.path(), passphrase);
        let mut command = self.ssh_add();
        use_askpass(&mut command, &askpass).arg(private_key);
        let output = run(&mut command);
        assert!(
            output.status.success(),
            "ssh-add {} failed: {}",
            private_key.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `ssh-add -l`: one fingerprint line per key, or a "no identities" message.
    pub fn list(&self) -> String {
        let output = run(self.ssh_add().arg("-l"));
        // Exit status 2 means ssh-add could not talk to the agent at all.
        assert!(
            output.status.code() != Some(2),
            "ssh-add -l cannot reach the agent: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    fn ssh_add(&self) -> Command {
        let mut command = Command::new("ssh-add");
        command
            .env("SSH_AUTH_SOCK", &self.sock)
            .stdin(Stdio::null());
        command
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.process.stop();
    }
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run ssh-add")
}
