//! Why a `tabsh exec` run on the TUI's live connection ended without an exit status.

/// The run's client read its output more slowly than the server sent it.
pub fn cut_for_a_slow_reader(waiting_mib: usize) -> String {
    format!(
        "the output came faster than it was read ({waiting_mib} MiB waiting); cut so the TUI's \
         tabs on the connection are not held up (--no-shared reads at your pace)"
    )
}

/// The connection closed before the run's channel opened.
pub const CONNECTION_GONE: &str = "the connection is gone";

/// The server closed the channel without saying how the command ended.
pub const NO_EXIT_STATUS: &str = "the channel closed without an exit status";

/// The connection was lost while the command ran.
pub const CONNECTION_LOST: &str = "the connection was lost";
