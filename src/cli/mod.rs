//! Command-line subcommands; each file holds one.

pub mod args;
pub mod completions;
pub mod connections;
pub mod doctor;
pub mod exec;
pub mod fan_out;
pub mod import;
pub mod list;
pub mod logging;
pub mod man;
pub mod sessions;
pub mod shared;
pub mod terminal_prompter;
pub mod tui;

use anyhow::Context;
use tabsh::profiles::{Store, resolve_config_dir};

use args::{Args, Command};

/// Runs one subcommand and returns the process exit status.
pub async fn run(args: Args) -> anyhow::Result<u8> {
    let config_dir = args.config_dir.as_deref();
    let open_store = || -> anyhow::Result<Store> {
        let dir = resolve_config_dir(config_dir)?;
        Store::open(&dir)
            .with_context(|| format!("cannot open the session store in {}", dir.display()))
    };
    let ssh_config = sessions::ssh_config_source(args.ssh_config.as_deref());
    let demo_max_sessions = args.demo_max_sessions;
    match args.command {
        None => {
            // Read by the store's own thread: the first frame does not wait for the files.
            let dir = resolve_config_dir(config_dir)?;
            let store = Store::open_unread(&dir)
                .with_context(|| format!("cannot open the session store in {}", dir.display()))?;
            tui::run(store, ssh_config, &[], demo_max_sessions).await?;
            Ok(0)
        }
        Some(Command::Open { profiles }) => {
            tui::run(open_store()?, ssh_config, &profiles, demo_max_sessions).await?;
            Ok(0)
        }
        Some(Command::List { ids: true }) => Ok(list::ids(config_dir, ssh_config.as_ref())),
        Some(Command::List { ids: false }) => {
            let hosts = sessions::read_hosts(ssh_config.as_ref());
            Ok(list::run(&open_store()?, &hosts))
        }
        Some(Command::ImportSshConfig { path }) => import::run(&mut open_store()?, path.as_deref()),
        Some(Command::Exec {
            batch,
            folder,
            no_shared,
            parallel,
            profiles,
            command,
        }) => {
            let store = open_store()?;
            let hosts = sessions::read_hosts(ssh_config.as_ref());
            let shared_dir = (!no_shared).then(|| store.config_dir().to_owned());
            if let ([profile], []) = (profiles.as_slice(), folder.as_slice()) {
                let stored = sessions::find(&store, &hosts, profile)?;
                let hops = sessions::hops(&store, &hosts, &stored.profile)?;
                let shared = shared_dir.as_deref().map(|config_dir| exec::Shared {
                    config_dir,
                    profile_id: &stored.id,
                });
                let status = exec::run(
                    &stored.profile,
                    &hops,
                    &command,
                    batch,
                    demo_max_sessions,
                    shared,
                )
                .await?;
                return Ok(u8::try_from(status).unwrap_or(u8::MAX));
            }
            let mut targets = Vec::new();
            for stored in sessions::find_many(&store, &hosts, &profiles, &folder)? {
                let hops = sessions::hops(&store, &hosts, &stored.profile)?;
                targets.push((stored, hops));
            }
            let parallel = usize::from(parallel);
            let status =
                fan_out::run(targets, &command, parallel, demo_max_sessions, shared_dir).await;
            Ok(u8::try_from(status).unwrap_or(u8::MAX))
        }
        Some(Command::Connections { close }) => {
            let store = open_store()?;
            let close = match &close {
                Some(name) => {
                    let hosts = sessions::read_hosts(ssh_config.as_ref());
                    Some((sessions::find(&store, &hosts, name)?.id, name.as_str()))
                }
                None => None,
            };
            connections::run(
                store.config_dir(),
                close.as_ref().map(|(id, name)| (id.as_str(), *name)),
            )
            .await
        }
        Some(Command::Doctor) => doctor::run(config_dir, ssh_config.as_ref()).await,
        Some(Command::Completions { shell }) => completions::run(shell),
        Some(Command::Man { dir }) => man::run(dir.as_deref()),
    }
}
