//! tabsh's SSH client against real servers: OpenSSH sshd and dropbear, started per test.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tabsh::profiles::{AuthMethod, TcpKeepalive};
use tabsh::ssh::{
    Answer, BatchPrompter, ChannelEvent, ConnectOptions, Connection, FnPrompter, HostKeyDecision,
    Prompt, Prompter, PtyRequest, SessionChannel, SessionRequest, SshError,
};

use crate::support::{
    Agent, Dropbear, DropbearOptions, ENCRYPTED_KEY_PASSPHRASE, Sshd, SshdOptions,
    TEST_USER_PASSWORD, test_user, user_keys,
};

const WAIT: Duration = Duration::from_secs(20);
/// How long a server may take to free the slot of a closed channel (its process must exit
/// first), and how many 100 ms-apart tries that is at most.
pub const REOPEN_WAIT: Duration = Duration::from_secs(30);
pub const REOPEN_TRIES: u32 = 300;

pub fn options(
    port: u16,
    known_hosts: &Path,
    auth: &[AuthMethod],
    key: Option<&Path>,
) -> ConnectOptions {
    ConnectOptions {
        host: "127.0.0.1".to_owned(),
        port,
        user: test_user().name.to_owned(),
        auth: auth.to_vec(),
        identity_file: key.map(Path::to_owned),
        certificate_file: None,
        known_hosts: known_hosts.to_owned(),
        system_known_hosts: None,
        agent_socket: None,
        client_key: None,
        pinned_host_key: None,
        tcp_keepalive: TcpKeepalive::default(),
        anti_idle: true,
        connect_timeout: Duration::from_secs(10),
        route: tabsh::ssh::Route::Direct,
        forward_agent: false,
    }
}

fn key_options(port: u16, known_hosts: &Path) -> ConnectOptions {
    options(
        port,
        known_hosts,
        &[AuthMethod::Key],
        Some(&user_keys().ed25519.private),
    )
}

fn batch() -> Arc<dyn Prompter> {
    Arc::new(BatchPrompter)
}

/// Everything a command printed, its stderr and its exit status, read until the channel closes.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: Option<u32>,
}

pub async fn collect(mut session: SessionChannel) -> Output {
    let mut output = Output {
        stdout: String::new(),
        stderr: String::new(),
        status: None,
    };
    loop {
        let event = tokio::time::timeout(WAIT, session.events.recv())
            .await
            .expect("channel events within the time limit");
        match event {
            Some(ChannelEvent::Data(bytes)) => output.stdout += &String::from_utf8_lossy(&bytes),
            Some(ChannelEvent::Stderr(bytes)) => output.stderr += &String::from_utf8_lossy(&bytes),
            Some(ChannelEvent::ExitStatus(status)) => output.status = Some(status),
            Some(ChannelEvent::Closed) | None => return output,
            Some(_) => {}
        }
    }
}

pub async fn run(connection: &Connection, command: &str) -> Output {
    let request = SessionRequest {
        pty: None,
        command: Some(command.to_owned()),
    };
    collect(
        connection
            .open_session(&request)
            .await
            .expect("session opens"),
    )
    .await
}

/// Reads a shell's output until `needle` shows up (bounded by WAIT).
pub async fn read_until(session: &mut SessionChannel, needle: &str) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !seen.contains(needle) {
        let event = tokio::time::timeout_at(deadline, session.events.recv())
            .await
            .unwrap_or_else(|_| panic!("{needle:?} did not appear; saw {seen:?}"));
        match event {
            Some(ChannelEvent::Data(bytes)) => seen += &String::from_utf8_lossy(&bytes),
            Some(ChannelEvent::Closed) | None => {
                panic!("channel closed before {needle:?}; saw {seen:?}")
            }
            Some(_) => {}
        }
    }
    seen
}

async fn connect(
    options: &ConnectOptions,
    prompter: Arc<dyn Prompter>,
) -> Result<Connection, SshError> {
    tokio::time::timeout(WAIT, Connection::connect(options, prompter))
        .await
        .expect("connect finishes within the time limit")
}

