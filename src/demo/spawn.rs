//! Starting the program a session channel asked for, either on a fresh pty or
//! on plain pipes.
//!
//! Ptys come from the `pty-process` crate (tokio flavour). It is small,
//! maintained, builds on `rustix` (already in our tree through the terminal
//! stack), and does exactly the three fiddly parts we would otherwise write with
//! raw `openpty` + `AsyncFd`: a non-blocking master registered with tokio, a
//! child made session leader with the pts as controlling terminal (so job
//! control and `SIGHUP` on hang-up work), and `TIOCSWINSZ` for resizes.
//! `portable-pty` was the other candidate, but it is blocking-I/O and thread
//! based, which fights a tokio server; `nix::pty` would mean hand-written
//! `pre_exec` and fd plumbing.

use std::ffi::OsString;
use std::process::Stdio;

use pty_process::{OwnedReadPty, OwnedWritePty, Size};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout};

use super::local_user::LocalUser;

/// Used when the server's own environment has no `PATH` (sshd has a built-in default too).
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// A pty the client asked for with `pty-req`, resized by `window-change`.
#[derive(Debug, Clone)]
pub struct PtySpec {
    pub term: String,
    pub size: Size,
}

/// Converts SSH's 32-bit dimensions (in the protocol's order: columns first),
/// clamping what a `winsize` cannot hold.
pub fn pty_size(cols: u32, rows: u32, pix_width: u32, pix_height: u32) -> Size {
    let clamp = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    Size::new_with_pixel(
        clamp(rows),
        clamp(cols),
        clamp(pix_width),
        clamp(pix_height),
    )
}

/// What runs on the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// The `shell` request: the user's login shell.
    LoginShell,
    /// The `exec` request: a command line given to `sh -c`.
    Command(String),
}

/// The child's side of the channel once started.
pub struct SpawnedProcess {
    pub child: Child,
    pub io: ProcessIo,
}

pub enum ProcessIo {
    Pty {
        reader: OwnedReadPty,
        writer: OwnedWritePty,
    },
    Pipes {
        stdin: ChildStdin,
        stdout: ChildStdout,
        stderr: ChildStderr,
    },
}

/// Everything needed to start a channel's program.
pub struct SpawnRequest<'a> {
    pub program: &'a Program,
    pub pty: Option<&'a PtySpec>,
    /// Variables the client sent with `env` that passed the allowlist.
    pub client_env: &'a [(String, String)],
    pub user: &'a LocalUser,
}

impl SpawnRequest<'_> {
    pub fn spawn(&self) -> std::io::Result<SpawnedProcess> {
        let (program, args) = self.command_line();
        let env = self.environment();
        match self.pty {
            Some(pty) => {
                let (master, pts) = pty_process::open().map_err(std::io::Error::other)?;
                master.resize(pty.size).map_err(std::io::Error::other)?;
                let child = pty_process::Command::new(program)
                    .args(args)
                    .env_clear()
                    .envs(env)
                    .current_dir(&self.user.home)
                    .kill_on_drop(true)
                    // Consuming `pts` closes our copy of the slave, so reading
                    // the master ends with EIO once the child side is gone.
                    .spawn(pts)
                    .map_err(std::io::Error::other)?;
                let (reader, writer) = master.into_split();
                Ok(SpawnedProcess {
                    child,
                    io: ProcessIo::Pty { reader, writer },
                })
            }
            None => {
                let mut child = tokio::process::Command::new(program)
                    .args(args)
                    .env_clear()
                    .envs(env)
                    .current_dir(&self.user.home)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    // Own process group, so hang-up can signal everything the
                    // command started, like the pty case gets via setsid.
                    .process_group(0)
                    .kill_on_drop(true)
                    .spawn()?;
                let (Some(stdin), Some(stdout), Some(stderr)) =
                    (child.stdin.take(), child.stdout.take(), child.stderr.take())
                else {
                    return Err(std::io::Error::other("child pipes were not created"));
                };
                Ok(SpawnedProcess {
                    child,
                    io: ProcessIo::Pipes {
                        stdin,
                        stdout,
                        stderr,
                    },
                })
            }
        }
    }

    fn command_line(&self) -> (OsString, Vec<OsString>) {
        match self.program {
            // `-l` makes every common shell (bash, dash, zsh, fish) act as a
            // login shell and read the profile, like an sshd session.
            Program::LoginShell => (self.user.shell.clone().into(), vec!["-l".into()]),
            Program::Command(command) => ("/bin/sh".into(), vec!["-c".into(), command.into()]),
        }
    }

    /// A fresh environment rather than tabsh's own: the session should look
    /// like an SSH login, not leak the TUI's `TERM`, `RUST_LOG` and so on.
    fn environment(&self) -> Vec<(OsString, OsString)> {
        let path = std::env::var_os("PATH").unwrap_or_else(|| DEFAULT_PATH.into());
        let mut env: Vec<(OsString, OsString)> = vec![
            ("PATH".into(), path),
            ("HOME".into(), self.user.home.clone().into()),
            ("USER".into(), self.user.name.clone().into()),
            ("LOGNAME".into(), self.user.name.clone().into()),
            ("SHELL".into(), self.user.shell.clone().into()),
        ];
        if let Some(pty) = self.pty {
            env.push(("TERM".into(), pty.term.clone().into()));
        }
        env.extend(
            self.client_env
                .iter()
                .map(|(name, value)| (name.into(), value.into())),
        );
        env
    }
}

/// Client `env` requests honoured, like sshd's default `AcceptEnv LANG LC_*`.
pub fn env_allowed(name: &str) -> bool {
    name == "LANG" || (name.starts_with("LC_") && name.len() > 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_locale_variables_are_accepted() {
        assert!(env_allowed("LANG"));
        assert!(env_allowed("LC_ALL"));
        assert!(!env_allowed("LC_"));
        assert!(!env_allowed("LD_PRELOAD"));
        assert!(!env_allowed("PATH"));
    }

    #[test]
    fn oversized_dimensions_are_clamped() {
        let size = pty_size(80, 70_000, 0, 0);
        assert_eq!(
            format!("{size:?}"),
            format!("{:?}", Size::new(u16::MAX, 80))
        );
    }
}
