//! What a person feels at the terminal, tabsh next to OpenSSH and tmux in the same run:
//!
//! 1. output flood: `seq 1 2000000` until its last line shows, tabsh vs `ssh -tt`, both in tmux;
//! 2. keystroke echo: one key at a time until it is on the screen, tabsh vs `ssh -tt`, both
//!    under a pty this benchmark owns;
//! 3. memory: RSS per tab holding 10,000 lines of scrollback, tabsh vs a tmux window;
//! 4. start-up: exec until the session manager's first frame with 1,000 saved sessions.
//!
//! Run with `cargo bench --bench terminal` (as root, like the integration tests: it uses their
//! private sshd and login user). `TABSH_BENCH_RUNS` sets the rounds of the slow cases (flood,
//! keystroke echo; default 5); start-up takes four times as many (it is quick).
//! `TABSH_BENCH_CASES=flood,echo,memory,startup` measures only the cases listed.

#[path = "../tests/integration/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use support::{Sshd, SshdOptions, Tmux, test_user, user_keys, wait_until};

const DEFAULT_RUNS: usize = 5;
/// Keeps a mistyped `TABSH_BENCH_RUNS` from occupying the machine for hours.
const MAX_RUNS: usize = 100;
const STARTUP_RUNS_PER_RUN: usize = 4;
/// Generous bound for things that take a second or two; only a broken setup gets near it.
const WAIT: Duration = Duration::from_secs(30);

const FLOOD_LAST: u32 = 2_000_000;
const FLOOD_TIMEOUT: Duration = Duration::from_secs(180);
/// How often the flood's end is looked for; finer polling would steal CPU from the clients
/// being measured (capture-pane is a process start each time).
const FLOOD_POLL: Duration = Duration::from_millis(10);
const FLOOD_COLS: u16 = 120;
const FLOOD_ROWS: u16 = 40;

const KEYS_PER_RUN: usize = 200;
/// Wide enough that a run's keys stay on the prompt's line; wrapping would only add noise.
const ECHO_COLS: u16 = 220;
const ECHO_ROWS: u16 = 40;
/// Pause between keys: a fast typist's pace, and long enough that each key meets an idle
/// client (what a person experiences), not a queue of earlier keys.
const KEY_GAP: Duration = Duration::from_millis(40);
const ECHO_TIMEOUT: Duration = Duration::from_secs(2);

const TABS: usize = 10;
const SCROLLBACK_LINES: usize = 10_000;
const LINE_CHARS: usize = 97;
const MEMORY_COLS: u16 = 160;
const MEMORY_ROWS: u16 = 40;

const SAVED_SESSIONS: usize = 1000;
const STARTUP_COLS: u16 = 120;
const STARTUP_ROWS: u16 = 40;

fn main() -> Result<()> {
    // `cargo test --all-targets` runs this binary without `--bench`; it must not measure then.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("terminal: not run as a benchmark (no --bench); skipping the measurements");
        return Ok(());
    }
    let runs = common::runs_from_env(DEFAULT_RUNS, MAX_RUNS)?;
    let cases = cases_from_env()?;
    let bed = Bed::start()?;
    let startup_runs = runs * STARTUP_RUNS_PER_RUN;
    let mut results = Results::default();
    if cases.contains(&"flood") {
        eprintln!("terminal: output flood, {runs} rounds");
        results.flood = Some(measure_flood(&bed, runs)?);
    }
    if cases.contains(&"echo") {
        eprintln!("terminal: keystroke echo, {runs} rounds of {KEYS_PER_RUN} keys");
        results.echo = Some(measure_echo(&bed, runs)?);
    }
    if cases.contains(&"memory") {
        eprintln!("terminal: memory, {TABS} tabs");
        results.memory = Some(measure_memory(&bed)?);
    }
    if cases.contains(&"startup") {
        eprintln!("terminal: start-up, {startup_runs} rounds");
        results.startup = Some(measure_startup(startup_runs)?);
    }
    print_report(runs, startup_runs, &results);
    Ok(())
}

const CASES: [&str; 4] = ["flood", "echo", "memory", "startup"];

