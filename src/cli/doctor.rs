//! `tabsh doctor`: looks at everything tabsh reads before it connects and says, in one screen,
//! what is wrong and with which file. It changes nothing: a loose directory is reported, not
//! tightened (which opening the store would do), and nothing is created.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use russh::keys::agent::AgentIdentity;
use russh::keys::agent::client::AgentClient;
use tabsh::input::keymap::Keymap;
use tabsh::profiles::scan::scan_sessions;
use tabsh::profiles::ssh_config::list_hosts;
use tabsh::profiles::{StoredProfile, ownership, resolve_config_dir};
use tabsh::runtime::SshConfigSource;
use tabsh::ssh::known_hosts::{KnownHosts, SYSTEM_KNOWN_HOSTS};
use tabsh::ssh::options::{default_known_hosts, expand_tilde};

/// Lines shown per kind of finding before the rest are counted.
const MAX_LINES_PER_CHECK: usize = 8;
/// How long the agent may take to answer.
const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    /// Worth knowing, not wrong.
    Note,
    Problem,
}

struct Findings {
    lines: Vec<(Status, String)>,
}

impl Findings {
    fn ok(&mut self, text: String) {
        self.lines.push((Status::Ok, text));
    }
    fn note(&mut self, text: String) {
        self.lines.push((Status::Note, text));
    }
    fn problem(&mut self, text: String) {
        self.lines.push((Status::Problem, text));
    }
    /// Many findings of one kind: the first few, then how many more.
    fn several(&mut self, status: Status, texts: Vec<String>) {
        let total = texts.len();
        for text in texts.into_iter().take(MAX_LINES_PER_CHECK) {
            self.lines.push((status, text));
        }
        if total > MAX_LINES_PER_CHECK {
            self.lines.push((
                status,
                format!("… and {} more", total - MAX_LINES_PER_CHECK),
            ));
        }
    }
}

/// Runs every check, prints them, and returns 0 when nothing is wrong, 1 otherwise.
pub async fn run(
    config_dir: Option<&Path>,
    ssh_config: Option<&SshConfigSource>,
) -> anyhow::Result<u8> {
    let mut findings = Findings { lines: Vec::new() };
    match resolve_config_dir(config_dir) {
        Ok(dir) => check_config_dir(&dir, &mut findings),
        Err(error) => findings.problem(format!("config dir: {error}")),
    }
    check_known_hosts(&mut findings);
    check_agent(&mut findings).await;
    check_ssh_config(ssh_config, &mut findings);

    let problems = findings
        .lines
        .iter()
        .filter(|(status, _)| *status == Status::Problem)
        .count();
    for (status, text) in &findings.lines {
        let label = match status {
            Status::Ok => "ok  ",
            Status::Note => "note",
            Status::Problem => "FAIL",
        };
        println!("{label}  {text}");
    }
    if problems == 0 {
        println!("All is well.");
    } else {
        println!(
            "{problems} problem{} found.",
            if problems == 1 { "" } else { "s" }
        );
    }
    Ok(u8::from(problems > 0))
}

/// A directory or file tabsh trusts only when it is yours (or root's) and nobody else can
/// write it.
fn check_owned(path: &Path, what: &str, findings: &mut Findings) -> bool {
    match fs::metadata(path) {
        Ok(metadata) => match ownership::check(&metadata, ownership::current_uid()) {
            Ok(()) => {
                findings.ok(format!("{what} {}", path.display()));
                true
            }
            Err(problem) => {
                findings.problem(format!("{what} {}: {problem}", path.display()));
                false
            }
        },
        Err(error) => {
            findings.problem(format!("{what} {}: {error}", path.display()));
            false
        }
    }
}

fn check_config_dir(dir: &Path, findings: &mut Findings) {
    if !dir.exists() {
        findings.note(format!(
            "config dir {} does not exist yet; tabsh creates it on first run",
            dir.display()
        ));
        return;
    }
    check_owned(dir, "config dir", findings);
    let sessions = dir.join("sessions");
    if sessions.exists() {
        check_owned(&sessions, "sessions dir", findings);
    }
    match scan_sessions(dir) {
        Ok(Some((profiles, failures))) => {
            findings.ok(format!("{} profile(s) load", profiles.len()));
            findings.several(
                Status::Problem,
                failures.iter().map(ToString::to_string).collect(),
            );
            findings.several(Status::Problem, missing_files(&profiles));
        }
        Ok(None) => findings.note(format!("no sessions dir in {} yet", dir.display())),
        Err(error) => findings.problem(error.to_string()),
    }
    check_keys_toml(&dir.join("keys.toml"), findings);
}

