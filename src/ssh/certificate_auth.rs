//! User certificates, offered as OpenSSH offers them: the `CertificateFile` given, or the
//! `<key>-cert.pub` beside a key file, signed with that key; certificates held by ssh-agent,
//! signed by the agent; and a certificate file whose key is in the agent, signed by the agent
//! with the plain key (the agent knows the key, not the certificate).
//!
//! russh's `authenticate_openssh_cert` names RSA certificates `ssh-rsa-cert-v01` (SHA-1),
//! which OpenSSH 8.8+ refuses; every certificate goes through `authenticate_certificate_with`
//! instead, which names the `rsa-sha2-*` variant the signature is made with.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use russh::keys::agent::AgentIdentity;
use russh::keys::agent::client::AgentClient;
use russh::keys::signature::Signer as _;
use russh::keys::ssh_encoding::Encode;
use russh::keys::ssh_key::private::KeypairData;
use russh::keys::{Certificate, HashAlg, PrivateKey, PublicKey};

/// A certificate read from a file, with where it came from.
#[derive(Debug, Clone)]
pub struct CertificateFile {
    pub path: PathBuf,
    pub certificate: Certificate,
}

/// Why a certificate file was not offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// It could not be read or parsed.
    Unreadable { path: PathBuf, error: String },
    /// It certifies another key than the one it was to go with.
    OtherKey { path: PathBuf },
}

impl std::fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertificateProblem::Unreadable { path, error } => {
                write!(
                    f,
                    "certificate {} (cannot be read: {error})",
                    path.display()
                )
            }
            CertificateProblem::OtherKey { path } => write!(
                f,
                "certificate {} (certifies another key; not offered)",
                path.display()
            ),
        }
    }
}

/// `key-cert.pub` for `key`, as OpenSSH looks for it beside every identity file.
pub fn beside(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push("-cert.pub");
    PathBuf::from(name)
}

/// Reads a certificate; `Ok(None)` when there is no such file.
pub fn read(path: &Path) -> Result<Option<CertificateFile>, CertificateProblem> {
    if !path.exists() {
        return Ok(None);
    }
    Certificate::read_file(path)
        .map(|certificate| {
            Some(CertificateFile {
                path: path.to_owned(),
                certificate,
            })
        })
        .map_err(|error| CertificateProblem::Unreadable {
            path: path.to_owned(),
            error: error.to_string(),
        })
}

/// The certificates to offer with the key `public`: the explicit `CertificateFile` when it
/// certifies that key, and those beside `key_files` that do. Problems are returned for the
/// record.
pub fn for_key(
    public: &PublicKey,
    key_files: &[PathBuf],
    explicit: Option<&Path>,
) -> (Vec<CertificateFile>, Vec<CertificateProblem>) {
    let mut found: Vec<CertificateFile> = Vec::new();
    let mut problems = Vec::new();
    let candidates = explicit
        .map(Path::to_owned)
        .into_iter()
        .chain(key_files.iter().map(|file| beside(file)));
    for path in candidates {
        if found.iter().any(|known| known.path == path) {
            continue;
        }
        match read(&path) {
            Ok(Some(file)) if file.certificate.public_key() == public.key_data() => {
                found.push(file);
            }
            // Only the explicit file is worth a word: a stray `-cert.pub` for another key is
            // skipped quietly, as OpenSSH does.
            Ok(Some(_)) if Some(path.as_path()) == explicit => {
                problems.push(CertificateProblem::OtherKey { path });
            }
            Ok(_) => {}
            Err(problem) => problems.push(problem),
        }
    }
    (found, problems)
}

/// Why a certificate signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CertSignError {
    #[error("the connection is gone")]
    Send(#[from] russh::SendError),
    #[error("signing with the key failed: {0}")]
    Key(String),
    #[error("the agent did not sign: {0}")]
    Agent(#[from] russh::keys::Error),
}

/// Signs a certificate login with a private key in memory.
pub struct KeySigner(pub Arc<PrivateKey>);

impl russh::Signer for KeySigner {
    type Error = CertSignError;

    fn auth_sign(
        &mut self,
        _certificate: &AgentIdentity,
        hash_alg: Option<HashAlg>,
        to_sign: Vec<u8>,
    ) -> impl Future<Output = Result<Vec<u8>, Self::Error>> + Send {
        let signed = sign_appending(&self.0, hash_alg, to_sign);
        async move { signed }
    }
}

/// `to_sign` followed by the signature over it, as an SSH string (what russh sends).
fn sign_appending(
    key: &PrivateKey,
    hash_alg: Option<HashAlg>,
    mut to_sign: Vec<u8>,
) -> Result<Vec<u8>, CertSignError> {
    let key_error = |error: &dyn std::fmt::Display| CertSignError::Key(error.to_string());
    let signature = match key.key_data() {
        // RSA signs with the hash the server was offered (rsa-sha2-256/512).
        KeypairData::Rsa(rsa) => (rsa, hash_alg).try_sign(&to_sign),
        _ => key.try_sign(&to_sign),
    }
    .map_err(|e| key_error(&e))?;
    let mut blob = Vec::new();
    signature.encode(&mut blob).map_err(|e| key_error(&e))?;
    blob.encode(&mut to_sign).map_err(|e| key_error(&e))?;
    Ok(to_sign)
}

/// Signs a certificate login through the agent with the certificate's plain key: for a
/// certificate file whose private key only the agent holds.
pub struct AgentKeySigner<'a, S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send,
{
    pub agent: &'a mut AgentClient<S>,
    pub key: PublicKey,
}

impl<S> russh::Signer for AgentKeySigner<'_, S>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send,
{
    type Error = CertSignError;

    fn auth_sign(
        &mut self,
        _certificate: &AgentIdentity,
        hash_alg: Option<HashAlg>,
        to_sign: Vec<u8>,
    ) -> impl Future<Output = Result<Vec<u8>, Self::Error>> + Send {
        let identity = AgentIdentity::PublicKey {
            key: self.key.clone(),
            comment: String::new(),
        };
        async move {
            self.agent
                .sign_request(&identity, hash_alg, to_sign)
                .await
                .map_err(CertSignError::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_beside_a_key_is_named_like_openssh_names_it() {
        assert_eq!(
            beside(Path::new("/home/me/.ssh/id_ed25519")),
            PathBuf::from("/home/me/.ssh/id_ed25519-cert.pub")
        );
    }

    #[test]
    fn a_missing_file_is_no_problem_and_garbage_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(read(&dir.path().join("none-cert.pub")), Ok(None)));
        let garbage = dir.path().join("bad-cert.pub");
        std::fs::write(
            &garbage,
            "ssh-ed25519-cert-v01@openssh.com AAAAnot-base64\n",
        )
        .expect("write");
        let problem = read(&garbage).expect_err("unparsable");
        assert!(problem.to_string().contains("bad-cert.pub"), "{problem}");
    }
}