/// `TABSH_BENCH_CASES=echo,startup` measures only those; all four by default.
fn cases_from_env() -> Result<Vec<&'static str>> {
    let Ok(text) = std::env::var("TABSH_BENCH_CASES") else {
        return Ok(CASES.to_vec());
    };
    text.split(',')
        .map(|name| {
            CASES
                .into_iter()
                .find(|case| *case == name.trim())
                .with_context(|| {
                    format!("unknown case {name:?} in TABSH_BENCH_CASES; cases: {CASES:?}")
                })
        })
        .collect()
}

#[derive(Default)]
struct Results {
    flood: Option<Flood>,
    echo: Option<Pair>,
    memory: Option<Memory>,
    startup: Option<Vec<Duration>>,
}

/// The private sshd and a tabsh config dir holding one profile for it (key auth).
struct Bed {
    sshd: Sshd,
    known_hosts: PathBuf,
    config: tempfile::TempDir,
}

const PROFILE: &str = "bench";

impl Bed {
    fn start() -> Result<Bed> {
        let sshd = Sshd::start(SshdOptions {
            max_sessions: Some(50),
            ..SshdOptions::default()
        });
        let known_hosts = sshd.write_known_hosts();
        let config = tempfile::Builder::new()
            .prefix("tabsh-bench-config-")
            .tempdir()?;
        let sessions = config.path().join("sessions");
        std::fs::create_dir_all(&sessions)?;
        std::fs::write(
            sessions.join(format!("{PROFILE}.toml")),
            format!(
                "host = \"127.0.0.1\"\nport = {}\nuser = \"{}\"\nauth = [\"key\"]\n\
                 identity_file = \"{}\"\nknown_hosts_file = \"{}\"\n",
                sshd.port(),
                test_user().name,
                user_keys().ed25519.private.display(),
                known_hosts.display()
            ),
        )?;
        Ok(Bed {
            sshd,
            known_hosts,
            config,
        })
    }

    /// `tabsh` with the bench profile open, as a program and its arguments.
    fn tabsh_argv(&self) -> Vec<String> {
        vec![
            env!("CARGO_BIN_EXE_tabsh").to_owned(),
            "--config-dir".to_owned(),
            self.config.path().display().to_string(),
            "open".to_owned(),
            PROFILE.to_owned(),
        ]
    }

    /// `ssh -tt` to the same server and user with the same key, ignoring any ssh config.
    fn ssh_argv(&self) -> Vec<String> {
        vec![
            "ssh".to_owned(),
            "-tt".to_owned(),
            "-F".to_owned(),
            "/dev/null".to_owned(),
            "-o".to_owned(),
            "BatchMode=yes".to_owned(),
            "-o".to_owned(),
            "IdentitiesOnly=yes".to_owned(),
            "-o".to_owned(),
            format!("UserKnownHostsFile={}", self.known_hosts.display()),
            "-i".to_owned(),
            user_keys().ed25519.private.display().to_string(),
            "-p".to_owned(),
            self.sshd.port().to_string(),
            format!("{}@127.0.0.1", test_user().name),
        ]
    }
}

/// A command line for `sh -c`; the arguments here are paths and options without quotes.
fn shell_line(argv: &[String]) -> String {
    argv.join(" ")
}

// ---------------------------------------------------------------------------------------------
// 1. Output flood

struct Pair {
    tabsh: Vec<Duration>,
    anchor: Vec<Duration>,
}

/// The flood's times, and where the CPU went in each measured round.
struct Flood {
    times: Pair,
    tabsh_cpu: Vec<CpuSplit>,
    ssh_cpu: Vec<CpuSplit>,
    /// `ssh -tt HOST seq ...` with its output thrown away: login, the server's pty and sshd.
    floor_with_login: Vec<Duration>,
    /// `ssh -tt HOST true`: the login and logout alone.
    login_only: Vec<Duration>,
}

impl Flood {
    /// What no client can beat: the time the server takes to push the flood through its pty
    /// and sshd to a client that only throws it away.
    fn server_floor(&self) -> Duration {
        median(&self.floor_with_login).saturating_sub(median(&self.login_only))
    }
}

/// User + system CPU seconds used during one flood.
#[derive(Clone, Copy)]
struct CpuSplit {
    client: f64,
    tmux_server: f64,
}

/// A client running in its own tmux server, and the processes whose CPU time is read.
struct FloodSide {
    tmux: Tmux,
    client_pid: u32,
    tmux_server_pid: u32,
}

