//! Puts the git commit into `tabsh --version` when tabsh is built from a git checkout.
//!
//! Without git, or outside a checkout of this crate (a crates.io tarball, a vendored copy inside
//! another repository), the version is the package version alone. Nothing here can fail the
//! build: every git question that gets no clean answer means "no commit".

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match commit(&manifest_dir) {
        Some(commit) => format!("{version} (commit {commit})"),
        None => version,
    };
    println!("cargo:rustc-env=TABSH_VERSION={long}");
}

/// The checked-out commit, abbreviated, when `dir` is the top of a git work tree.
fn commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same_dir = match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    };
    if !same_dir {
        return None;
    }
    // Rebuild when the checkout moves: HEAD itself, the branch it names, packed refs.
    for path in ["HEAD", "packed-refs"] {
        watch(dir, path);
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch(dir, &branch);
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let valid = !commit.is_empty() && commit.chars().all(|c| c.is_ascii_hexdigit());
    valid.then_some(commit)
}

/// Asks cargo to rerun this script when the git file `name` (resolved inside the git dir,
/// which for a worktree is not `.git/`) changes.
fn watch(dir: &Path, name: &str) {
    if let Some(path) = git(dir, &["rev-parse", "--git-path", name]) {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// `git ARGS` run in `dir`: its trimmed stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout)
        .ok()
        .map(|text| text.trim().to_owned())
}
