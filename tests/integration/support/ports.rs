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
