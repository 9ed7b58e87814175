//! The concrete hosts of an ssh_config as read-only profiles: the session manager's
//! `ssh config` folder, and what `tabsh open ALIAS` and `tabsh exec ALIAS` accept. Resolved
//! with the importer's code; nothing is written anywhere. [`Sources`] tells a watcher when
//! the listing may have changed.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::reader::{ReadContext, parse_text_with_sources};
use super::report::{Origin, Skipped};
use super::resolve::resolve_host;
use super::{SshEnv, concrete_aliases};
use crate::profiles::ownership;
use crate::profiles::schema::Profile;
use crate::profiles::store::StoredProfile;

/// The session manager folder the hosts are listed in.
pub const SSH_CONFIG_FOLDER: &str = "ssh config";
/// Ids of listed hosts are `ssh:ALIAS`. Saved profile ids cannot contain `:` (they are file
/// names made of letters, digits, `-`, `_` and `.`), so the two never collide.
pub const SSH_CONFIG_ID_PREFIX: &str = "ssh:";

/// Whether `id` names a host of the ssh_config (read-only) rather than a saved profile.
pub fn is_ssh_config_id(id: &str) -> bool {
    id.starts_with(SSH_CONFIG_ID_PREFIX)
}

/// One concrete `Host` alias, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigHost {
    pub alias: String,
    /// The first `Host` line naming the alias.
    pub origin: Origin,
    /// Named after the alias, in [`SSH_CONFIG_FOLDER`].
    pub profile: Profile,
    /// Options that apply to the host and that tabsh does not use, as written, once each.
    pub unsupported: Vec<String>,
    /// Values that did not fit, each with its file and line.
    pub problems: Vec<String>,
}

impl ConfigHost {
    /// `ssh:ALIAS`.
    pub fn id(&self) -> String {
        format!("{SSH_CONFIG_ID_PREFIX}{}", self.alias)
    }

    /// The host as a profile the app can open; its path is the file with its `Host` line.
    pub fn to_stored(&self) -> StoredProfile {
        StoredProfile {
            id: self.id(),
            path: self.origin.file.clone(),
            profile: self.profile.clone(),
        }
    }
}

/// The hosts of one ssh_config, or why there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostListing {
    /// The config file read (what `--ssh-config` or `~/.ssh/config` named).
    pub path: PathBuf,
    pub hosts: Vec<ConfigHost>,
    /// Lines, includes and hosts left out, with their reasons.
    pub skipped: Vec<Skipped>,
    /// Why nothing could be listed: the file could not be read or is not trusted, or its
    /// includes recurse. A missing file is not an error: it lists nothing.
    pub error: Option<String>,
}

impl HostListing {
    pub fn get(&self, alias: &str) -> Option<&ConfigHost> {
        self.hosts.iter().find(|host| host.alias == alias)
    }
}

/// Reads the ssh_config at `path` (and what it includes) into its concrete hosts. The
/// [`Sources`] returned are what to watch for a change.
pub fn list_hosts(path: &Path, env: &SshEnv) -> (HostListing, Sources) {
    let mut listing = HostListing {
        path: path.to_owned(),
        ..HostListing::default()
    };
    // Stamped before it is read: a change while reading shows at the next check.
    let mut sources = Sources {
        stamps: vec![(path.to_owned(), stamp_of(path))],
    };
    let text = match read_trusted(path) {
        Ok(Some(text)) => text,
        Ok(None) => return (listing, sources),
        Err(problem) => {
            listing.error = Some(format!("{}: {problem}", path.display()));
            return (listing, sources);
        }
    };
    let ssh_dir = env.ssh_dir();
    let context = ReadContext {
        home: &env.home,
        local_user: &env.local_user,
        ssh_dir: &ssh_dir,
    };
    let items = match parse_text_with_sources(&text, path, context, &mut listing.skipped) {
        Ok((items, included)) => {
            sources.add(included);
            items
        }
        Err(error) => {
            listing.error = Some(error.to_string());
            return (listing, sources);
        }
    };
    let aliases = concrete_aliases(&items);
    // A jump host naming another listed alias becomes a reference to that host.
    let reference = |hop: &str| {
        aliases
            .iter()
            .any(|(alias, _)| alias == hop)
            .then(|| format!("{SSH_CONFIG_ID_PREFIX}{hop}"))
    };
    for (alias, origin) in aliases.iter().cloned() {
        let mut resolved = resolve_host(&items, &alias, env, SSH_CONFIG_FOLDER, &reference);
        let Some(profile) = resolved.profile.take() else {
            listing.skipped.append(&mut resolved.problems);
            continue;
        };
        listing.hosts.push(ConfigHost {
            alias,
            origin,
            profile,
            unsupported: resolved
                .unsupported
                .into_iter()
                .map(|option| option.subject)
                .collect(),
            problems: resolved.problems.iter().map(ToString::to_string).collect(),
        });
    }
    (listing, sources)
}

/// The config's text; `None` when there is no file. Like OpenSSH ("Bad owner or permissions"),
/// a file someone else could have written is refused; checked on the open file, so the file
/// checked is the file read.
fn read_trusted(path: &Path) -> Result<Option<String>, String> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.to_string()),
    };
    let metadata = file.metadata().map_err(|error| error.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".to_owned());
    }
    ownership::check(&metadata, ownership::current_uid())
        .map_err(|problem| format!("refusing to read it: {problem}"))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|error| error.to_string())?;
    Ok(Some(text))
}

/// What a path looked like when it was read: a change to any of these means it changed
/// (a rename over it, as editors save, changes the inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
    device: u64,
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    let metadata = fs::metadata(path).ok()?;
    Some(Stamp {
        modified: metadata.modified().ok(),
        len: metadata.len(),
        inode: metadata.ino(),
        device: metadata.dev(),
    })
}

/// The files and directories a listing was read from, each with how it looked then (or that
/// it did not exist). Checking them costs one `stat` each and reads nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    stamps: Vec<(PathBuf, Option<Stamp>)>,
}

impl Sources {
    fn add(&mut self, paths: Vec<PathBuf>) {
        for path in paths {
            if !self.stamps.iter().any(|(known, _)| *known == path) {
                let stamp = stamp_of(&path);
                self.stamps.push((path, stamp));
            }
        }
    }

    /// Whether any of them was created, changed or removed since.
    pub fn changed(&self) -> bool {
        self.stamps
            .iter()
            .any(|(path, stamp)| stamp_of(path) != *stamp)
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.stamps.iter().map(|(path, _)| path.as_path())
    }
}

#[cfg(test)]
mod tests;
