//! Memory: RSS per tab holding 10,000 lines of scrollback, tabsh vs a tmux window.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use super::flood::wait_for_prompt;
use super::support::{Tmux, wait_until};
use super::{
    Bed, WAIT, common, shell_line, shows_line, tmux_command, tmux_output, tmux_server_pid,
};

pub(crate) const TABS: usize = 10;
pub(crate) const SCROLLBACK_LINES: usize = 10_000;
pub(crate) const LINE_CHARS: usize = 97;
const MEMORY_COLS: u16 = 160;
const MEMORY_ROWS: u16 = 40;

pub(crate) struct Memory {
    pub(crate) tabsh_one_tab_kib: u64,
    pub(crate) tabsh_filled_kib: u64,
    pub(crate) tmux_one_window_kib: u64,
    pub(crate) tmux_filled_kib: u64,
}

impl Memory {
    pub(crate) fn tabsh_per_tab_kib(&self) -> f64 {
        self.tabsh_filled_kib.saturating_sub(self.tabsh_one_tab_kib) as f64 / TABS as f64
    }

    pub(crate) fn tmux_per_window_kib(&self) -> f64 {
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

pub(crate) fn measure_memory(bed: &Bed) -> Result<Memory> {
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

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("read /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmRSS in /proc/PID/status")
}
