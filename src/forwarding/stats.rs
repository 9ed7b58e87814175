//! What one forward is doing, shared between its task (which counts) and the model (which
//! shows it in the inspector): atomics and a small status, read when drawn.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::profiles::Forward;

/// Where a forward is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardStatus {
    /// Switched off (in the profile, or live from the inspector).
    Off,
    /// Waiting for its connection to the server.
    Starting,
    /// Listening; the words say where (`127.0.0.1:8080`, `the server's port 40022`).
    Listening(String),
    /// It could not start, or stopped: why, in plain words.
    Failed(String),
}

#[derive(Debug)]
pub struct ForwardStats {
    pub forward: Forward,
    status: Mutex<ForwardStatus>,
    served: AtomicU64,
    open: AtomicU64,
    /// Toward the connecting client, and from it.
    bytes_to_client: AtomicU64,
    bytes_from_client: AtomicU64,
    /// The last connection that could not be carried, and why.
    last_error: Mutex<Option<String>>,
}

/// A snapshot for drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardView {
    pub forward: Forward,
    pub status: ForwardStatus,
    pub served: u64,
    pub open: u64,
    pub bytes_to_client: u64,
    pub bytes_from_client: u64,
    pub last_error: Option<String>,
}

impl ForwardStats {
    pub fn new(forward: Forward) -> Self {
        let status = if forward.enabled {
            ForwardStatus::Starting
        } else {
            ForwardStatus::Off
        };
        Self {
            forward,
            status: Mutex::new(status),
            served: AtomicU64::new(0),
            open: AtomicU64::new(0),
            bytes_to_client: AtomicU64::new(0),
            bytes_from_client: AtomicU64::new(0),
            last_error: Mutex::new(None),
        }
    }

    pub fn set_status(&self, status: ForwardStatus) {
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = status;
    }

    pub fn status(&self) -> ForwardStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A connection is being carried; it counts as open until `ended`.
    pub fn started(&self) {
        self.served.fetch_add(1, Ordering::Relaxed);
        self.open.fetch_add(1, Ordering::Relaxed);
    }

    pub fn ended(&self) {
        let _ = self
            .open
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    pub fn failed_connection(&self, why: String) {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
    }

    pub fn to_client(&self, bytes: usize) {
        self.bytes_to_client
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn from_client(&self, bytes: usize) {
        self.bytes_from_client
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn view(&self) -> ForwardView {
        ForwardView {
            forward: self.forward.clone(),
            status: self.status(),
            served: self.served.load(Ordering::Relaxed),
            open: self.open.load(Ordering::Relaxed),
            bytes_to_client: self.bytes_to_client.load(Ordering::Relaxed),
            bytes_from_client: self.bytes_from_client.load(Ordering::Relaxed),
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }
}
