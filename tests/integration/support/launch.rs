//! Starting a server on a free port: retry when the port was taken meanwhile, and wait (bounded)
//! until the server both logged that it listens and accepts a TCP connection.

use std::fs;
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use super::ports::{BIND_ATTEMPTS, free_port};
use super::process::ServerProcess;
use super::wait::wait_until;

/// A server start on a busy machine (2 cores shared with parallel tests) can take seconds.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
const READY_STEP: Duration = Duration::from_millis(50);

/// What a server writes to its log when its port is already bound by someone else.
const PORT_TAKEN: &str = "Address already in use";

/// Calls `spawn` with a fresh port until the server comes up, at most [`BIND_ATTEMPTS`] times.
/// `spawn` must send the server's output to `log_path` (truncating it); `listening` gives the
/// log line saying the server has bound the port. Panics with the log when the server exits
/// for any other reason or does not get ready in time.
pub fn start_on_free_port(
    what: &str,
    log_path: &Path,
    listening: impl Fn(u16) -> String,
    spawn: impl FnMut(u16) -> ServerProcess,
) -> (ServerProcess, u16) {
    start_on_free_port_probed(what, log_path, listening, accepts_loopback_tcp, spawn)
}

/// [`start_on_free_port`] for a server that is not reachable on 127.0.0.1 (e.g. one in a
/// network namespace): `accepts_tcp` tells whether it accepts a connection on the port.
pub fn start_on_free_port_probed(
    what: &str,
    log_path: &Path,
    listening: impl Fn(u16) -> String,
    accepts_tcp: impl Fn(u16) -> bool,
    mut spawn: impl FnMut(u16) -> ServerProcess,
) -> (ServerProcess, u16) {
    for _ in 0..BIND_ATTEMPTS {
        let port = free_port();
        let mut process = spawn(port);
        let marker = listening(port);
        let mut exited = false;
        let ready = wait_until(READY_TIMEOUT, READY_STEP, || {
            exited = process.exit_status().is_some();
            !exited && read_log(log_path).contains(&marker) && accepts_tcp(port)
        });
        if ready {
            return (process, port);
        }
        process.stop();
        let log = read_log(log_path);
        if exited && log.contains(PORT_TAKEN) {
            continue;
        }
        let reason = if exited {
            "exited".to_owned()
        } else {
            format!("did not get ready within {READY_TIMEOUT:?}")
        };
        panic!("{what} on port {port} {reason}; its log:\n{log}");
    }
    panic!("{what}: every one of {BIND_ATTEMPTS} free ports was taken before it could bind");
}

pub fn read_log(path: &Path) -> String {
    fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

fn accepts_loopback_tcp(port: u16) -> bool {
    let address = ([127, 0, 0, 1], port).into();
    TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok()
}
