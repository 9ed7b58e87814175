//! The jump host a connection rides on, as the connection sees it: its name, its link (whose
//! loss becomes this connection's cause) and the channels it carries. What keeps the hop open
//! is held without the connection knowing what it is, since hops are themselves connections.

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::link::Link;

/// A connection's jump host, kept open while the connection holds this.
pub(crate) struct Upstream {
    /// `user@host:port`, and the hops before it: how the hop is named in words.
    pub name: String,
    pub link: Arc<Link>,
    pub channels: HopChannels,
    _keeps_open: Box<dyn Any + Send + Sync>,
}

impl Upstream {
    pub fn new(
        name: String,
        link: Arc<Link>,
        channels: HopChannels,
        keeps_open: impl Any + Send + Sync,
    ) -> Self {
        Self {
            name,
            link,
            channels,
            _keeps_open: Box::new(keeps_open),
        }
    }
}

/// The channels a connection's jump host carries now, read when the inspector is drawn: the
/// budget they use on the hop (dropbear counts every channel against its 1000 per
/// connection; sshd does not count them as sessions).
#[derive(Debug, Clone, Default)]
pub struct HopChannels(Option<Arc<AtomicUsize>>);

impl HopChannels {
    pub(crate) fn counted_by(count: Arc<AtomicUsize>) -> Self {
        Self(Some(count))
    }

    pub fn get(&self) -> Option<usize> {
        self.0.as_ref().map(|count| count.load(Ordering::Relaxed))
    }
}

impl PartialEq for HopChannels {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for HopChannels {}
