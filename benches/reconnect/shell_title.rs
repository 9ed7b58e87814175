//! Every shell of the bench's sshd names itself in the terminal title as part of its prompt:
//! `up-<its pid>`. tabsh shows a tab's title in the tab bar, so one screen shows, for all tabs
//! at once, which shell each tab last heard a prompt from; a tab whose title changed after the
//! restart has its new shell's first prompt. The title and `$ ` are one string, written by the
//! shell in one go, so the title never shows before its prompt has arrived.
//!
//! It is set through sshd (`SetEnv ENV=FILE`; dash reads `$ENV` when it starts interactive,
//! after the profile files), so every client in the bench (tabsh, `ssh -tt`, tabsh's
//! library) gets the same shell doing the same work; and the login user's files stay as
//! they are.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::support::SshdOptions;

/// What every title starts with; the shell's pid follows.
pub const TITLE_PREFIX: &str = "up-";

/// Writes the file dash reads through `$ENV` into `dir` (made readable for the login user)
/// and returns the sshd options that hand it to every session.
pub fn sshd_options(dir: &Path) -> Result<SshdOptions> {
    let env_file = write_env_file(dir)?;
    Ok(SshdOptions {
        extra: vec![format!("SetEnv ENV={}", env_file.display())],
        ..SshdOptions::default()
    })
}

fn write_env_file(dir: &Path) -> Result<PathBuf> {
    // The login user reads it: the directory must let them through.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("chmod {}", dir.display()))?;
    let path = dir.join("title-prompt.sh");
    // ESC ] 2 ; TITLE BEL sets the title (OSC 2). The control characters are written as they
    // are: dash has no escapes in PS1, and a `$(printf ...)` would fork once per shell.
    let script = format!("PS1='\x1b]2;{TITLE_PREFIX}'\"$$\"'\x07$ '\n");
    std::fs::write(&path, script).with_context(|| format!("write {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
        .with_context(|| format!("chmod {}", path.display()))?;
    Ok(path)
}
