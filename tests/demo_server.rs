//! Drives the built-in demo server with russh's own client over loopback.

// Test code: a failed unwrap is a failed test, with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use russh::client::{self, AuthResult, KeyboardInteractiveAuthResponse};
use russh::keys::{
    Algorithm, PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate,
};
use russh::{Channel, ChannelMsg, ChannelOpenFailure};
use tabsh::demo::{DemoConfig, DemoServer, KEYBOARD_INTERACTIVE_PROMPT};
use tokio::time::timeout;

/// Upper bound for any single wait; generous because CI machines are small.
const WAIT: Duration = Duration::from_secs(15);

struct KnownHost {
    expected: PublicKey,
}

impl client::Handler for KnownHost {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        offered: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(
            matches!(offered, PublicKeyOrCertificate::PublicKey { key, .. }
            if key.key_data() == self.expected.key_data()),
        )
    }
}

type Client = client::Handle<KnownHost>;

fn new_key() -> PrivateKey {
    PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).expect("ed25519 key")
}

async fn start(config: DemoConfig) -> DemoServer {
    // /bin/sh, not the login shell: the user's dotfiles must not slow or break the tests.
    let config = DemoConfig {
        shell: Some("/bin/sh".into()),
        ..config
    };
    timeout(WAIT, DemoServer::start(config))
        .await
        .expect("start in time")
        .expect("demo server starts")
}

async fn connect(server: &DemoServer) -> Client {
    let handler = KnownHost {
        expected: server.host_public_key().clone(),
    };
    let config = Arc::new(client::Config::default());
    timeout(WAIT, client::connect(config, server.address(), handler))
        .await
        .expect("connect in time")
        .expect("connects")
}

async fn key_login(client: &mut Client, user: &str, key: &PrivateKey) -> AuthResult {
    let key = PrivateKeyWithHashAlg::new(Arc::new(key.clone()), None);
    timeout(WAIT, client.authenticate_publickey(user, key))
        .await
        .expect("auth answer in time")
        .expect("auth exchange works")
}

/// A started server plus a client logged in with the authorized key.
async fn logged_in(config_for: impl FnOnce(PublicKey) -> DemoConfig) -> (DemoServer, Client) {
    let key = new_key();
    let server = start(config_for(key.public_key().clone())).await;
    let mut client = connect(&server).await;
    assert!(key_login(&mut client, "tester", &key).await.success());
    (server, client)
}

async fn open_session(client: &Client) -> Channel<client::Msg> {
    timeout(WAIT, client.channel_open_session())
        .await
        .expect("open answered in time")
        .expect("session opens")
}

async fn next_message(channel: &mut Channel<client::Msg>) -> Option<ChannelMsg> {
    timeout(WAIT, channel.wait())
        .await
        .expect("channel message in time")
}

#[derive(Debug, Default)]
struct Finished {
    stdout: String,
    stderr: String,
    exit_status: Option<u32>,
    eof_before_close: bool,
}

/// Reads everything until the server closes the channel.
async fn run_to_close(channel: &mut Channel<client::Msg>) -> Finished {
    let mut finished = Finished::default();
    loop {
        match next_message(channel).await {
            Some(ChannelMsg::Data { data }) => {
                assert!(finished.exit_status.is_none(), "output after exit-status");
                finished.stdout.push_str(&String::from_utf8_lossy(&data));
            }
            Some(ChannelMsg::ExtendedData { data, ext: 1 }) => {
                finished.stderr.push_str(&String::from_utf8_lossy(&data));
            }
            Some(ChannelMsg::ExitStatus { exit_status }) => {
                finished.exit_status = Some(exit_status)
            }
            Some(ChannelMsg::Eof) => finished.eof_before_close = true,
            Some(ChannelMsg::Close) | None => return finished,
            Some(_) => {}
        }
    }
}

