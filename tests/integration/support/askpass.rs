//! An `SSH_ASKPASS` program that answers every prompt with a fixed secret, so OpenSSH tools
//! (ssh, ssh-add) can be driven without a terminal.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes the askpass script into `dir` and returns its path.
pub fn write_askpass(dir: &Path, secret: &str) -> PathBuf {
    assert!(
        !secret.contains('\''),
        "askpass secret must not contain a single quote"
    );
    let path = dir.join("askpass.sh");
    fs::write(&path, format!("#!/bin/sh\nprintf '%s\\n' '{secret}'\n"))
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o700))
        .unwrap_or_else(|error| panic!("cannot chmod {}: {error}", path.display()));
    path
}

/// Makes `command` take its passwords and passphrases from `askpass` instead of a terminal.
pub fn use_askpass<'a>(command: &'a mut Command, askpass: &Path) -> &'a mut Command {
    command
        .env("SSH_ASKPASS", askpass)
        .env("SSH_ASKPASS_REQUIRE", "force")
        // Older OpenSSH only consults SSH_ASKPASS when DISPLAY is set.
        .env("DISPLAY", ":0")
}
