//! The control socket, like OpenSSH's ControlMaster: while the TUI runs it listens on a private
//! Unix socket (a 0700 directory, a 0600 socket, and only peers of our own uid, checked with
//! SO_PEERCRED). Each client's request goes to the model as a message carrying the client's
//! id; the model's answer comes back here as an effect. An exec runs as one more channel on
//! the live connection, lent by its connection task.
//!
//! Flow control: the exec's channel shares its connection with the TUI's tabs, so its reader
//! never waits (one unread russh channel stalls the whole connection, see ssh-facts.md). Its
//! output is queued for the client up to [`MAX_QUEUED`]; a client that falls that far behind
//! (its stdout not read) gets the run cut with a clear error rather than stall the tabs or
//! grow without bound: `--no-shared` runs on a connection of its own, which stops reading
//! instead. Input goes the other way at the server window's pace: the client's frames are
//! read only as fast as the channel takes them.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::AbortHandle;

use super::outbox::Outbox;
use crate::app::Msg;
use crate::control::{self, ClientId, MAX_FRAME, Reply, Request};
use crate::escape::escape_line;
use crate::ssh::{
    BoundedInput, ChannelEvent, ChannelHandle, Connection, EventSink, SessionRequest, command_queue,
};
use crate::text;

/// Output held for one client before its run is cut.
pub const MAX_QUEUED: usize = 16 * 1024 * 1024;

/// How long a client may take to send its request.
const REQUEST_WAIT: Duration = Duration::from_secs(10);

/// What goes out to one client, in order.
enum Outgoing {
    Reply(Reply),
    /// The exec runs: its input, for the client's frames, and its handle, to close it when
    /// the client goes away.
    Started {
        input: BoundedInput,
        handle: ChannelHandle,
    },
}

type Clients = Arc<Mutex<HashMap<ClientId, Client>>>;

#[derive(Clone)]
struct Client {
    out: mpsc::UnboundedSender<Outgoing>,
    /// Output bytes queued and not yet written to the client.
    queued: Arc<AtomicUsize>,
}

/// The listening socket; dropping it stops listening and removes the socket file.
pub struct ControlSocket {
    path: PathBuf,
    clients: Clients,
    outbox: Outbox,
    accept: AbortHandle,
}

impl ControlSocket {
    /// Listens on the socket of `config_dir` (see [`control::socket_path`]). Fails when
    /// another TUI of the same config dir already listens there.
    pub fn start(config_dir: &Path, outbox: Outbox) -> std::io::Result<Self> {
        let path = control::socket_path(config_dir);
        let dir = path
            .parent()
            .ok_or_else(|| std::io::Error::other("the control socket has no directory"))?;
        std::fs::create_dir_all(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        if path.exists() {
            if std::os::unix::net::UnixStream::connect(&path).is_ok() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::AddrInUse,
                    format!("another tabsh TUI listens on {}", path.display()),
                ));
            }
            // Left by a TUI that did not end cleanly.
            std::fs::remove_file(&path)?;
        }
        let listener = UnixListener::bind(&path)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        let clients = Clients::default();
        let accept = tokio::spawn(accept(listener, Arc::clone(&clients), outbox.clone()));
        Ok(Self {
            path,
            clients,
            outbox,
            accept: accept.abort_handle(),
        })
    }

    /// Answers `client` (the model's reply to its request).
    pub fn reply(&self, client: ClientId, reply: Reply) {
        if let Some(found) = self.client(client) {
            let _ = found.out.send(Outgoing::Reply(reply));
        }
    }

    /// Runs `command` for `client` on the connection `lend` hands over. When the connection
    /// is gone (`lend` drops what it was given unrun), the client is refused and falls back.
    pub fn exec(
        &self,
        client: ClientId,
        command: String,
        lend: impl FnOnce(Box<dyn FnOnce(Connection) + Send>),
    ) {
        let pending = PendingExec {
            client,
            target: self.client(client),
            outbox: self.outbox.clone(),
            answered: false,
        };
        lend(Box::new(move |connection| {
            tokio::spawn(pending.run(connection, command));
        }));
    }

    fn client(&self, client: ClientId) -> Option<Client> {
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&client)
            .cloned()
    }
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        self.accept.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn accept(listener: UnixListener, clients: Clients, outbox: Outbox) {
    let next = AtomicU64::new(1);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: try again in a moment rather than spin.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if !same_user(&stream) {
            continue;
        }
        let id = ClientId(next.fetch_add(1, Ordering::Relaxed));
        tokio::spawn(serve(stream, id, Arc::clone(&clients), outbox.clone()));
    }
}

