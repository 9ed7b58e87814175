//! Keeps the model's list of `~/.ssh/config` hosts current: a thread of its own reads the
//! config at start and again whenever it (or a file it includes, or a directory an `Include`
//! glob lists) changes, and sends the hosts to the loop. Checking is one `stat` per file every
//! [`POLL`]; reading happens only after a change, never on the loop's thread.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::outbox::Outbox;
use crate::app::Msg;
use crate::profiles::ssh_config::{HostListing, SshEnv, list_hosts};

/// How often the files are looked at.
pub const POLL: Duration = Duration::from_secs(1);

/// Which ssh_config to list, and for whom (`~`, `%u` and relative includes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshConfigSource {
    pub path: PathBuf,
    pub env: SshEnv,
}

/// The loop's handle on the watcher thread; dropping it stops the thread.
pub struct SshConfigWatcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl SshConfigWatcher {
    /// Starts watching `source`; its first listing reaches the loop as soon as it is read.
    /// With no source (`--ssh-config none`), an empty listing is sent at once, so the loop
    /// always gets one at start.
    pub fn spawn(source: Option<SshConfigSource>, outbox: Outbox) -> std::io::Result<Self> {
        let Some(source) = source else {
            let _ = outbox.send(Msg::SshConfig(Box::default()));
            return Ok(Self {
                stop: None,
                thread: None,
            });
        };
        let (stop, stopped) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("tabsh-ssh-config".to_owned())
            .spawn(move || watch(&source, &outbox, &stopped))?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for SshConfigWatcher {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(source: &SshConfigSource, outbox: &Outbox, stopped: &mpsc::Receiver<()>) {
    let (mut last, mut sources) = list_hosts(&source.path, &source.env);
    if outbox.send(listing_msg(&last)).is_err() {
        return;
    }
    // Ends when the handle is dropped (the sender goes) or the loop is gone.
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
        if !sources.changed() {
            continue;
        }
        let (listing, now) = list_hosts(&source.path, &source.env);
        sources = now;
        if listing != last {
            if outbox.send(listing_msg(&listing)).is_err() {
                return;
            }
            last = listing;
        }
    }
}

fn listing_msg(listing: &HostListing) -> Msg {
    Msg::SshConfig(Box::new(listing.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The next message, waiting at most 20 s for it.
    fn next(inbox: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Msg {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            match inbox.try_recv() {
                Ok(msg) => return msg,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty)
                    if std::time::Instant::now() < deadline =>
                {
                    thread::sleep(Duration::from_millis(20));
                }
                Err(error) => panic!("no listing within 20 s: {error}"),
            }
        }
    }

    fn hosts_in(msg: Msg) -> Vec<String> {
        match msg {
            Msg::SshConfig(listing) => listing.hosts.into_iter().map(|h| h.alias).collect(),
            other => panic!("expected a listing, got {other:?}"),
        }
    }

    #[test]
    fn the_first_listing_comes_at_once_and_a_change_brings_another() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("config");
        std::fs::write(&path, "Host one\n").unwrap();
        let source = SshConfigSource {
            path: path.clone(),
            env: SshEnv {
                home: home.path().to_owned(),
                local_user: "me".to_owned(),
            },
        };
        let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        let watcher = SshConfigWatcher::spawn(Some(source), outbox).unwrap();
        assert_eq!(hosts_in(next(&mut inbox)), ["one"]);

        std::fs::write(&path, "Host one two\n").unwrap();
        assert_eq!(hosts_in(next(&mut inbox)), ["one", "two"]);
        drop(watcher);
        assert!(
            inbox.blocking_recv().is_none(),
            "the thread ended with its handle"
        );
    }

    #[test]
    fn without_a_source_an_empty_listing_is_sent() {
        let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        let _watcher = SshConfigWatcher::spawn(None, outbox).unwrap();
        assert_eq!(hosts_in(next(&mut inbox)), Vec::<String>::new());
    }
}
