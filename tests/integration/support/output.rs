//! Running the `tabsh` binary as a command and reading what it printed.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `tabsh --config-dir CONFIG_DIR ARGS...` with no stdin and waits for it.
pub fn tabsh(config_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabsh"))
        .arg("--config-dir")
        .arg(config_dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("tabsh runs")
}

/// A command's output as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
