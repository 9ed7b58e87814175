//! OpenSSH `known_hosts` lookup, written here rather than using russh's helper because that one
//! misses markers (`@revoked`, `@cert-authority`), negated and wildcard patterns, tab separators
//! and several keys of one type for a host (see ../shared notes). Semantics follow sshd(8)
//! "SSH_KNOWN_HOSTS FILE FORMAT": the user's file and the system-wide one
//! (`/etc/ssh/ssh_known_hosts`) are read together, host names are compared lowercased (hashed
//! ones too, as OpenSSH lowercases before hashing), and a line whose key-type field disagrees
//! with its key is ignored and reported.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use hmac::{Hmac, KeyInit, Mac};
use russh::keys::{Algorithm, HashAlg, PublicKey};
use sha1::Sha1;

use super::error::SshError;
use crate::patterns::host_line_matches;

/// OpenSSH's system-wide file, read after the user's.
pub const SYSTEM_KNOWN_HOSTS: &str = "/etc/ssh/ssh_known_hosts";

/// What the known_hosts files say about a host's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKeyStatus {
    /// A line for this host holds exactly this key.
    Known { line: usize },
    /// No line for this host holds a key of this type.
    Unknown {
        /// Key types recorded for the host under other algorithms (OpenSSH warns about these).
        other_types: Vec<String>,
    },
    /// The host has a key of this type on record, but a different one.
    Changed {
        /// The file holding the record (the user's or the system's).
        path: PathBuf,
        line: usize,
        recorded_fingerprint: String,
    },
    /// The key is marked `@revoked`.
    Revoked { path: PathBuf, line: usize },
}

/// What a line's leading `@` marker says about its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    HostKey,
    Revoked,
    /// The key signs host certificates for the hosts of the line.
    CertAuthority,
}

#[derive(Debug)]
struct Entry {
    /// Index into `KnownHosts::files`.
    file: usize,
    line: usize,
    marker: Marker,
    patterns: String,
    key: PublicKey,
}

/// The parsed entries of the user's known_hosts file and optionally the system's. Lines that
/// cannot be parsed are skipped, as OpenSSH does, so one bad line never locks a person out of
/// every host; lines that are suspicious rather than unreadable are listed in
/// [`KnownHosts::problems`].
#[derive(Debug)]
pub struct KnownHosts {
    /// The user's file: the one keys are appended to.
    path: PathBuf,
    /// Every file read, the user's first.
    files: Vec<PathBuf>,
    entries: Vec<Entry>,
    problems: Vec<String>,
}

/// `host` for port 22, `[host]:port` otherwise: the name OpenSSH records.
pub fn host_port_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_owned()
    } else {
        format!("[{host}]:{port}")
    }
}

pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

impl KnownHosts {
    /// Reads `path`; a missing file is an empty one.
    pub fn load(path: &Path) -> Result<Self, SshError> {
        Ok(Self::parse(path, &read_if_present(path)?))
    }

    /// Reads the user's file and then, when given, the system-wide one (missing files are
    /// empty). Keys are appended to the user's.
    pub fn load_with_system(user: &Path, system: Option<&Path>) -> Result<Self, SshError> {
        let mut known = Self::load(user)?;
        if let Some(system) = system {
            let text = read_if_present(system)?;
            known.files.push(system.to_owned());
            known.add_lines(known.files.len() - 1, &text);
        }
        Ok(known)
    }

    pub fn parse(path: &Path, text: &str) -> Self {
        let mut known = Self {
            path: path.to_owned(),
            files: vec![path.to_owned()],
            entries: Vec::new(),
            problems: Vec::new(),
        };
        known.add_lines(0, text);
        known
    }

