//! Opening the TCP stream ourselves (rather than letting russh do it) so the socket gets
//! TCP_NODELAY, kernel keepalive and TCP_USER_TIMEOUT from the profile, and so a duplicate of its
//! descriptor can change those options later on a live connection.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::time::Duration;

use socket2::{SockRef, Socket, TcpKeepalive};
use tokio::net::TcpStream;

use super::error::SshError;
use crate::profiles::TcpKeepalive as TcpKeepaliveSettings;
use crate::profiles::validate::{
    MAX_TCP_KEEPALIVE_COUNT, MAX_TCP_KEEPALIVE_SECS, MAX_TCP_USER_TIMEOUT_SECS,
};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Resolves `host:port` and connects to the first address that answers.
pub async fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, SshError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| SshError::NameNotResolved {
            host: host.to_owned(),
            reason: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(SshError::NameNotResolved {
            host: host.to_owned(),
            reason: "no addresses".to_owned(),
        });
    }
    let mut last_error = None;
    for addr in addrs {
        let shown = addr.to_string();
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Interactive keystrokes must not wait for Nagle's algorithm.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) if e.kind() == ErrorKind::ConnectionRefused => {
                last_error = Some(SshError::ConnectionRefused { addr: shown });
            }
            Ok(Err(e)) => {
                last_error = Some(SshError::Connect {
                    addr: shown,
                    source: e,
                })
            }
            Err(_) => {
                last_error = Some(SshError::ConnectTimedOut {
                    addr: shown,
                    after: timeout,
                })
            }
        }
    }
    // At least one address was tried (an empty list returned above).
    Err(last_error.unwrap_or_else(|| SshError::NameNotResolved {
        host: host.to_owned(),
        reason: "no addresses".to_owned(),
    }))
}

/// A second descriptor for the connection's socket, kept so socket options can change while
/// russh owns the stream.
#[derive(Debug)]
pub struct SocketControl(Socket);

impl SocketControl {
    pub fn for_stream(stream: &TcpStream) -> std::io::Result<Self> {
        let fd = stream.as_fd().try_clone_to_owned()?;
        Ok(Self(Socket::from(fd)))
    }

    /// Shuts the socket in both directions (every descriptor of it sees the end).
    pub fn shutdown(&self) {
        let _ = self.0.shutdown(std::net::Shutdown::Both);
    }

    pub fn apply_keepalive(
        &self,
        settings: &TcpKeepaliveSettings,
        enabled: bool,
    ) -> std::io::Result<()> {
        apply_keepalive(&SockRef::from(&self.0), settings, enabled)
    }
}

fn apply_keepalive(
    socket: &SockRef<'_>,
    settings: &TcpKeepaliveSettings,
    enabled: bool,
) -> std::io::Result<()> {
    if !(enabled && settings.enabled) {
        socket.set_keepalive(false)?;
        socket.set_tcp_user_timeout(None)?;
        return Ok(());
    }
    // Profiles are validated against these limits; the clamps keep a value that slipped past
    // (a hand-built setting) from being refused by the kernel or wrapped into a C int.
    let keepalive = TcpKeepalive::new()
        .with_time(Duration::from_secs(
            settings.idle_secs.clamp(1, MAX_TCP_KEEPALIVE_SECS),
        ))
        .with_interval(Duration::from_secs(
            settings.interval_secs.clamp(1, MAX_TCP_KEEPALIVE_SECS),
        ))
        .with_retries(settings.count.clamp(1, MAX_TCP_KEEPALIVE_COUNT));
    socket.set_tcp_keepalive(&keepalive)?;
    let user_timeout = (settings.user_timeout_secs > 0)
        .then(|| Duration::from_secs(settings.user_timeout_secs.min(MAX_TCP_USER_TIMEOUT_SECS)));
    socket.set_tcp_user_timeout(user_timeout)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keepalive_options_reach_the_socket() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let stream = connect("127.0.0.1", port, CONNECT_TIMEOUT).await.unwrap();
        let control = SocketControl::for_stream(&stream).unwrap();
        let settings = TcpKeepaliveSettings {
            enabled: true,
            idle_secs: 7,
            interval_secs: 3,
            count: 4,
            user_timeout_secs: 20,
        };
        control.apply_keepalive(&settings, true).unwrap();
        let sock = SockRef::from(&stream);
        assert!(sock.keepalive().unwrap());
        assert_eq!(sock.tcp_keepalive_time().unwrap(), Duration::from_secs(7));
        assert_eq!(
            sock.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(3)
        );
        assert_eq!(sock.tcp_keepalive_retries().unwrap(), 4);
        assert_eq!(
            sock.tcp_user_timeout().unwrap(),
            Some(Duration::from_secs(20))
        );
        assert!(sock.tcp_nodelay().unwrap());

        control.apply_keepalive(&settings, false).unwrap();
        assert!(!sock.keepalive().unwrap());
    }

    #[tokio::test]
    async fn values_past_the_kernel_limits_are_clamped_not_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let stream = connect("127.0.0.1", port, CONNECT_TIMEOUT).await.unwrap();
        let control = SocketControl::for_stream(&stream).unwrap();
        let settings = TcpKeepaliveSettings {
            enabled: true,
            idle_secs: u64::MAX,
            interval_secs: 40_000,
            count: u32::MAX,
            user_timeout_secs: u64::MAX,
        };
        control
            .apply_keepalive(&settings, true)
            .expect("the kernel takes the clamped values");
        let sock = SockRef::from(&stream);
        assert_eq!(
            sock.tcp_keepalive_time().unwrap(),
            Duration::from_secs(MAX_TCP_KEEPALIVE_SECS)
        );
        assert_eq!(
            sock.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(MAX_TCP_KEEPALIVE_SECS)
        );
        assert_eq!(
            sock.tcp_keepalive_retries().unwrap(),
            MAX_TCP_KEEPALIVE_COUNT
        );
        assert_eq!(
            sock.tcp_user_timeout().unwrap(),
            Some(Duration::from_secs(MAX_TCP_USER_TIMEOUT_SECS))
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_refused_by_name() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = connect("127.0.0.1", port, CONNECT_TIMEOUT)
            .await
            .unwrap_err();
        assert!(
            matches!(error, SshError::ConnectionRefused { .. }),
            "{error}"
        );
    }

    #[tokio::test]
    async fn an_unresolvable_name_says_so() {
        let error = connect("no-such-host.invalid", 22, CONNECT_TIMEOUT)
            .await
            .unwrap_err();
        assert!(matches!(error, SshError::NameNotResolved { .. }), "{error}");
        assert!(error.to_string().contains("no-such-host.invalid"));
    }
}