/// Reads channel data until `needle` shows up; returns everything read.
async fn read_until(channel: &mut Channel<client::Msg>, needle: &str) -> String {
    let mut seen = String::new();
    while !seen.contains(needle) {
        match next_message(channel).await {
            Some(ChannelMsg::Data { data }) => seen.push_str(&String::from_utf8_lossy(&data)),
            Some(ChannelMsg::Close) | None => {
                panic!("channel closed before {needle:?}; saw {seen:?}")
            }
            Some(_) => {}
        }
    }
    seen
}

/// Waits for the reply to a request sent with want_reply.
async fn request_answer(channel: &mut Channel<client::Msg>) -> bool {
    loop {
        match next_message(channel).await {
            Some(ChannelMsg::Success) => return true,
            Some(ChannelMsg::Failure) => return false,
            Some(ChannelMsg::Close) | None => panic!("channel closed while waiting for a reply"),
            Some(_) => {}
        }
    }
}

/// Closes from the client side. russh 0.65's client forgets a channel as soon
/// as it sends CLOSE and then drops the server's answering CLOSE, so
/// `Channel::wait` would never yield `ChannelMsg::Close` here. Messages on a
/// connection are handled in order, so anything sent after this is seen by the
/// server after the close; what is still queued is drained, bounded.
async fn close_from_client(channel: &mut Channel<client::Msg>) {
    channel.close().await.expect("close sent");
    let _ = timeout(Duration::from_millis(200), async {
        while let Some(message) = channel.wait().await {
            if matches!(message, ChannelMsg::Close) {
                return;
            }
        }
    })
    .await;
}

async fn exec(client: &Client, command: &str) -> Finished {
    let mut channel = open_session(client).await;
    channel.exec(true, command).await.expect("exec sent");
    run_to_close(&mut channel).await
}

#[tokio::test]
async fn listens_on_loopback_only() {
    let server = start(DemoConfig::default()).await;
    assert!(server.address().ip().is_loopback());
    assert_eq!(server.address().port(), server.port());
    assert_ne!(server.port(), 0);
    server.shutdown().await;
}

#[tokio::test]
async fn only_authorized_keys_get_in() {
    let authorized = new_key();
    let server = start(DemoConfig::with_authorized_key(
        authorized.public_key().clone(),
    ))
    .await;

    let mut stranger = connect(&server).await;
    assert!(
        !key_login(&mut stranger, "tester", &new_key())
            .await
            .success()
    );

    let mut friend = connect(&server).await;
    assert!(
        key_login(&mut friend, "tester", &authorized)
            .await
            .success()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn required_user_name_is_enforced() {
    let key = new_key();
    let server = start(DemoConfig {
        user: Some("demo".into()),
        ..DemoConfig::with_authorized_key(key.public_key().clone())
    })
    .await;
    let mut wrong_user = connect(&server).await;
    assert!(!key_login(&mut wrong_user, "root", &key).await.success());
    let mut right_user = connect(&server).await;
    assert!(key_login(&mut right_user, "demo", &key).await.success());
    server.shutdown().await;
}

#[tokio::test]
async fn password_works_only_when_configured_and_correct() {
    let without = start(DemoConfig::default()).await;
    let mut client = connect(&without).await;
    let refused = timeout(WAIT, client.authenticate_password("tester", "secret")).await;
    assert!(!refused.expect("in time").expect("answered").success());
    without.shutdown().await;

    let with = start(DemoConfig {
        password: Some("secret".into()),
        ..DemoConfig::default()
    })
    .await;
    let mut client = connect(&with).await;
    let wrong = timeout(WAIT, client.authenticate_password("tester", "guess")).await;
    assert!(!wrong.expect("in time").expect("answered").success());
    let right = timeout(WAIT, client.authenticate_password("tester", "secret")).await;
    assert!(right.expect("in time").expect("answered").success());
    with.shutdown().await;
}

async fn keyboard_interactive(
    client: &mut Client,
    answer: &str,
) -> KeyboardInteractiveAuthResponse {
    let challenge = timeout(
        WAIT,
        client.authenticate_keyboard_interactive_start("tester", None),
    )
    .await
    .expect("in time")
    .expect("answered");
    let KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } = challenge else {
        panic!("expected a prompt, got {challenge:?}");
    };
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].prompt, KEYBOARD_INTERACTIVE_PROMPT);
    assert!(!prompts[0].echo, "password prompt must not echo");
    timeout(
        WAIT,
        client.authenticate_keyboard_interactive_respond(vec![answer.to_owned()]),
    )
    .await
    .expect("in time")
    .expect("answered")
}

