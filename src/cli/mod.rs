//! Command-line subcommands; each file holds one.

pub mod exec;
pub mod import;
pub mod list;
pub mod logging;
pub mod terminal_prompter;
pub mod tui;

use std::path::Path;

use anyhow::{Context, bail};
use tabsh::profiles::{Store, StoredProfile, resolve_config_dir};

use crate::Command;

/// Runs one subcommand and returns the process exit status.
pub async fn run(
    config_dir: Option<&Path>,
    demo_max_sessions: u32,
    command: Option<Command>,
) -> anyhow::Result<u8> {
    let open_store = || -> anyhow::Result<Store> {
        let dir = resolve_config_dir(config_dir)?;
        Store::open(&dir)
            .with_context(|| format!("cannot open the session store in {}", dir.display()))
    };
    match command {
        None => {
            tui::run(open_store()?, &[], demo_max_sessions).await?;
            Ok(0)
        }
        Some(Command::Open { profiles }) => {
            tui::run(open_store()?, &profiles, demo_max_sessions).await?;
            Ok(0)
        }
        Some(Command::List) => Ok(list::run(&open_store()?)),
        Some(Command::ImportSshConfig { path }) => import::run(&mut open_store()?, path.as_deref()),
        Some(Command::Exec {
            batch,
            profile,
            command,
        }) => {
            let store = open_store()?;
            let stored = find_profile(&store, &profile)?;
            let status = exec::run(&stored.profile, &command, batch).await?;
            Ok(u8::try_from(status).unwrap_or(u8::MAX))
        }
    }
}

/// A profile by id, or else by its displayed name.
pub fn find_profile<'a>(store: &'a Store, wanted: &str) -> anyhow::Result<&'a StoredProfile> {
    if let Some(found) = store.get(wanted) {
        return Ok(found);
    }
    let by_name: Vec<&StoredProfile> = store
        .profiles()
        .iter()
        .filter(|p| p.display_name() == wanted)
        .collect();
    match by_name.as_slice() {
        [one] => Ok(one),
        [] => {
            let broken = store
                .failures()
                .iter()
                .find(|f| f.path().file_stem().is_some_and(|stem| stem == wanted));
            match broken {
                Some(failure) => bail!("profile {wanted:?} failed to load: {failure}"),
                None => bail!(
                    "no saved session {wanted:?} in {} (see `tabsh list`)",
                    store.sessions_dir().display()
                ),
            }
        }
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
}
