//! Output floods: a command whose output scrolls by, until its last line shows, tabsh and
//! `ssh -tt` each in its own 120x40 tmux window, and the same command over `ssh -tt` with its
//! output thrown away (the floor no client can beat).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use super::support::{Tmux, wait_until};
use super::{Bed, Pair, WAIT, common, median, shell_line, shows_line, tmux_server_pid};

const FLOOD_TIMEOUT: Duration = Duration::from_secs(180);
/// How often the flood's end is looked for; finer polling would steal CPU from the clients
/// being measured (capture-pane is a process start each time).
pub(crate) const FLOOD_POLL: Duration = Duration::from_millis(10);
pub(crate) const FLOOD_COLS: u16 = 120;
pub(crate) const FLOOD_ROWS: u16 = 40;

const SEQ_LAST: u32 = 2_000_000;
pub(crate) const COLOURED_LOG_BYTES: usize = 50_000_000;
pub(crate) const CJK_LOG_BYTES: usize = 30_000_000;

/// What floods the screen, and the line that shows it is done.
pub(crate) struct FloodInput {
    pub(crate) name: &'static str,
    pub(crate) command: String,
    pub(crate) last_line: String,
    pub(crate) what: String,
}

impl FloodInput {
    pub(crate) fn seq() -> FloodInput {
        FloodInput {
            name: "seq",
            command: format!("seq 1 {SEQ_LAST}"),
            last_line: SEQ_LAST.to_string(),
            what: format!("`seq 1 {SEQ_LAST}` (14.9 MB, 16.9 MB with CR LF)"),
        }
    }

    /// `cat` of a log file in `logs` (see [`LogFiles`]).
    pub(crate) fn cat(logs: &LogFiles, name: &'static str) -> FloodInput {
        let (path, what) = if name == "coloured" {
            (
                &logs.coloured,
                "a 50 MB log, one line in five with its level in bold colour",
            )
        } else {
            (
                &logs.cjk,
                "a 30 MB log of CJK text (UTF-8, wide characters)",
            )
        };
        FloodInput {
            name,
            command: format!("cat {}", path.display()),
            last_line: end_marker(name),
            what: format!("`cat` of {what}"),
        }
    }
}

/// The log files, written where the test user can read them.
pub(crate) struct LogFiles {
    _dir: tempfile::TempDir,
    pub(crate) coloured: PathBuf,
    pub(crate) cjk: PathBuf,
}

/// A last line no other line of the log reads.
fn end_marker(name: &str) -> String {
    format!("end of the {name} log")
}

impl LogFiles {
    pub(crate) fn write() -> Result<LogFiles> {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::Builder::new()
            .prefix("tabsh-bench-logs-")
            .tempdir()?;
        // The sshd's login user is not root: it must be able to reach and read the files.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
        let write = |name: &str, mut log: Vec<u8>| -> Result<PathBuf> {
            log.extend_from_slice(format!("{}\n", end_marker(name)).as_bytes());
            let path = dir.path().join(format!("{name}.log"));
            std::fs::write(&path, log)?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
            Ok(path)
        };
        let coloured = write("coloured", common::logs::coloured_log(COLOURED_LOG_BYTES))?;
        let cjk = write("cjk", common::logs::cjk_log(CJK_LOG_BYTES))?;
        Ok(LogFiles {
            _dir: dir,
            coloured,
            cjk,
        })
    }
}

/// One flood's times, and where the CPU went in each measured round.
pub(crate) struct Flood {
    pub(crate) input: FloodInput,
    pub(crate) times: Pair,
    pub(crate) tabsh_cpu: Vec<CpuSplit>,
    pub(crate) ssh_cpu: Vec<CpuSplit>,
    /// `ssh -tt HOST COMMAND` with its output thrown away: login, the server's pty and sshd.
    pub(crate) floor_with_login: Vec<Duration>,
    /// `ssh -tt HOST true`: the login and logout alone.
    pub(crate) login_only: Vec<Duration>,
}

