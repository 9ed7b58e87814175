//! `tabsh list`: the saved sessions and the ssh_config's hosts, one a line; broken files on
//! stderr. `tabsh list --ids`: what `open` and `exec` accept, for shell completion.

use std::path::Path;

use tabsh::profiles::scan::scan_sessions;
use tabsh::profiles::ssh_config::HostListing;
use tabsh::profiles::{Store, resolve_config_dir};
use tabsh::runtime::SshConfigSource;

use super::sessions::read_hosts;

/// Prints the table and returns the exit status: 1 when some file failed to load.
pub fn run(store: &Store, hosts: &HostListing) -> u8 {
    let saved = store.profiles().iter().map(|stored| {
        let profile = &stored.profile;
        [
            stored.id.clone(),
            stored.display_name().to_owned(),
            profile.shown_target(),
            profile.folder.clone(),
        ]
    });
    let from_ssh_config = hosts.hosts.iter().map(|host| {
        let stored = host.to_stored();
        let profile = &stored.profile;
        let winner = store
            .profiles()
            .iter()
            .find(|p| p.display_name() == host.alias);
        [
            stored.id.clone(),
            match winner {
                Some(saved) => format!("{} (saved {} wins)", host.alias, saved.id),
                None => host.alias.clone(),
            },
            profile.shown_target(),
            profile.folder.clone(),
        ]
    });
    let rows: Vec<[String; 4]> = saved.chain(from_ssh_config).collect();
    let header = ["ID", "NAME", "TARGET", "FOLDER"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    for failure in store.failures() {
        eprintln!("tabsh: skipped {failure}");
    }
    if let Some(error) = &hosts.error {
        eprintln!("tabsh: ssh config not listed: {error}");
    }
    u8::from(!store.failures().is_empty() || hosts.error.is_some())
}

/// Prints every word `open` and `exec` accept, one a line: saved profile ids, their names when
/// they are one word, and the ssh_config's aliases. Creates nothing (no config dir is set up
/// by pressing Tab) and prints nothing else: completion scripts read it.
pub fn ids(config_dir: Option<&Path>, ssh_config: Option<&SshConfigSource>) -> u8 {
    let mut words: Vec<String> = Vec::new();
    if let Ok(dir) = resolve_config_dir(config_dir)
        && let Ok(Some((profiles, _))) = scan_sessions(&dir)
    {
        for stored in &profiles {
            words.push(stored.id.clone());
            let name = stored.display_name();
            if !name.is_empty() && !name.chars().any(char::is_whitespace) {
                words.push(name.to_owned());
            }
        }
    }
    words.extend(
        read_hosts(ssh_config)
            .hosts
            .into_iter()
            .map(|host| host.alias),
    );
    let mut seen = std::collections::HashSet::new();
    for word in words {
        if seen.insert(word.clone()) {
            println!("{word}");
        }
    }
    0
}
