//! Owning a server child process and tearing down everything it spawned.
//!
//! sshd and dropbear fork one child per connection, and sshd's children call `setsid()`, so
//! killing the server's process group is not enough: we walk `/proc` for the whole process
//! tree below the server. A snapshot of the tree is not enough either, because a session may
//! be forking its shell right then, and once a parent is gone its orphans can no longer be
//! found by ancestry. So the tree is first frozen with SIGSTOP (until no new process appears),
//! and only then terminated.
//!
//! Session processes can also outlive their connection (sshd does not kill a command without
//! a pty when the client goes away), and are then orphans nobody's descendant. Servers
//! export `SSH_CONNECTION` to sessions, naming the server port, so such orphans of a server
//! are found through their environment instead.

use std::collections::HashSet;
use std::fs;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use super::wait::wait_until;

const GRACE: Duration = Duration::from_secs(3);
const STEP: Duration = Duration::from_millis(20);

/// A running child in its own process group; dropping it stops it and its descendants.
pub struct ServerProcess {
    child: Child,
    what: String,
    /// The server address and port its sessions see in `SSH_CONNECTION`, if it is an SSH
    /// server.
    session_endpoint: Option<(IpAddr, u16)>,
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
            session_endpoint: None,
            stopped: false,
        }
    }

    /// Marks this as an SSH server on `port`, so stopping it also ends session processes
    /// that already lost their connection (see the module comment).
    pub fn serving_sessions_on(self, port: u16) -> Self {
        self.serving_sessions_at(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
    }

    /// [`Self::serving_sessions_on`] for a server listening on `address` instead of 127.0.0.1.
    pub fn serving_sessions_at(mut self, address: IpAddr, port: u16) -> Self {
        self.session_endpoint = Some((address, port));
        self
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
        // Once reaped, the child's pid (and group id) may already belong to someone else, so
        // only a live child is signalled; its sessions are still found by port.
        let root_alive = matches!(self.child.try_wait(), Ok(None));
        let root = root_alive.then_some(self.child.id() as i32);
        let tree = freeze_tree(root, self.session_endpoint);

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

/// Signals the process group led by `group_leader` (if any) and each of `pids`.
fn signal_all(group_leader: Option<i32>, pids: &[i32], signal: i32) {
    // SAFETY: kill(2) has no memory-safety preconditions; errors (already gone) are ignored.
    unsafe {
        if let Some(leader) = group_leader {
            libc::kill(-leader, signal);
        }
        for &pid in pids {
            libc::kill(pid, signal);
        }
    }
}

/// Stops `root`, every process below it and the sessions on `session_endpoint` with theirs,
/// repeating until no new process appears, and returns them all. Bounded: a fork bomb would
/// win, sshd does not.
fn freeze_tree(root: Option<i32>, session_endpoint: Option<(IpAddr, u16)>) -> Vec<i32> {
    let mut frozen: HashSet<i32> = HashSet::new();
    let mut newcomers: Vec<i32> = root.into_iter().collect();
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
        let processes = all_processes();
        let mut candidates = descendants(&processes, &frozen);
        if let Some((address, port)) = session_endpoint {
            candidates.extend(
                processes
                    .iter()
                    .map(|process| process.pid)
                    .filter(|&pid| is_session_on(pid, address, port)),
            );
        }
        newcomers = candidates
            .into_iter()
            .filter(|pid| !frozen.contains(pid))
            .collect();
        if newcomers.is_empty() {
            break;
        }
    }
    frozen.into_iter().collect()
}

struct ProcessEntry {
    pid: i32,
    parent: i32,
}

fn all_processes() -> Vec<ProcessEntry> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            Some(ProcessEntry {
                pid,
                parent: parent_of(pid)?,
            })
        })
        .collect()
}

/// All processes below any of `roots`, following parent pids.
fn descendants(processes: &[ProcessEntry], roots: &HashSet<i32>) -> HashSet<i32> {
    let mut found: HashSet<i32> = HashSet::new();
    let mut frontier: Vec<i32> = roots.iter().copied().collect();
    while let Some(parent) = frontier.pop() {
        for process in processes {
            if process.parent == parent && found.insert(process.pid) {
                frontier.push(process.pid);
            }
        }
    }
    found
}

/// Whether the process's environment says it runs in a session of the server on
/// `address`:`port`: `SSH_CONNECTION=<client ip> <client port> <address> <port>`.
fn is_session_on(pid: i32, address: IpAddr, port: u16) -> bool {
    let Ok(environ) = fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let wanted = format!(" {address} {port}");
    environ.split(|&byte| byte == 0).any(|variable| {
        let variable = String::from_utf8_lossy(variable);
        variable
            .strip_prefix("SSH_CONNECTION=")
            .is_some_and(|value| value.ends_with(&wanted))
    })
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
pub fn is_alive(pid: i32) -> bool {
    state_of(pid).is_some_and(|state| state != "Z" && state != "X")
}

/// Alive and not stopped (`T`) or traced (`t`).
fn is_running(pid: i32) -> bool {
    is_alive(pid) && state_of(pid).is_some_and(|state| state != "T" && state != "t")
}

/// Every process below `root` at this moment, `root` itself excluded.
pub fn descendants_of(root: u32) -> Vec<i32> {
    let roots = HashSet::from([root as i32]);
    descendants(&all_processes(), &roots).into_iter().collect()
}

/// The processes below `root` running the program named `name` (its `comm`), at this moment.
pub fn descendants_named(root: u32, name: &str) -> Vec<i32> {
    descendants_of(root)
        .into_iter()
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == name)
        })
        .collect()
}

/// The resident memory of `pid` (VmRSS), in bytes.
pub fn resident_bytes(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("the process runs");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status");
    kib * 1024
}

/// Whether `pid` is stopped by a signal (state `T`).
pub fn is_stopped(pid: i32) -> bool {
    state_of(pid).is_some_and(|state| state == "T")
}
