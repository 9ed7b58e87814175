//! What `open`, `exec` and `list` can name: saved profiles and the hosts of the ssh_config
//! (`--ssh-config`, default `~/.ssh/config`), resolved in one order everywhere.

use std::ffi::OsStr;
use std::path::Path;

use anyhow::bail;
use tabsh::profiles::ssh_config::{HostListing, SSH_CONFIG_ID_PREFIX, SshEnv, list_hosts};
use tabsh::profiles::{Store, StoredProfile};
use tabsh::runtime::SshConfigSource;

/// Which ssh_config to list: `--ssh-config FILE`, `none` for none, else `~/.ssh/config`.
/// `None` when there is none to list (asked for none, or no home directory).
pub fn ssh_config_source(explicit: Option<&Path>) -> Option<SshConfigSource> {
    let env = SshEnv::from_process()?;
    let path = match explicit {
        Some(path) if path.as_os_str() == OsStr::new("none") => return None,
        Some(path) => path.to_owned(),
        None => env.user_config_path(),
    };
    Some(SshConfigSource { path, env })
}

/// The hosts of `source`, read now (an empty listing without a source).
pub fn read_hosts(source: Option<&SshConfigSource>) -> HostListing {
    source.map_or_else(HostListing::default, |source| {
        list_hosts(&source.path, &source.env).0
    })
}

/// The sessions `tabsh exec` runs on: each name as `find` finds it, then every saved profile in
/// each folder or below it, in the session manager's order; each once.
pub fn find_many(
    store: &Store,
    hosts: &HostListing,
    names: &[String],
    folders: &[String],
) -> anyhow::Result<Vec<StoredProfile>> {
    let mut found: Vec<StoredProfile> = Vec::new();
    let mut add = |profile: StoredProfile| {
        if !found.iter().any(|f| f.id == profile.id) {
            found.push(profile);
        }
    };
    for name in names {
        add(find(store, hosts, name)?);
    }
    for folder in folders {
        let folder = folder.trim_matches('/');
        let mut inside: Vec<&StoredProfile> = store
            .profiles()
            .iter()
            .filter(|p| in_folder(&p.profile.folder, folder))
            .collect();
        if inside.is_empty() {
            bail!(
                "no saved sessions in folder {folder:?} or below it in {}",
                store.sessions_dir().display()
            );
        }
        inside.sort_by(|a, b| {
            (a.profile.folder.as_str(), a.display_name())
                .cmp(&(b.profile.folder.as_str(), b.display_name()))
        });
        for profile in inside {
            add(profile.clone());
        }
    }
    Ok(found)
}

/// Whether a profile in `profile_folder` is in `folder` or one of its subfolders.
fn in_folder(profile_folder: &str, folder: &str) -> bool {
    folder.is_empty()
        || profile_folder == folder
        || profile_folder
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The jump hosts of `profile`, outermost first, with references looked up among the saved
/// profiles and the ssh_config's hosts (`ssh:ALIAS`).
pub fn hops(
    store: &Store,
    hosts: &HostListing,
    profile: &tabsh::profiles::Profile,
) -> anyhow::Result<Vec<tabsh::profiles::Profile>> {
    let lookup = |id: &str| {
        store.get(id).map(|stored| &stored.profile).or_else(|| {
            id.strip_prefix(SSH_CONFIG_ID_PREFIX)
                .and_then(|alias| hosts.get(alias))
                .map(|host| &host.profile)
        })
    };
    Ok(tabsh::profiles::jump::resolve_chain(profile, &lookup)?)
}

/// A session found by `find`: a saved profile or an ssh_config host, as the app opens it.
pub fn find(store: &Store, hosts: &HostListing, wanted: &str) -> anyhow::Result<StoredProfile> {
    // 1. a saved profile's id, 2. `ssh:ALIAS`, 3. a saved profile's name, 4. an alias: a saved
    // profile named like an alias wins over the host.
    if let Some(found) = store.get(wanted) {
        return Ok(found.clone());
    }
    if let Some(alias) = wanted.strip_prefix(SSH_CONFIG_ID_PREFIX)
        && let Some(host) = hosts.get(alias)
    {
        return Ok(host.to_stored());
    }
    let by_name: Vec<&StoredProfile> = store
        .profiles()
        .iter()
        .filter(|p| p.display_name() == wanted)
        .collect();
    match by_name.as_slice() {
        [one] => return Ok((*one).clone()),
        [] => {}
        several => bail!(
            "{} saved sessions are named {wanted:?}; use an id: {}",
            several.len(),
            several
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    if let Some(host) = hosts.get(wanted) {
        return Ok(host.to_stored());
    }
    let broken = store
        .failures()
        .iter()
        .find(|f| f.path().file_stem().is_some_and(|stem| stem == wanted));
    match broken {
        Some(failure) => bail!("profile {wanted:?} failed to load: {failure}"),
        None => bail!(
            "no saved session {wanted:?} in {} and no Host {wanted:?} in {} (see `tabsh list`)",
            store.sessions_dir().display(),
            hosts.path.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::in_folder;

    #[test]
    fn a_folder_holds_its_subfolders_but_not_its_namesakes() {
        assert!(in_folder("prod", "prod"));
        assert!(in_folder("prod/web", "prod"));
        assert!(!in_folder("production", "prod"));
        assert!(!in_folder("", "prod"));
        assert!(in_folder("anything", ""));
    }
}