impl FloodSide {
    fn start(argv: &[String], client_name: &str) -> Result<FloodSide> {
        let tmux = Tmux::start(&shell_line(argv), FLOOD_COLS, FLOOD_ROWS);
        wait_for_prompt(&tmux)?;
        let client_pid = common::child_named(common::pane_pid(tmux.socket())?, client_name)
            .with_context(|| format!("find the {client_name} process"))?;
        let tmux_server_pid = tmux_server_pid(&tmux)?;
        Ok(FloodSide {
            tmux,
            client_pid,
            tmux_server_pid,
        })
    }

    fn cpu(&self) -> Result<CpuSplit> {
        Ok(CpuSplit {
            client: common::cpu_seconds_of(self.client_pid)?,
            tmux_server: common::cpu_seconds_of(self.tmux_server_pid)?,
        })
    }
}

fn measure_flood(bed: &Bed, runs: usize) -> Result<Flood> {
    let tabsh = FloodSide::start(&bed.tabsh_argv(), "tabsh")?;
    let ssh = FloodSide::start(&bed.ssh_argv(), "ssh")?;
    let mut flood = Flood {
        times: Pair {
            tabsh: Vec::new(),
            anchor: Vec::new(),
        },
        tabsh_cpu: Vec::new(),
        ssh_cpu: Vec::new(),
        floor_with_login: Vec::new(),
        login_only: Vec::new(),
    };
    // A discarded first round warms the page cache and both shells' `seq`.
    for round in 0..=runs {
        // Alternating who goes first keeps a slow spell of the machine from hitting one side.
        let order: [(&FloodSide, bool); 2] = if round % 2 == 0 {
            [(&tabsh, true), (&ssh, false)]
        } else {
            [(&ssh, false), (&tabsh, true)]
        };
        for (side, is_tabsh) in order {
            let (elapsed, cpu) = flood_once(side)?;
            if round > 0 {
                if is_tabsh {
                    flood.times.tabsh.push(elapsed);
                    flood.tabsh_cpu.push(cpu);
                } else {
                    flood.times.anchor.push(elapsed);
                    flood.ssh_cpu.push(cpu);
                }
            }
        }
        let floor = timed_ssh(bed, &format!("seq 1 {FLOOD_LAST}"))?;
        let login = timed_ssh(bed, "true")?;
        if round > 0 {
            flood.floor_with_login.push(floor);
            flood.login_only.push(login);
        }
    }
    Ok(flood)
}

/// Runs `command` over `ssh -tt` outside tmux, its output discarded, and times the whole run.
fn timed_ssh(bed: &Bed, command: &str) -> Result<Duration> {
    let argv = bed.ssh_argv();
    let started = Instant::now();
    let status = Command::new(&argv[0])
        .args(&argv[1..])
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("run ssh")?;
    ensure!(status.success(), "ssh {command:?} failed: {status}");
    Ok(started.elapsed())
}

fn wait_for_prompt(tmux: &Tmux) -> Result<()> {
    let mut screen = String::new();
    let ready = wait_until(WAIT, Duration::from_millis(50), || {
        screen = tmux.screen();
        // `$ ` for the test user; `# ` for the local root shell of the tmux memory anchor.
        screen
            .lines()
            .any(|line| matches!(line.trim_end(), "$" | "#"))
    });
    ensure!(ready, "no shell prompt within {WAIT:?}; screen:\n{screen}");
    Ok(())
}

fn shows_line(screen: &str, wanted: &str) -> bool {
    screen.lines().any(|line| line.trim() == wanted)
}

