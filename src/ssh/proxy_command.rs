//! OpenSSH's ProxyCommand: a command whose stdin and stdout carry the SSH connection (`nc %h
//! %p`, `ssh -W %h:%p bastion`, a corporate proxy's helper). Its stderr is kept (the last
//! few KiB) to explain a failure.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::{Child, ChildStderr, Command};

use super::error::SshError;
use super::options::ConnectOptions;
use crate::escape::escape_line;

/// The most of the command's stderr kept: the end, which says why it failed.
const STDERR_KEPT_BYTES: usize = 4096;
/// How long a failed command is given to finish its last words.
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// The running command: killed when the connection that owns it ends.
pub(crate) struct ProxyChild {
    command: String,
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_done: Option<tokio::task::JoinHandle<()>>,
}

impl ProxyChild {
    /// Runs `template` (tokens expanded) through `sh -c`; its stdout and stdin as one stream.
    pub fn spawn(
        template: &str,
        options: &ConnectOptions,
    ) -> Result<
        (
            Self,
            impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + use<>,
        ),
        SshError,
    > {
        let command = expand(template, &options.host, options.port, &options.user);
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| SshError::ProxyCommand {
                command: command.clone(),
                why: format!("it could not be started: {error}"),
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(SshError::ProxyCommand {
                command,
                why: "its stdin and stdout could not be connected".to_owned(),
            });
        };
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_done = child
            .stderr
            .take()
            .map(|pipe| tokio::spawn(keep_tail(pipe, Arc::clone(&stderr))));
        Ok((
            Self {
                command,
                child,
                stderr,
                stderr_done,
            },
            tokio::io::join(stdout, stdin),
        ))
    }

    /// `error`, explained by the command: its exit status and the end of its stderr.
    pub async fn explain(&mut self, error: SshError) -> SshError {
        if let Some(done) = self.stderr_done.take() {
            let _ = tokio::time::timeout(STDERR_GRACE, done).await;
        }
        let status = tokio::time::timeout(STDERR_GRACE, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        let stderr = self.stderr.lock().map(|t| t.clone()).unwrap_or_default();
        let said = escape_line(String::from_utf8_lossy(&stderr).trim()).into_owned();
        let mut why = error.to_string();
        if let Some(status) = status {
            why.push_str(&format!("; the command exited ({status})"));
        }
        if !said.is_empty() {
            why.push_str(&format!("; it said: {said}"));
        }
        SshError::ProxyCommand {
            command: self.command.clone(),
            why,
        }
    }
}

/// Reads the command's stderr to its end, keeping the last [`STDERR_KEPT_BYTES`].
async fn keep_tail(mut pipe: ChildStderr, kept: Arc<Mutex<Vec<u8>>>) {
    let mut buffer = [0u8; 1024];
    while let Ok(read) = pipe.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.extend_from_slice(&buffer[..read]);
        let excess = kept.len().saturating_sub(STDERR_KEPT_BYTES);
        kept.drain(..excess);
    }
}

/// OpenSSH's tokens in a ProxyCommand: `%h` host, `%p` port, `%r` remote user, `%%` a `%`.
/// Other tokens are left as written.
pub fn expand(template: &str, host: &str, port: u16, user: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('h') => out.push_str(host),
            Some('p') => out.push_str(&port.to_string()),
            Some('r') => out.push_str(user),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_expanded_as_openssh_does() {
        assert_eq!(
            expand("nc %h %p # %r 100%% %x %", "db", 2222, "ops"),
            "nc db 2222 # ops 100% %x %"
        );
    }
}
