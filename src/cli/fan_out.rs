//! `tabsh exec` on several sessions: the command runs on each, `--parallel` at a time, every
//! output line prefixed with the session's id (`web1 | `, stderr `web1 ! `), then a summary
//! table on stderr. The exit status is 0 when every command exited 0, else 1.
//!
//! Flow control as for one session: each channel is read at the pace of one writer that owns
//! stdout and stderr, through a bounded queue of lines; while our stdout is not read, the
//! writer waits, the queue fills, the channels are not read and every server's window closes.

mod lines;
mod summary;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tabsh::demo::Targets;
use tabsh::escape::escape_line;
use tabsh::profiles::{Profile, StoredProfile};
use tabsh::ssh::{
    BatchPrompter, ChannelEvent, Connection, LinkState, SessionRequest, SshError, command_queue,
};
use tokio::io::AsyncWriteExt;
use tokio::sync::{Semaphore, mpsc};

use super::shared::SharedRun;
use lines::LineSplitter;
use summary::Row;
use tabsh::control::Reply;

/// Packets read ahead of the writer, per session (as `exec` on one session).
const OUTPUT_QUEUE_PACKETS: usize = 16;

/// Lines waiting for the writer, from all sessions together.
const LINE_QUEUE: usize = 256;

/// One line for stdout (or stderr) with its session's prefix.
struct Line {
    prefix: Arc<str>,
    stderr: bool,
    bytes: Vec<u8>,
}

/// Runs `command` on every session in `sessions` and returns the exit status for tabsh.
pub async fn run(
    sessions: Vec<(StoredProfile, Vec<Profile>)>,
    command: &[String],
    parallel: usize,
    demo_max_sessions: u32,
    shared: Option<PathBuf>,
) -> i32 {
    let shared: Option<Arc<Path>> = shared.map(Arc::from);
    let width = sessions
        .iter()
        .map(|(s, _)| s.id.chars().count())
        .max()
        .unwrap_or(0);
    let (lines_tx, lines_rx) = mpsc::channel(LINE_QUEUE);
    let writer = tokio::spawn(write_lines(lines_rx));
    let permits = Arc::new(Semaphore::new(parallel.max(1)));
    let targets = Targets::new(demo_max_sessions);
    // Like ssh, the words are joined with spaces and the remote shell parses them.
    let command: Arc<str> = command.join(" ").into();
    let mut tasks = Vec::with_capacity(sessions.len());
    for (session, hops) in sessions {
        let prefix: Arc<str> = format!("{:<width$}", session.id).into();
        let permits = Arc::clone(&permits);
        let targets = targets.clone();
        let command = Arc::clone(&command);
        let lines = lines_tx.clone();
        let shared = shared.clone();
        tasks.push((
            session.id.clone(),
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                let started = Instant::now();
                let outcome = match shared {
                    Some(config_dir) => {
                        match SharedRun::start(&config_dir, &session.id, &command, false).await {
                            Some(run) => relay_shared(run, &prefix, &lines).await,
                            None => {
                                run_one(&targets, &session, &hops, &command, prefix, lines).await
                            }
                        }
                    }
                    None => run_one(&targets, &session, &hops, &command, prefix, lines).await,
                };
                (outcome, started.elapsed())
            }),
        ));
    }
    drop(lines_tx);
    let mut rows = Vec::with_capacity(tasks.len());
    for (id, task) in tasks {
        let (outcome, duration) = task.await.unwrap_or_else(|error| {
            (
                Err(SshError::Other(format!("the task ended: {error}"))),
                Duration::ZERO,
            )
        });
        rows.push(Row {
            id,
            outcome: outcome.into(),
            duration,
        });
    }
    // Every sender is gone once the tasks are: the writer finishes what is queued.
    let _ = writer.await;
    let table = summary::table(&rows);
    let mut stderr = tokio::io::stderr();
    let _ = stderr.write_all(table.as_bytes()).await;
    let _ = stderr.flush().await;
    if rows.iter().all(|row| row.outcome.succeeded()) {
        0
    } else {
        1
    }
}

/// How the command ended on one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Status(u32),
    /// Killed by a signal; the server's name for it, escaped.
    Signal(String),
    /// The channel closed without a status.
    NoStatus,
}

async fn run_one(
    targets: &Targets,
    session: &StoredProfile,
    hops: &[Profile],
    command: &str,
    prefix: Arc<str>,
    lines: mpsc::Sender<Line>,
) -> Result<Ended, SshError> {
    let options = targets
        .connect_options_through(&session.profile, hops)
        .await
        .map_err(SshError::Other)?;
    // Many sessions at once cannot share one terminal's questions: never ask.
    let connection = Connection::connect(&options, Arc::new(BatchPrompter)).await?;
    let request = SessionRequest {
        pty: None,
        command: Some(command.to_owned()),
    };
    let (_handle, commands) = command_queue();
    let session = connection
        .set_up_session(&request, commands)
        .await?
        .start_bounded(OUTPUT_QUEUE_PACKETS);
    // No input for many commands at once: each sees its stdin end at once.
    session.input.eof().await;
    let ended = relay(session.events, &prefix, &lines).await;
    let lost = match &*connection.link_state().borrow() {
        LinkState::Lost(cause) if ended.is_none() => Some(cause.to_string()),
        _ => None,
    };
    if let Some(reason) = lost {
        return Err(SshError::ConnectionLost { reason });
    }
    connection.disconnect().await;
    Ok(ended.unwrap_or(Ended::NoStatus))
}