/// Key, certificate and known_hosts files that profiles name and that are not there.
fn missing_files(profiles: &[StoredProfile]) -> Vec<String> {
    let mut missing = Vec::new();
    for stored in profiles {
        let profile = &stored.profile;
        let named = [
            ("identity_file", &profile.identity_file),
            ("certificate_file", &profile.certificate_file),
        ];
        for (field, path) in named {
            if let Some(path) = path
                && !expand_tilde(path).exists()
            {
                missing.push(format!(
                    "{}: field {field}: {} does not exist",
                    stored.path.display(),
                    path.display()
                ));
            }
        }
    }
    missing
}

fn check_keys_toml(path: &Path, findings: &mut Findings) {
    if !path.exists() {
        findings.ok(format!("{} not present: default keys", path.display()));
        return;
    }
    if !check_owned(path, "keys.toml", findings) {
        return;
    }
    if let Err(error) = Keymap::load(path) {
        findings.problem(format!("bad key bindings: {error}"));
    }
}

fn check_known_hosts(findings: &mut Findings) {
    let user = default_known_hosts();
    let system = PathBuf::from(SYSTEM_KNOWN_HOSTS);
    for (path, missing_note) in [
        (
            &user,
            "does not exist yet; tabsh creates it when you accept a host key",
        ),
        (&system, "not present (optional)"),
    ] {
        if !path.exists() {
            findings.note(format!("known_hosts {} {missing_note}", path.display()));
            continue;
        }
        match KnownHosts::load(path) {
            Ok(known) => {
                findings.ok(format!("known_hosts {} readable", path.display()));
                findings.several(Status::Note, known.problems().to_vec());
            }
            Err(error) => findings.problem(format!("known_hosts {}: {error}", path.display())),
        }
    }
}

async fn check_agent(findings: &mut Findings) {
    let Some(socket) = std::env::var_os("SSH_AUTH_SOCK") else {
        findings
            .note("SSH_AUTH_SOCK is not set: no ssh-agent; agent logins are skipped".to_owned());
        return;
    };
    let socket = PathBuf::from(socket);
    let listed = tokio::time::timeout(AGENT_TIMEOUT, async {
        let mut agent = AgentClient::connect_uds(&socket).await?;
        agent.request_identities().await
    })
    .await;
    match listed {
        Ok(Ok(identities)) => {
            let certificates = identities
                .iter()
                .filter(|identity| matches!(identity, AgentIdentity::Certificate { .. }))
                .count();
            let keys = identities.len() - certificates;
            let text = format!(
                "ssh-agent at {} holds {keys} key(s) and {certificates} certificate(s)",
                socket.display()
            );
            if identities.is_empty() {
                findings.note(text);
            } else {
                findings.ok(text);
            }
        }
        Ok(Err(error)) => findings.problem(format!(
            "ssh-agent at {} (SSH_AUTH_SOCK): {error}",
            socket.display()
        )),
        Err(_) => findings.problem(format!(
            "ssh-agent at {} (SSH_AUTH_SOCK) did not answer within {} s",
            socket.display(),
            AGENT_TIMEOUT.as_secs()
        )),
    }
}

fn check_ssh_config(source: Option<&SshConfigSource>, findings: &mut Findings) {
    let Some(source) = source else {
        findings.note("no ssh config listed (--ssh-config none)".to_owned());
        return;
    };
    if !source.path.exists() {
        findings.note(format!("ssh config {} not present", source.path.display()));
        return;
    }
    let (listing, _) = list_hosts(&source.path, &source.env);
    if let Some(error) = listing.error {
        findings.problem(format!("ssh config: {error}"));
        return;
    }
    findings.ok(format!(
        "ssh config {}: {} host(s) listed",
        source.path.display(),
        listing.hosts.len()
    ));
    let problems: Vec<String> = listing
        .hosts
        .iter()
        .flat_map(|host| host.problems.iter().cloned())
        .chain(
            listing
                .skipped
                .iter()
                .filter(|skipped| skipped.subject != "Match")
                .filter(|skipped| {
                    !matches!(
                        skipped.reason,
                        tabsh::profiles::ssh_config::SkipReason::UnsupportedOption
                            | tabsh::profiles::ssh_config::SkipReason::InsideMatchBlock { .. }
                    )
                })
                .map(ToString::to_string),
        )
        .collect();
    findings.several(Status::Note, problems);
}
