//! Port forwarding (`-L`, `-R`, `-D`) for a live connection.
//!
//! The forwards ride an SSH connection of their own to the same server (through jump hosts of
//! their own), made when the tabs' connection is up and ended with it. russh grants the
//! server more window as data *arrives*, not as it is consumed, so the only way to stop a
//! server sending is to stop reading the connection, which stalls every channel on it (see
//! `pump.rs`). Forwarded connections are driven by programs tabsh does not control: one that
//! stops reading must never freeze a tab. On a connection of their own it can only hold up
//! the other forwards, and memory stays bounded (a channel queue and a buffer per direction).
//! The cost is one more login; the host key is the one the tabs' connection just checked, so
//! it is never asked about twice.

mod listen;
mod pump;
mod remote;
pub mod socks;
mod stats;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::profiles::{Forward, ForwardKind};
use crate::ssh::{ConnectOptions, Connection, LinkState, Prompter};
use crate::text::forwarding as words;
pub use stats::{ForwardStats, ForwardStatus, ForwardView};

/// The first wait before the forwards' connection is tried again, doubled up to the last.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(60);

/// A running set of forwards: switch one on or off, or drop it to stop them all (and log
/// out of their connection).
pub struct Forwards {
    enabled: watch::Sender<Vec<bool>>,
    stats: Vec<Arc<ForwardStats>>,
    task: JoinHandle<()>,
}

impl Drop for Forwards {
    fn drop(&mut self) {
        // The task sees the switches go and logs out; abort only if it is stuck connecting.
        let task = self.task.abort_handle();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    task.abort();
                });
            }
            Err(_) => task.abort(),
        }
    }
}

impl Forwards {
    /// Starts `forwards` on a connection of their own made with `options` (which should pin
    /// the host key the tabs' connection checked).
    pub fn start(
        options: ConnectOptions,
        prompter: Arc<dyn Prompter>,
        forwards: &[Forward],
    ) -> Self {
        let stats: Vec<Arc<ForwardStats>> = forwards
            .iter()
            .map(|forward| Arc::new(ForwardStats::new(forward.clone())))
            .collect();
        let (enabled, switches) =
            watch::channel::<Vec<bool>>(forwards.iter().map(|f| f.enabled).collect());
        let task = tokio::spawn(run(options, prompter, stats.clone(), switches));
        Self {
            enabled,
            stats,
            task,
        }
    }

    /// What each forward is doing, for the model.
    pub fn stats(&self) -> Vec<Arc<ForwardStats>> {
        self.stats.clone()
    }

    /// Switches forward `index` on or off, at once.
    pub fn set_enabled(&self, index: usize, on: bool) {
        self.enabled.send_modify(|switches| {
            if let Some(switch) = switches.get_mut(index) {
                *switch = on;
            }
        });
    }
}

async fn run(
    options: ConnectOptions,
    prompter: Arc<dyn Prompter>,
    stats: Vec<Arc<ForwardStats>>,
    mut switches: watch::Receiver<Vec<bool>>,
) {
    let mut wait = FIRST_RETRY;
    loop {
        let wanted = switches.borrow_and_update().clone();
        show_off(&stats, &wanted);
        if !wanted.iter().any(|on| *on) {
            if switches.changed().await.is_err() {
                return;
            }
            continue;
        }
        let connection = match Connection::connect(&options, Arc::clone(&prompter)).await {
            Ok(connection) => connection,
            Err(error) => {
                let why = words::forward_connection_down(&error.to_string());
                for (stats, _) in stats.iter().zip(&wanted).filter(|(_, on)| **on) {
                    stats.set_status(ForwardStatus::Failed(why.clone()));
                }
                // A refused login or key stays refused: wait for the person to switch.
                let retry = async {
                    if error.is_permanent() {
                        std::future::pending::<()>().await;
                    }
                    tokio::time::sleep(wait).await;
                };
                tokio::select! {
                    () = retry => {}
                    changed = switches.changed() => if changed.is_err() { return },
                }
                wait = (wait * 2).min(LAST_RETRY);
                continue;
            }
        };
        wait = FIRST_RETRY;
        let ended = serve(&connection, &stats, &mut switches).await;
        match ended {
            Ended::Stopped => {
                connection.disconnect().await;
                return;
            }
            Ended::AllOff => connection.disconnect().await,
            Ended::Lost(cause) => {
                let why = words::forward_connection_down(&cause);
                for stats in &stats {
                    if stats.status() != ForwardStatus::Off {
                        stats.set_status(ForwardStatus::Failed(why.clone()));
                    }
                }
            }
        }
    }
}

