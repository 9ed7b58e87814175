//! tabsh's client against the in-process demo server: the fast cases (no sshd to start).

use std::sync::Arc;

use tabsh::demo::{DemoConfig, DemoServer};
use tabsh::profiles::AuthMethod;
use tabsh::ssh::{Answer, Connection, FnPrompter, Prompt, SessionRequest, SshError};

use crate::ssh_client::{options, run};

/// A demo server taking the password `demo-pass`, and a known_hosts file trusting it.
pub async fn demo_with_password(
    max_sessions: u32,
) -> (DemoServer, tempfile::TempDir, std::path::PathBuf) {
    let server = DemoServer::start(DemoConfig {
        password: Some("demo-pass".into()),
        max_sessions,
        shell: Some("/bin/sh".into()),
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let known_hosts = dir.path().join("known_hosts");
    let key = server.host_public_key().to_openssh().unwrap();
    std::fs::write(
        &known_hosts,
        format!("[127.0.0.1]:{} {key}\n", server.port()),
    )
    .unwrap();
    (server, dir, known_hosts)
}

/// A prompter answering every password or keyboard-interactive question with `secret`.
pub fn answers(secret: &'static str) -> Arc<FnPrompter<impl Fn(&Prompt) -> Answer + Send + Sync>> {
    Arc::new(FnPrompter(move |prompt: &Prompt| match prompt {
        Prompt::Password { .. } => Answer::Secret(secret.into()),
        Prompt::KeyboardInteractive { prompts, .. } => {
            Answer::Responses(vec![secret.into(); prompts.len()])
        }
        _ => Answer::Cancel,
    }))
}

#[tokio::test]
async fn password_and_keyboard_interactive_against_the_demo_server() {
    let (server, _dir, known_hosts) = demo_with_password(10).await;
    for method in [AuthMethod::Password, AuthMethod::KeyboardInteractive] {
        let options = options(server.port(), &known_hosts, &[method], None);
        let connection = Connection::connect(&options, answers("demo-pass"))
            .await
            .unwrap();
        assert_eq!(run(&connection, "echo fast").await.stdout, "fast\n");

        let error = Connection::connect(&options, answers("wrong"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, SshError::AuthenticationFailed { .. }),
            "{error}"
        );
        assert!(error.to_string().contains(method.as_str()), "{error}");
    }
}

#[tokio::test]
async fn the_demo_servers_session_limit_is_refused_like_sshd() {
    let (server, _dir, known_hosts) = demo_with_password(2).await;
    let options = options(server.port(), &known_hosts, &[AuthMethod::Password], None);
    let connection = Connection::connect(&options, answers("demo-pass"))
        .await
        .unwrap();
    let request = SessionRequest {
        pty: None,
        command: Some("sleep 20".to_owned()),
    };
    let _first = connection.open_session(&request).await.unwrap();
    let _second = connection.open_session(&request).await.unwrap();
    let error = connection.open_session(&request).await.unwrap_err();
    match &error {
        SshError::ChannelRefused {
            code, description, ..
        } => {
            assert_eq!(*code, 2);
            assert_eq!(description, "open failed");
        }
        other => panic!("expected ChannelRefused, got {other}"),
    }
}

#[tokio::test]
async fn the_builtin_demo_profile_logs_in_with_its_in_memory_key() {
    let demo = tabsh::demo::BuiltinDemo::start(tabsh::demo::DEFAULT_MAX_SESSIONS)
        .await
        .unwrap();
    let profile = tabsh::profiles::Profile {
        builtin_demo: true,
        host: "ignored.example".to_owned(),
        ..Default::default()
    };
    let options = demo.connect_options(&profile);
    assert_eq!(options.port, demo.port());
    let connection = Connection::connect(&options, Arc::new(tabsh::ssh::BatchPrompter))
        .await
        .unwrap();
    let output = run(&connection, "echo demo-$((6*7))").await;
    assert_eq!(output.stdout, "demo-42\n");

    // A server showing another key is refused even though nothing is in known_hosts.
    let other = tabsh::demo::BuiltinDemo::start(tabsh::demo::DEFAULT_MAX_SESSIONS)
        .await
        .unwrap();
    let mut wrong = demo.connect_options(&profile);
    wrong.port = other.port();
    let error = Connection::connect(&wrong, Arc::new(tabsh::ssh::BatchPrompter))
        .await
        .unwrap_err();
    assert!(
        matches!(error, SshError::HostKeyNotTrusted { .. }),
        "{error}"
    );
}