/// Cuts the channel's output into lines for the writer, one event at a time: while the writer's
/// queue is full, no more is taken from the channel. `None` when the channel was lost.
async fn relay(
    mut events: mpsc::Receiver<ChannelEvent>,
    prefix: &Arc<str>,
    lines: &mpsc::Sender<Line>,
) -> Option<Ended> {
    let mut stdout = LineSplitter::default();
    let mut stderr = LineSplitter::default();
    let mut ended = None;
    let send = |bytes: Vec<u8>, is_stderr: bool| Line {
        prefix: Arc::clone(prefix),
        stderr: is_stderr,
        bytes,
    };
    while let Some(event) = events.recv().await {
        let (splitter, is_stderr, data) = match event {
            ChannelEvent::Data(data) => (&mut stdout, false, data),
            ChannelEvent::Stderr(data) => (&mut stderr, true, data),
            ChannelEvent::ExitStatus(code) => {
                ended = Some(Ended::Status(code));
                continue;
            }
            ChannelEvent::ExitSignal { signal, .. } => {
                ended = Some(Ended::Signal(escape_line(&signal).into_owned()));
                continue;
            }
            ChannelEvent::Eof => continue,
            ChannelEvent::Closed => {
                ended = ended.or(Some(Ended::NoStatus));
                break;
            }
            ChannelEvent::Lost => break,
        };
        for line in splitter.push(&data) {
            // The writer is gone only when stdout is; keep draining regardless.
            let _ = lines.send(send(line, is_stderr)).await;
        }
    }
    for (splitter, is_stderr) in [(stdout, false), (stderr, true)] {
        if let Some(line) = splitter.finish() {
            let _ = lines.send(send(line, is_stderr)).await;
        }
    }
    ended
}

/// What the TUI relays for a command run on its connection, cut into lines as `relay` does.
async fn relay_shared(
    mut run: SharedRun,
    prefix: &Arc<str>,
    lines: &mpsc::Sender<Line>,
) -> Result<Ended, SshError> {
    let mut stdout = LineSplitter::default();
    let mut stderr = LineSplitter::default();
    let send = |bytes: Vec<u8>, is_stderr: bool| Line {
        prefix: Arc::clone(prefix),
        stderr: is_stderr,
        bytes,
    };
    let ended = loop {
        let (splitter, is_stderr, data) = match run.next().await {
            Some(Reply::Stdout(data)) => (&mut stdout, false, data),
            Some(Reply::Stderr(data)) => (&mut stderr, true, data),
            Some(Reply::Exit(status)) => break Ok(Ended::Status(status)),
            Some(Reply::Signal(signal)) => break Ok(Ended::Signal(signal)),
            Some(Reply::Failed(reason)) => break Err(SshError::Other(reason)),
            _ => break Ok(Ended::NoStatus),
        };
        for line in splitter.push(&data) {
            let _ = lines.send(send(line, is_stderr)).await;
        }
    };
    for (splitter, is_stderr) in [(stdout, false), (stderr, true)] {
        if let Some(line) = splitter.finish() {
            let _ = lines.send(send(line, is_stderr)).await;
        }
    }
    ended
}

/// The one writer of stdout and stderr: a line at a time, so lines of different sessions never
/// mix, flushed once the queue is empty.
async fn write_lines(mut lines: mpsc::Receiver<Line>) {
    let mut stdout = tokio::io::stdout();
    let mut stderr = tokio::io::stderr();
    while let Some(line) = lines.recv().await {
        let (out, mark): (&mut (dyn tokio::io::AsyncWrite + Unpin + Send), &str) = if line.stderr {
            (&mut stderr, " ! ")
        } else {
            (&mut stdout, " | ")
        };
        let mut bytes = Vec::with_capacity(line.prefix.len() + mark.len() + line.bytes.len() + 1);
        bytes.extend_from_slice(line.prefix.as_bytes());
        bytes.extend_from_slice(mark.as_bytes());
        bytes.extend_from_slice(&line.bytes);
        bytes.push(b'\n');
        // A closed stdout (e.g. `| head`) must not stop the draining.
        let _ = out.write_all(&bytes).await;
        if lines.is_empty() {
            let _ = stdout.flush().await;
            let _ = stderr.flush().await;
        }
    }
    let _ = stdout.flush().await;
    let _ = stderr.flush().await;
}
