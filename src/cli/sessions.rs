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
