//! OpenSSH `known_hosts` lookup, written here rather than using russh's helper because that one
//! misses markers (`@revoked`), negated and wildcard patterns, tab separators and several keys of
//! one type for a host (see ../shared notes). Semantics follow sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use hmac::{Hmac, KeyInit, Mac};
use russh::keys::{HashAlg, PublicKey};
use sha1::Sha1;

use super::error::SshError;
use crate::patterns::host_line_matches;

/// What the known_hosts file says about a host's key.
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
        line: usize,
        recorded_fingerprint: String,
    },
    /// The key is marked `@revoked`.
    Revoked { line: usize },
}

#[derive(Debug)]
struct Entry {
    line: usize,
    revoked: bool,
    patterns: String,
    key: PublicKey,
}

/// The parsed entries of one known_hosts file. Lines that cannot be parsed are skipped, as
/// OpenSSH does, so one bad line never locks a person out of every host.
#[derive(Debug)]
pub struct KnownHosts {
    path: PathBuf,
    entries: Vec<Entry>,
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
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(SshError::KnownHostsFile {
                    path: path.to_owned(),
                    reason: e.to_string(),
                });
            }
        };
        Ok(Self::parse(path, &text))
    }

    pub fn parse(path: &Path, text: &str) -> Self {
        let entries = text
            .lines()
            .enumerate()
            .filter_map(|(index, line)| parse_line(index + 1, line))
            .collect();
        Self {
            path: path.to_owned(),
            entries,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn check(&self, host: &str, port: u16, key: &PublicKey) -> HostKeyStatus {
        let name = host_port_name(host, port);
        let matching: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|entry| host_matches(&entry.patterns, &name))
            .collect();

        let same_key = |entry: &&&Entry| entry.key.key_data() == key.key_data();
        if let Some(entry) = matching.iter().filter(|e| e.revoked).find(same_key) {
            return HostKeyStatus::Revoked { line: entry.line };
        }
        let trusted = || matching.iter().filter(|e| !e.revoked);
        if let Some(entry) = trusted().find(same_key) {
            return HostKeyStatus::Known { line: entry.line };
        }
        if let Some(entry) = trusted().find(|e| e.key.algorithm() == key.algorithm()) {
            return HostKeyStatus::Changed {
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
        let name = host_port_name(host, port);

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
            line: line_number,
            revoked: false,
            patterns: name,
            key: key.clone(),
        });
        Ok(())
    }
}

fn parse_line(line: usize, text: &str) -> Option<Entry> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return None;
    }
    let mut fields = text.split_whitespace();
    let mut first = fields.next()?;
    let mut revoked = false;
    if let Some(marker) = first.strip_prefix('@') {
        match marker {
            "revoked" => revoked = true,
            // Certificate authorities need certificate support, which tabsh does not have yet.
            _ => return None,
        }
        first = fields.next()?;
    }
    let _key_type = fields.next()?;
    let key = russh::keys::parse_public_key_base64(fields.next()?).ok()?;
    Some(Entry {
        line,
        revoked,
        patterns: first.to_owned(),
        key,
    })
}

/// A host field: a hashed name, or a comma-separated OpenSSH pattern list.
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
mod tests {
    use super::*;

    const ED_A: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ";
    const ED_B: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIA6rWI3G2sz07DnfFlrouTcysQlj2P+jpNSOEWD9OJ3X";

    fn key(b64: &str) -> PublicKey {
        russh::keys::parse_public_key_base64(b64).unwrap()
    }

    fn hosts(text: &str) -> KnownHosts {
        KnownHosts::parse(Path::new("/test/known_hosts"), text)
    }

    #[test]
    fn plain_entry_on_a_non_default_port_is_known() {
        let kh = hosts(&format!(
            "# comment\n[127.0.0.1]:2222 ssh-ed25519 {ED_A} me@x\n"
        ));
        assert_eq!(
            kh.check("127.0.0.1", 2222, &key(ED_A)),
            HostKeyStatus::Known { line: 2 }
        );
        // The same host on port 22 is a different name.
        assert!(matches!(
            kh.check("127.0.0.1", 22, &key(ED_A)),
            HostKeyStatus::Unknown { .. }
        ));
    }

