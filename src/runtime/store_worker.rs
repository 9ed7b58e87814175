//! The profile store on a thread of its own: saving fsyncs a file and its directory, which must
//! never hold up a keystroke or a frame. Requests are carried out in order; each answers with
//! the store's new contents and a notice.

use std::sync::mpsc;
use std::thread;

use super::outbox::Outbox;
use crate::app::{Msg, StoreOutcome};
use crate::profiles::{Profile, Store};

enum Request {
    Save {
        id: Option<String>,
        profile: Box<Profile>,
    },
    Delete {
        id: String,
    },
    Duplicate {
        id: String,
    },
}

/// The loop's handle on the store thread. Dropping it waits for what was asked (a save
/// asked for just before quitting is not lost), then the thread ends.
pub struct StoreWorker {
    requests: Option<mpsc::Sender<Request>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl StoreWorker {
    /// Starts the thread; the store's contents as they are now go to the loop first.
    pub fn spawn(store: Store, outbox: Outbox) -> std::io::Result<Self> {
        let (requests, receiver) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("tabsh-store".to_owned())
            .spawn(move || {
                // Read here, so the TUI's first frame does not wait for thousands of files.
                let mut store = store;
                if !store.is_read()
                    && let Err(error) = store.reload()
                {
                    let _ = outbox.send(Msg::Stored(StoreOutcome::Failed(error.to_string())));
                }
                let _ = outbox.send(contents(&store));
                serve(store, &receiver, &outbox)
            })?;
        Ok(Self {
            requests: Some(requests),
            thread: Some(thread),
        })
    }

    /// Creates (`id` None) or replaces a profile.
    pub fn save(&self, id: Option<String>, profile: Profile) {
        self.ask(Request::Save {
            id,
            profile: Box::new(profile),
        });
    }

    pub fn delete(&self, id: String) {
        self.ask(Request::Delete { id });
    }

    pub fn duplicate(&self, id: String) {
        self.ask(Request::Duplicate { id });
    }

    fn ask(&self, request: Request) {
        if let Some(requests) = &self.requests {
            let _ = requests.send(request);
        }
    }
}

impl Drop for StoreWorker {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut store: Store, requests: &mpsc::Receiver<Request>, outbox: &Outbox) {
    while let Ok(request) = requests.recv() {
        let result = match request {
            Request::Save { id, profile } => match id {
                Some(id) => store.save(&id, *profile).map(|()| id),
                None => store.create(*profile),
            }
            .map(StoreOutcome::Saved),
            Request::Delete { id } => store.delete(&id).map(|()| StoreOutcome::Deleted(id)),
            Request::Duplicate { id } => store
                .duplicate(&id)
                .map(|to| StoreOutcome::Duplicated { from: id, to }),
        };
        if outbox.send(contents(&store)).is_err() {
            return;
        }
        let outcome = result.unwrap_or_else(|error| StoreOutcome::Failed(error.to_string()));
        let _ = outbox.send(Msg::Stored(outcome));
    }
}

fn contents(store: &Store) -> Msg {
    Msg::Profiles {
        profiles: store.profiles().to_vec(),
        failures: store.failures().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiles_in(msg: Msg) -> Vec<String> {
        match msg {
            Msg::Profiles { profiles, .. } => profiles.into_iter().map(|p| p.id).collect(),
            other => panic!("expected the store's contents, got {other:?}"),
        }
    }

    #[test]
    fn requests_are_answered_in_order_with_the_contents_and_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let seeded = store.profiles().len();
        let (outbox, mut inbox) = tokio::sync::mpsc::unbounded_channel();
        let worker = StoreWorker::spawn(store, outbox).unwrap();
        assert_eq!(profiles_in(inbox.blocking_recv().unwrap()).len(), seeded);

        let profile = Profile {
            name: "Build box".to_owned(),
            host: "build.example".to_owned(),
            ..Profile::default()
        };
        worker.save(None, profile);
        worker.delete("no-such-profile".to_owned());
        drop(worker);

        assert!(profiles_in(inbox.blocking_recv().unwrap()).contains(&"build-box".to_owned()));
        assert!(matches!(
            inbox.blocking_recv(),
            Some(Msg::Stored(StoreOutcome::Saved(id))) if id == "build-box"
        ));
        profiles_in(inbox.blocking_recv().unwrap());
        let Some(Msg::Stored(StoreOutcome::Failed(text))) = inbox.blocking_recv() else {
            panic!("a notice for the failed delete")
        };
        assert!(text.contains("no-such-profile"), "{text}");
        assert!(dir.path().join("sessions/build-box.toml").exists());
    }
}