/// Only our own uid may use the socket, whatever its file mode says.
fn same_user(stream: &UnixStream) -> bool {
    // SAFETY: getuid has no preconditions and cannot fail.
    let own = unsafe { libc::getuid() };
    stream.peer_cred().is_ok_and(|cred| cred.uid() == own)
}

async fn serve(stream: UnixStream, id: ClientId, clients: Clients, outbox: Outbox) {
    let (mut reading, writing) = stream.into_split();
    let request =
        match tokio::time::timeout(REQUEST_WAIT, control::read_request(&mut reading)).await {
            Ok(Ok(Some(request))) => request,
            _ => return,
        };
    let (out, outgoing) = mpsc::unbounded_channel();
    let queued = Arc::new(AtomicUsize::new(0));
    clients
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(
            id,
            Client {
                out,
                queued: Arc::clone(&queued),
            },
        );
    let (input_tx, input_rx) = oneshot::channel();
    tokio::spawn(forward_input(reading, input_rx));
    let _ = outbox.send(Msg::Control {
        client: id,
        request,
        at: Instant::now(),
    });
    write_out(writing, outgoing, queued, input_tx).await;
    clients
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .remove(&id);
}

/// Writes what goes to the client until its last frame; a client gone closes its exec.
async fn write_out(
    mut writing: OwnedWriteHalf,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
    queued: Arc<AtomicUsize>,
    input: oneshot::Sender<BoundedInput>,
) {
    let mut input = Some(input);
    let mut handle: Option<ChannelHandle> = None;
    while let Some(next) = outgoing.recv().await {
        let reply = match next {
            Outgoing::Started {
                input: exec_input,
                handle: exec_handle,
            } => {
                if let Some(input) = input.take() {
                    let _ = input.send(exec_input);
                }
                handle = Some(exec_handle);
                continue;
            }
            Outgoing::Reply(reply) => reply,
        };
        let size = match &reply {
            Reply::Stdout(bytes) | Reply::Stderr(bytes) => bytes.len(),
            _ => 0,
        };
        let last = !matches!(reply, Reply::Accepted | Reply::Stdout(_) | Reply::Stderr(_));
        let written = control::write_reply(&mut writing, &reply).await;
        queued.fetch_sub(size, Ordering::Relaxed);
        if written.is_err() {
            // The client went away (killed, its pipe closed): the command goes too.
            if let Some(handle) = &handle {
                handle.close();
            }
            return;
        }
        if last {
            return;
        }
    }
}

/// The client's input frames, to the exec's channel at the server window's pace.
async fn forward_input(mut reading: OwnedReadHalf, input: oneshot::Receiver<BoundedInput>) {
    let Ok(input) = input.await else {
        return;
    };
    loop {
        match control::read_request(&mut reading).await {
            Ok(Some(Request::Input(bytes))) => {
                if !input.write(bytes).await {
                    return;
                }
            }
            Ok(Some(Request::InputEnd)) | Ok(None) | Err(_) => {
                input.eof().await;
                return;
            }
            Ok(Some(_)) => {}
        }
    }
}

/// An exec the model accepted, until its channel is set up. Dropped unrun (the connection is
/// gone), it refuses the client, which then runs the command on a connection of its own.
struct PendingExec {
    client: ClientId,
    target: Option<Client>,
    outbox: Outbox,
    answered: bool,
}