#[tokio::test]
async fn keyboard_interactive_checks_the_password() {
    let server = start(DemoConfig {
        password: Some("secret".into()),
        ..DemoConfig::default()
    })
    .await;
    let mut client = connect(&server).await;
    assert!(matches!(
        keyboard_interactive(&mut client, "guess").await,
        KeyboardInteractiveAuthResponse::Failure { .. }
    ));
    assert!(matches!(
        keyboard_interactive(&mut client, "secret").await,
        KeyboardInteractiveAuthResponse::Success
    ));
    server.shutdown().await;
}

#[tokio::test]
async fn exec_splits_stdout_stderr_and_reports_exit_status() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let finished = exec(&client, "echo hi; echo err >&2; exit 3").await;
    assert_eq!(finished.stdout, "hi\n");
    assert_eq!(finished.stderr, "err\n");
    assert_eq!(finished.exit_status, Some(3));
    assert!(finished.eof_before_close);
    server.shutdown().await;
}

#[tokio::test]
async fn all_output_arrives_before_the_exit_status() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    // Larger than the pipe buffer and the default channel window.
    let finished = exec(&client, "head -c 3000000 /dev/zero | tr '\\0' x").await;
    assert_eq!(finished.stdout.len(), 3_000_000);
    assert_eq!(finished.exit_status, Some(0));
    server.shutdown().await;
}

#[tokio::test]
async fn exit_by_signal_is_reported_as_exit_signal() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel
        .exec(true, "kill -TERM $$")
        .await
        .expect("exec sent");
    let mut signal = None;
    loop {
        match next_message(&mut channel).await {
            Some(ChannelMsg::ExitSignal { signal_name, .. }) => signal = Some(signal_name),
            Some(ChannelMsg::Close) | None => break,
            Some(_) => {}
        }
    }
    assert!(matches!(signal, Some(russh::Sig::TERM)), "{signal:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn pty_exec_sees_the_requested_size_and_term() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel
        .request_pty(true, "xterm-256color", 100, 40, 0, 0, &[])
        .await
        .expect("pty-req sent");
    assert!(request_answer(&mut channel).await);
    channel
        .exec(true, "stty size; echo $TERM")
        .await
        .expect("exec sent");
    let finished = run_to_close(&mut channel).await;
    assert_eq!(finished.stdout, "40 100\r\nxterm-256color\r\n");
    assert_eq!(finished.exit_status, Some(0));
    server.shutdown().await;
}

#[tokio::test]
async fn window_change_resizes_a_running_shell() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel
        .request_pty(true, "xterm", 100, 40, 0, 0, &[])
        .await
        .expect("pty-req sent");
    channel.request_shell(true).await.expect("shell sent");
    channel
        .data_bytes(&b"stty size\n"[..])
        .await
        .expect("typed");
    read_until(&mut channel, "40 100").await;

    channel
        .window_change(132, 50, 0, 0)
        .await
        .expect("resize sent");
    channel
        .data_bytes(&b"stty size\n"[..])
        .await
        .expect("typed");
    read_until(&mut channel, "50 132").await;

    channel.data_bytes(&b"exit 7\n"[..]).await.expect("typed");
    let finished = run_to_close(&mut channel).await;
    assert_eq!(finished.exit_status, Some(7));
    server.shutdown().await;
}

