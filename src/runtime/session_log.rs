//! Session logs written off the UI thread: one writer thread takes lines (or raw bytes) through
//! a bounded queue, appends them to 0600 files in 0700 directories and flushes what it wrote at
//! least once a second, so a crash loses at most a second. When the queue is full (the disk far
//! slower than the output) or a write fails (a full disk), that tab's log stops and the tab
//! says why; the session itself never waits for the log and never ends because of it.

use std::collections::HashMap;
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use super::outbox::Outbox;
use crate::app::{Msg, TabId};
use crate::profiles::LogSettings;
use crate::profiles::session_log::{LocalTime, LogPathValues, expand_log_path};

/// Commands waiting for the writer, at most (a command holds one read's lines).
const QUEUE: usize = 1024;
/// Longest a written line waits in the file's buffer.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

enum Command {
    Open {
        tab: TabId,
        path: PathBuf,
        timestamps: bool,
    },
    Lines {
        tab: TabId,
        lines: Vec<String>,
    },
    Bytes {
        tab: TabId,
        bytes: Vec<u8>,
    },
    Close {
        tab: TabId,
    },
}

/// The loop's handle on the writer thread. Dropping it waits for the thread to write and
/// flush what is queued, so quitting loses nothing.
pub struct SessionLogs {
    queue: Option<SyncSender<Command>>,
    thread: Option<std::thread::JoinHandle<()>>,
    outbox: Outbox,
}

impl Drop for SessionLogs {
    fn drop(&mut self) {
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl SessionLogs {
    pub fn spawn(outbox: Outbox) -> std::io::Result<Self> {
        let (queue, commands) = sync_channel(QUEUE);
        let writer_outbox = outbox.clone();
        let thread = std::thread::Builder::new()
            .name("session-logs".to_owned())
            .spawn(move || write_logs(commands, writer_outbox))?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
            outbox,
        })
    }

    /// Opens `tab`'s log at the path its profile's template names now.
    pub fn open(&self, tab: TabId, settings: &LogSettings, id: &str, name: &str, host: &str) {
        let data_dir = directories::ProjectDirs::from("", "", "tabsh")
            .map_or_else(|| PathBuf::from("."), |dirs| dirs.data_dir().to_owned());
        let home = directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_owned());
        let path = expand_log_path(
            &settings.path,
            &LogPathValues {
                id,
                name,
                host,
                tab: tab.0,
                time: local_time(),
                data_dir: &data_dir,
                home: home.as_deref(),
            },
        );
        self.send(
            tab,
            Command::Open {
                tab,
                path,
                timestamps: settings.timestamps && !settings.raw,
            },
        );
    }

    pub fn lines(&self, tab: TabId, lines: Vec<String>) {
        self.send(tab, Command::Lines { tab, lines });
    }

    pub fn bytes(&self, tab: TabId, bytes: Vec<u8>) {
        self.send(tab, Command::Bytes { tab, bytes });
    }

    pub fn close(&self, tab: TabId) {
        self.send(tab, Command::Close { tab });
    }

    /// Never waits: a full queue costs the tab its log, not its session.
    fn send(&self, tab: TabId, command: Command) {
        let Some(queue) = &self.queue else {
            return;
        };
        if let Err(TrySendError::Full(_)) = queue.try_send(command) {
            let _ = self.outbox.send(Msg::LogFailed {
                tab,
                error: "the disk did not keep up with the output; logging stopped".to_owned(),
            });
        }
    }
}

struct Log {
    file: BufWriter<File>,
    path: PathBuf,
    timestamps: bool,
    /// Written to since the last flush.
    dirty: bool,
}

fn write_logs(commands: Receiver<Command>, outbox: Outbox) {
    let mut logs: HashMap<TabId, Log> = HashMap::new();
    let mut last_flush = Instant::now();
    loop {
        let command = match commands.recv_timeout(FLUSH_EVERY) {
            Ok(command) => Some(command),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let fail = |tab: TabId, error: String, logs: &mut HashMap<TabId, Log>| {
            // What still arrives for the tab is dropped: it has no log now.
            logs.remove(&tab);
            let _ = outbox.send(Msg::LogFailed { tab, error });
        };
        match command {
            Some(Command::Open {
                tab,
                path,
                timestamps,
            }) => match open(&path) {
                Ok(file) => {
                    logs.insert(
                        tab,
                        Log {
                            file: BufWriter::new(file),
                            path,
                            timestamps,
                            dirty: false,
                        },
                    );
                }
                Err(error) => fail(tab, format!("{}: {error}", path.display()), &mut logs),
            },
            Some(Command::Lines { tab, lines }) => {
                if let Some(log) = logs.get_mut(&tab)
                    && let Err(error) = write_lines(log, &lines)
                {
                    let message = format!("{}: {error}", log.path.display());
                    fail(tab, message, &mut logs);
                }
            }
            Some(Command::Bytes { tab, bytes }) => {
                if let Some(log) = logs.get_mut(&tab) {
                    log.dirty = true;
                    if let Err(error) = log.file.write_all(&bytes) {
                        let message = format!("{}: {error}", log.path.display());
                        fail(tab, message, &mut logs);
                    }
                }
            }
            Some(Command::Close { tab }) => {
                if let Some(mut log) = logs.remove(&tab)
                    && let Err(error) = log.file.flush()
                {
                    let message = format!("{}: {error}", log.path.display());
                    fail(tab, message, &mut logs);
                }
            }
            None => {}
        }
        if last_flush.elapsed() >= FLUSH_EVERY {
            let mut broken = Vec::new();
            for (tab, log) in logs.iter_mut().filter(|(_, log)| log.dirty) {
                log.dirty = false;
                if let Err(error) = log.file.flush() {
                    broken.push((*tab, format!("{}: {error}", log.path.display())));
                }
            }
            for (tab, error) in broken {
                fail(tab, error, &mut logs);
            }
            last_flush = Instant::now();
        }
    }
    for log in logs.values_mut() {
        let _ = log.file.flush();
    }
}

/// Appends to the file, made 0600 in 0700 directories when new.
fn open(path: &std::path::Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
}

fn write_lines(log: &mut Log, lines: &[String]) -> std::io::Result<()> {
    log.dirty = true;
    let stamp = log.timestamps.then(|| {
        let t = local_time();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} ",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        )
    });
    for line in lines {
        if let Some(stamp) = &stamp {
            log.file.write_all(stamp.as_bytes())?;
        }
        log.file.write_all(line.as_bytes())?;
        log.file.write_all(b"\n")?;
    }
    Ok(())
}

/// Now, in the local time zone (the C library's, as `date` shows it).
fn local_time() -> LocalTime {
    let mut now: libc::time_t = 0;
    // SAFETY: `time` writes the current time through a valid pointer; `localtime_r` reads it
    // and fills a zeroed `tm` we own, touching no shared state (unlike `localtime`).
    let tm = unsafe {
        libc::time(&mut now);
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&now, &mut tm);
        tm
    };
    LocalTime {
        year: tm.tm_year + 1900,
        month: u32::try_from(tm.tm_mon + 1).unwrap_or(1),
        day: u32::try_from(tm.tm_mday).unwrap_or(1),
        hour: u32::try_from(tm.tm_hour).unwrap_or(0),
        minute: u32::try_from(tm.tm_min).unwrap_or(0),
        second: u32::try_from(tm.tm_sec).unwrap_or(0),
    }
}
