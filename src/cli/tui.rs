//! `tabsh` and `tabsh open PROFILE...`: the full-screen interface.

use anyhow::Context;
use tabsh::input::keymap::Keymap;
use tabsh::profiles::terminal_settings::GLOBAL_HIGHLIGHT_FILE;
use tabsh::profiles::{GlobalHighlight, Store, ownership};
use tabsh::runtime::{RunOptions, SshConfigSource};

use super::sessions;

pub async fn run(
    store: Store,
    ssh_config: Option<SshConfigSource>,
    wanted: &[String],
    demo_max_sessions: u32,
) -> anyhow::Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!("the TUI needs a terminal; for scripts use `tabsh exec` or `tabsh list`");
    }
    let open = if wanted.is_empty() {
        Vec::new()
    } else {
        // The loop reads the hosts again on its own thread; this read only resolves names.
        let hosts = sessions::read_hosts(ssh_config.as_ref());
        wanted
            .iter()
            .map(|name| sessions::find(&store, &hosts, name).map(|stored| stored.id))
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let keys_file = store.config_dir().join("keys.toml");
    // Bindings decide what keys do, "send-prefix" included: the profile files' ownership rule
    // applies.
    if let Ok(metadata) = std::fs::metadata(&keys_file)
        && let Err(problem) = ownership::check(&metadata, ownership::current_uid())
    {
        anyhow::bail!("{}: refusing to use it: {problem}", keys_file.display());
    }
    let keymap = Keymap::load(&keys_file)
        .map_err(anyhow::Error::msg)
        .context("bad key bindings")?;
    let highlight_file = store.config_dir().join(GLOBAL_HIGHLIGHT_FILE);
    if let Ok(metadata) = std::fs::metadata(&highlight_file)
        && let Err(problem) = ownership::check(&metadata, ownership::current_uid())
    {
        anyhow::bail!(
            "{}: refusing to use it: {problem}",
            highlight_file.display()
        );
    }
    let highlight = GlobalHighlight::load(&highlight_file)
        .map_err(anyhow::Error::msg)
        .context("bad highlighting rules")?;
    let options = RunOptions {
        keymap,
        highlight: highlight.highlight,
        demo_max_sessions,
        ssh_config,
    };
    tabsh::runtime::run(store, options, open).await
}