fn flood_once(side: &FloodSide) -> Result<(Duration, CpuSplit)> {
    let tmux = &side.tmux;
    let last = FLOOD_LAST.to_string();
    // The previous round's last line must be gone, or it would end this round at once.
    tmux.type_text("printf '\\033[H\\033[2J'");
    tmux.press(&["Enter"]);
    let cleared = wait_until(WAIT, Duration::from_millis(20), || {
        !shows_line(&tmux.screen(), &last)
    });
    ensure!(cleared, "the screen still shows {last} after clearing");
    wait_for_prompt(tmux)?;
    tmux.type_text(&format!("seq 1 {FLOOD_LAST}"));
    std::thread::sleep(Duration::from_millis(100));

    let cpu_before = side.cpu()?;
    let started = Instant::now();
    tmux.press(&["Enter"]);
    let mut shown_at = None;
    wait_until(FLOOD_TIMEOUT, FLOOD_POLL, || {
        let shown = shows_line(&tmux.screen(), &last);
        if shown {
            shown_at = Some(Instant::now());
        }
        shown
    });
    let Some(shown_at) = shown_at else {
        bail!(
            "{last} did not show within {FLOOD_TIMEOUT:?}; screen:\n{}",
            tmux.screen()
        );
    };
    let cpu_after = side.cpu()?;
    // The prompt after the flood means the shell is idle again before the next round.
    wait_for_prompt(tmux)?;
    let cpu = CpuSplit {
        client: cpu_after.client - cpu_before.client,
        tmux_server: cpu_after.tmux_server - cpu_before.tmux_server,
    };
    Ok((shown_at - started, cpu))
}

// ---------------------------------------------------------------------------------------------
// 2. Keystroke echo

fn measure_echo(bed: &Bed, runs: usize) -> Result<Pair> {
    let mut tabsh = OwnPty::spawn(&bed.tabsh_argv(), ECHO_COLS, ECHO_ROWS)?;
    let mut ssh = OwnPty::spawn(&bed.ssh_argv(), ECHO_COLS, ECHO_ROWS)?;
    for pty in [&mut tabsh, &mut ssh] {
        pty.wait_screen(WAIT, |screen| cursor_row(screen).trim_end() == "$")
            .context("no shell prompt")?;
    }
    let mut pair = Pair {
        tabsh: Vec::new(),
        anchor: Vec::new(),
    };
    for round in 0..runs {
        let order: [(&mut OwnPty, bool); 2] = if round % 2 == 0 {
            [(&mut tabsh, true), (&mut ssh, false)]
        } else {
            [(&mut ssh, false), (&mut tabsh, true)]
        };
        for (pty, is_tabsh) in order {
            let samples = echo_round(pty).with_context(|| {
                format!(
                    "keystroke echo in {}",
                    if is_tabsh { "tabsh" } else { "ssh" }
                )
            })?;
            if is_tabsh {
                pair.tabsh.extend(samples);
            } else {
                pair.anchor.extend(samples);
            }
        }
    }
    Ok(pair)
}

/// Types `KEYS_PER_RUN` letters at the prompt, one at a time, and times each until the cursor's
/// line reads `$ ` followed by everything typed so far. Ends with Ctrl-C for a fresh prompt.
fn echo_round(pty: &mut OwnPty) -> Result<Vec<Duration>> {
    let mut typed = String::from("$ ");
    let mut samples = Vec::with_capacity(KEYS_PER_RUN);
    for index in 0..KEYS_PER_RUN {
        let key = char::from(b'a' + (index % 26) as u8);
        typed.push(key);
        std::thread::sleep(KEY_GAP);
        pty.drain()?;
        let sent = Instant::now();
        pty.write(key.to_string().as_bytes())?;
        let shown = pty
            .wait_screen(ECHO_TIMEOUT, |screen| {
                cursor_row(screen).trim_end().ends_with(typed.as_str())
            })
            .with_context(|| format!("key {index} ({key:?}) did not echo"))?;
        samples.push(shown - sent);
    }
    pty.write(b"\x03")?;
    pty.wait_screen(WAIT, |screen| cursor_row(screen).trim_end() == "$")
        .context("no fresh prompt after Ctrl-C")?;
    Ok(samples)
}

