//! Diagnostics to a file, never to the terminal: the TUI owns the screen, and `exec`'s stderr
//! is the remote command's. Logging is on when `TABSH_LOG` names a filter (`debug`,
//! `tabsh=trace,russh=info`) or `--log-file` is given.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The variable holding the filter, as `RUST_LOG` would.
pub const LOG_ENV: &str = "TABSH_LOG";
/// The filter when only `--log-file` asks for logging.
const DEFAULT_FILTER: &str = "info";
const LOG_FILE_NAME: &str = "tabsh.log";

/// `<data dir>/tabsh.log` (`~/.local/share/tabsh/tabsh.log` on Linux).
pub fn default_log_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tabsh").map(|dirs| dirs.data_dir().join(LOG_FILE_NAME))
}

/// Starts logging if asked for. A log file that cannot be opened is reported on stderr
/// (before any screen is drawn) and tabsh runs on without logs.
pub fn init(log_file: Option<&Path>) {
    let filter = std::env::var(LOG_ENV).ok();
    if filter.is_none() && log_file.is_none() {
        return;
    }
    let Some(path) = log_file.map(Path::to_owned).or_else(default_log_file) else {
        eprintln!("tabsh: no data directory for the log; pass --log-file PATH");
        return;
    };
    let file = match open_private(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("tabsh: cannot open log file {}: {error}", path.display());
            return;
        }
    };
    let filter = filter.unwrap_or_else(|| DEFAULT_FILTER.to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

/// Opens `path` for appending, creating it (and its directory, 0700) as 0600. Logs can hold
/// host names, user names and server messages: only the user may read them.
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its mode on open; tighten one that is looser.
    file.set_permissions(Permissions::from_mode(0o600))?;
    Ok(file)
}