#[tokio::test]
async fn shell_runs_as_the_local_user_in_home() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel.request_shell(true).await.expect("shell sent");
    assert!(request_answer(&mut channel).await);
    channel
        .data_bytes(&b"echo \"home=$(pwd -P) user=$USER\"\n"[..])
        .await
        .expect("typed");
    channel.eof().await.expect("eof sent");
    let finished = run_to_close(&mut channel).await;
    let home = std::fs::canonicalize(std::env::var("HOME").unwrap_or_else(|_| "/".into()))
        .expect("home exists");
    assert!(
        finished
            .stdout
            .contains(&format!("home={}", home.display())),
        "{finished:?}"
    );
    assert!(finished.stdout.contains("user="), "{finished:?}");
    assert_eq!(finished.exit_status, Some(0));
    server.shutdown().await;
}

#[tokio::test]
async fn stdin_reaches_the_command_and_eof_ends_it() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel.exec(true, "tr a-z A-Z").await.expect("exec sent");
    channel.data_bytes(&b"shout\n"[..]).await.expect("typed");
    channel.eof().await.expect("eof sent");
    let finished = run_to_close(&mut channel).await;
    assert_eq!(finished.stdout, "SHOUT\n");
    assert_eq!(finished.exit_status, Some(0));
    server.shutdown().await;
}

#[tokio::test]
async fn only_locale_environment_is_accepted() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel
        .set_env(true, "LANG", "C.UTF-8")
        .await
        .expect("env sent");
    assert!(request_answer(&mut channel).await);
    channel
        .set_env(true, "LD_PRELOAD", "/evil.so")
        .await
        .expect("env sent");
    assert!(!request_answer(&mut channel).await);
    channel
        .exec(true, "echo \"$LANG|$LD_PRELOAD\"")
        .await
        .expect("exec sent");
    let finished = run_to_close(&mut channel).await;
    assert_eq!(finished.stdout, "C.UTF-8|\n");
    server.shutdown().await;
}

#[tokio::test]
async fn session_limit_refuses_like_openssh_and_frees_closed_slots() {
    let (server, client) = logged_in(|key| DemoConfig {
        max_sessions: 2,
        ..DemoConfig::with_authorized_key(key)
    })
    .await;
    let mut first = open_session(&client).await;
    let _second = open_session(&client).await;

    let refused = timeout(WAIT, client.channel_open_session())
        .await
        .expect("answered in time");
    assert!(
        matches!(
            refused,
            Err(russh::Error::ChannelOpenFailure(
                ChannelOpenFailure::ConnectFailed
            ))
        ),
        "{refused:?}"
    );

    close_from_client(&mut first).await;
    let _third = open_session(&client).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_channel_the_server_closed_frees_its_slot() {
    let (server, client) = logged_in(|key| DemoConfig {
        max_sessions: 1,
        ..DemoConfig::with_authorized_key(key)
    })
    .await;
    for _ in 0..3 {
        let finished = exec(&client, "true").await;
        assert_eq!(finished.exit_status, Some(0));
    }
    server.shutdown().await;
}

#[tokio::test]
async fn keepalive_requests_get_an_answer() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    // send_ping sends keepalive@openssh.com with want-reply and waits for the reply.
    timeout(WAIT, client.send_ping())
        .await
        .expect("keepalive answered in time")
        .expect("keepalive sent");
    server.shutdown().await;
}

