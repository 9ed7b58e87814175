//! The life of one channel's child process: wire its I/O, wait for it, report
//! how it ended, and kill it if the client goes away first.

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

use russh::server::Handle;
use russh::{ChannelId, Sig};
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::pumps::{InputSink, OutputStream, ProcessInput, feed_input, forward_output};
use super::spawn::{ProcessIo, SpawnedProcess};

/// How long a hung-up child gets to exit on SIGHUP before SIGKILL.
const HANGUP_GRACE: Duration = Duration::from_secs(1);

/// The handler's grip on a running child. Dropping it (channel closed by the
/// client, or the whole connection gone) hangs the child up.
#[derive(Debug)]
pub struct ProcessControl {
    inputs: mpsc::UnboundedSender<ProcessInput>,
    _hangup: oneshot::Sender<()>,
}

impl ProcessControl {
    /// Unbounded on purpose: the handler must never await a child's stdin,
    /// because the session loop that delivers the child's output is the one
    /// running the handler, and a child blocked on output would deadlock it.
    /// The client's channel window bounds how much can pile up.
    pub fn send(&self, input: ProcessInput) {
        // An error only means the child is already gone; the input is moot.
        let _ = self.inputs.send(input);
    }
}

/// Starts the tasks that run `process` for `channel`. When the channel is
/// finished from the server's side, its id is sent on `finished` before the
/// CLOSE goes out, so the session slot is free by the time the client sees it.
pub fn supervise(
    channel: ChannelId,
    session: Handle,
    process: SpawnedProcess,
    finished: mpsc::UnboundedSender<ChannelId>,
) -> ProcessControl {
    let (inputs, input_receiver) = mpsc::unbounded_channel();
    let (hangup, hangup_receiver) = oneshot::channel();
    let (exited, child_exited) = watch::channel(false);

    let SpawnedProcess { child, io } = process;
    let mut outputs = JoinSet::new();
    let sink = match io {
        ProcessIo::Pty { reader, writer } => {
            outputs.spawn(forward_output(
                reader,
                OutputStream::Stdout,
                channel,
                session.clone(),
                child_exited,
            ));
            InputSink::Pty(writer)
        }
        ProcessIo::Pipes {
            stdin,
            stdout,
            stderr,
        } => {
            outputs.spawn(forward_output(
                stdout,
                OutputStream::Stdout,
                channel,
                session.clone(),
                child_exited.clone(),
            ));
            outputs.spawn(forward_output(
                stderr,
                OutputStream::Stderr,
                channel,
                session.clone(),
                child_exited,
            ));
            InputSink::Pipe(Some(stdin))
        }
    };
    let input = tokio::spawn(feed_input(input_receiver, sink));
    tokio::spawn(async move {
        run(
            channel,
            session,
            child,
            outputs,
            exited,
            hangup_receiver,
            finished,
        )
        .await;
        // The handler may keep its sender until the client's next request;
        // stopping here releases the pty master (or stdin) right away.
        input.abort();
    });
    ProcessControl {
        inputs,
        _hangup: hangup,
    }
}

async fn run(
    channel: ChannelId,
    session: Handle,
    mut child: Child,
    mut outputs: JoinSet<()>,
    exited: watch::Sender<bool>,
    mut hangup: oneshot::Receiver<()>,
    finished: mpsc::UnboundedSender<ChannelId>,
) {
    let status = tokio::select! {
        status = child.wait() => status,
        _ = &mut hangup => {
            // Dropping the readers closes the pty master, which the kernel
            // also turns into a SIGHUP for the terminal's session.
            outputs.shutdown().await;
            hang_up(&mut child).await;
            let _ = finished.send(channel);
            return;
        }
    };
    let _ = exited.send(true);

    // Everything the child wrote goes out before the exit status and CLOSE:
    // a client reading `echo hi; exit 3` must see "hi" first.
    let drained = async { while outputs.join_next().await.is_some() {} };
    tokio::select! {
        () = drained => {}
        _ = &mut hangup => {
            outputs.shutdown().await;
            let _ = finished.send(channel);
            return;
        }
    }

    match status {
        Ok(status) => report_exit(&session, channel, status).await,
        Err(error) => tracing::warn!(%error, ?channel, "waiting for the child failed"),
    }
    let _ = session.eof(channel).await;
    let _ = finished.send(channel);
    let _ = session.close(channel).await;
}

async fn report_exit(session: &Handle, channel: ChannelId, status: ExitStatus) {
    if let Some(code) = status.code() {
        // Exit codes are 0..=255 on Unix; the cast only reinterprets the type.
        let _ = session.exit_status_request(channel, code as u32).await;
    } else if let Some(signal) = status.signal() {
        let _ = session
            .exit_signal_request(
                channel,
                signal_name(signal),
                status.core_dumped(),
                String::new(),
                String::new(),
            )
            .await;
    }
}

/// SIGHUP first so shells can save history, then SIGKILL for anything that
/// ignores it; always reaped so no zombie outlives the channel.
async fn hang_up(child: &mut Child) {
    if let Some(pid) = child.id() {
        signal_process_group(pid, libc::SIGHUP);
        if tokio::time::timeout(HANGUP_GRACE, child.wait())
            .await
            .is_ok()
        {
            // Reaped: the pid may now be reused, so it must not be signalled again.
            return;
        }
        signal_process_group(pid, libc::SIGKILL);
    }
    let _ = child.wait().await;
}

/// Children lead their own process group (setsid for ptys, `process_group(0)`
/// for pipes), so the negative pid reaches everything they started. Only
/// called while the child is unreaped, so `pid` is still ours.
fn signal_process_group(pid: u32, signal: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill has no memory-safety preconditions.
    if unsafe { libc::kill(-pid, signal) } != 0 {
        // SAFETY: as above.
        unsafe { libc::kill(pid, signal) };
    }
}

/// RFC 4254 §6.10 wants the signal name without the "SIG" prefix.
fn signal_name(signal: libc::c_int) -> Sig {
    match signal {
        libc::SIGABRT => Sig::ABRT,
        libc::SIGALRM => Sig::ALRM,
        libc::SIGFPE => Sig::FPE,
        libc::SIGHUP => Sig::HUP,
        libc::SIGILL => Sig::ILL,
        libc::SIGINT => Sig::INT,
        libc::SIGKILL => Sig::KILL,
        libc::SIGPIPE => Sig::PIPE,
        libc::SIGQUIT => Sig::QUIT,
        libc::SIGSEGV => Sig::SEGV,
        libc::SIGTERM => Sig::TERM,
        libc::SIGUSR1 => Sig::USR1,
        libc::SIGUSR2 => Sig::Custom("USR2".into()),
        other => Sig::Custom(format!("{other}")),
    }
}
