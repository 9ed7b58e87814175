//! Port forwarding in plain words: why a forward could not start, why a connection through
//! it was not carried.

use std::io;

/// A SOCKS client that never said where it wanted to go.
pub const SOCKS_TOO_SLOW: &str = "a SOCKS client did not say where to connect within 30 s";

/// Why the local port could not be listened on.
pub fn bind_failed(address: &str, port: u16, error: &io::Error) -> String {
    let at = format!("{address}:{port}");
    match error.kind() {
        io::ErrorKind::AddrInUse => {
            format!("local port {at} is in use (another program, or another tabsh, listens there)")
        }
        io::ErrorKind::PermissionDenied => {
            format!("not allowed to listen on {at} (ports under 1024 need root)")
        }
        io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {at}: this machine has no such address")
        }
        _ => format!("cannot listen on {at}: {error}"),
    }
}

/// Where the server listens for a remote forward.
pub fn server_listens(address: &str, port: u16) -> String {
    format!("the server listens on {address}:{port}")
}

/// A remote forward's target on this side would not take the connection.
pub fn target_refused(host: &str, port: u16, originator: &str, error: &io::Error) -> String {
    let why = match error.kind() {
        io::ErrorKind::ConnectionRefused => "nothing listens there".to_owned(),
        _ => error.to_string(),
    };
    format!("{host}:{port} refused a connection forwarded from {originator}: {why}")
}

/// The forward connection (the one that carries the forwards) is down.
pub fn forward_connection_down(error: &str) -> String {
    format!("waiting for the forwards' connection: {error}")
}
