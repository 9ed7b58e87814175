//! The SOCKS side of a dynamic forward (`-D`): SOCKS5 without authentication (RFC 1928) and
//! SOCKS4/4a, CONNECT only, as OpenSSH's client serves them. The server does the name lookup
//! (a domain name is passed on as is).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long a client may take to say where it wants to go.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);
/// SOCKS4's user id and 4a's host name end with a NUL; longer ones are refused.
const MAX_FIELD_BYTES: usize = 255;

/// Which protocol the client spoke, for the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Four,
    Five,
}

/// Where a SOCKS client asked to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub version: Version,
    pub host: String,
    pub port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum SocksError {
    #[error("the client did not speak SOCKS 4 or 5 (first byte {0})")]
    NotSocks(u8),
    #[error("the SOCKS client offered no method without authentication")]
    NoAcceptableMethod,
    #[error("the SOCKS client asked for command {0}; only CONNECT is served")]
    UnsupportedCommand(u8),
    #[error("the SOCKS client sent an unknown address type {0}")]
    UnsupportedAddress(u8),
    #[error("a SOCKS field longer than 255 bytes")]
    TooLong,
    #[error("the SOCKS client went away: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads the client's greeting and request, answering SOCKS5's method negotiation. The reply
/// to the request comes later, from [`reply`], once the server has tried the connection.
pub async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
) -> Result<Request, SocksError> {
    match stream.read_u8().await? {
        4 => socks4(stream).await,
        5 => socks5(stream).await,
        other => Err(SocksError::NotSocks(other)),
    }
}

async fn socks4<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S) -> Result<Request, SocksError> {
    let command = stream.read_u8().await?;
    let port = stream.read_u16().await?;
    let mut ip = [0u8; 4];
    stream.read_exact(&mut ip).await?;
    let _user = read_nul_terminated(stream).await?;
    if command != 1 {
        let _ = reply(stream, Version::Four, false).await;
        return Err(SocksError::UnsupportedCommand(command));
    }
    // 4a: 0.0.0.x (x not 0) means a host name follows.
    let host = if ip[..3] == [0, 0, 0] && ip[3] != 0 {
        read_nul_terminated(stream).await?
    } else {
        Ipv4Addr::from(ip).to_string()
    };
    Ok(Request {
        version: Version::Four,
        host,
        port,
    })
}

async fn socks5<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S) -> Result<Request, SocksError> {
    let count = stream.read_u8().await?;
    let mut methods = vec![0u8; usize::from(count)];
    stream.read_exact(&mut methods).await?;
    if !methods.contains(&0) {
        stream.write_all(&[5, 0xff]).await?;
        return Err(SocksError::NoAcceptableMethod);
    }
    stream.write_all(&[5, 0]).await?;
    let mut head = [0u8; 4];
    stream.read_exact(&mut head).await?;
    let [_, command, _, address_type] = head;
    let host = match address_type {
        1 => {
            let mut ip = [0u8; 4];
            stream.read_exact(&mut ip).await?;
            Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let len = stream.read_u8().await?;
            let mut name = vec![0u8; usize::from(len)];
            stream.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        4 => {
            let mut ip = [0u8; 16];
            stream.read_exact(&mut ip).await?;
            Ipv6Addr::from(ip).to_string()
        }
        other => {
            let _ = stream.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]).await;
            return Err(SocksError::UnsupportedAddress(other));
        }
    };
    let port = stream.read_u16().await?;
    if command != 1 {
        let _ = stream.write_all(&[5, 7, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        return Err(SocksError::UnsupportedCommand(command));
    }
    Ok(Request {
        version: Version::Five,
        host,
        port,
    })
}

/// Tells the client whether its connection was made. The bound address is not known (the
/// server made the connection), so it is given as zeros, as OpenSSH does.
pub async fn reply<S: AsyncWrite + Unpin>(
    stream: &mut S,
    version: Version,
    made: bool,
) -> std::io::Result<()> {
    match version {
        Version::Four => {
            let code = if made { 90 } else { 91 };
            stream.write_all(&[0, code, 0, 0, 0, 0, 0, 0]).await
        }
        Version::Five => {
            // 5: connection refused (what a refused direct-tcpip most often means).
            let code = if made { 0 } else { 5 };
            stream.write_all(&[5, code, 0, 1, 0, 0, 0, 0, 0, 0]).await
        }
    }
}

async fn read_nul_terminated<S: AsyncRead + Unpin>(stream: &mut S) -> Result<String, SocksError> {
    let mut bytes = Vec::new();
    loop {
        let byte = stream.read_u8().await?;
        if byte == 0 {
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
        if bytes.len() >= MAX_FIELD_BYTES {
            return Err(SocksError::TooLong);
        }
        bytes.push(byte);
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    async fn request_from(client_bytes: &[u8]) -> (Result<Request, SocksError>, Vec<u8>) {
        let (mut client, mut server) = tokio::io::duplex(1024);
        client.write_all(client_bytes).await.unwrap();
        let result = handshake(&mut server).await;
        drop(server);
        let mut answered = Vec::new();
        client.read_to_end(&mut answered).await.unwrap();
        (result, answered)
    }

    #[tokio::test]
    async fn socks5_with_a_domain_name() {
        let mut bytes = vec![5, 1, 0, 5, 1, 0, 3, 7];
        bytes.extend_from_slice(b"db.test");
        bytes.extend_from_slice(&5432u16.to_be_bytes());
        let (request, answered) = request_from(&bytes).await;
        assert_eq!(
            request.unwrap(),
            Request {
                version: Version::Five,
                host: "db.test".into(),
                port: 5432
            }
        );
        assert_eq!(answered, [5, 0]);
    }

    #[tokio::test]
    async fn socks4a_and_socks4() {
        let mut bytes = vec![4, 1, 0, 80, 0, 0, 0, 1];
        bytes.extend_from_slice(b"me\0web.test\0");
        let (request, _) = request_from(&bytes).await;
        assert_eq!(request.unwrap().host, "web.test");
        let (request, _) = request_from(&[4, 1, 0, 22, 10, 0, 0, 7, 0]).await;
        let request = request.unwrap();
        assert_eq!((request.host.as_str(), request.port), ("10.0.0.7", 22));
    }

    #[tokio::test]
    async fn what_is_not_served_is_refused() {
        let (request, answered) = request_from(&[5, 1, 2]).await;
        assert!(matches!(request, Err(SocksError::NoAcceptableMethod)));
        assert_eq!(answered, [5, 0xff]);
        let (request, _) = request_from(&[5, 1, 0, 5, 2, 0, 1, 1, 2, 3, 4, 0, 80]).await;
        assert!(matches!(request, Err(SocksError::UnsupportedCommand(2))));
        let (request, _) = request_from(b"GET / HTTP/1.1\r\n").await;
        assert!(matches!(request, Err(SocksError::NotSocks(b'G'))));
    }
}
