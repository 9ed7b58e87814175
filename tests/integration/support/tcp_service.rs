//! Small TCP servers for forwarding tests, on 127.0.0.1 of a namespace (or the test's own):
//! an echo server, an HTTP server with one body, and a flood that writes until its client's
//! window closes, counting what it wrote. Each stops (and its thread ends) when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use super::netns;

#[derive(Clone)]
pub enum Kind {
    Echo,
    Http(String),
    Flood,
}

pub struct TcpService {
    port: u16,
    stop: Arc<AtomicBool>,
    written: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl TcpService {
    /// Listens on 127.0.0.1 in `namespace` (the test's own with `None`).
    pub fn start(namespace: Option<&str>, kind: Kind) -> TcpService {
        let bind = || TcpListener::bind("127.0.0.1:0").expect("bind a test service");
        let listener = match namespace {
            Some(namespace) => netns::run_in(namespace, bind),
            None => bind(),
        };
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let thread = {
            let stop = Arc::clone(&stop);
            let written = Arc::clone(&written);
            std::thread::spawn(move || serve(&listener, &kind, &stop, &written))
        };
        TcpService {
            port,
            stop,
            written,
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Bytes a flood has written so far.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

impl Drop for TcpService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, kind: &Kind, stop: &Arc<AtomicBool>, written: &Arc<AtomicU64>) {
    let mut connections = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let kind = kind.clone();
                let stop = Arc::clone(stop);
                let written = Arc::clone(written);
                connections.push(std::thread::spawn(move || {
                    one(stream, &kind, &stop, &written);
                }));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    for connection in connections {
        let _ = connection.join();
    }
}

fn one(mut stream: TcpStream, kind: &Kind, stop: &AtomicBool, written: &AtomicU64) {
    // Short timeouts so every loop sees `stop` soon.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let mut buffer = vec![0u8; 64 * 1024];
    match kind {
        Kind::Echo => {
            while !stop.load(Ordering::SeqCst) {
                match stream.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(read) => {
                        if stream.write_all(&buffer[..read]).is_err() {
                            return;
                        }
                    }
                    Err(error) if is_timeout(&error) => {}
                    Err(_) => return,
                }
            }
        }
        Kind::Http(body) => {
            let mut request = Vec::new();
            while !stop.load(Ordering::SeqCst) && !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) => return,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                    Err(error) if is_timeout(&error) => {}
                    Err(_) => return,
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        Kind::Flood => {
            while !stop.load(Ordering::SeqCst) {
                match stream.write(&buffer) {
                    Ok(0) => return,
                    Ok(sent) => {
                        written.fetch_add(sent as u64, Ordering::SeqCst);
                    }
                    Err(error) if is_timeout(&error) => {}
                    Err(_) => return,
                }
            }
        }
    }
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}
