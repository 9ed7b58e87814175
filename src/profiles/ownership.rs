//! OpenSSH's rule for files that steer a connection (`~/.ssh/config`, readconf.c): the file
//! must be owned by the user running tabsh or by root, and not be writable by group or
//! others. A profile chooses the host, the user, the key and the known_hosts file; anyone who
//! can write one can send the next login to a server of theirs.

use std::fmt;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;

/// Why a file or directory is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    /// Owned by `owner`, who is neither the user (`user`) nor root.
    Owner { owner: u32, user: u32 },
    /// Writable by group or others (permission bits `mode`).
    Writable { mode: u32 },
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Untrusted::Owner { owner, user } => write!(
                f,
                "bad owner: owned by uid {owner}, not by you (uid {user}) or root"
            ),
            Untrusted::Writable { mode } => write!(
                f,
                "bad permissions: mode {mode:04o} lets group or others write it \
                 (chmod go-w fixes it)"
            ),
        }
    }
}

/// The uid whose files tabsh trusts besides root's.
pub fn current_uid() -> u32 {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    unsafe { libc::geteuid() }
}

/// Whether a file or directory with `metadata` may steer tabsh when run by `user`.
pub fn check(metadata: &Metadata, user: u32) -> Result<(), Untrusted> {
    check_fields(metadata.uid(), metadata.mode(), user)
}

fn check_fields(owner: u32, mode: u32, user: u32) -> Result<(), Untrusted> {
    if owner != 0 && owner != user {
        return Err(Untrusted::Owner { owner, user });
    }
    if mode & 0o022 != 0 {
        return Err(Untrusted::Writable {
            mode: mode & 0o7777,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_and_root_may_own_it_nobody_else() {
        assert_eq!(check_fields(1000, 0o100600, 1000), Ok(()));
        assert_eq!(check_fields(0, 0o100644, 1000), Ok(()));
        assert_eq!(
            check_fields(1001, 0o100600, 1000),
            Err(Untrusted::Owner {
                owner: 1001,
                user: 1000
            })
        );
        // Root running tabsh trusts only root's files.
        assert!(check_fields(1000, 0o100600, 0).is_err());
    }

    #[test]
    fn group_or_world_writable_is_refused_even_when_ours() {
        assert_eq!(
            check_fields(1000, 0o100664, 1000),
            Err(Untrusted::Writable { mode: 0o664 })
        );
        assert_eq!(
            check_fields(1000, 0o041777, 1000),
            Err(Untrusted::Writable { mode: 0o1777 })
        );
        assert!(
            Untrusted::Writable { mode: 0o666 }
                .to_string()
                .contains("mode 0666")
        );
    }
}
