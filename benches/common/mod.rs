//! Pieces the benchmarks share: what machine it ran on, what a process costs, and (in the
//! submodules) logs to flood with, a pty of their own, the login every client uses, tabsh's
//! library login and the summaries they print. Included by each bench with
//! `#[path = "common/mod.rs"] mod common;`.

// Each bench uses a different part of this.
#![allow(dead_code)]

pub mod highlight_rules;
pub mod logs;
pub mod own_pty;
pub mod ssh_target;
pub mod stats;
pub mod tabsh_login;

use std::process::Command;

use anyhow::{Context, Result, ensure};

/// A report's heading (`## NAME`) and, as a list below it, what machine it ran on.
pub fn print_heading(name: &str) {
    println!();
    println!("## {name}");
    println!();
    for line in machine_info() {
        println!("- {line}");
    }
}

pub fn machine_info() -> Vec<String> {
    let cpus = std::thread::available_parallelism().map_or(0, |count| count.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|cpuinfo| {
            cpuinfo
                .lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    // Other work on the machine skews every row, so the report says how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|loadavg| {
            loadavg
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| release.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    vec![
        format!(
            "date: {}",
            command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
        ),
        format!("CPUs (nproc): {cpus}, model: {model}"),
        format!("kernel: Linux {kernel}"),
        format!("OpenSSH: {}", command_output("ssh", &["-V"])),
        format!("tmux: {}", command_output("tmux", &["-V"])),
        format!("load average (1, 5, 15 min) at the end: {load}"),
    ]
}

/// First line a command printed on stdout or stderr (`ssh -V` uses stderr).
pub fn command_output(program: &str, arguments: &[&str]) -> String {
    Command::new(program)
        .args(arguments)
        .output()
        .ok()
        .and_then(|output| {
            let text = if output.stdout.is_empty() {
                output.stderr
            } else {
                output.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The process named `name`: `parent` itself or one of its children (`sh -c` may exec or fork).
pub fn child_named(parent: u32, name: &str) -> Option<u32> {
    let command =
        |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if command(parent).trim() == name {
        return Some(parent);
    }
    children_of(parent)
        .into_iter()
        .find(|&pid| command(pid).trim() == name)
}

/// The direct children of `parent` at this moment (empty when it is gone).
pub fn children_of(parent: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children"))
        .map(|children| {
            children
                .split_whitespace()
                .filter_map(|pid| pid.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// User + system CPU time of `pid` so far, in seconds.
pub fn cpu_seconds_of(pid: u32) -> Result<f64> {
    // SAFETY: sysconf has no preconditions.
    let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("read /proc/{pid}/stat"))?;
    // The name in parentheses may hold spaces ("tmux: server"); fields are counted after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of stat, 12th and 13th after the name.
    let ticks = |index: usize| -> Result<f64> {
        fields
            .get(index)
            .and_then(|field| field.parse::<f64>().ok())
            .context("utime/stime in /proc/PID/stat")
    };
    Ok((ticks(11)? + ticks(12)?) / ticks_per_second)
}

/// User + system CPU time of all `pids` so far, in seconds.
pub fn cpu_seconds(pids: &[u32]) -> Result<f64> {
    pids.iter().map(|&pid| cpu_seconds_of(pid)).sum()
}

/// Rounds to measure: `TABSH_BENCH_RUNS`, else `default`; at most `max`, so a mistyped value
/// cannot occupy the machine for hours.
pub fn runs_from_env(default: usize, max: usize) -> Result<usize> {
    let Ok(text) = std::env::var("TABSH_BENCH_RUNS") else {
        return Ok(default);
    };
    let runs: usize = text
        .trim()
        .parse()
        .with_context(|| format!("TABSH_BENCH_RUNS={text:?} is not a number"))?;
    ensure!(
        (1..=max).contains(&runs),
        "TABSH_BENCH_RUNS must be between 1 and {max}, got {runs}"
    );
    Ok(runs)
}

/// The pid of the program in the pane of the tmux server listening on `tmux_socket`.
pub fn pane_pid(tmux_socket: &std::path::Path) -> Result<u32> {
    let output = Command::new("tmux")
        .arg("-S")
        .arg(tmux_socket)
        .args(["display-message", "-p", "#{pane_pid}"])
        .output()?;
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .context("pane pid from tmux")
}
