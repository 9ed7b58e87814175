//! The local account that demo sessions run as. The demo server never switches
//! users: whoever runs tabsh gets a shell as themselves, like a local terminal.

use std::ffi::CStr;
use std::path::{Path, PathBuf};

/// Shells tried, in order, when neither `$SHELL` nor the password database names a usable one.
const FALLBACK_SHELLS: [&str; 2] = ["/bin/bash", "/bin/sh"];

/// Name, home directory and login shell of the current user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalUser {
    pub name: String,
    pub home: PathBuf,
    pub shell: PathBuf,
}

impl LocalUser {
    /// Reads the password database first, because `$HOME`/`$USER` may be
    /// missing or stale in test harnesses and service managers; the
    /// environment fills in whatever the database lacks.
    pub fn current() -> Self {
        let record = PasswdRecord::current();
        let name = record
            .as_ref()
            .map(|r| r.name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "demo".to_owned());
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|h| h.is_dir())
            .or_else(|| {
                record
                    .as_ref()
                    .map(|r| r.home.clone())
                    .filter(|h| h.is_dir())
            })
            .unwrap_or_else(|| PathBuf::from("/"));
        let shell = choose_shell(
            std::env::var_os("SHELL").map(PathBuf::from),
            record.map(|r| r.shell),
        );
        Self { name, home, shell }
    }

    /// The same user with `shell` instead of the login shell, when given.
    pub fn with_shell(self, shell: Option<PathBuf>) -> Self {
        match shell {
            Some(shell) => Self { shell, ..self },
            None => self,
        }
    }
}

/// `$SHELL` first (what the person is used to), then the account's shell,
/// then bash, then sh: the first that exists is used.
fn choose_shell(from_env: Option<PathBuf>, from_passwd: Option<PathBuf>) -> PathBuf {
    from_env
        .into_iter()
        .chain(from_passwd)
        .chain(FALLBACK_SHELLS.iter().map(PathBuf::from))
        .find(|candidate| is_executable_file(candidate))
        .unwrap_or_else(|| PathBuf::from("/bin/sh"))
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.is_absolute()
        && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

struct PasswdRecord {
    name: String,
    home: PathBuf,
    shell: PathBuf,
}

impl PasswdRecord {
    fn current() -> Option<Self> {
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        let mut buffer = vec![0 as libc::c_char; 16 * 1024];
        // SAFETY: an all-zero passwd is a valid value (null pointers, zero ids);
        // getpwuid_r fills it in.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to live storage of the stated size, and
        // the strings written into `buffer` outlive their use below.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buffer.as_mut_ptr(),
                buffer.len(),
                &mut result,
            )
        };
        if rc != 0 || result.is_null() {
            return None;
        }
        let field = |ptr: *const libc::c_char| {
            if ptr.is_null() {
                String::new()
            } else {
                // SAFETY: getpwuid_r succeeded, so non-null fields point to
                // NUL-terminated strings inside `buffer`.
                unsafe { CStr::from_ptr(ptr) }
                    .to_string_lossy()
                    .into_owned()
            }
        };
        Some(Self {
            name: field(entry.pw_name),
            home: PathBuf::from(field(entry.pw_dir)),
            shell: PathBuf::from(field(entry.pw_shell)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_user_has_a_home_and_a_runnable_shell() {
        let user = LocalUser::current();
        assert!(!user.name.is_empty());
        assert!(user.home.is_dir());
        assert!(is_executable_file(&user.shell));
    }

    #[test]
    fn shell_choice_skips_missing_candidates() {
        let shell = choose_shell(
            Some(PathBuf::from("/nonexistent/shell")),
            Some(PathBuf::from("relative/shell")),
        );
        assert!(FALLBACK_SHELLS.iter().any(|s| Path::new(s) == shell));
    }
}