#[tokio::test]
async fn exec_returns_stdout_stderr_and_exit_status() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let connection = connect(&key_options(sshd.port(), &known_hosts), batch())
        .await
        .unwrap();

    let output = run(&connection, "echo hello; echo oops >&2; exit 7").await;
    assert_eq!(output.stdout, "hello\n");
    assert_eq!(output.stderr, "oops\n");
    assert_eq!(output.status, Some(7));

    let output = run(&connection, "id -un").await;
    assert_eq!(output.stdout.trim(), test_user().name);
    assert_eq!(output.status, Some(0));
}

#[tokio::test]
async fn every_key_format_logs_in_to_sshd() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let keys = user_keys();
    for key in [&keys.ed25519, &keys.rsa, &keys.rsa_pkcs8, &keys.ecdsa] {
        let options = options(
            sshd.port(),
            &known_hosts,
            &[AuthMethod::Key],
            Some(&key.private),
        );
        let connection = connect(&options, batch())
            .await
            .unwrap_or_else(|e| panic!("{} should log in: {e}", key.private.display()));
        assert_eq!(run(&connection, "echo ok").await.stdout, "ok\n");
    }
    // RSA must have used rsa-sha2 (OpenSSH 9 refuses SHA-1 ssh-rsa); the log names the algorithm.
    let log = sshd.log();
    assert!(
        log.contains("RSA SHA256") || log.contains("rsa-sha2"),
        "{log}"
    );
}

#[tokio::test]
async fn an_encrypted_key_asks_for_its_passphrase_until_right() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let key = &user_keys().ed25519_encrypted.private;
    let asked = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&asked);
    let prompter = FnPrompter(move |prompt: &Prompt| match prompt {
        Prompt::Passphrase { attempt, .. } => {
            counter.fetch_add(1, Ordering::SeqCst);
            if *attempt == 1 {
                Answer::Secret("wrong".into())
            } else {
                Answer::Secret(ENCRYPTED_KEY_PASSPHRASE.into())
            }
        }
        _ => Answer::Cancel,
    });
    let options = options(sshd.port(), &known_hosts, &[AuthMethod::Key], Some(key));
    let connection = connect(&options, Arc::new(prompter)).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(run(&connection, "echo ok").await.stdout, "ok\n");

    // Nobody to ask: the error says the passphrase was not answered.
    let error = connect(&options, batch()).await.unwrap_err();
    assert!(matches!(error, SshError::Cancelled { .. }), "{error}");
    assert!(error.to_string().contains("passphrase"), "{error}");
}

fn password_prompter(password: &'static str) -> Arc<dyn Prompter> {
    Arc::new(FnPrompter(move |prompt: &Prompt| match prompt {
        Prompt::Password { .. } => Answer::Secret(password.into()),
        Prompt::KeyboardInteractive { prompts, .. } => {
            Answer::Responses(prompts.iter().map(|_| password.into()).collect())
        }
        _ => Answer::Cancel,
    }))
}

