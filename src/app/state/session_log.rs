//! Whether a tab is logged, and how (starting and stopping: `app::session_log`).

/// A tab's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabLog {
    /// The bytes as received, rather than text lines.
    pub raw: bool,
    /// Why writing stopped (a full disk, a file that cannot be made); the session goes on.
    pub error: Option<String>,
}
