//! tabsh itself, the real binary on a pty this bench owns, holding a group of tabs on one
//! connection: opening it, cloning it to N tabs, and seeing on the parsed screen when every tab
//! is back after the connection was lost.
//!
//! Only the active tab's text is on the screen, but the tab bar shows every tab's title, which
//! each shell sets in its prompt to its own pid (`shell_title.rs`). So all tabs are back the
//! moment the tab bar shows every tab open and each with a title it did not have before the
//! loss: each tab has the first prompt of a new shell. Read from one screen, without a key,
//! within one frame (tabsh draws at most every 16 ms) of the last prompt arriving.
//!
//! Afterwards, outside the time, a walk over the tabs (`Ctrl-\ n`) checks that each one shows
//! the reconnect marker with the new shell's prompt below it.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use crate::common::own_pty::{OwnPty, cursor_row};
use crate::common::ssh_target::SshTarget;
use crate::shell_title::TITLE_PREFIX;

/// Ctrl-\, tabsh's prefix key.
const PREFIX: &str = "\x1c";
/// Wide enough for ten tab labels (` 10 up-4194304 ↻`, the highest pid) and the longest
/// reconnect marker on one row.
pub const PTY_COLS: u16 = 180;
pub const PTY_ROWS: u16 = 40;
const PROFILE: &str = "bench";
/// The start of the line tabsh writes into a tab that came back (`text::reconnected_marker`).
const MARKER_START: &str = "-- reconnected after";
/// The tab bar's marks for a tab that is not open: waiting for an answer, connecting or
/// opening, waiting to reconnect, ended.
const NOT_OPEN_MARKS: [char; 4] = ['?', '…', '↻', '✕'];
/// What separates two labels in the tab bar.
const LABEL_SEPARATOR: char = '│';

pub struct TabGroup {
    pty: OwnPty,
    tabs: usize,
    /// Holds the profile; removed at drop, after the pty (and tabsh) are gone.
    _config: tempfile::TempDir,
}

impl TabGroup {
    /// Starts `tabsh open` on the bench profile for `target` and clones the tab until `tabs`
    /// tabs share its connection, each labelled (see [`Self::label_tabs`]). `wait` bounds each
    /// step.
    pub fn open(target: &SshTarget, tabs: usize, wait: Duration) -> Result<TabGroup> {
        let config = tempfile::Builder::new()
            .prefix("tabsh-bench-reconnect-")
            .tempdir()
            .context("create a config dir")?;
        target.write_tabsh_profile(config.path(), PROFILE)?;
        let argv = [
            env!("CARGO_BIN_EXE_tabsh").to_owned(),
            "--config-dir".to_owned(),
            config.path().display().to_string(),
            "open".to_owned(),
            PROFILE.to_owned(),
        ];
        let pty = OwnPty::spawn(&argv, PTY_COLS, PTY_ROWS)?;
        let mut group = TabGroup {
            pty,
            tabs,
            _config: config,
        };
        group.wait_for_sessions(1, wait)?;
        for count in 2..=tabs {
            group.press("c")?;
            group.wait_for_sessions(count, wait)?;
        }
        group.label_tabs(wait)?;
        Ok(group)
    }

    /// Runs `printf 'tab-%s\n' N` in every tab, N its place in the tab bar, and waits for it.
    /// A stale screen of another tab then never passes for this one, and the walk can tell
    /// this round's marker (below the label) from an earlier one. It also shows every shell
    /// answers.
    pub fn label_tabs(&mut self, wait: Duration) -> Result<()> {
        self.visit_each_tab(wait, |pty, place| {
            pty.wait_screen(wait, |screen| cursor_row(screen).trim_end() == "$")
                .with_context(|| format!("tab {place} shows no prompt to type at"))?;
            pty.write(format!("printf 'tab-%s\\n' {place}\r").as_bytes())?;
            pty.wait_screen(wait, |screen| shows_label_above_prompt(screen, place))
                .with_context(|| format!("tab {place} did not print its label"))?;
            Ok(())
        })
    }

    /// The titles the tab bar shows now, in order: which shell each tab heard from last.
    pub fn titles(&self) -> Vec<String> {
        tab_titles(self.pty.screen())
    }

    /// Waits, without a key, until the tab bar shows a tab with a title none had in `before`:
    /// the first tab has its new shell's prompt. Returns when the output that did it was read.
    pub fn wait_until_first_prompted(
        &mut self,
        before: &[String],
        wait: Duration,
    ) -> Result<Instant> {
        self.pty
            .wait_screen(wait, |screen| new_prompts(screen, before) > 0)
            .context("no tab prompted again")
    }

    /// Waits, without a key, until the tab bar shows every tab open with a title none had in
    /// `before` (each tab's new shell has prompted) and the status bar counts them all;
    /// returns when the output that did it was read. `wait` bounds it.
    pub fn wait_until_all_prompted(
        &mut self,
        before: &[String],
        wait: Duration,
    ) -> Result<Instant> {
        let tabs = self.tabs;
        self.pty
            .wait_screen(wait, |screen| {
                all_open(screen, tabs) && new_prompts(screen, before) == tabs
            })
            .context("the tabs did not all prompt again")
    }

    /// Walks the tabs (from the active one) and checks that each shows the reconnect marker,
    /// below the tab's label, with a shell prompt below it; then that every tab is still open.
    pub fn check_all_back(&mut self, wait: Duration) -> Result<()> {
        self.visit_each_tab(wait, |pty, place| {
            pty.wait_screen(wait, |screen| shows_back(screen, place))
                .with_context(|| format!("tab {place} does not show it came back"))?;
            Ok(())
        })?;
        let screen = self.pty.screen();
        ensure!(
            all_open(screen, self.tabs),
            "not every tab is open:\n{}",
            screen.contents()
        );
        Ok(())
    }

