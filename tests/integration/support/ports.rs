//! Picking free TCP ports for servers started by tests.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Mutex, OnceLock};

/// How many times a server start is retried when its port turned out to be taken by someone
/// else between our pick and the server's bind.
pub const BIND_ATTEMPTS: usize = 5;

/// Returns a port on 127.0.0.1 that was free a moment ago. Ports handed out earlier in this
/// process are never handed out again, so servers started by parallel tests cannot collide
/// with each other; a collision with another process is still possible, which is why
/// servers retry their start (see [`BIND_ATTEMPTS`]).
pub fn free_port() -> u16 {
    static HANDED_OUT: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    let handed_out = HANDED_OUT.get_or_init(|| Mutex::new(HashSet::new()));
    for _ in 0..100 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to pick a port");
        let port = listener
            .local_addr()
            .expect("local address of a bound listener")
            .port();
        let mut handed_out = handed_out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if handed_out.insert(port) {
            return port;
        }
    }
    panic!("the kernel kept returning ports this test process already uses");
}

/// A port on 127.0.0.1 that stays closed while this is held: a socket is bound to it but never
/// listens, so connections to it are refused, and no server started meanwhile can take it
/// (the socket is bound without `SO_REUSEADDR`, which Linux would need on both sides to share).
pub struct ClosedPort {
    /// Held, never read: dropping it frees the port.
    _bound: socket2::Socket,
    port: u16,
}

impl ClosedPort {
    pub fn hold() -> ClosedPort {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a TCP socket");
        let any_port: std::net::SocketAddr = ([127, 0, 0, 1], 0).into();
        socket
            .bind(&any_port.into())
            .expect("bind 127.0.0.1:0 to hold a port closed");
        let port = socket
            .local_addr()
            .expect("local address of a bound socket")
            .as_socket()
            .expect("an IP socket address")
            .port();
        ClosedPort {
            _bound: socket,
            port,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}
