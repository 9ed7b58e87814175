//! User authentication: tries the profile's methods in order, asks the prompter for secrets, and
//! remembers every attempt so a failure can say what was tried.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use russh::MethodKind;
use russh::client::{AuthResult, Handle, KeyboardInteractiveAuthResponse};
use russh::keys::agent::AgentIdentity;
use russh::keys::agent::client::AgentClient;
use russh::keys::{HashAlg, PrivateKey, PrivateKeyWithHashAlg};

use super::certificate_auth::{self, AgentKeySigner, KeySigner};
use super::error::SshError;
use super::handler::ClientHandler;
use super::prompt::{Answer, KbdPrompt, Prompt, Prompter};
use crate::profiles::AuthMethod;

/// OpenSSH's NumberOfPasswordPrompts default.
const MAX_SECRET_ATTEMPTS: u32 = 3;
/// A server could send info requests forever; real ones need one or two.
const MAX_KBD_ROUNDS: usize = 10;

pub(crate) struct AuthPlan<'a> {
    pub user: &'a str,
    pub host_port: &'a str,
    pub methods: &'a [AuthMethod],
    pub agent_socket: Option<&'a Path>,
    pub client_key: Option<Arc<PrivateKey>>,
    pub key_files: Vec<PathBuf>,
    /// `CertificateFile`: offered with the key it certifies (a key file's or the agent's).
    pub certificate_file: Option<PathBuf>,
}

enum Step {
    Done,
    NotYet,
}

struct Attempts<'a> {
    plan: &'a AuthPlan<'a>,
    prompter: &'a dyn Prompter,
    tried: Vec<String>,
    server_accepts: Vec<MethodKind>,
    /// What logged in, once something did.
    succeeded: Option<String>,
}

/// Logs in with the plan's methods in order; returns what succeeded (`key /path`,
/// `password`, ...).
pub(crate) async fn authenticate(
    handle: &mut Handle<ClientHandler>,
    plan: &AuthPlan<'_>,
    prompter: &dyn Prompter,
) -> Result<String, SshError> {
    let mut attempts = Attempts {
        plan,
        prompter,
        tried: Vec::new(),
        server_accepts: Vec::new(),
        succeeded: None,
    };
    // "none" tells us which methods the server takes, so we never ask for a password it
    // would not accept.
    let probe = handle.authenticate_none(plan.user).await?;
    if let Step::Done = attempts.record(probe, None) {
        return Ok(attempts.succeeded.unwrap_or_else(|| "none".to_owned()));
    }
    for &method in plan.methods {
        if !attempts.server_offers(method) {
            continue;
        }
        let step = match method {
            AuthMethod::Agent => attempts.agent(handle).await?,
            AuthMethod::Key => attempts.key_files(handle).await?,
            AuthMethod::Password => attempts.password(handle).await?,
            AuthMethod::KeyboardInteractive => attempts.keyboard_interactive(handle).await?,
        };
        if let Step::Done = step {
            return Ok(attempts
                .succeeded
                .unwrap_or_else(|| method.as_str().to_owned()));
        }
    }
    if handle.is_closed() {
        return Err(SshError::ConnectionLost {
            reason: "the server closed the connection during authentication".to_owned(),
        });
    }
    Err(SshError::AuthenticationFailed {
        user: plan.user.to_owned(),
        host_port: plan.host_port.to_owned(),
        tried: attempts.tried,
        server_accepts: attempts
            .server_accepts
            .iter()
            .map(|m| <&str>::from(m).to_owned())
            .collect(),
    })
}

