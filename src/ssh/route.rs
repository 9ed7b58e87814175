//! A connection's byte stream, made directly: a TCP connection or a proxy command's stdin and
//! stdout. (Through a jump host it is a channel of the hop's connection: see `jump`.)

use tokio::io::{AsyncRead, AsyncWrite};

use super::error::SshError;
use super::options::ConnectOptions;
use super::proxy_command::ProxyChild;
use super::tcp::{self, SocketControl};
use super::upstream::Upstream;

/// A byte stream russh can speak SSH over.
pub(crate) trait ByteStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> ByteStream for T {}

/// A stream, opened, with what must live as long as the connection on it.
pub(crate) struct Opened {
    pub stream: Box<dyn ByteStream>,
    /// Where it goes, for the inspector (`192.0.2.7:22`).
    pub address: String,
    /// The socket, for TCP options and a hard stop; `None` off TCP.
    pub socket: Option<SocketControl>,
    /// The jump host whose channel carries the stream: kept open while this connection
    /// lives, and the cause of its loss when it goes.
    pub upstream: Option<Upstream>,
    /// The proxy command, killed when the connection ends.
    pub child: Option<ProxyChild>,
}

/// A TCP connection to the server, with the profile's socket options.
pub(crate) async fn direct(options: &ConnectOptions) -> Result<Opened, SshError> {
    let stream = tcp::connect(&options.host, options.port, options.connect_timeout).await?;
    let address = stream
        .peer_addr()
        .map(|address| address.to_string())
        .unwrap_or_default();
    let socket = SocketControl::for_stream(&stream).ok();
    if let Some(socket) = &socket {
        // Best effort: a platform without these options still gets a working session.
        let _ = socket.apply_keepalive(&options.tcp_keepalive, options.anti_idle);
    }
    Ok(Opened {
        stream: Box::new(stream),
        address,
        socket,
        upstream: None,
        child: None,
    })
}

/// The stdin and stdout of `command`, run for this connection.
pub(crate) fn proxy_command(command: &str, options: &ConnectOptions) -> Result<Opened, SshError> {
    let (child, stream) = ProxyChild::spawn(command, options)?;
    Ok(Opened {
        stream: Box::new(stream),
        address: format!("{} (proxy command)", options.host_port()),
        socket: None,
        upstream: None,
        child: Some(child),
    })
}