#[tokio::test]
async fn password_authentication_against_sshd() {
    let sshd = Sshd::start(SshdOptions {
        kbd_interactive: false,
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let options = options(sshd.port(), &known_hosts, &[AuthMethod::Password], None);
    let connection = connect(&options, password_prompter(TEST_USER_PASSWORD))
        .await
        .unwrap();
    assert_eq!(run(&connection, "echo in").await.stdout, "in\n");

    let error = connect(&options, password_prompter("not-the-password"))
        .await
        .unwrap_err();
    match &error {
        SshError::AuthenticationFailed {
            tried,
            server_accepts,
            ..
        } => {
            assert!(
                tried.iter().any(|t| t.contains("password (rejected)")),
                "{error}"
            );
            assert!(server_accepts.iter().any(|m| m == "password"), "{error}");
        }
        other => panic!("expected AuthenticationFailed, got {other}"),
    }
}

#[tokio::test]
async fn keyboard_interactive_through_pam_against_sshd() {
    let sshd = Sshd::start(SshdOptions {
        password: false,
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&asked);
    let prompter = FnPrompter(move |prompt: &Prompt| match prompt {
        Prompt::KeyboardInteractive { prompts, .. } => {
            record
                .lock()
                .unwrap()
                .extend(prompts.iter().map(|p| (p.text.clone(), p.echo)));
            Answer::Responses(vec![TEST_USER_PASSWORD.into(); prompts.len()])
        }
        _ => Answer::Cancel,
    });
    let options = options(
        sshd.port(),
        &known_hosts,
        &[AuthMethod::KeyboardInteractive],
        None,
    );
    let connection = connect(&options, Arc::new(prompter)).await.unwrap();
    assert_eq!(run(&connection, "echo kbd").await.stdout, "kbd\n");
    let asked = asked.lock().unwrap();
    assert!(
        asked
            .iter()
            .any(|(text, echo)| text.to_lowercase().contains("password") && !echo),
        "PAM asks for the password without echo: {asked:?}"
    );
}

#[tokio::test]
async fn agent_keys_log_in() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let agent = Agent::start();
    agent.add(&user_keys().rsa.private);
    let mut options = options(sshd.port(), &known_hosts, &[AuthMethod::Agent], None);
    options.agent_socket = Some(agent.sock().to_owned());
    let connection = connect(&options, batch()).await.unwrap();
    assert_eq!(run(&connection, "echo agent").await.stdout, "agent\n");

    // An agent with no usable key is reported as tried.
    let empty = Agent::start();
    options.agent_socket = Some(empty.sock().to_owned());
    let error = connect(&options, batch()).await.unwrap_err();
    assert!(
        error.to_string().contains("agent (holds no keys)"),
        "{error}"
    );
}

#[tokio::test]
async fn an_unauthorized_key_fails_naming_what_was_tried() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let key = &user_keys().unauthorized.private;
    let options = options(sshd.port(), &known_hosts, &[AuthMethod::Key], Some(key));
    let error = connect(&options, batch()).await.unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, SshError::AuthenticationFailed { .. }),
        "{text}"
    );
    assert!(
        text.contains(&format!("key {} (rejected)", key.display())),
        "{text}"
    );
    assert!(text.contains("publickey"), "{text}");
}

fn host_key_prompter(decision: HostKeyDecision, asked: Arc<AtomicU32>) -> Arc<dyn Prompter> {
    Arc::new(FnPrompter(move |prompt: &Prompt| match prompt {
        Prompt::UnknownHostKey { fingerprint, .. } => {
            assert!(fingerprint.starts_with("SHA256:"));
            asked.fetch_add(1, Ordering::SeqCst);
            Answer::HostKey(decision)
        }
        _ => Answer::Cancel,
    }))
}

#[tokio::test]
async fn unknown_host_keys_are_asked_about_and_saved_only_when_told() {
    let sshd = Sshd::start(SshdOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let known_hosts = dir.path().join("known_hosts");
    let options = key_options(sshd.port(), &known_hosts);
    let asked = Arc::new(AtomicU32::new(0));

    let error = connect(
        &options,
        host_key_prompter(HostKeyDecision::Reject, Arc::clone(&asked)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, SshError::HostKeyNotTrusted { .. }),
        "{error}"
    );

    let error = connect(&options, batch()).await.unwrap_err();
    assert!(matches!(error, SshError::Cancelled { .. }), "{error}");
    assert!(
        error.to_string().contains("nobody could be asked"),
        "{error}"
    );
    assert!(error.to_string().contains("SHA256:"), "{error}");

    connect(
        &options,
        host_key_prompter(HostKeyDecision::AcceptOnce, Arc::clone(&asked)),
    )
    .await
    .unwrap();
    assert!(
        !known_hosts.exists(),
        "accept-once must not write known_hosts"
    );

    connect(
        &options,
        host_key_prompter(HostKeyDecision::AcceptAndSave, Arc::clone(&asked)),
    )
    .await
    .unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 3);
    let saved = std::fs::read_to_string(&known_hosts).unwrap();
    assert_eq!(saved.trim(), sshd.known_hosts_line());

    // Now known: no question, even in batch mode.
    connect(&options, batch()).await.unwrap();
}

