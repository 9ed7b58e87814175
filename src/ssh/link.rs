//! Whether a connection is still up, and if not, why: the first thing that saw it end names the
//! cause (a DISCONNECT from the server, an error or end of file on the socket, anti-idle's
//! verdict), and later observers of the same end do not overwrite it.

use std::io;
use std::time::Duration;

use tokio::sync::watch;

/// Why a connection ended without being closed by us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LossCause {
    /// Keepalives went unanswered: the server or the path to it is dead, or a NAT or firewall
    /// forgot the flow.
    KeepaliveUnanswered {
        misses: u32,
        interval: Duration,
        /// How long nothing had been received when it was declared dead.
        silent: Duration,
    },
    /// The TCP connection was reset (the server restarted, or a firewall reset it).
    Reset,
    /// The server sent SSH_MSG_DISCONNECT: its reason code (RFC 4253 11.1) and message,
    /// escaped.
    ServerDisconnected { code: u32, message: String },
    /// The server closed the TCP connection without a word.
    ServerClosed,
    /// The kernel gave up on data the server never acknowledged (TCP_USER_TIMEOUT, or TCP's
    /// own retransmission timeout).
    TcpTimeout,
    /// The network or host became unreachable.
    Unreachable,
    /// The jump host whose channel carried the connection was lost (`hop` is its name), for
    /// `cause`; everything behind it goes with it.
    JumpHostLost { hop: String, cause: Box<LossCause> },
    /// Anything else the transport reported, in its words.
    Other(String),
}

impl LossCause {
    /// The cause an I/O error on the connection's socket means.
    pub fn of_io_error(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => Self::Reset,
            io::ErrorKind::TimedOut => Self::TcpTimeout,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => Self::Unreachable,
            io::ErrorKind::UnexpectedEof => Self::ServerClosed,
            _ => Self::Other(error.to_string()),
        }
    }
}

/// Whether a connection is usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Up,
    /// Ended without our asking, for this reason.
    Lost(LossCause),
    /// We closed it.
    Closed,
}

/// The one state of a connection's link, shared by everything that can see it end.
#[derive(Debug)]
pub(crate) struct Link(watch::Sender<LinkState>);

impl Link {
    pub fn new() -> Self {
        Self(watch::Sender::new(LinkState::Up))
    }

    /// Records the end of the link for `cause`, unless it already ended.
    pub fn lost(&self, cause: LossCause) {
        self.end(LinkState::Lost(cause));
    }

    /// Records that we closed it, unless it already ended.
    pub fn closed(&self) {
        self.end(LinkState::Closed);
    }

    fn end(&self, state: LinkState) {
        self.0.send_if_modified(|current| {
            let first = *current == LinkState::Up;
            if first {
                *current = state;
            }
            first
        });
    }

    pub fn state(&self) -> LinkState {
        self.0.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<LinkState> {
        self.0.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_cause_stays() {
        let link = Link::new();
        let mut watcher = link.subscribe();
        link.lost(LossCause::Reset);
        link.lost(LossCause::ServerClosed);
        link.closed();
        assert_eq!(link.state(), LinkState::Lost(LossCause::Reset));
        assert!(watcher.has_changed().unwrap());
        assert_eq!(
            *watcher.borrow_and_update(),
            LinkState::Lost(LossCause::Reset)
        );
    }

    #[test]
    fn socket_errors_name_their_cause() {
        let cause = |kind| LossCause::of_io_error(&io::Error::from(kind));
        assert_eq!(cause(io::ErrorKind::ConnectionReset), LossCause::Reset);
        assert_eq!(cause(io::ErrorKind::BrokenPipe), LossCause::Reset);
        assert_eq!(cause(io::ErrorKind::TimedOut), LossCause::TcpTimeout);
        assert_eq!(
            cause(io::ErrorKind::HostUnreachable),
            LossCause::Unreachable
        );
        assert_eq!(cause(io::ErrorKind::UnexpectedEof), LossCause::ServerClosed);
        assert!(matches!(
            cause(io::ErrorKind::PermissionDenied),
            LossCause::Other(_)
        ));
    }
}
