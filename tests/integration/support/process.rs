//! Owning a server child process and tearing down everything it spawned.
//!
//! sshd and dropbear fork one child per connection, and sshd's children call `setsid()`, so
//! killing the server's process group is not enough: we walk `/proc` for the whole process
//! tree below the server. A snapshot of the tree is not enough either, because a session may
//! be forking its shell right then, and once a parent is gone its orphans can no longer be
//! found by ancestry. So the tree is first frozen with SIGSTOP (until no new process appears),
//! and only then terminated.

use std::collections::HashSet;
use std::fs;
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use super::wait::wait_until;

const GRACE: Duration = Duration::from_secs(3);
const STEP: Duration = Duration::from_millis(20);

/// A running child in its own process group; dropping it stops it and its descendants.
pub struct ServerProcess {
    child: Child,
    what: String,
    stopped: bool,
}

impl ServerProcess {
    /// Spawns `command` in a new process group. `what` names it in panic messages.
    pub fn spawn(command: &mut Command, what: &str) -> Self {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start {what}: {error}"));
        ServerProcess {
            child,
            what: what.to_owned(),
            stopped: false,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if the process has already exited, without blocking.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child
            .try_wait()
            .unwrap_or_else(|error| panic!("cannot query {} status: {error}", self.what))
    }

    /// Freezes the process and all its descendants, sends them (and its group) SIGTERM,
    /// SIGKILLs whatever is still alive after a bounded grace period, then reaps the child.
    /// Idempotent.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let root = self.child.id() as i32;
        let tree = freeze_tree(root);

        signal_all(root, &tree, libc::SIGTERM);
        // Stopped processes only act on the pending SIGTERM once continued.
        signal_all(root, &tree, libc::SIGCONT);
        let child = &mut self.child;
        let exited = wait_until(GRACE, STEP, || {
            matches!(child.try_wait(), Ok(Some(_))) && tree.iter().all(|&pid| !is_alive(pid))
        });
        if !exited {
            signal_all(root, &tree, libc::SIGKILL);
        }
        // After SIGKILL this returns promptly; it also reaps the zombie in the normal case.
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

fn signal_all(group: i32, pids: &[i32], signal: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions; errors (already gone) are ignored.
    unsafe {
        libc::kill(-group, signal);
        for &pid in pids {
            libc::kill(pid, signal);
        }
    }
}

/// Stops `root` and every process below it, repeating until the tree stops growing, and
/// returns the whole tree (root included). Bounded: a fork bomb would win, sshd does not.
fn freeze_tree(root: i32) -> Vec<i32> {
    let mut frozen: HashSet<i32> = HashSet::new();
    let mut newcomers = vec![root];
    for _ in 0..50 {
        for &pid in &newcomers {
            // SAFETY: kill(2) has no memory-safety preconditions; a vanished pid is harmless.
            unsafe { libc::kill(pid, libc::SIGSTOP) };
            frozen.insert(pid);
        }
        // SIGSTOP is asynchronous: until a process has actually stopped it may still fork.
        wait_until(GRACE, Duration::from_millis(2), || {
            frozen.iter().all(|&pid| !is_running(pid))
        });
        newcomers = descendants(root)
            .into_iter()
            .filter(|pid| !frozen.contains(pid))
            .collect();
        if newcomers.is_empty() {
            break;
        }
    }
    frozen.into_iter().collect()
}

/// All processes below `root`, found through the parent pid in `/proc/<pid>/stat`.
fn descendants(root: i32) -> Vec<i32> {
    let parents: Vec<(i32, i32)> = fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
                .filter_map(|pid| Some((pid, parent_of(pid)?)))
                .collect()
        })
        .unwrap_or_default();
    let mut found: HashSet<i32> = HashSet::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &parents {
            if ppid == parent && found.insert(pid) {
                frontier.push(pid);
            }
        }
    }
    found.into_iter().collect()
}

/// Fields of `/proc/<pid>/stat` after the command name, which is in parentheses and may
/// itself contain spaces and parentheses, hence the search for the last `)`.
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

fn parent_of(pid: i32) -> Option<i32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

fn state_of(pid: i32) -> Option<String> {
    stat_fields(pid)?.into_iter().next()
}

/// Zombies count as dead: the container's init may never reap orphans.
fn is_alive(pid: i32) -> bool {
    state_of(pid).is_some_and(|state| state != "Z" && state != "X")
}

/// Alive and not stopped (`T`) or traced (`t`).
fn is_running(pid: i32) -> bool {
    is_alive(pid) && state_of(pid).is_some_and(|state| state != "T" && state != "t")
}
