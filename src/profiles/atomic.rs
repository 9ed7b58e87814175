//! Crash-safe file writes and private directories. A profile on disk is either the old one or
//! the new one, never half of each, and nobody but the owner can read it.

use std::fs::{self, DirBuilder, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::Path;

use tempfile::NamedTempFile;

pub const PRIVATE_FILE_MODE: u32 = 0o600;
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Replace,
    /// Fail with `AlreadyExists`: creating must not race another writer.
    Keep,
}

/// Writes `contents` to `target` through a temp file in the same directory (so the rename
/// cannot cross file systems), syncing the data before the rename and the directory after it.
pub fn write_file_atomically(target: &Path, contents: &[u8], existing: Existing) -> io::Result<()> {
    let dir = parent_dir(target)?;
    let mut temp = NamedTempFile::new_in(dir)?;
    temp.as_file()
        .set_permissions(Permissions::from_mode(PRIVATE_FILE_MODE))?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    match existing {
        Existing::Replace => temp.persist(target).map_err(|error| error.error)?,
        Existing::Keep => temp
            .persist_noclobber(target)
            .map_err(|error| error.error)?,
    };
    sync_dir(dir)
}

/// Removes `target` and makes the removal durable.
pub fn remove_file_durably(target: &Path) -> io::Result<()> {
    fs::remove_file(target)?;
    sync_dir(parent_dir(target)?)
}

/// Creates `dir` (and missing parents) as 0700, or tightens an existing one to 0700. Returns
/// whether it was created. Shared directories (sticky, like /tmp) and directories owned by
/// someone else are left alone: `--config-dir /tmp` must not lock everyone else out.
pub fn ensure_private_dir(dir: &Path) -> io::Result<bool> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {
            tighten_if_ours(dir, &meta)?;
            Ok(false)
        }
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "exists but is not a directory",
        )),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            DirBuilder::new()
                .recursive(true)
                .mode(PRIVATE_DIR_MODE)
                .create(dir)?;
            // The umask may have removed bits we asked for; set the exact mode.
            fs::set_permissions(dir, Permissions::from_mode(PRIVATE_DIR_MODE))?;
            Ok(true)
        }
        Err(error) => Err(error),
    }
}

fn tighten_if_ours(dir: &Path, meta: &fs::Metadata) -> io::Result<()> {
    const STICKY: u32 = 0o1000;
    let mode = meta.mode();
    let shared = mode & STICKY != 0;
    if shared || meta.uid() != effective_uid() || mode & 0o7777 == PRIVATE_DIR_MODE {
        return Ok(());
    }
    fs::set_permissions(dir, Permissions::from_mode(PRIVATE_DIR_MODE))
}

fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn parent_dir(target: &Path) -> io::Result<&Path> {
    target
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no directory"))
}

/// A rename is only durable once the directory entry itself reaches the disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path)
            .expect("path exists")
            .permissions()
            .mode()
            & 0o7777
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("dir readable")
            .map(|entry| {
                entry
                    .expect("entry readable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn written_file_is_private_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("web.toml");
        write_file_atomically(&target, b"host = \"a\"\n", Existing::Replace).expect("write");
        write_file_atomically(&target, b"host = \"b\"\n", Existing::Replace).expect("rewrite");

        assert_eq!(fs::read_to_string(&target).expect("read"), "host = \"b\"\n");
        assert_eq!(mode_of(&target), 0o600);
        assert_eq!(names_in(dir.path()), vec!["web.toml"]);
    }

    #[test]
    fn keep_refuses_to_replace_and_cleans_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("web.toml");
        fs::write(&target, "original").expect("seed file");

        let error = write_file_atomically(&target, b"new", Existing::Keep)
            .expect_err("existing file must be kept");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&target).expect("read"), "original");
        assert_eq!(names_in(dir.path()), vec!["web.toml"]);
    }

    #[test]
    fn private_dir_is_created_0700_and_existing_one_tightened() {
        let root = tempfile::tempdir().expect("tempdir");
        let created = root.path().join("a/b");
        assert!(ensure_private_dir(&created).expect("create"));
        assert_eq!(mode_of(&created), 0o700);

        let loose = root.path().join("loose");
        fs::create_dir(&loose).expect("mkdir");
        fs::set_permissions(&loose, Permissions::from_mode(0o755)).expect("chmod");
        assert!(!ensure_private_dir(&loose).expect("tighten"));
        assert_eq!(mode_of(&loose), 0o700);
    }

    #[test]
    fn sticky_shared_dir_is_left_alone() {
        let root = tempfile::tempdir().expect("tempdir");
        let shared = root.path().join("shared");
        fs::create_dir(&shared).expect("mkdir");
        fs::set_permissions(&shared, Permissions::from_mode(0o1777)).expect("chmod");
        ensure_private_dir(&shared).expect("no error");
        assert_eq!(mode_of(&shared), 0o1777);
    }

    #[test]
    fn a_file_in_the_way_is_an_error() {
        let root = tempfile::tempdir().expect("tempdir");
        let file = root.path().join("f");
        fs::write(&file, "").expect("write");
        assert!(ensure_private_dir(&file).is_err());
    }
}
