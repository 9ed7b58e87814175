//! `tabsh import-ssh-config [PATH]`: one profile per concrete `Host`, and a list of what was
//! not imported and why.

use std::path::Path;

use anyhow::Context;
use tabsh::profiles::Store;
use tabsh::profiles::ssh_config::{SshEnv, import_into, read_ssh_config};

pub fn run(store: &mut Store, path: Option<&Path>) -> anyhow::Result<u8> {
    let env = SshEnv::from_process().context("cannot find the home directory")?;
    let path = path.map_or_else(|| env.user_config_path(), Path::to_owned);
    let report = read_ssh_config(&path, &env)?;
    let mut skipped = report.skipped.clone();
    let outcome = import_into(store, &report);
    skipped.extend(outcome.skipped);

    for (alias, id) in &outcome.created {
        println!(
            "created {id} (Host {alias}) in {}",
            store.sessions_dir().display()
        );
    }
    for item in &skipped {
        println!("skipped {item}");
    }
    println!(
        "{} profile(s) created, {} item(s) skipped, from {}",
        outcome.created.len(),
        skipped.len(),
        path.display()
    );
    Ok(0)
}