    fn add_lines(&mut self, file: usize, text: &str) {
        for (index, line) in text.lines().enumerate() {
            match parse_line(file, index + 1, line) {
                Ok(Some(entry)) => self.entries.push(entry),
                Ok(None) => {}
                Err(problem) => {
                    let path = self.files.get(file).unwrap_or(&self.path);
                    let problem =
                        format!("{}:{}: {problem}; line ignored", path.display(), index + 1);
                    tracing::warn!("{problem}");
                    self.problems.push(problem);
                }
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Suspicious lines that were ignored, each naming its file and line.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    fn file_of(&self, entry: &Entry) -> PathBuf {
        self.files.get(entry.file).unwrap_or(&self.path).clone()
    }

    /// Entries whose host field matches `host` on `port`, host names compared lowercased.
    fn matching(&self, host: &str, port: u16) -> impl Iterator<Item = &Entry> {
        let name = host_port_name(&host.to_ascii_lowercase(), port);
        self.entries
            .iter()
            .filter(move |entry| host_matches(&entry.patterns, &name))
    }

    pub fn check(&self, host: &str, port: u16, key: &PublicKey) -> HostKeyStatus {
        let matching: Vec<&Entry> = self.matching(host, port).collect();

        let same_key = |entry: &&&Entry| entry.key.key_data() == key.key_data();
        if let Some(entry) = matching
            .iter()
            .filter(|e| e.marker == Marker::Revoked)
            .find(same_key)
        {
            return HostKeyStatus::Revoked {
                path: self.file_of(entry),
                line: entry.line,
            };
        }
        let trusted = || matching.iter().filter(|e| e.marker == Marker::HostKey);
        if let Some(entry) = trusted().find(same_key) {
            return HostKeyStatus::Known { line: entry.line };
        }
        if let Some(entry) = trusted().find(|e| e.key.algorithm() == key.algorithm()) {
            return HostKeyStatus::Changed {
                path: self.file_of(entry),
                line: entry.line,
                recorded_fingerprint: fingerprint(&entry.key),
            };
        }
        let mut other_types: Vec<String> = trusted()
            .map(|e| e.key.algorithm().as_str().to_owned())
            .collect();
        other_types.dedup();
        HostKeyStatus::Unknown { other_types }
    }

    /// Algorithms of the host keys recorded for `host` on `port`, in file order, once each:
    /// offering these first makes the server show a key we can check.
    pub fn recorded_algorithms(&self, host: &str, port: u16) -> Vec<Algorithm> {
        let mut algorithms: Vec<Algorithm> = Vec::new();
        for entry in self
            .matching(host, port)
            .filter(|e| e.marker == Marker::HostKey)
        {
            if !algorithms.contains(&entry.key.algorithm()) {
                algorithms.push(entry.key.algorithm());
            }
        }
        algorithms
    }

    /// The `@cert-authority` keys trusted to sign certificates for `host` on `port`.
    pub fn authorities_for(&self, host: &str, port: u16) -> Vec<&PublicKey> {
        self.matching(host, port)
            .filter(|e| e.marker == Marker::CertAuthority)
            .map(|e| &e.key)
            .collect()
    }

    /// The file and line marking `key` `@revoked` for `host` on `port`, if any.
    pub fn revoked(
        &self,
        host: &str,
        port: u16,
        key: &russh::keys::ssh_key::public::KeyData,
    ) -> Option<(PathBuf, usize)> {
        self.matching(host, port)
            .find(|e| e.marker == Marker::Revoked && e.key.key_data() == key)
            .map(|e| (self.file_of(e), e.line))
    }

    /// Appends `key` for `host:port`, creating the file (0600) and its directory (0700) if needed.
    pub fn append(&mut self, host: &str, port: u16, key: &PublicKey) -> Result<(), SshError> {
        let io_error = |e: std::io::Error| SshError::KnownHostsFile {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let key_text = key
            .to_openssh()
            .map_err(|e| SshError::Other(format!("cannot encode host key: {e}")))?;
        // The comment is not part of the key; drop it so the line is "name type base64".
        let key_text = key_text
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        // Lowercased, as OpenSSH records names.
        let name = host_port_name(&host.to_ascii_lowercase(), port);

        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(io_error)?;
        }
        let existing = std::fs::read(&self.path).unwrap_or_default();
        let needs_newline = existing.last().is_some_and(|&b| b != b'\n');
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(io_error)?;
        let line = format!(
            "{}{name} {key_text}\n",
            if needs_newline { "\n" } else { "" }
        );
        file.write_all(line.as_bytes()).map_err(io_error)?;
        file.sync_all().map_err(io_error)?;

        let line_number =
            existing.iter().filter(|&&b| b == b'\n').count() + usize::from(needs_newline) + 1;
        self.entries.push(Entry {
            file: 0,
            line: line_number,
            marker: Marker::HostKey,
            patterns: name,
            key: key.clone(),
        });
        Ok(())
    }
}

fn read_if_present(path: &Path) -> Result<String, SshError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(SshError::KnownHostsFile {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// One line: `Ok(None)` for comments, blanks and lines that cannot be read (skipped silently,
/// as OpenSSH does), `Err` for a line that reads but must not be trusted.
fn parse_line(file: usize, line: usize, text: &str) -> Result<Option<Entry>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let mut fields = text.split_whitespace();
    let Some(mut first) = fields.next() else {
        return Ok(None);
    };
    let mut marker = Marker::HostKey;
    if let Some(name) = first.strip_prefix('@') {
        marker = match name {
            "revoked" => Marker::Revoked,
            "cert-authority" => Marker::CertAuthority,
            _ => return Ok(None),
        };
        let Some(next) = fields.next() else {
            return Ok(None);
        };
        first = next;
    }
    let (Some(key_type), Some(blob)) = (fields.next(), fields.next()) else {
        return Ok(None);
    };
    let Ok(key) = russh::keys::parse_public_key_base64(blob) else {
        return Ok(None);
    };
    // OpenSSH refuses a line whose stated type is not its key's: it would let a line
    // that reads "ssh-ed25519" vouch for an RSA key.
    if key.algorithm().as_str() != key_type {
        return Err(format!(
            "key type field `{}` does not match the key ({})",
            crate::escape::escape_line(key_type),
            key.algorithm().as_str()
        ));
    }
    Ok(Some(Entry {
        file,
        line,
        marker,
        patterns: first.to_owned(),
        key,
    }))
}

/// A host field: a hashed name, or a comma-separated OpenSSH pattern list. `name` is
/// lowercase already.
fn host_matches(patterns: &str, name: &str) -> bool {
    if patterns.starts_with("|1|") {
        return hashed_matches(patterns, name);
    }
    let patterns: Vec<String> = patterns.split(',').map(str::to_owned).collect();
    host_line_matches(&patterns, name)
}

/// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written with HashKnownHosts.
fn hashed_matches(entry: &str, name: &str) -> bool {
    let mut parts = entry.trim_start_matches("|1|").split('|');
    let (Some(salt), Some(hash)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (
        BASE64.decode(salt.as_bytes()),
        BASE64.decode(hash.as_bytes()),
    ) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&salt) else {
        return false;
    };
    mac.update(name.as_bytes());
    mac.verify_slice(&hash).is_ok()
}

#[cfg(test)]
#[path = "known_hosts_tests.rs"]
mod tests;
