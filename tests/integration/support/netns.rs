//! Network-namespace primitives for the network lab: running a command or a closure inside
//! a named namespace (`ip netns add NAME`, i.e. `/run/netns/NAME`).

use std::fs::File;
use std::os::fd::AsRawFd;
use std::process::Command;

/// `ip netns exec NAME <program>`: the program runs in the namespace. `ip` execs it, so the
/// child's pid is the program's own.
pub fn command_in(namespace: &str, program: &str) -> Command {
    let mut command = Command::new("ip");
    command.args(["netns", "exec", namespace, program]);
    command
}

/// Runs `work` on a fresh thread that has joined the namespace, and returns its result.
/// Joining a network namespace only affects the calling thread, so the rest of the test
/// process stays where it is; sockets created by `work` stay in the namespace for good,
/// even when they outlive the thread.
pub fn run_in<T: Send>(namespace: &str, work: impl FnOnce() -> T + Send) -> T {
    let path = format!("/run/netns/{namespace}");
    let handle = File::open(&path).unwrap_or_else(|error| panic!("open {path}: {error}"));
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                // SAFETY: setns(2) on a valid open fd; it changes only this thread's namespace.
                let result = unsafe { libc::setns(handle.as_raw_fd(), libc::CLONE_NEWNET) };
                assert_eq!(
                    result,
                    0,
                    "setns into {namespace}: {}",
                    std::io::Error::last_os_error()
                );
                work()
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Pids of the processes in the namespace (`ip netns pids`); empty when it does not exist.
pub fn pids_in(namespace: &str) -> Vec<i32> {
    let Ok(output) = Command::new("ip")
        .args(["netns", "pids", namespace])
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|pid| pid.parse().ok())
        .collect()
}

/// Names of all network namespaces (`ip netns list`, whose lines may carry ` (id: N)`).
pub fn all_namespaces() -> Vec<String> {
    let Ok(output) = Command::new("ip").args(["netns", "list"]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}