fn process_exists(pid: i32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

async fn wait_until_gone(pid: i32) {
    timeout(WAIT, async {
        while process_exists(pid) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("child was reaped in time");
}

async fn start_sleeper(channel: &mut Channel<client::Msg>) -> i32 {
    channel
        .exec(true, "echo $$; exec sleep 1000")
        .await
        .expect("exec sent");
    let seen = read_until(channel, "\n").await;
    seen.trim().parse().expect("pid printed")
}

#[tokio::test]
async fn closing_the_channel_kills_the_child() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    let pid = start_sleeper(&mut channel).await;
    assert!(process_exists(pid));
    close_from_client(&mut channel).await;
    wait_until_gone(pid).await;
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_disconnects_clients_and_kills_children() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    let mut channel = open_session(&client).await;
    channel
        .request_pty(true, "xterm", 80, 24, 0, 0, &[])
        .await
        .expect("pty-req sent");
    let pid = start_sleeper(&mut channel).await;
    let port = server.port();
    timeout(WAIT, server.shutdown())
        .await
        .expect("shutdown in time");
    wait_until_gone(pid).await;
    timeout(WAIT, async {
        while !client.is_closed() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("client saw the disconnect");
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let (server, client) = logged_in(DemoConfig::with_authorized_key).await;
    drop(server);
    timeout(WAIT, async {
        while !client.is_closed() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("client saw the disconnect");
}

/// A bare TCP connection that never logs in, and the first thing the server sent on it:
/// `None` when the server closed it unanswered.
async fn raw_connection(server: &DemoServer) -> (tokio::net::TcpStream, Option<String>) {
    use tokio::io::AsyncReadExt;
    let mut stream = timeout(WAIT, tokio::net::TcpStream::connect(server.address()))
        .await
        .expect("connect in time")
        .expect("tcp connect");
    let mut buffer = vec![0u8; 256];
    let read = timeout(WAIT, stream.read(&mut buffer))
        .await
        .expect("the server answers or closes in time");
    let first = match read {
        Ok(0) | Err(_) => None,
        Ok(n) => Some(String::from_utf8_lossy(&buffer[..n]).into_owned()),
    };
    (stream, first)
}

/// Waits (bounded) until the server closes `stream`.
async fn closed_by_server(stream: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = vec![0u8; 4096];
    for _ in 0..64 {
        match timeout(WAIT, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
    false
}

#[tokio::test]
async fn a_connection_that_never_logs_in_is_dropped_after_the_grace_time() {
    let key = new_key();
    // Long enough for the client meant to log in to do so in a debug build on a busy machine;
    // `closed_by_server` waits far longer, so a connection that is never dropped still fails.
    let server = start(DemoConfig {
        login_grace_time: Duration::from_secs(3),
        ..DemoConfig::with_authorized_key(key.public_key().clone())
    })
    .await;
    let mut client = connect(&server).await;
    assert!(key_login(&mut client, "tester", &key).await.success());

    // Connected after the client logged in, so its grace time ends later than the client's.
    let (mut idle, banner) = raw_connection(&server).await;
    assert!(
        banner.is_some_and(|b| b.starts_with("SSH-2.0-")),
        "admitted"
    );
    assert!(
        closed_by_server(&mut idle).await,
        "still open past the grace time"
    );
    // The logged-in client's grace time has passed too; it is not affected.
    let finished = exec(&client, "echo still-here").await;
    assert_eq!(finished.stdout, "still-here\n");
}

#[tokio::test]
async fn unauthenticated_connections_past_the_cap_are_closed_unanswered() {
    let key = new_key();
    let server = start(DemoConfig {
        max_unauthenticated: 2,
        ..DemoConfig::with_authorized_key(key.public_key().clone())
    })
    .await;
    let (first, first_banner) = raw_connection(&server).await;
    let (second, second_banner) = raw_connection(&server).await;
    assert!(first_banner.is_some() && second_banner.is_some());
    let (_third, third_banner) = raw_connection(&server).await;
    assert_eq!(
        third_banner, None,
        "a third unauthenticated connection was served"
    );

    // Their slots free up when they go away (noticed by the server shortly after).
    drop((first, second));
    let mut admitted = false;
    for _ in 0..100 {
        if raw_connection(&server).await.1.is_some() {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(admitted, "slots never freed");
    let mut client = connect(&server).await;
    assert!(key_login(&mut client, "tester", &key).await.success());
}

#[tokio::test]
async fn connections_past_the_total_cap_are_closed_unanswered() {
    let key = new_key();
    let server = start(DemoConfig {
        max_connections: 2,
        ..DemoConfig::with_authorized_key(key.public_key().clone())
    })
    .await;
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut client = connect(&server).await;
        assert!(key_login(&mut client, "tester", &key).await.success());
        clients.push(client);
    }
    let (_third, banner) = raw_connection(&server).await;
    assert_eq!(banner, None, "a third connection was served");
    let finished = exec(&clients[1], "echo served").await;
    assert_eq!(finished.stdout, "served\n");
}
