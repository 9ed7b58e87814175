//! How a connection's byte stream is made: a TCP connection, a proxy command's stdin and
//! stdout, or a `direct-tcpip` channel of the jump host before it (OpenSSH's ProxyJump).

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use super::error::SshError;
use super::jump::{Carried, JumpHosts};
use super::options::ConnectOptions;
use super::prompt::Prompter;
use super::proxy_command::ProxyChild;
use super::tcp::{self, SocketControl};

/// How to reach a server.
#[derive(Debug, Clone, Default)]
pub enum Route {
    /// A TCP connection to `host:port`.
    #[default]
    Direct,
    /// Through these jump hosts, outermost first; the last one opens a `direct-tcpip`
    /// channel to `host:port`. The outermost may have a proxy command of its own.
    Jump(Vec<ConnectOptions>),
    /// The command's stdin and stdout (run by `sh -c`, `%h %p %r %%` expanded).
    ProxyCommand(String),
}

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
    pub upstream: Option<Carried>,
    /// The proxy command, killed when the connection ends.
    pub child: Option<ProxyChild>,
}

/// Opens the stream `options.route` says.
pub(crate) async fn open(
    options: &ConnectOptions,
    prompter: &Arc<dyn Prompter>,
    jumps: &JumpHosts,
) -> Result<Opened, SshError> {
    match &options.route {
        Route::Direct => {
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
        Route::ProxyCommand(command) => {
            let (child, stream) = ProxyChild::spawn(command, options)?;
            Ok(Opened {
                stream: Box::new(stream),
                address: format!("{} (proxy command)", options.host_port()),
                socket: None,
                upstream: None,
                child: Some(child),
            })
        }
        Route::Jump(chain) => {
            let hop = jumps.hop(chain, prompter).await?;
            let stream = hop
                .connection
                .open_direct_tcpip(&options.host, options.port)
                .await?;
            Ok(Opened {
                stream: Box::new(stream),
                address: options.host_port(),
                socket: None,
                upstream: Some(Carried::new(hop)),
                child: None,
            })
        }
    }
}
