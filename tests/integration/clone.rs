//! Clone's foundation against real servers: many session channels on one connection, the
//! server's per-connection limit, its refusal text, and slots freed by CLOSE.

use std::sync::Arc;
use std::time::Duration;

use tabsh::profiles::AuthMethod;
use tabsh::ssh::{
    BatchPrompter, ConnectOptions, Connection, PtyRequest, SessionChannel, SessionRequest, SshError,
};

use crate::demo_client::{answers, demo_with_password};
use crate::ssh_client::{REOPEN_TRIES, REOPEN_WAIT, collect, options, read_until};
use crate::support::{Dropbear, DropbearOptions, Sshd, SshdOptions, user_keys};

fn shell() -> SessionRequest {
    SessionRequest {
        pty: Some(PtyRequest {
            term: "xterm-256color".to_owned(),
            cols: 80,
            rows: 24,
        }),
        command: None,
    }
}

async fn connect(options: &ConnectOptions) -> Connection {
    tokio::time::timeout(
        Duration::from_secs(20),
        Connection::connect(options, Arc::new(BatchPrompter)),
    )
    .await
    .expect("connects in time")
    .expect("connects")
}

fn key_login(port: u16, known_hosts: &std::path::Path) -> ConnectOptions {
    options(
        port,
        known_hosts,
        &[AuthMethod::Key],
        Some(&user_keys().ed25519.private),
    )
}

/// Opens `count` shells at once (as clones from several tabs would) and returns the results.
async fn open_at_once(
    connection: &Connection,
    count: usize,
) -> Vec<Result<SessionChannel, SshError>> {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let connection = connection.clone();
            tokio::spawn(async move { connection.open_session(&shell()).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("opens in time")
                .expect("task ran"),
        );
    }
    results
}

/// Every shell answers on its own channel.
async fn each_answers(sessions: &mut [SessionChannel]) {
    for (index, session) in sessions.iter_mut().enumerate() {
        session
            .handle
            .write(format!("echo shell-{index}-$((7*6))\n"));
        read_until(session, &format!("shell-{index}-42")).await;
    }
}

async fn close_one(session: SessionChannel) {
    session.handle.close();
    collect(session).await;
}

/// sshd frees a slot once the closed channel's shell has exited; retry within a bound.
async fn open_when_freed(connection: &Connection) -> SessionChannel {
    let deadline = tokio::time::Instant::now() + REOPEN_WAIT;
    for _ in 0..REOPEN_TRIES {
        match connection.open_session(&shell()).await {
            Ok(session) => return session,
            Err(SshError::ChannelRefused { .. }) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(SshError::ChannelRefused { .. }) => break,
            Err(other) => panic!("unexpected: {other}"),
        }
    }
    panic!("the slot was not freed within {REOPEN_WAIT:?}");
}

fn assert_sshd_refusal(error: &SshError) {
    match error {
        SshError::ChannelRefused {
            code, description, ..
        } => {
            assert_eq!(*code, 2, "{error}");
            assert_eq!(description, "open failed", "{error}");
        }
        other => panic!("expected a refusal, got {other}"),
    }
}

async fn sshd_limit(max_sessions: u32) {
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(max_sessions),
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let connection = connect(&key_login(sshd.port(), &known_hosts)).await;

    let results = open_at_once(&connection, max_sessions as usize + 1).await;
    let (mut open, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!(
        open.len(),
        max_sessions as usize,
        "exactly MaxSessions open"
    );
    assert_eq!(refused.len(), 1);
    assert_sshd_refusal(refused[0].as_ref().expect_err("refused"));
    let mut open: Vec<SessionChannel> = open.drain(..).map(Result::unwrap).collect();
    each_answers(&mut open).await;
    assert!(sshd.log().contains("no more sessions"));

    // Close one, and a new one fits.
    close_one(open.remove(0)).await;
    let mut reopened = vec![open_when_freed(&connection).await];
    each_answers(&mut reopened).await;
    assert_sshd_refusal(&connection.open_session(&shell()).await.unwrap_err());
}

#[tokio::test]
async fn sshd_max_sessions_1() {
    sshd_limit(1).await;
}

#[tokio::test]
async fn sshd_max_sessions_2() {
    sshd_limit(2).await;
}

#[tokio::test]
async fn sshd_max_sessions_10_with_clones_opened_at_once() {
    sshd_limit(10).await;
}

#[tokio::test]
async fn dropbear_takes_many_sessions_on_one_connection() {
    let dropbear = Dropbear::start(DropbearOptions::default());
    let known_hosts = dropbear.write_known_hosts();
    let connection = connect(&key_login(dropbear.port(), &known_hosts)).await;
    let results = open_at_once(&connection, 12).await;
    let mut open: Vec<SessionChannel> = results
        .into_iter()
        .map(|r| r.expect("dropbear opens"))
        .collect();
    each_answers(&mut open).await;
    close_one(open.remove(0)).await;
    let mut again = vec![connection.open_session(&shell()).await.expect("reopens")];
    each_answers(&mut again).await;
}

#[tokio::test]
async fn the_demo_server_limits_sessions_like_sshd() {
    let (server, _dir, known_hosts) = demo_with_password(3).await;
    let options = options(server.port(), &known_hosts, &[AuthMethod::Password], None);
    let prompter = answers("demo-pass");
    let connection = Connection::connect(&options, prompter).await.unwrap();
    let results = open_at_once(&connection, 4).await;
    let (open, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert_eq!((open.len(), refused.len()), (3, 1));
    assert_sshd_refusal(refused[0].as_ref().expect_err("refused"));
    let mut open: Vec<SessionChannel> = open.into_iter().map(Result::unwrap).collect();
    close_one(open.remove(0)).await;
    let mut reopened = vec![open_when_freed(&connection).await];
    each_answers(&mut reopened).await;
}
