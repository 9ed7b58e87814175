//! The least a client can do for a keystroke: raw terminal in, channel data out, channel data
//! straight to stdout. No screen, no tabs, no emulator, none of tabsh's event loop.
//!
//! The echo case types into it beside tabsh and `ssh -tt` (this bench binary, started again
//! with one of the flags below) to split tabsh's distance from OpenSSH into parts: what russh
//! and tokio cost ([`BARE_RUSSH_FLAG`]), what tabsh's SSH layer adds (its connection, channel
//! reader and writer tasks: [`SSH_LAYER_FLAG`]), and, by difference, what tabsh's terminal
//! emulator and screen add. Both run on a single-threaded tokio runtime as tabsh does, read
//! the terminal without blocking once the runtime's epoll says it is readable, as tabsh does
//! (tabsh then has crossterm read and parse it), and check the host key against the bench's
//! known_hosts. Both end when the channel closes.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use bytes::Bytes;
use russh::ChannelMsg;
use russh::client::{self, Handler, Msg};
use russh::keys::{PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use tabsh::ssh::known_hosts::{HostKeyStatus, KnownHosts};
use tabsh::ssh::{BatchPrompter, ChannelEvent, Connection, PtyRequest, SessionRequest};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::common::ssh_target::{HOST, SshTarget};

/// The first argument that makes this bench binary the client on russh alone.
pub(crate) const BARE_RUSSH_FLAG: &str = "--bare-russh-client";
/// The same client on tabsh's SSH layer.
pub(crate) const SSH_LAYER_FLAG: &str = "--tabsh-ssh-layer-client";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// This bench binary as a client of `target`, on russh alone or on tabsh's SSH layer (`flag`).
pub(crate) fn argv(flag: &str, target: &SshTarget) -> Result<Vec<String>> {
    let this = std::env::current_exe().context("the bench binary's path")?;
    Ok(vec![
        this.display().to_string(),
        flag.to_owned(),
        target.port.to_string(),
        target.user.clone(),
        target.key.display().to_string(),
        target.known_hosts.display().to_string(),
    ])
}

/// Runs the client when `args` (the whole command line) asks for one; false otherwise.
pub(crate) fn run_if_asked(args: &[String]) -> Result<bool> {
    let on_tabsh_layer = match args.get(1).map(String::as_str) {
        Some(BARE_RUSSH_FLAG) => false,
        Some(SSH_LAYER_FLAG) => true,
        _ => return Ok(false),
    };
    let [port, user, key, known_hosts] = &args[2..] else {
        bail!("usage: {BARE_RUSSH_FLAG}|{SSH_LAYER_FLAG} PORT USER KEY KNOWN_HOSTS");
    };
    let target = SshTarget {
        port: port.parse().context("port")?,
        user: user.clone(),
        key: key.into(),
        known_hosts: known_hosts.into(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let _raw = RawMode::enter()?;
    runtime.block_on(async {
        if on_tabsh_layer {
            relay(TabshSession::open(&target).await?).await
        } else {
            relay(RusshSession::open(&target).await?).await
        }
    })?;
    Ok(true)
}

/// The terminal in raw mode, given back on every way out, a panic's too.
struct RawMode;

impl RawMode {
    fn enter() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// A shell channel seen as bytes in and bytes out.
trait Remote {
    async fn send(&mut self, bytes: &[u8]) -> Result<()>;
    /// The next output; `None` once the shell has ended.
    async fn output(&mut self) -> Option<Bytes>;
}

/// Passes what is typed to `remote` and what it prints to stdout until either ends.
async fn relay(mut remote: impl Remote) -> Result<()> {
    let terminal = std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    set_nonblocking(&terminal)?;
    // SAFETY: the `File` owns its descriptor, which stays open for as long as it is owned.
    let terminal = unsafe { AsyncFd::register_with_interest(terminal, Interest::READABLE) }?;
    let mut stdout = std::io::stdout().lock();
    let mut typed = [0u8; 4096];
    loop {
        tokio::select! {
            ready = terminal.readable() => {
                let mut ready = ready?;
                // Everything the terminal holds; readiness is cleared only once it is empty.
                loop {
                    match ready.try_io(|terminal| terminal.get_ref().read(&mut typed)) {
                        Ok(Ok(0)) => return Ok(()),
                        Ok(Ok(read)) => remote.send(&typed[..read]).await?,
                        Ok(Err(error)) => return Err(error.into()),
                        Err(_would_block) => break,
                    }
                }
            }
            output = remote.output() => {
                let Some(output) = output else { return Ok(()) };
                stdout.write_all(&output)?;
                stdout.flush()?;
            }
        }
    }
}

/// Reads of `file` return at once, with `WouldBlock` when it has nothing.
fn set_nonblocking(file: &std::fs::File) -> Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` keeps open, with integer arguments only.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    ensure!(flags >= 0, "F_GETFL: {}", std::io::Error::last_os_error());
    // SAFETY: as above.
    let set = unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) };
    ensure!(set >= 0, "F_SETFL: {}", std::io::Error::last_os_error());
    Ok(())
}

/// The size asked for the remote pty: the terminal this client runs in.
fn pty_size() -> Result<(u16, u16)> {
    Ok(crossterm::terminal::size()?)
}

struct RusshSession {
    from_remote: russh::ChannelReadHalf,
    to_remote: russh::ChannelWriteHalf<Msg>,
}

struct CheckedHostKey {
    known_hosts: KnownHosts,
    port: u16,
}

impl Handler for CheckedHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = key else {
            return Ok(false);
        };
        Ok(matches!(
            self.known_hosts.check(HOST, self.port, key),
            HostKeyStatus::Known { .. }
        ))
    }
}

impl RusshSession {
    async fn open(target: &SshTarget) -> Result<Self> {
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let handler = CheckedHostKey {
            known_hosts: KnownHosts::load(&target.known_hosts)?,
            port: target.port,
        };
        let mut session = client::connect(config, (HOST, target.port), handler).await?;
        let key = russh::keys::load_secret_key(&target.key, None)?;
        let hash = session.best_supported_rsa_hash().await?.flatten();
        let auth = session
            .authenticate_publickey(
                target.user.as_str(),
                PrivateKeyWithHashAlg::new(Arc::new(key), hash),
            )
            .await?;
        ensure!(auth.success(), "the key was refused");
        let (cols, rows) = pty_size()?;
        let channel = session.channel_open_session().await?;
        channel
            .request_pty(false, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
            .await?;
        channel.request_shell(false).await?;
        let (from_remote, to_remote) = channel.split();
        Ok(Self {
            from_remote,
            to_remote,
        })
    }
}

impl Remote for RusshSession {
    async fn send(&mut self, bytes: &[u8]) -> Result<()> {
        Ok(self.to_remote.data_bytes(bytes.to_vec()).await?)
    }

    async fn output(&mut self) -> Option<Bytes> {
        loop {
            match self.from_remote.wait().await? {
                ChannelMsg::Data { data } => return Some(data),
                ChannelMsg::Close => return None,
                _ => {}
            }
        }
    }
}

struct TabshSession {
    session: tabsh::ssh::SessionChannel,
    /// Kept open for as long as its channel.
    _connection: Connection,
}

impl TabshSession {
    async fn open(target: &SshTarget) -> Result<Self> {
        let connection = Connection::connect(
            &target.connect_options(CONNECT_TIMEOUT),
            Arc::new(BatchPrompter),
        )
        .await?;
        let (cols, rows) = pty_size()?;
        let request = SessionRequest {
            pty: Some(PtyRequest {
                term: "xterm-256color".to_owned(),
                cols,
                rows,
            }),
            command: None,
        };
        let session = connection.open_session(&request).await?;
        Ok(Self {
            session,
            _connection: connection,
        })
    }
}

impl Remote for TabshSession {
    async fn send(&mut self, bytes: &[u8]) -> Result<()> {
        ensure!(
            self.session.handle.write(bytes.to_vec()),
            "the channel is closed"
        );
        Ok(())
    }

    async fn output(&mut self) -> Option<Bytes> {
        loop {
            match self.session.events.recv().await? {
                ChannelEvent::Data(data) => return Some(data),
                ChannelEvent::Closed | ChannelEvent::Lost => return None,
                _ => {}
            }
        }
    }
}