#[tokio::test]
async fn a_changed_host_key_is_refused_naming_line_and_both_fingerprints() {
    let sshd = Sshd::start(SshdOptions::default());
    let other = Sshd::start(SshdOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let known_hosts = dir.path().join("known_hosts");
    // Line 2 records another server's key under this server's name.
    std::fs::write(
        &known_hosts,
        format!(
            "# first line\n[127.0.0.1]:{} {}\n",
            sshd.port(),
            other.host_key_public()
        ),
    )
    .unwrap();
    let asked = Arc::new(AtomicU32::new(0));
    let prompter = host_key_prompter(HostKeyDecision::AcceptAndSave, Arc::clone(&asked));
    let error = connect(&key_options(sshd.port(), &known_hosts), prompter)
        .await
        .unwrap_err();
    let SshError::HostKeyChanged {
        line,
        recorded_fingerprint,
        offered_fingerprint,
        ..
    } = &error
    else {
        panic!("expected HostKeyChanged, got {error}");
    };
    assert_eq!(*line, 2);
    assert_ne!(recorded_fingerprint, offered_fingerprint);
    let text = error.to_string();
    assert!(text.contains("HOST KEY CHANGED"), "{text}");
    assert!(
        text.contains(&format!("{}:2", known_hosts.display())),
        "{text}"
    );
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "a changed key is never offered for acceptance"
    );
}

#[tokio::test]
async fn pty_size_and_window_change_reach_the_remote_shell() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let connection = connect(&key_options(sshd.port(), &known_hosts), batch())
        .await
        .unwrap();

    let pty = Some(PtyRequest {
        term: "xterm-256color".to_owned(),
        cols: 100,
        rows: 40,
    });
    let output = collect(
        connection
            .open_session(&SessionRequest {
                pty: pty.clone(),
                command: Some("stty size; echo $TERM".to_owned()),
            })
            .await
            .unwrap(),
    )
    .await;
    assert!(output.stdout.contains("40 100"), "{}", output.stdout);
    assert!(
        output.stdout.contains("xterm-256color"),
        "{}",
        output.stdout
    );

    let mut shell = connection
        .open_session(&SessionRequest { pty, command: None })
        .await
        .unwrap();
    shell.handle.write(&b"stty size\n"[..]);
    read_until(&mut shell, "40 100").await;
    shell.handle.resize(120, 50);
    shell.handle.write(&b"stty size\n"[..]);
    read_until(&mut shell, "50 120").await;
    shell.handle.write(&b"exit 0\n"[..]);
    let rest = collect(shell).await;
    assert_eq!(rest.status, Some(0));
}

#[tokio::test]
async fn a_refused_channel_carries_the_servers_reason_and_closing_frees_the_slot() {
    let sshd = Sshd::start(SshdOptions {
        max_sessions: Some(1),
        ..SshdOptions::default()
    });
    let known_hosts = sshd.write_known_hosts();
    let connection = connect(&key_options(sshd.port(), &known_hosts), batch())
        .await
        .unwrap();
    let shell_request = SessionRequest {
        pty: Some(PtyRequest {
            term: "xterm".to_owned(),
            cols: 80,
            rows: 24,
        }),
        command: None,
    };
    let first = connection.open_session(&shell_request).await.unwrap();

    let error = connection.open_session(&shell_request).await.unwrap_err();
    match &error {
        SshError::ChannelRefused {
            code, description, ..
        } => {
            assert_eq!(*code, 2, "{error}");
            assert_eq!(description, "open failed", "{error}");
        }
        other => panic!("expected ChannelRefused, got {other}"),
    }
    assert!(error.to_string().contains("MaxSessions"), "{error}");
    crate::support::wait_until(Duration::from_secs(5), Duration::from_millis(50), || {
        sshd.log().contains("no more sessions")
    });

    // Closing sends CLOSE; sshd frees the slot once the channel is closed and its process has
    // exited, which for a pty shell is at once (SIGHUP).
    first.handle.close();
    let closed = collect(first).await;
    assert_eq!(closed.status, None);
    let mut reopened = None;
    let deadline = tokio::time::Instant::now() + REOPEN_WAIT;
    for _ in 0..REOPEN_TRIES {
        match connection.open_session(&shell_request).await {
            Ok(session) => {
                reopened = Some(session);
                break;
            }
            Err(SshError::ChannelRefused { .. }) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(SshError::ChannelRefused { .. }) => break,
            Err(other) => panic!("unexpected error while reopening: {other}"),
        }
    }
    let mut second = reopened.expect("the closed channel's slot is freed in time");
    second.handle.write(&b"echo second-shell\n"[..]);
    read_until(&mut second, "second-shell").await;
}