impl Flood {
    /// What no client can beat: the time the server takes to push the flood through its pty
    /// and sshd to a client that only throws it away.
    pub(crate) fn server_floor(&self) -> Duration {
        median(&self.floor_with_login).saturating_sub(median(&self.login_only))
    }
}

/// User + system CPU seconds used during one flood.
#[derive(Clone, Copy)]
pub(crate) struct CpuSplit {
    pub(crate) client: f64,
    pub(crate) tmux_server: f64,
}

/// A client running in its own tmux server, and the processes whose CPU time is read.
pub(crate) struct FloodSide {
    tmux: Tmux,
    client_pid: u32,
    tmux_server_pid: u32,
}

impl FloodSide {
    pub(crate) fn start(argv: &[String], client_name: &str) -> Result<FloodSide> {
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

    /// Types `command`, which never ends, and waits until `shown` is on the screen.
    pub(crate) fn start_endless(&self, command: &str, shown: &str) -> Result<()> {
        self.tmux.type_text(command);
        self.tmux.press(&["Enter"]);
        let started = wait_until(WAIT, FLOOD_POLL, || self.tmux.screen().contains(shown));
        ensure!(
            started,
            "{shown:?} did not show; screen:\n{}",
            self.tmux.screen()
        );
        Ok(())
    }

    fn cpu(&self) -> Result<CpuSplit> {
        Ok(CpuSplit {
            client: common::cpu_seconds_of(self.client_pid)?,
            tmux_server: common::cpu_seconds_of(self.tmux_server_pid)?,
        })
    }
}

pub(crate) fn measure_flood(bed: &Bed, runs: usize, input: FloodInput) -> Result<Flood> {
    let tabsh = FloodSide::start(&bed.tabsh_argv(), "tabsh")?;
    let ssh = FloodSide::start(&bed.ssh_argv(), "ssh")?;
    let mut flood = Flood {
        input,
        times: Pair::default(),
        tabsh_cpu: Vec::new(),
        ssh_cpu: Vec::new(),
        floor_with_login: Vec::new(),
        login_only: Vec::new(),
    };
    // A discarded first round warms the page cache and both shells.
    for round in 0..=runs {
        // Alternating who goes first keeps a slow spell of the machine from hitting one side.
        let order: [(&FloodSide, bool); 2] = if round % 2 == 0 {
            [(&tabsh, true), (&ssh, false)]
        } else {
            [(&ssh, false), (&tabsh, true)]
        };
        for (side, is_tabsh) in order {
            let (elapsed, cpu) = flood_once(side, &flood.input)?;
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
        let floor = timed_ssh(bed, &flood.input.command)?;
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

pub(crate) fn wait_for_prompt(tmux: &Tmux) -> Result<()> {
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

pub(crate) fn flood_once(side: &FloodSide, input: &FloodInput) -> Result<(Duration, CpuSplit)> {
    let tmux = &side.tmux;
    let last = &input.last_line;
    // The previous round's last line must be gone, or it would end this round at once.
    tmux.type_text("printf '\\033[H\\033[2J'");
    tmux.press(&["Enter"]);
    let cleared = wait_until(WAIT, Duration::from_millis(20), || {
        !shows_line(&tmux.screen(), last)
    });
    ensure!(cleared, "the screen still shows {last} after clearing");
    wait_for_prompt(tmux)?;
    tmux.type_text(&input.command);
    std::thread::sleep(Duration::from_millis(100));

    let cpu_before = side.cpu()?;
    let started = Instant::now();
    tmux.press(&["Enter"]);
    let mut shown_at = None;
    wait_until(FLOOD_TIMEOUT, FLOOD_POLL, || {
        let shown = shows_line(&tmux.screen(), last);
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

/// The command that floods one tab while another is typed in: the log, over and over.
pub(crate) fn endless_cat(path: &Path) -> String {
    format!("while :; do cat {}; done", path.display())
}