impl PendingExec {
    async fn run(mut self, connection: Connection, command: String) {
        let request = SessionRequest {
            pty: None,
            command: Some(command),
        };
        let (handle, commands) = command_queue();
        match connection.set_up_session(&request, commands).await {
            Ok(opened) => {
                self.answered = true;
                let Some(target) = self.target.clone() else {
                    handle.close();
                    let _ = self.outbox.send(Msg::ControlExecEnded {
                        client: self.client,
                    });
                    return;
                };
                let _ = target.out.send(Outgoing::Reply(Reply::Accepted));
                let sink = ExecSink {
                    client: self.client,
                    target: target.clone(),
                    outbox: self.outbox.clone(),
                    handle: handle.clone(),
                    exit: None,
                    cut: false,
                };
                let input = opened.start_with_bounded_input(sink);
                let _ = target.out.send(Outgoing::Started { input, handle });
            }
            Err(error) => self.refuse(&error.to_string()),
        }
    }

    fn refuse(&mut self, reason: &str) {
        self.answered = true;
        if let Some(target) = &self.target {
            let _ = target
                .out
                .send(Outgoing::Reply(Reply::Refused(reason.to_owned())));
        }
        let _ = self.outbox.send(Msg::ControlExecEnded {
            client: self.client,
        });
    }
}

impl Drop for PendingExec {
    fn drop(&mut self) {
        if !self.answered {
            self.refuse(text::shared_exec::CONNECTION_GONE);
        }
    }
}

/// The exec channel's events, to its client; never waits (see the module comment).
struct ExecSink {
    client: ClientId,
    target: Client,
    outbox: Outbox,
    handle: ChannelHandle,
    exit: Option<Reply>,
    /// The client fell too far behind: the run was cut and output is dropped.
    cut: bool,
}

impl ExecSink {
    fn send(&self, reply: Reply) {
        let _ = self.target.out.send(Outgoing::Reply(reply));
    }

    fn output(&mut self, bytes: &[u8], stderr: bool) {
        if self.cut {
            return;
        }
        let queued = self.target.queued.fetch_add(bytes.len(), Ordering::Relaxed);
        if queued + bytes.len() > MAX_QUEUED {
            self.cut = true;
            self.handle.close();
            self.send(Reply::Failed(text::shared_exec::cut_for_a_slow_reader(
                MAX_QUEUED / (1024 * 1024),
            )));
            return;
        }
        for chunk in bytes.chunks(MAX_FRAME) {
            self.send(if stderr {
                Reply::Stderr(chunk.to_vec())
            } else {
                Reply::Stdout(chunk.to_vec())
            });
        }
    }

    fn end(&mut self, last: Reply) {
        if !self.cut {
            self.send(last);
        }
        let _ = self.outbox.send(Msg::ControlExecEnded {
            client: self.client,
        });
    }
}

impl EventSink for ExecSink {
    fn deliver(&mut self, event: ChannelEvent) {
        match event {
            ChannelEvent::Data(bytes) => self.output(&bytes, false),
            ChannelEvent::Stderr(bytes) => self.output(&bytes, true),
            ChannelEvent::ExitStatus(status) => self.exit = Some(Reply::Exit(status)),
            ChannelEvent::ExitSignal { signal, .. } => {
                self.exit = Some(Reply::Signal(escape_line(&signal).into_owned()))
            }
            ChannelEvent::Eof => {}
            ChannelEvent::Closed => {
                let last = self
                    .exit
                    .take()
                    .unwrap_or_else(|| Reply::Failed(text::shared_exec::NO_EXIT_STATUS.to_owned()));
                self.end(last);
            }
            ChannelEvent::Lost => {
                self.end(Reply::Failed(text::shared_exec::CONNECTION_LOST.to_owned()))
            }
        }
    }
}