enum Ended {
    /// The owner dropped the switches: stop for good.
    Stopped,
    /// Every forward is off.
    AllOff,
    /// The forwards' connection was lost, for this reason.
    Lost(String),
}

/// Runs each forward that is on, following the switches, until the connection goes or
/// everything is off.
async fn serve(
    connection: &Connection,
    stats: &[Arc<ForwardStats>],
    switches: &mut watch::Receiver<Vec<bool>>,
) -> Ended {
    let mut running: Vec<Option<JoinHandle<()>>> = stats.iter().map(|_| None).collect();
    let lost = lost_cause(connection.link_state());
    tokio::pin!(lost);
    let ended = loop {
        let wanted = switches.borrow_and_update().clone();
        if !wanted.iter().any(|on| *on) {
            break Ended::AllOff;
        }
        for (index, stats) in stats.iter().enumerate() {
            let on = wanted.get(index).copied().unwrap_or(false);
            match (running[index].is_some(), on) {
                (false, true) => {
                    stats.set_status(ForwardStatus::Starting);
                    running[index] = Some(tokio::spawn(one(connection.clone(), Arc::clone(stats))));
                }
                (true, false) => {
                    if let Some(task) = running[index].take() {
                        task.abort();
                    }
                    stats.set_status(ForwardStatus::Off);
                }
                _ => {}
            }
        }
        tokio::select! {
            changed = switches.changed() => if changed.is_err() { break Ended::Stopped },
            why = &mut lost => break Ended::Lost(why),
        }
    };
    for task in running.into_iter().flatten() {
        task.abort();
    }
    ended
}

/// Why the link went down, once it has. Its own function, so the watch's guard is not held
/// in the caller's future across an await.
async fn lost_cause(mut link: watch::Receiver<LinkState>) -> String {
    match link.wait_for(|state| *state != LinkState::Up).await {
        Ok(state) => match &*state {
            LinkState::Lost(cause) => cause.to_string(),
            LinkState::Up | LinkState::Closed => "closed".to_owned(),
        },
        Err(_) => "closed".to_owned(),
    }
}

/// One forward on `connection`, until aborted.
async fn one(connection: Connection, stats: Arc<ForwardStats>) {
    match stats.forward.kind {
        ForwardKind::Local | ForwardKind::Dynamic => match listen::bind(&stats).await {
            Ok(listener) => listen::serve(listener, connection, stats).await,
            Err(why) => stats.set_status(ForwardStatus::Failed(why)),
        },
        ForwardKind::Remote => match remote::request(&connection, &stats).await {
            Ok((bound, incoming)) => {
                // The server stops listening when the forward is switched off.
                let _cancel = CancelOnDrop {
                    connection: connection.clone(),
                    address: stats.forward.bind_address.clone(),
                    port: bound,
                };
                remote::serve(bound, incoming, stats).await;
            }
            Err(error) => stats.set_status(ForwardStatus::Failed(error.to_string())),
        },
    }
}

struct CancelOnDrop {
    connection: Connection,
    address: String,
    port: u16,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let connection = self.connection.clone();
        let address = std::mem::take(&mut self.address);
        let port = self.port;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { connection.cancel_remote_forward(&address, port).await });
        }
    }
}

fn show_off(stats: &[Arc<ForwardStats>], wanted: &[bool]) {
    for (index, stats) in stats.iter().enumerate() {
        if !wanted.get(index).copied().unwrap_or(false) {
            stats.set_status(ForwardStatus::Off);
        }
    }
}