fn cursor_row(screen: &vt100::Screen) -> String {
    let (row, _) = screen.cursor_position();
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .nth(usize::from(row))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// 3. Memory

struct Memory {
    tabsh_one_tab_kib: u64,
    tabsh_filled_kib: u64,
    tmux_one_window_kib: u64,
    tmux_filled_kib: u64,
}

impl Memory {
    fn tabsh_per_tab_kib(&self) -> f64 {
        self.tabsh_filled_kib.saturating_sub(self.tabsh_one_tab_kib) as f64 / TABS as f64
    }

    fn tmux_per_window_kib(&self) -> f64 {
        self.tmux_filled_kib
            .saturating_sub(self.tmux_one_window_kib) as f64
            / TABS as f64
    }
}

/// The shell command that fills a tab: `SCROLLBACK_LINES` lines of exactly `LINE_CHARS`
/// characters, then a marker line whose text is not in the command itself.
fn fill_command(tab: usize) -> String {
    // `seq -w` pads every number to 5 digits; a space and the padding make the rest.
    let padding: String = (0..LINE_CHARS - 6)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    format!("seq -w 1 {SCROLLBACK_LINES} | sed 's/$/ {padding}/'; echo filled-$(({tab}+0))")
}

fn filled_marker(tab: usize) -> String {
    format!("filled-{tab}")
}

/// Checks once, locally, that the fill command prints what the case claims.
fn check_fill_command() -> Result<()> {
    let output = Command::new("sh").arg("-c").arg(fill_command(1)).output()?;
    let text = String::from_utf8(output.stdout)?;
    let lines: Vec<&str> = text.lines().collect();
    ensure!(
        lines.len() == SCROLLBACK_LINES + 1,
        "fill command printed {} lines",
        lines.len()
    );
    ensure!(
        lines[..SCROLLBACK_LINES]
            .iter()
            .all(|line| line.chars().count() == LINE_CHARS),
        "fill command lines are not all {LINE_CHARS} characters"
    );
    ensure!(lines[SCROLLBACK_LINES] == filled_marker(1));
    Ok(())
}

fn measure_memory(bed: &Bed) -> Result<Memory> {
    check_fill_command()?;

    let tabsh = Tmux::start(&shell_line(&bed.tabsh_argv()), MEMORY_COLS, MEMORY_ROWS);
    wait_for_prompt(&tabsh)?;
    let tabsh_pid = common::child_named(common::pane_pid(tabsh.socket())?, "tabsh")
        .context("find the tabsh process")?;
    // Let connection set-up allocations settle before the baseline.
    std::thread::sleep(Duration::from_secs(1));
    let tabsh_one_tab_kib = rss_kib(tabsh_pid)?;
    for tab in 1..=TABS {
        if tab > 1 {
            tabsh.press(&["C-\\", "c"]);
            tabsh.wait_for(&format!("{tab} sessions"), WAIT);
            let previous = filled_marker(tab - 1);
            let fresh = wait_until(WAIT, Duration::from_millis(20), || {
                let screen = tabsh.screen();
                !screen.contains(&previous) && screen.lines().any(|l| l.trim_end() == "$")
            });
            ensure!(
                fresh,
                "tab {tab} showed no fresh prompt:\n{}",
                tabsh.screen()
            );
        }
        fill(&tabsh, tab)?;
    }
    std::thread::sleep(Duration::from_secs(1));
    let tabsh_filled_kib = rss_kib(tabsh_pid)?;
    drop(tabsh);

    // tmux reads `history-limit` when a pane is made, so the window it starts with (made
    // before the option could be set) is swapped for one made after.
    let tmux = Tmux::start("sh", MEMORY_COLS, MEMORY_ROWS);
    tmux_command(&tmux, &["set-option", "-g", "history-limit", "10000"])?;
    tmux_command(&tmux, &["new-window", "sh"])?;
    tmux_command(&tmux, &["kill-window", "-t", ":0"])?;
    wait_for_prompt(&tmux)?;
    let server_pid = tmux_server_pid(&tmux)?;
    std::thread::sleep(Duration::from_secs(1));
    let tmux_one_window_kib = rss_kib(server_pid)?;
    for window in 1..=TABS {
        if window > 1 {
            tmux_command(&tmux, &["new-window", "sh"])?;
            wait_for_prompt(&tmux)?;
        }
        fill(&tmux, window)?;
    }
    std::thread::sleep(Duration::from_secs(1));
    let history: usize = tmux_output(&tmux, &["display-message", "-p", "#{history_size}"])?
        .trim()
        .parse()
        .context("tmux history size")?;
    ensure!(
        history + usize::from(MEMORY_ROWS) >= SCROLLBACK_LINES,
        "tmux kept only {history} lines of history"
    );
    let tmux_filled_kib = rss_kib(server_pid)?;

    Ok(Memory {
        tabsh_one_tab_kib,
        tabsh_filled_kib,
        tmux_one_window_kib,
        tmux_filled_kib,
    })
}

fn fill(tmux: &Tmux, tab: usize) -> Result<()> {
    tmux.type_text(&fill_command(tab));
    tmux.press(&["Enter"]);
    let marker = filled_marker(tab);
    let done = wait_until(WAIT, Duration::from_millis(50), || {
        shows_line(&tmux.screen(), &marker)
    });
    ensure!(done, "tab {tab} did not finish filling:\n{}", tmux.screen());
    Ok(())
}

fn tmux_command(tmux: &Tmux, arguments: &[&str]) -> Result<()> {
    let status = Command::new("tmux")
        .arg("-S")
        .arg(tmux.socket())
        .args(arguments)
        .status()?;
    ensure!(status.success(), "tmux {arguments:?} failed");
    Ok(())
}

fn tmux_output(tmux: &Tmux, arguments: &[&str]) -> Result<String> {
    let output = Command::new("tmux")
        .arg("-S")
        .arg(tmux.socket())
        .args(arguments)
        .output()?;
    ensure!(output.status.success(), "tmux {arguments:?} failed");
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn tmux_server_pid(tmux: &Tmux) -> Result<u32> {
    tmux_output(tmux, &["display-message", "-p", "#{pid}"])?
        .trim()
        .parse()
        .context("tmux server pid")
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("read /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmRSS in /proc/PID/status")
}

// ---------------------------------------------------------------------------------------------
// 4. Start-up

fn measure_startup(runs: usize) -> Result<Vec<Duration>> {
    let config = tempfile::Builder::new()
        .prefix("tabsh-bench-sessions-")
        .tempdir()?;
    write_saved_sessions(config.path())?;
    let argv = vec![
        env!("CARGO_BIN_EXE_tabsh").to_owned(),
        "--config-dir".to_owned(),
        config.path().display().to_string(),
    ];
    let wanted = format!("{SAVED_SESSIONS} sessions");
    let mut samples = Vec::with_capacity(runs);
    // One discarded round: the first ever read of 1,000 files comes from disk, later ones not.
    for round in 0..=runs {
        let spawned = Instant::now();
        let mut pty = OwnPty::spawn(&argv, STARTUP_COLS, STARTUP_ROWS)?;
        let shown = pty
            .wait_screen(WAIT, |screen| screen.contents().contains(&wanted))
            .context("the session manager did not show")?;
        if round > 0 {
            samples.push(shown - spawned);
        }
    }
    Ok(samples)
}

/// Profiles as people keep them: spread over folders, each with its own host and user.
fn write_saved_sessions(config: &Path) -> Result<()> {
    let sessions = config.join("sessions");
    std::fs::create_dir_all(&sessions)?;
    for index in 0..SAVED_SESSIONS {
        std::fs::write(
            sessions.join(format!("host-{index:04}.toml")),
            format!(
                "name = \"host {index:04}\"\nfolder = \"team-{}/env-{}\"\n\
                 host = \"10.{}.{}.{}\"\nuser = \"deploy\"\n",
                index % 20,
                index % 3,
                index / 65536,
                (index / 256) % 256,
                index % 256
            ),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A pty of our own: precise timestamps for each chunk of output, no tmux in between.

/// A program on a pty this process holds the master of. Output is fed to a vt100 parser so
/// conditions are checked on the screen a person would see, not on raw escape sequences.
struct OwnPty {
    master: File,
    child: Child,
    parser: vt100::Parser,
}

impl OwnPty {
    fn spawn(argv: &[String], cols: u16, rows: u16) -> Result<OwnPty> {
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: out-pointers to two ints; null name and termios are allowed.
        let result = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        ensure!(result == 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: openpty returned two fresh descriptors that nothing else owns.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        // SAFETY: fcntl on a descriptor we own; the child must not inherit the master.
        unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };

        let mut command = Command::new(&argv[0]);
        command
            .args(&argv[1..])
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                // A session of its own with the pty as controlling terminal, as a terminal
                // emulator does it; ssh and crossterm look for the controlling terminal.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("spawn {}", argv[0]))?;
        let rows = std::num::NonZeroU16::new(rows).context("zero rows")?;
        let cols = std::num::NonZeroU16::new(cols).context("zero columns")?;
        Ok(OwnPty {
            master: File::from(master),
            child,
            parser: vt100::Parser::new(rows, cols, 0),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.master.write_all(bytes)?;
        Ok(())
    }

    /// Waits up to `timeout` for output; returns whether some came.
    fn read_some(&mut self, timeout: Duration) -> Result<bool> {
        let mut poll = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready < 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::Interrupted {
                return Ok(false);
            }
            return Err(error.into());
        }
        if ready == 0 {
            return Ok(false);
        }
        let mut buffer = [0u8; 65536];
        let count = self
            .master
            .read(&mut buffer)
            .context("the program on the pty exited")?;
        ensure!(count > 0, "the program on the pty closed it");
        self.parser.process(&buffer[..count]);
        Ok(true)
    }

    /// Reads whatever output is already waiting, without waiting for more.
    fn drain(&mut self) -> Result<()> {
        while self.read_some(Duration::ZERO)? {}
        Ok(())
    }

    /// Reads until the screen satisfies `condition`; returns when the output that did it was read.
    fn wait_screen(
        &mut self,
        timeout: Duration,
        condition: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            if condition(self.parser.screen()) {
                return Ok(Instant::now());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!(
                    "not on screen within {timeout:?}; screen:\n{}",
                    self.parser.screen().contents()
                );
            }
            self.read_some(left)?;
        }
    }
}

impl Drop for OwnPty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Report

fn median(samples: &[Duration]) -> Duration {
    percentile(samples, 0.5)
}

/// Nearest-rank percentile.
fn percentile(samples: &[Duration], fraction: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn print_report(runs: usize, startup_runs: usize, results: &Results) {
    println!();
    println!("## terminal");
    println!();
    for line in common::machine_info() {
        println!("- {line}");
    }
    println!(
        "- flood: {runs} rounds (+1 discarded), {FLOOD_COLS}x{FLOOD_ROWS} tmux windows, \
         capture-pane polled every {} ms",
        FLOOD_POLL.as_millis()
    );
    println!(
        "- keystroke echo: {runs} rounds x {KEYS_PER_RUN} keys, {} ms between keys, \
         {ECHO_COLS}x{ECHO_ROWS} pty owned by the bench",
        KEY_GAP.as_millis()
    );
    println!(
        "- memory: {TABS} tabs/windows x {SCROLLBACK_LINES} lines of {LINE_CHARS} characters, \
         VmRSS"
    );
    println!(
        "- start-up: {startup_runs} rounds (+1 discarded), {SAVED_SESSIONS} saved sessions, \
         {STARTUP_COLS}x{STARTUP_ROWS} pty owned by the bench"
    );
    println!();

    println!(
        "| samples (ms) | tabsh median | tabsh min | tabsh max | anchor median | anchor min | anchor max |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let min = |s: &[Duration]| ms(s.iter().min().copied().unwrap_or_default());
    let max = |s: &[Duration]| ms(s.iter().max().copied().unwrap_or_default());
    for (name, pair) in [
        (
            "output flood vs `ssh -tt`",
            &results.flood.as_ref().map(|f| &f.times),
        ),
        ("keystroke echo vs `ssh -tt`", &results.echo.as_ref()),
    ] {
        if let Some(pair) = pair {
            println!(
                "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
                ms(median(&pair.tabsh)),
                min(&pair.tabsh),
                max(&pair.tabsh),
                ms(median(&pair.anchor)),
                min(&pair.anchor),
                max(&pair.anchor),
            );
        }
    }
    if let Some(startup) = &results.startup {
        println!(
            "| start-up | {:.2} | {:.2} | {:.2} | | | |",
            ms(median(startup)),
            min(startup),
            max(startup)
        );
    }
    if let Some(flood) = &results.flood {
        let median_of = |splits: &[CpuSplit], part: fn(&CpuSplit) -> f64| {
            let mut values: Vec<f64> = splits.iter().map(part).collect();
            values.sort_by(f64::total_cmp);
            values.get(values.len() / 2).copied().unwrap_or_default()
        };
        println!();
        println!("| flood CPU s per round (median) | client | its tmux server |");
        println!("|---|---:|---:|");
        for (name, splits) in [("tabsh", &flood.tabsh_cpu), ("`ssh -tt`", &flood.ssh_cpu)] {
            println!(
                "| {name} | {:.2} | {:.2} |",
                median_of(splits, |split| split.client),
                median_of(splits, |split| split.tmux_server)
            );
        }
    }
    if let Some(memory) = &results.memory {
        println!();
        println!("| VmRSS (KiB) | 1 tab / window, empty | {TABS} filled |");
        println!("|---|---:|---:|");
        println!(
            "| tabsh | {} | {} |",
            memory.tabsh_one_tab_kib, memory.tabsh_filled_kib
        );
        println!(
            "| tmux server | {} | {} |",
            memory.tmux_one_window_kib, memory.tmux_filled_kib
        );
    }
    println!();

    println!("| case | how | tabsh | anchor | ratio | target | met? |");
    println!("|---|---|---:|---:|---:|---|---|");
    if let Some(flood) = &results.flood.as_ref().map(|f| &f.times) {
        let ratio = ms(median(&flood.tabsh)) / ms(median(&flood.anchor));
        println!(
            "| output flood (`seq 1 {FLOOD_LAST}`) | Enter until the last line is in tmux capture-pane; median | {:.0} ms | {:.0} ms (`ssh -tt`) | {ratio:.3} | ≤ 0.35 | {} |",
            ms(median(&flood.tabsh)),
            ms(median(&flood.anchor)),
            verdict(ratio <= 0.35)
        );
        let floor = results
            .flood
            .as_ref()
            .map(Flood::server_floor)
            .unwrap_or_default();
        println!(
            "| output flood, server floor | `ssh -tt HOST seq 1 {FLOOD_LAST} > /dev/null` minus `ssh -tt HOST true`; medians | — | {:.0} ms | {:.3} | lowest ratio any client could reach | — |",
            ms(floor),
            ms(floor) / ms(median(&flood.anchor))
        );
    }
    if let Some(echo) = &results.echo {
        let median_ratio = ms(median(&echo.tabsh)) / ms(median(&echo.anchor));
        println!(
            "| keystroke echo, median | key written to the pty until it is on the cursor's line (vt100) | {:.2} ms | {:.2} ms (`ssh -tt`) | {median_ratio:.2} | ≤ 1.2 | {} |",
            ms(median(&echo.tabsh)),
            ms(median(&echo.anchor)),
            verdict(median_ratio <= 1.2)
        );
        let p99 = |samples: &[Duration]| ms(percentile(samples, 0.99));
        let p99_ratio = p99(&echo.tabsh) / p99(&echo.anchor);
        println!(
            "| keystroke echo, p99 | same, {} keys per client | {:.2} ms | {:.2} ms (`ssh -tt`) | {p99_ratio:.2} | ≤ 1.2 | {} |",
            echo.tabsh.len(),
            p99(&echo.tabsh),
            p99(&echo.anchor),
            verdict(p99_ratio <= 1.2)
        );
    }
    if let Some(memory) = &results.memory {
        let ratio = memory.tabsh_per_tab_kib() / memory.tmux_per_window_kib();
        println!(
            "| memory per tab, {SCROLLBACK_LINES} lines × {LINE_CHARS} chars of scrollback | (VmRSS {TABS} filled − 1 empty) / {TABS} | {:.1} MiB | {:.1} MiB (tmux window) | {ratio:.2} | ≤ 1.0 | {} |",
            memory.tabsh_per_tab_kib() / 1024.0,
            memory.tmux_per_window_kib() / 1024.0,
            verdict(ratio <= 1.0)
        );
        println!(
            "| total RSS, {TABS} filled tabs | VmRSS of the process | {:.1} MiB | {:.1} MiB (tmux server) | {:.2} | — | — |",
            memory.tabsh_filled_kib as f64 / 1024.0,
            memory.tmux_filled_kib as f64 / 1024.0,
            memory.tabsh_filled_kib as f64 / memory.tmux_filled_kib as f64
        );
    }
    if let Some(startup) = &results.startup {
        println!(
            "| start-up, {SAVED_SESSIONS} saved sessions | spawn until `{SAVED_SESSIONS} sessions` is on the pty's screen; median | {:.1} ms | — | — | < 100 ms | {} |",
            ms(median(startup)),
            verdict(median(startup) < Duration::from_millis(100))
        );
    }
}
