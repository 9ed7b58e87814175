//! Local (`-L`) and dynamic (`-D`) forwards: a listener on this machine; each connection to it
//! becomes a `direct-tcpip` channel to the target (for `-D`, the one the SOCKS client names).

use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use super::pump::carry;
use super::socks;
use super::stats::{ForwardStats, ForwardStatus};
use crate::profiles::ForwardKind;
use crate::ssh::Connection;
use crate::text::forwarding as words;

/// Tries to bind a port that is in use this often, this far apart (about ten seconds): after a
/// reconnect the forwards of the lost connection may still be letting go of it, which on a
/// busy machine can take seconds, and a forward that comes back a little later is still right.
const BIND_TRIES: u32 = 50;
const BIND_RETRY: std::time::Duration = std::time::Duration::from_millis(200);

/// Binds the forward's port; the error is in plain words (a port in use, one that needs root).
pub async fn bind(stats: &ForwardStats) -> Result<TcpListener, String> {
    let forward = &stats.forward;
    let mut tries = 1;
    loop {
        match TcpListener::bind((forward.bind_address.as_str(), forward.bind_port)).await {
            Ok(listener) => return Ok(listener),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && tries < BIND_TRIES => {
                tries += 1;
                tokio::time::sleep(BIND_RETRY).await;
            }
            Err(error) => {
                return Err(words::bind_failed(
                    &forward.bind_address,
                    forward.bind_port,
                    &error,
                ));
            }
        }
    }
}

/// Serves the listener until the task is dropped: each connection on its own task, so a slow
/// one holds up no other.
pub async fn serve(listener: TcpListener, connection: Connection, stats: Arc<ForwardStats>) {
    let shown = listener
        .local_addr()
        .map(|address| address.to_string())
        .unwrap_or_default();
    stats.set_status(ForwardStatus::Listening(shown));
    let mut carried = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((client, _)) = accepted else {
                    // Out of descriptors, say: give the connections time to end.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                };
                let _ = client.set_nodelay(true);
                let connection = connection.clone();
                let stats = Arc::clone(&stats);
                carried.spawn(async move {
                    match stats.forward.kind {
                        ForwardKind::Dynamic => socks_connection(client, connection, stats).await,
                        _ => local_connection(client, connection, stats).await,
                    }
                });
            }
            // Finished connections are reaped as they end, so the set stays small.
            Some(_) = carried.join_next(), if !carried.is_empty() => {}
        }
    }
}

async fn local_connection(client: TcpStream, connection: Connection, stats: Arc<ForwardStats>) {
    let forward = &stats.forward;
    match connection
        .open_direct_tcpip(&forward.host, forward.port)
        .await
    {
        Ok(channel) => carry(client, channel, stats).await,
        // The client's connection is closed: as ssh does, the failure is for the person.
        Err(error) => stats.failed_connection(error.to_string()),
    }
}

async fn socks_connection(mut client: TcpStream, connection: Connection, stats: Arc<ForwardStats>) {
    let request =
        match tokio::time::timeout(socks::HANDSHAKE_TIMEOUT, socks::handshake(&mut client)).await {
            Ok(Ok(request)) => request,
            Ok(Err(error)) => {
                stats.failed_connection(error.to_string());
                return;
            }
            Err(_) => {
                stats.failed_connection(words::SOCKS_TOO_SLOW.to_owned());
                return;
            }
        };
    match connection
        .open_direct_tcpip(&request.host, request.port)
        .await
    {
        Ok(channel) => {
            if socks::reply(&mut client, request.version, true)
                .await
                .is_ok()
            {
                carry(client, channel, stats).await;
            }
        }
        Err(error) => {
            let _ = socks::reply(&mut client, request.version, false).await;
            stats.failed_connection(error.to_string());
        }
    }
}