#[tokio::test]
async fn a_dead_server_is_reported_as_connection_lost() {
    let mut sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let connection = connect(&key_options(sshd.port(), &known_hosts), batch())
        .await
        .unwrap();
    let session = connection
        .open_session(&SessionRequest {
            pty: None,
            command: Some("sleep 30".to_owned()),
        })
        .await
        .unwrap();
    let mut link = connection.link_state();
    sshd.stop();
    // The channel ends, and the connection says why.
    let output = collect(session).await;
    assert_eq!(output.status, None);
    tokio::time::timeout(
        WAIT,
        link.wait_for(|state| *state != tabsh::ssh::LinkState::Up),
    )
    .await
    .expect("link state changes")
    .unwrap();
    let error = connection
        .open_session(&SessionRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(error, SshError::ConnectionLost { .. }), "{error}");
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let closed = crate::support::ports::ClosedPort::hold();
    let dir = tempfile::tempdir().unwrap();
    let error = connect(&key_options(closed.port(), &dir.path().join("kh")), batch())
        .await
        .unwrap_err();
    assert!(
        matches!(error, SshError::ConnectionRefused { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // A listener with a full accept queue drops further SYNs, so connect never completes.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(stream) = std::net::TcpStream::connect_timeout(
            &format!("127.0.0.1:{port}").parse().unwrap(),
            Duration::from_millis(300),
        ) {
            fillers.push(stream);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut options = key_options(port, &dir.path().join("kh"));
    options.connect_timeout = Duration::from_secs(1);
    let error = connect(&options, batch()).await.unwrap_err();
    assert!(
        matches!(error, SshError::ConnectTimedOut { .. }),
        "expected a time-out, got {error}"
    );
}

#[tokio::test]
async fn dropbear_runs_commands_with_key_and_password() {
    let dropbear = Dropbear::start(DropbearOptions::default());
    let known_hosts = dropbear.write_known_hosts();
    let connection = connect(&key_options(dropbear.port(), &known_hosts), batch())
        .await
        .unwrap();
    let output = run(&connection, "echo from-dropbear; exit 4").await;
    assert_eq!(output.stdout, "from-dropbear\n");
    assert_eq!(output.status, Some(4));

    let options = options(dropbear.port(), &known_hosts, &[AuthMethod::Password], None);
    let connection = connect(&options, password_prompter(TEST_USER_PASSWORD))
        .await
        .unwrap();
    assert_eq!(run(&connection, "echo pw").await.stdout, "pw\n");
}

/// Answers a host-key question with "trust once", after thinking for `delay`.
struct SlowReader {
    delay: Duration,
}

impl Prompter for SlowReader {
    fn ask(&self, _prompt: Prompt) -> tabsh::ssh::PromptFuture<'_> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            Answer::HostKey(HostKeyDecision::AcceptOnce)
        })
    }
}

#[tokio::test]
async fn a_slow_reader_of_the_host_key_question_never_sees_a_time_out() {
    let sshd = Sshd::start(SshdOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let mut options = key_options(sshd.port(), &dir.path().join("empty_known_hosts"));
    // The machine's part gets five seconds (room for a debug build's key exchange on a busy
    // machine); the person takes longer than that to answer.
    options.connect_timeout = Duration::from_secs(5);
    let reader = Arc::new(SlowReader {
        delay: Duration::from_secs(7),
    });
    let connection = connect(&options, reader).await.expect("connects");
    let output = run(&connection, "echo after-thinking").await;
    assert_eq!(output.stdout, "after-thinking\n");
}
