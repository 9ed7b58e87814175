//! User certificates against a real sshd that trusts a user CA (`TrustedUserCAKeys`) and has
//! none of the keys in authorized_keys: only a certificate can log in. The sshd log names the
//! certificate it accepted (its key id), so each test proves which credential worked.

use std::sync::Arc;
use std::time::Duration;

use tabsh::profiles::AuthMethod;
use tabsh::ssh::{BatchPrompter, ConnectOptions, Connection, Prompter, SshError};

use crate::ssh_client::{options, run};
use crate::support::user_ca::UserCa;
use crate::support::{Agent, Sshd, SshdOptions, wait_until};

const WAIT: Duration = Duration::from_secs(20);

fn sshd_trusting(ca: &UserCa) -> Sshd {
    Sshd::start(SshdOptions {
        extra: vec![ca.sshd_line()],
        ..SshdOptions::default()
    })
}

async fn connect(options: &ConnectOptions) -> Result<Connection, SshError> {
    let prompter: Arc<dyn Prompter> = Arc::new(BatchPrompter);
    tokio::time::timeout(WAIT, Connection::connect(options, prompter))
        .await
        .expect("connect finishes within the time limit")
}

/// Waits (bounded) until sshd logged that it accepted the certificate with key id `id`.
fn assert_accepted_certificate(sshd: &Sshd, id: &str) {
    let marker = format!("ID {id} (serial");
    let logged = wait_until(WAIT, Duration::from_millis(50), || {
        sshd.log()
            .lines()
            .any(|line| line.contains("Accepted publickey") && line.contains(&marker))
    });
    assert!(
        logged,
        "sshd did not log accepting certificate {id}:\n{}",
        sshd.log()
    );
}

#[tokio::test]
async fn the_certificate_beside_a_key_file_logs_in_where_the_key_alone_is_refused() {
    let ca = UserCa::new();
    let sshd = sshd_trusting(&ca);
    let known_hosts = sshd.write_known_hosts();
    let key = ca.new_key("beside", &["-t", "ed25519"]);
    let options = options(
        sshd.port(),
        &known_hosts,
        &[AuthMethod::Key],
        Some(&key.private),
    );

    let refused = connect(&options).await.expect_err("no certificate yet");
    assert!(
        matches!(refused, SshError::AuthenticationFailed { .. }),
        "{refused}"
    );

    let cert = ca.sign(&key, "tabsh-cert-beside");
    let connection = connect(&options).await.expect("the certificate logs in");
    assert_eq!(run(&connection, "echo cert").await.stdout, "cert\n");
    assert_accepted_certificate(&sshd, "tabsh-cert-beside");
    assert!(cert.exists());
}

#[tokio::test]
async fn an_explicit_certificate_file_logs_in_with_an_rsa_key_over_rsa_sha2() {
    let ca = UserCa::new();
    let sshd = sshd_trusting(&ca);
    let known_hosts = sshd.write_known_hosts();
    let key = ca.new_key("rsa", &["-t", "rsa", "-b", "3072"]);
    let signed = ca.sign(&key, "tabsh-cert-explicit-rsa");
    // Away from the key, so only the explicit setting can find it.
    let elsewhere = ca.dir().join("certs");
    std::fs::create_dir(&elsewhere).unwrap();
    let cert = elsewhere.join("work-cert.pub");
    std::fs::rename(&signed, &cert).unwrap();

    let mut options = options(
        sshd.port(),
        &known_hosts,
        &[AuthMethod::Key],
        Some(&key.private),
    );
    connect(&options)
        .await
        .expect_err("without the setting the certificate is not found");
    options.certificate_file = Some(cert.clone());
    let connection = connect(&options).await.expect("the certificate logs in");
    assert_eq!(run(&connection, "echo rsa-cert").await.stdout, "rsa-cert\n");
    assert_accepted_certificate(&sshd, "tabsh-cert-explicit-rsa");
    // OpenSSH 9 refuses ssh-rsa-cert-v01 (SHA-1): the certificate went as rsa-sha2-*-cert.
    let log = sshd.log();
    assert!(
        log.lines()
            .any(|line| line.contains("pkalg rsa-sha2-") && line.contains("-cert-v01@openssh.com")),
        "no rsa-sha2 certificate algorithm in the sshd log:\n{log}"
    );
}

#[tokio::test]
async fn certificates_held_by_ssh_agent_log_in() {
    let ca = UserCa::new();
    let sshd = sshd_trusting(&ca);
    let known_hosts = sshd.write_known_hosts();
    let key = ca.new_key("agent", &["-t", "ed25519"]);
    ca.sign(&key, "tabsh-cert-in-agent");
    let agent = Agent::start();
    // ssh-add loads the -cert.pub beside the key too.
    agent.add(&key.private);
    assert!(agent.list().contains("ED25519-CERT"), "{}", agent.list());

    let mut options = options(sshd.port(), &known_hosts, &[AuthMethod::Agent], None);
    options.agent_socket = Some(agent.sock().to_owned());
    let connection = connect(&options)
        .await
        .expect("the agent's certificate logs in");
    assert_eq!(
        run(&connection, "echo agent-cert").await.stdout,
        "agent-cert\n"
    );
    assert_accepted_certificate(&sshd, "tabsh-cert-in-agent");
}

#[tokio::test]
async fn a_certificate_file_whose_key_only_the_agent_holds_is_signed_by_the_agent() {
    let ca = UserCa::new();
    let sshd = sshd_trusting(&ca);
    let known_hosts = sshd.write_known_hosts();
    let key = ca.new_key("agent_key", &["-t", "ed25519"]);
    let agent = Agent::start();
    // Added before the certificate exists: the agent holds the plain key only.
    agent.add(&key.private);
    assert!(!agent.list().contains("CERT"), "{}", agent.list());
    let cert = ca.sign(&key, "tabsh-cert-agent-signs");

    let mut options = options(sshd.port(), &known_hosts, &[AuthMethod::Agent], None);
    options.agent_socket = Some(agent.sock().to_owned());
    connect(&options)
        .await
        .expect_err("the plain key alone is not authorized");
    options.certificate_file = Some(cert);
    let connection = connect(&options)
        .await
        .expect("certificate + agent key log in");
    assert_eq!(run(&connection, "echo signed").await.stdout, "signed\n");
    assert_accepted_certificate(&sshd, "tabsh-cert-agent-signs");
}