    #[test]
    fn a_different_key_of_the_same_type_is_changed_with_line_and_fingerprint() {
        let kh = hosts(&format!("example.org\tssh-ed25519\t{ED_A}\n"));
        match kh.check("example.org", 22, &key(ED_B)) {
            HostKeyStatus::Changed {
                line,
                recorded_fingerprint,
            } => {
                assert_eq!(line, 1);
                assert_eq!(recorded_fingerprint, fingerprint(&key(ED_A)));
                assert!(recorded_fingerprint.starts_with("SHA256:"));
            }
            other => panic!("expected Changed, got {other:?}"),
        }
    }

    #[test]
    fn any_of_several_keys_of_one_type_is_accepted() {
        let kh = hosts(&format!("h ssh-ed25519 {ED_B}\nh ssh-ed25519 {ED_A}\n"));
        assert_eq!(
            kh.check("h", 22, &key(ED_A)),
            HostKeyStatus::Known { line: 2 }
        );
    }

    #[test]
    fn hashed_entries_match() {
        // `ssh-keygen -H` output for "[localhost]:13265" is checked against the HMAC itself:
        // build a hashed entry with a known salt and verify matching and non-matching names.
        let salt = b"0123456789abcdefghij";
        let mut mac = Hmac::<Sha1>::new_from_slice(salt).unwrap();
        mac.update(b"[localhost]:13265");
        let hash = mac.finalize().into_bytes();
        let entry = format!(
            "|1|{}|{} ssh-ed25519 {ED_A}\n",
            BASE64.encode(salt),
            BASE64.encode(&hash)
        );
        let kh = hosts(&entry);
        assert_eq!(
            kh.check("localhost", 13265, &key(ED_A)),
            HostKeyStatus::Known { line: 1 }
        );
        assert!(matches!(
            kh.check("localhost", 13266, &key(ED_A)),
            HostKeyStatus::Unknown { .. }
        ));
    }

    #[test]
    fn wildcards_and_negation() {
        let kh = hosts(&format!("*.corp,!bad.corp ssh-ed25519 {ED_A}\n"));
        assert!(matches!(
            kh.check("db.corp", 22, &key(ED_A)),
            HostKeyStatus::Known { .. }
        ));
        assert!(matches!(
            kh.check("bad.corp", 22, &key(ED_A)),
            HostKeyStatus::Unknown { .. }
        ));
        assert!(matches!(
            kh.check("DB.corp", 22, &key(ED_A)),
            HostKeyStatus::Known { .. }
        ));
    }

    #[test]
    fn revoked_keys_are_refused_even_when_also_listed() {
        let kh = hosts(&format!(
            "@revoked * ssh-ed25519 {ED_A}\nh ssh-ed25519 {ED_A}\n"
        ));
        assert_eq!(
            kh.check("h", 22, &key(ED_A)),
            HostKeyStatus::Revoked { line: 1 }
        );
    }

    #[test]
    fn garbage_lines_are_skipped_not_fatal() {
        let kh = hosts(&format!(
            "nonsense\nh ssh-ed25519 !!!notbase64\nh ssh-ed25519 {ED_A}\n"
        ));
        assert_eq!(
            kh.check("h", 22, &key(ED_A)),
            HostKeyStatus::Known { line: 3 }
        );
    }

    #[test]
    fn append_creates_private_file_and_is_found_again() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ssh/known_hosts");
        let mut kh = KnownHosts::load(&path).unwrap();
        kh.append("127.0.0.1", 2200, &key(ED_A)).unwrap();
        assert_eq!(
            kh.check("127.0.0.1", 2200, &key(ED_A)),
            HostKeyStatus::Known { line: 1 }
        );

        let reread = KnownHosts::load(&path).unwrap();
        assert_eq!(
            reread.check("127.0.0.1", 2200, &key(ED_A)),
            HostKeyStatus::Known { line: 1 }
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("[127.0.0.1]:2200 ssh-ed25519 {ED_A}\n"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