impl Attempts<'_> {
    /// Notes the result of one attempt; `what` is None for the initial probe.
    fn record(&mut self, result: AuthResult, what: Option<String>) -> Step {
        match result {
            AuthResult::Success => {
                self.succeeded = what;
                Step::Done
            }
            AuthResult::Failure {
                remaining_methods, ..
            } => {
                if !remaining_methods.is_empty() {
                    self.server_accepts = remaining_methods.to_vec();
                }
                if let Some(what) = what {
                    self.tried.push(format!("{what} (rejected)"));
                }
                Step::NotYet
            }
        }
    }

    fn server_offers(&self, method: AuthMethod) -> bool {
        let kind = match method {
            AuthMethod::Agent | AuthMethod::Key => MethodKind::PublicKey,
            AuthMethod::Password => MethodKind::Password,
            AuthMethod::KeyboardInteractive => MethodKind::KeyboardInteractive,
        };
        // An empty list means the server did not say: try everything.
        self.server_accepts.is_empty() || self.server_accepts.contains(&kind)
    }

    fn cancelled(&self, what: String) -> SshError {
        SshError::Cancelled {
            what,
            tried: self.tried.clone(),
        }
    }

    async fn agent(&mut self, handle: &mut Handle<ClientHandler>) -> Result<Step, SshError> {
        let Some(socket) = self.plan.agent_socket else {
            self.tried
                .push("agent (SSH_AUTH_SOCK is not set)".to_owned());
            return Ok(Step::NotYet);
        };
        let mut agent = match AgentClient::connect_uds(socket).await {
            Ok(agent) => agent,
            Err(e) => {
                self.tried.push(format!("agent (unavailable: {e})"));
                return Ok(Step::NotYet);
            }
        };
        let identities = match agent.request_identities().await {
            Ok(identities) => identities,
            Err(e) => {
                self.tried.push(format!("agent (listing keys failed: {e})"));
                return Ok(Step::NotYet);
            }
        };
        if identities.is_empty() {
            self.tried.push("agent (holds no keys)".to_owned());
        }
        // In the agent's order, certificates and keys alike, as OpenSSH offers them.
        let held_certificates: Vec<_> = identities
            .iter()
            .filter_map(|identity| match identity {
                AgentIdentity::Certificate { certificate, .. } => Some(certificate.clone()),
                AgentIdentity::PublicKey { .. } => None,
            })
            .collect();
        for identity in identities {
            let step = match identity {
                AgentIdentity::PublicKey { key, comment } => {
                    let hash = rsa_hash_for(handle, key.algorithm().is_rsa()).await;
                    let what = format!("agent key {comment}");
                    let result = handle
                        .authenticate_publickey_with(self.plan.user, key.clone(), hash, &mut agent)
                        .await
                        .map_err(|e| e.to_string());
                    if let Step::Done = self.record_signed(result, what) {
                        return Ok(Step::Done);
                    }
                    self.agent_key_certificates(handle, &mut agent, key, &held_certificates)
                        .await
                }
                AgentIdentity::Certificate {
                    certificate,
                    comment,
                } => {
                    let hash = rsa_hash_for(handle, certificate.algorithm().is_rsa()).await;
                    let what = format!("agent certificate {comment}");
                    let result = handle
                        .authenticate_certificate_with(
                            self.plan.user,
                            certificate,
                            hash,
                            &mut agent,
                        )
                        .await
                        .map_err(|e| e.to_string());
                    self.record_signed(result, what)
                }
            };
            if let Step::Done = step {
                return Ok(Step::Done);
            }
        }
        Ok(Step::NotYet)
    }

    /// Certificate files (the profile's, or beside its key files) for a key the agent holds,
    /// signed by the agent with that key; those the agent holds itself were offered already.
    async fn agent_key_certificates<S>(
        &mut self,
        handle: &mut Handle<ClientHandler>,
        agent: &mut AgentClient<S>,
        key: russh::keys::PublicKey,
        held: &[russh::keys::Certificate],
    ) -> Step
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send,
    {
        let (files, _) = certificate_auth::for_key(
            &key,
            &self.plan.key_files,
            self.plan.certificate_file.as_deref(),
        );
        for file in files.into_iter().filter(|f| !held.contains(&f.certificate)) {
            let hash = rsa_hash_for(handle, file.certificate.algorithm().is_rsa()).await;
            let what = format!("certificate {} (key in the agent)", file.path.display());
            let mut signer = AgentKeySigner {
                agent: &mut *agent,
                key: key.clone(),
            };
            let result = handle
                .authenticate_certificate_with(self.plan.user, file.certificate, hash, &mut signer)
                .await
                .map_err(|e| e.to_string());
            if let Step::Done = self.record_signed(result, what) {
                return Step::Done;
            }
        }
        Step::NotYet
    }

    /// Notes an attempt whose signature came from a signer that may fail.
    fn record_signed(&mut self, result: Result<AuthResult, String>, what: String) -> Step {
        match result {
            Ok(result) => self.record(result, Some(what)),
            Err(e) => {
                self.tried.push(format!("{what} (signing failed: {e})"));
                Step::NotYet
            }
        }
    }

    async fn key_files(&mut self, handle: &mut Handle<ClientHandler>) -> Result<Step, SshError> {
        if let Some(key) = self.plan.client_key.clone() {
            let hash = rsa_hash_for(handle, key.algorithm().is_rsa()).await;
            let result = handle
                .authenticate_publickey(self.plan.user, PrivateKeyWithHashAlg::new(key, hash))
                .await?;
            if let Step::Done = self.record(result, Some("key (in memory)".to_owned())) {
                return Ok(Step::Done);
            }
        }
        for path in self.plan.key_files.clone() {
            let Some(key) = self.load_key(&path).await? else {
                continue;
            };
            let key = Arc::new(key);
            // Its certificates first, then the key alone, as OpenSSH does.
            if let Step::Done = self.key_certificates(handle, &path, &key).await {
                return Ok(Step::Done);
            }
            let hash = rsa_hash_for(handle, key.algorithm().is_rsa()).await;
            let result = handle
                .authenticate_publickey(self.plan.user, PrivateKeyWithHashAlg::new(key, hash))
                .await?;
            if let Step::Done = self.record(result, Some(format!("key {}", path.display()))) {
                return Ok(Step::Done);
            }
        }
        Ok(Step::NotYet)
    }

    /// The certificates for the key loaded from `path`: the profile's `certificate_file` when it
    /// certifies the key, and `path-cert.pub`.
    async fn key_certificates(
        &mut self,
        handle: &mut Handle<ClientHandler>,
        path: &Path,
        key: &Arc<PrivateKey>,
    ) -> Step {
        let (files, problems) = certificate_auth::for_key(
            key.public_key(),
            std::slice::from_ref(&path.to_owned()),
            self.plan.certificate_file.as_deref(),
        );
        self.tried.extend(problems.iter().map(ToString::to_string));
        for file in files {
            let hash = rsa_hash_for(handle, file.certificate.algorithm().is_rsa()).await;
            let what = format!("certificate {}", file.path.display());
            let result = handle
                .authenticate_certificate_with(
                    self.plan.user,
                    file.certificate,
                    hash,
                    &mut KeySigner(Arc::clone(key)),
                )
                .await
                .map_err(|e| e.to_string());
            if let Step::Done = self.record_signed(result, what) {
                return Step::Done;
            }
        }
        Step::NotYet
    }

    /// Loads a private key, asking for its passphrase when it is encrypted. `None` when the key
    /// cannot be used (recorded in `tried`).
    async fn load_key(&mut self, path: &Path) -> Result<Option<PrivateKey>, SshError> {
        match russh::keys::load_secret_key(path, None) {
            Ok(key) => return Ok(Some(key)),
            Err(russh::keys::Error::KeyIsEncrypted) => {}
            Err(e) => {
                self.tried
                    .push(format!("key {} (cannot be read: {e})", path.display()));
                return Ok(None);
            }
        }
        for attempt in 1..=MAX_SECRET_ATTEMPTS {
            let answer = self
                .prompter
                .ask(Prompt::Passphrase {
                    key_file: path.to_owned(),
                    attempt,
                })
                .await;
            let Answer::Secret(passphrase) = answer else {
                return Err(self.cancelled(format!("passphrase for {}", path.display())));
            };
            if let Ok(key) = russh::keys::load_secret_key(path, Some(passphrase.expose())) {
                return Ok(Some(key));
            }
        }
        self.tried
            .push(format!("key {} (wrong passphrase)", path.display()));
        Ok(None)
    }

    async fn password(&mut self, handle: &mut Handle<ClientHandler>) -> Result<Step, SshError> {
        for attempt in 1..=MAX_SECRET_ATTEMPTS {
            let answer = self
                .prompter
                .ask(Prompt::Password {
                    user: self.plan.user.to_owned(),
                    host_port: self.plan.host_port.to_owned(),
                    attempt,
                })
                .await;
            let Answer::Secret(password) = answer else {
                return Err(self.cancelled(format!(
                    "password for {}@{}",
                    self.plan.user, self.plan.host_port
                )));
            };
            // russh takes its own `String`: that copy is beyond our reach once handed over.
            let result = handle
                .authenticate_password(self.plan.user, password.expose())
                .await?;
            if let Step::Done = self.record(result, Some("password".to_owned())) {
                return Ok(Step::Done);
            }
            if !self.server_offers(AuthMethod::Password) {
                break;
            }
        }
        Ok(Step::NotYet)
    }

    async fn keyboard_interactive(
        &mut self,
        handle: &mut Handle<ClientHandler>,
    ) -> Result<Step, SshError> {
        for _attempt in 1..=MAX_SECRET_ATTEMPTS {
            let mut response = handle
                .authenticate_keyboard_interactive_start(self.plan.user, None)
                .await?;
            for _round in 0..MAX_KBD_ROUNDS {
                match response {
                    KeyboardInteractiveAuthResponse::Success => return Ok(Step::Done),
                    KeyboardInteractiveAuthResponse::Failure {
                        remaining_methods,
                        partial_success,
                    } => {
                        let result = AuthResult::Failure {
                            remaining_methods,
                            partial_success,
                        };
                        self.record(result, Some("keyboard-interactive".to_owned()));
                        break;
                    }
                    KeyboardInteractiveAuthResponse::InfoRequest {
                        name,
                        instructions,
                        prompts,
                    } => {
                        // Servers may send an empty round (OpenSSH with PAM does); answer it
                        // without bothering the person.
                        let answers = if prompts.is_empty() {
                            Vec::new()
                        } else {
                            self.ask_kbd(name, instructions, prompts).await?
                        };
                        response = handle
                            .authenticate_keyboard_interactive_respond(answers)
                            .await?;
                    }
                }
            }
            if !self.server_offers(AuthMethod::KeyboardInteractive) {
                break;
            }
        }
        Ok(Step::NotYet)
    }

    async fn ask_kbd(
        &self,
        name: String,
        instructions: String,
        prompts: Vec<russh::client::Prompt>,
    ) -> Result<Vec<String>, SshError> {
        let count = prompts.len();
        let answer = self
            .prompter
            .ask(Prompt::KeyboardInteractive {
                user: self.plan.user.to_owned(),
                host_port: self.plan.host_port.to_owned(),
                name,
                instructions,
                prompts: prompts
                    .into_iter()
                    .map(|p| KbdPrompt {
                        text: p.prompt,
                        echo: p.echo,
                    })
                    .collect(),
            })
            .await;
        match answer {
            // russh takes `String`s: those copies are beyond our reach once handed over.
            Answer::Responses(responses) if responses.len() == count => Ok(responses
                .iter()
                .map(|secret| secret.expose().to_owned())
                .collect()),
            // A single secret answers a single question (a password prompter serving kbd-int).
            Answer::Secret(secret) if count == 1 => Ok(vec![secret.expose().to_owned()]),
            _ => Err(self.cancelled(format!(
                "keyboard-interactive login for {}@{}",
                self.plan.user, self.plan.host_port
            ))),
        }
    }
}

/// rsa-sha2-512/256 when the server announces them: OpenSSH 8.8+ refuses SHA-1 `ssh-rsa`.
async fn rsa_hash_for(handle: &Handle<ClientHandler>, is_rsa: bool) -> Option<HashAlg> {
    if !is_rsa {
        return None;
    }
    match handle.best_supported_rsa_hash().await {
        Ok(Some(hash)) => hash,
        // No server-sig-algs extension: assume a modern server.
        _ => Some(HashAlg::Sha256),
    }
}

/// The key files to try: the profile's, else OpenSSH's defaults that exist.
pub(crate) fn key_files(identity_file: Option<&Path>, home: Option<&Path>) -> Vec<PathBuf> {
    if let Some(path) = identity_file {
        return vec![path.to_owned()];
    }
    let Some(home) = home else {
        return Vec::new();
    };
    ["id_ed25519", "id_ecdsa", "id_rsa"]
        .iter()
        .map(|name| home.join(".ssh").join(name))
        .filter(|path| path.exists())
        .collect()
}