    /// The reconnect marker the active tab shows last, as tabsh wrote it.
    pub fn last_marker(&self) -> Option<String> {
        let screen = self.pty.screen();
        (0..PTY_ROWS)
            .rev()
            .map(|index| row(screen, index))
            .find(|text| text.contains(MARKER_START))
            .map(|text| text.trim().to_owned())
    }

    /// Visits each tab once, starting with the active one and going on with `Ctrl-\ n`: waits
    /// (bounded by `wait`) until the tab bar shows the next tab active, then runs `at_tab`
    /// with its place (1-based).
    fn visit_each_tab(
        &mut self,
        wait: Duration,
        mut at_tab: impl FnMut(&mut OwnPty, usize) -> Result<()>,
    ) -> Result<()> {
        let first = active_tab(self.pty.screen())
            .filter(|place| (1..=self.tabs).contains(place))
            .context("no active tab in the tab bar")?;
        for step in 0..self.tabs {
            let place = (first - 1 + step) % self.tabs + 1;
            if step > 0 {
                self.press("n")?;
                self.pty
                    .wait_screen(wait, |screen| active_tab(screen) == Some(place))
                    .with_context(|| format!("tab {place} did not become active"))?;
            }
            at_tab(&mut self.pty, place)?;
        }
        Ok(())
    }

    /// `Ctrl-\` followed by `key`.
    fn press(&mut self, key: &str) -> Result<()> {
        self.pty.write(format!("{PREFIX}{key}").as_bytes())
    }

    /// Waits until the status bar counts `count` sessions and the active tab shows a prompt.
    fn wait_for_sessions(&mut self, count: usize, wait: Duration) -> Result<()> {
        let wanted = session_count(count);
        self.pty
            .wait_screen(wait, |screen| {
                row(screen, PTY_ROWS - 1).contains(&wanted) && cursor_row(screen).trim_end() == "$"
            })
            .with_context(|| format!("no {count} sessions with a prompt"))?;
        Ok(())
    }
}

/// How the status bar counts `count` sessions, between its separators.
fn session_count(count: usize) -> String {
    let sessions = if count == 1 { "session" } else { "sessions" };
    format!("{LABEL_SEPARATOR} {count} {sessions} {LABEL_SEPARATOR}")
}

/// The status bar counts `tabs` sessions and the tab bar marks none of them as not open.
fn all_open(screen: &vt100::Screen, tabs: usize) -> bool {
    row(screen, PTY_ROWS - 1).contains(&session_count(tabs))
        && !row(screen, 0).contains(NOT_OPEN_MARKS)
}

fn row(screen: &vt100::Screen, index: u16) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .nth(usize::from(index))
        .unwrap_or_default()
}

/// How many tabs show a title set by a shell's prompt that none showed in `before`.
fn new_prompts(screen: &vt100::Screen, before: &[String]) -> usize {
    tab_titles(screen)
        .iter()
        .filter(|title| title.starts_with(TITLE_PREFIX) && !before.contains(title))
        .count()
}

/// Each tab's title in the tab bar, whose labels read ` 3 TITLE ` (a mark may follow the
/// title) between separators.
fn tab_titles(screen: &vt100::Screen) -> Vec<String> {
    row(screen, 0)
        .split(LABEL_SEPARATOR)
        .filter_map(|label| {
            let (_place, title) = label.trim().split_once(' ')?;
            Some(title.trim_end_matches(NOT_OPEN_MARKS).to_owned())
        })
        .collect()
}

/// The place (1-based) of the active tab: the tab bar draws only its label in bold.
fn active_tab(screen: &vt100::Screen) -> Option<usize> {
    let (_, cols) = screen.size();
    let label: String = (0..cols.get())
        .filter_map(|col| screen.cell(0, col))
        .filter(|cell| cell.bold())
        .map(|cell| cell.contents())
        .collect();
    label.split_whitespace().next()?.parse().ok()
}

fn label(place: usize) -> String {
    format!("tab-{place}")
}

/// The active tab is `place`, its cursor is on a bare prompt, and the line above is its label.
fn shows_label_above_prompt(screen: &vt100::Screen, place: usize) -> bool {
    let (cursor, _) = screen.cursor_position();
    active_tab(screen) == Some(place)
        && cursor > 0
        && row(screen, cursor).trim_end() == "$"
        && row(screen, cursor - 1).trim_end() == label(place)
}

/// The active tab is `place`, its cursor is on a bare prompt, and the last reconnect marker
/// above that prompt is below the tab's last label: the tab's new shell has started (and
/// printed its login banner, PAM's motd) after the marker of this round.
fn shows_back(screen: &vt100::Screen, place: usize) -> bool {
    let (cursor, _) = screen.cursor_position();
    if active_tab(screen) != Some(place) || row(screen, cursor).trim_end() != "$" {
        return false;
    }
    let wanted = label(place);
    let last_above = |matches: &dyn Fn(&str) -> bool| {
        (1..cursor)
            .rev()
            .find(|&index| matches(&row(screen, index)))
    };
    let marker = last_above(&|text| text.contains(MARKER_START));
    let labelled = last_above(&|text| text.trim_end() == wanted);
    matches!((marker, labelled), (Some(marker), Some(labelled)) if marker > labelled)
}
