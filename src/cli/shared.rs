//! `tabsh exec` through a running TUI's control socket: the command runs as one more channel
//! on the TUI's live connection of the profile, so there is no new login. Anything short of
//! an accepted run (no TUI, no live connection, a refusal) leaves the caller to connect itself.

use std::path::Path;

use tabsh::control::{self, Reply, Request};
use tokio::io::AsyncReadExt;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

/// A command running on a TUI's connection: its output, status and end, as replies.
pub struct SharedRun {
    reading: OwnedReadHalf,
}

impl SharedRun {
    /// Asks the TUI of `config_dir` to run `command` on a live connection of `profile` (an
    /// id). With `stdin`, our stdin goes to the command (at the channel's pace); without, the
    /// command's stdin ends at once. `None` when it does not run there.
    pub async fn start(
        config_dir: &Path,
        profile: &str,
        command: &str,
        stdin: bool,
    ) -> Option<Self> {
        let stream = UnixStream::connect(control::socket_path(config_dir))
            .await
            .ok()?;
        let (mut reading, mut writing) = stream.into_split();
        let request = Request::Exec {
            profile: profile.to_owned(),
            command: command.to_owned(),
        };
        control::write_request(&mut writing, &request).await.ok()?;
        if !stdin {
            control::write_request(&mut writing, &Request::InputEnd)
                .await
                .ok()?;
        }
        match control::read_reply(&mut reading).await {
            Ok(Some(Reply::Accepted)) => {}
            Ok(Some(Reply::Refused(reason))) => {
                tracing::info!("the TUI did not run it ({reason}); connecting");
                return None;
            }
            _ => return None,
        }
        if stdin {
            tokio::spawn(forward_stdin(writing));
        }
        Some(Self { reading })
    }

    /// The next reply; `None` once the TUI closed the socket without a last one.
    pub async fn next(&mut self) -> Option<Reply> {
        control::read_reply(&mut self.reading).await.ok().flatten()
    }
}

/// Our stdin as input frames; each write waits while the TUI does not read, which it does at
/// the channel's pace.
async fn forward_stdin(mut writing: OwnedWriteHalf) {
    let mut stdin = tokio::io::stdin();
    let mut buffer = vec![0u8; 32 * 1024];
    loop {
        match stdin.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let input = Request::Input(buffer[..n].to_vec());
                if control::write_request(&mut writing, &input).await.is_err() {
                    return;
                }
            }
        }
    }
    let _ = control::write_request(&mut writing, &Request::InputEnd).await;
}
