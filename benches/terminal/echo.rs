//! Keystroke echo: one key at a time until it is on the screen, on a pty this benchmark owns.
//! Idle (tabsh next to `ssh -tt`), and in one tab while another tab of the same tabsh floods.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::bare_client;
use super::common::own_pty::{OwnPty, cursor_row};
use super::flood::{FloodSide, endless_cat};
use super::{Bed, Pair, WAIT, common};

pub(crate) const KEYS_PER_RUN: usize = 200;
/// Fewer keys while another tab floods: each may take as long as a frame does then.
pub(crate) const KEYS_PER_FLOOD_RUN: usize = 50;
/// Wide enough that a run's keys stay on the prompt's line; wrapping would only add noise.
pub(crate) const ECHO_COLS: u16 = 220;
pub(crate) const ECHO_ROWS: u16 = 40;
/// Pause between keys: a fast typist's pace, and long enough that each key meets an idle
/// client (what a person experiences), not a queue of earlier keys.
pub(crate) const KEY_GAP: Duration = Duration::from_millis(40);
const ECHO_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one key may take to show while another tab floods before the case fails.
const FLOOD_ECHO_TIMEOUT: Duration = Duration::from_secs(20);

/// The prefix key, then `c` (clone), `1` and `2` (go to that tab).
const PREFIX: &[u8] = b"\x1c";

/// The idle echo's samples: tabsh, `ssh -tt` (the anchor) and the two bare clients.
pub(crate) struct Echo {
    pub(crate) pair: Pair,
    /// The least a client built on russh and tokio does per key (see `bare_client`): what of
    /// tabsh's distance from `ssh -tt` is the SSH library's and the runtime's.
    pub(crate) bare: Vec<Duration>,
    /// The same client on tabsh's SSH layer: what of the rest is that layer's.
    pub(crate) layer: Vec<Duration>,
}

/// The clients of the idle echo, in the order of [`Echo`]'s samples.
#[derive(Clone, Copy)]
enum Client {
    Tabsh,
    Ssh,
    BareRussh,
    SshLayer,
}

const CLIENTS: [Client; 4] = [
    Client::Tabsh,
    Client::Ssh,
    Client::BareRussh,
    Client::SshLayer,
];

/// The order of the clients in each turn, by turn: every client is in every place once, and
/// follows every other client once (a Williams square), so none inherits more of another's
/// after-effects than the rest.
const TURN_ORDERS: [[usize; 4]; 4] = [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]];

impl Client {
    fn name(self) -> &'static str {
        match self {
            Client::Tabsh => "tabsh",
            Client::Ssh => "ssh",
            Client::BareRussh => "the bare russh client",
            Client::SshLayer => "the tabsh SSH layer client",
        }
    }

    fn argv(self, bed: &Bed) -> Result<Vec<String>> {
        Ok(match self {
            Client::Tabsh => bed.tabsh_argv(),
            Client::Ssh => bed.ssh_argv(),
            Client::BareRussh => bare_client::argv(bare_client::BARE_RUSSH_FLAG, &bed.target)?,
            Client::SshLayer => bare_client::argv(bare_client::SSH_LAYER_FLAG, &bed.target)?,
        })
    }
}

/// The clients take turns key by key, in orders that balance who goes first and who follows
/// whom ([`TURN_ORDERS`]), so that all meet the machine in the same state: rounds of 200 keys
/// each moved with whatever else the VM was doing, and the ratio with them.
pub(crate) fn measure_echo(bed: &Bed, runs: usize) -> Result<Echo> {
    let mut ptys = Vec::with_capacity(CLIENTS.len());
    for client in CLIENTS {
        let mut pty = OwnPty::spawn(&client.argv(bed)?, ECHO_COLS, ECHO_ROWS)?;
        wait_for_prompt(&mut pty)
            .with_context(|| format!("no shell prompt in {}", client.name()))?;
        ptys.push(pty);
    }
    let mut samples: [Vec<Duration>; CLIENTS.len()] = Default::default();
    for _ in 0..runs {
        let mut typists: [Typist; CLIENTS.len()] = Default::default();
        for index in 0..KEYS_PER_RUN {
            for client in TURN_ORDERS[index % TURN_ORDERS.len()] {
                let sample = typists[client]
                    .type_a_key(&mut ptys[client], ECHO_TIMEOUT)
                    .with_context(|| format!("keystroke echo in {}", CLIENTS[client].name()))?;
                samples[client].push(sample);
            }
        }
        for pty in &mut ptys {
            fresh_prompt(pty)?;
        }
    }
    let [tabsh, anchor, bare, layer] = samples;
    Ok(Echo {
        pair: Pair { tabsh, anchor },
        bare,
        layer,
    })
}

/// Echo in a tab of tabsh while another tab on the same connection floods.
pub(crate) struct EchoUnderFlood {
    /// Tab 2 typed in before tab 1 floods: the same process, tabs and connection, idle.
    pub(crate) idle: Vec<Duration>,
    /// Tab 2 typed in while tab 1 runs `cat` of the coloured log over and over.
    pub(crate) flooding: Vec<Duration>,
    /// tabsh's user + system CPU seconds over the flooding rounds, and their length.
    pub(crate) cpu_seconds: f64,
    pub(crate) wall_seconds: f64,
    /// The anchor: keys typed into `ssh -tt` on the bench's pty, idle and then while another
    /// `ssh -tt` in a 120x40 tmux window runs the same loop (tmux parses that flood as tabsh
    /// parses tab 1's). It shows what the machine allows a client under such a flood.
    pub(crate) ssh_idle: Vec<Duration>,
    pub(crate) ssh_flooding: Vec<Duration>,
}

/// tabsh with two tabs: tab 2 a clone of tab 1 (`Ctrl-\ c`). Keys typed in tab 2 are timed,
/// first with both tabs idle, then while tab 1 runs `cat` of the coloured log in a loop.
pub(crate) fn measure_echo_under_flood(
    bed: &Bed,
    runs: usize,
    coloured_log: &Path,
) -> Result<EchoUnderFlood> {
    let mut tabsh = OwnPty::spawn(&bed.tabsh_argv(), ECHO_COLS, ECHO_ROWS)?;
    wait_for_prompt(&mut tabsh).context("no shell prompt in tab 1")?;
    go(&mut tabsh, b"c")?;
    tabsh
        .wait_screen(WAIT, |screen| {
            screen.contents().contains("2 sessions") && cursor_row(screen).trim_end() == "$"
        })
        .context("no shell prompt in the clone")?;

    let idle = flood_case_rounds(&mut tabsh, runs, ECHO_TIMEOUT).context("idle echo in tab 2")?;

    go(&mut tabsh, b"1")?;
    wait_for_prompt(&mut tabsh).context("no shell prompt back in tab 1")?;
    tabsh.write(format!("{}\r", endless_cat(coloured_log)).as_bytes())?;
    tabsh
        .wait_screen(WAIT, |screen| screen.contents().contains(" path=/"))
        .context("the flood did not start in tab 1")?;
    go(&mut tabsh, b"2")?;
    wait_for_prompt(&mut tabsh).context("tab 2 did not come back")?;

    let cpu_before = common::cpu_seconds_of(tabsh.pid())?;
    let started = Instant::now();
    let flooding = flood_case_rounds(&mut tabsh, runs, FLOOD_ECHO_TIMEOUT)
        .context("echo in tab 2 while tab 1 floods")?;
    let cpu_seconds = common::cpu_seconds_of(tabsh.pid())? - cpu_before;
    let wall_seconds = started.elapsed().as_secs_f64();
    // tabsh goes, and its flood with it, before the anchor's starts.
    drop(tabsh);
    let (ssh_idle, ssh_flooding) = ssh_echo_under_flood(bed, runs, coloured_log)?;
    Ok(EchoUnderFlood {
        idle,
        flooding,
        cpu_seconds,
        wall_seconds,
        ssh_idle,
        ssh_flooding,
    })
}

/// The same keys typed into `ssh -tt`, idle and then while another `ssh -tt` in a tmux window
/// runs `cat` of the coloured log in a loop: (idle, flooding).
fn ssh_echo_under_flood(
    bed: &Bed,
    runs: usize,
    coloured_log: &Path,
) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let mut ssh = OwnPty::spawn(&bed.ssh_argv(), ECHO_COLS, ECHO_ROWS)?;
    wait_for_prompt(&mut ssh).context("no shell prompt in ssh")?;
    let idle = flood_case_rounds(&mut ssh, runs, ECHO_TIMEOUT).context("idle echo in ssh")?;
    let flood = FloodSide::start(&bed.ssh_argv(), "ssh")?;
    flood
        .start_endless(&endless_cat(coloured_log), " path=/")
        .context("the flood did not start in the tmux window")?;
    let flooding = flood_case_rounds(&mut ssh, runs, FLOOD_ECHO_TIMEOUT)
        .context("echo in ssh while another ssh floods")?;
    Ok((idle, flooding))
}

/// Sends the prefix key and then `key`.
fn go(pty: &mut OwnPty, key: &[u8]) -> Result<()> {
    pty.write(PREFIX)?;
    pty.write(key)
}

fn wait_for_prompt(pty: &mut OwnPty) -> Result<Instant> {
    pty.wait_screen(WAIT, |screen| cursor_row(screen).trim_end() == "$")
}

/// Types letters at the prompt, one at a time, and times each until the cursor's line reads
/// `$ ` followed by everything typed so far.
#[derive(Debug)]
struct Typist {
    typed: String,
}

impl Default for Typist {
    fn default() -> Self {
        Self {
            typed: String::from("$ "),
        }
    }
}

impl Typist {
    fn type_a_key(&mut self, pty: &mut OwnPty, timeout: Duration) -> Result<Duration> {
        let index = self.typed.len() - 2;
        let key = char::from(b'a' + (index % 26) as u8);
        self.typed.push(key);
        std::thread::sleep(KEY_GAP);
        pty.drain()?;
        let sent = Instant::now();
        pty.write(key.to_string().as_bytes())?;
        let typed = self.typed.as_str();
        let shown = pty
            .wait_screen(timeout, |screen| {
                cursor_row(screen).trim_end().ends_with(typed)
            })
            .with_context(|| format!("key {index} ({key:?}) did not echo"))?;
        Ok(shown - sent)
    }
}

/// Ctrl-C, and waits for the fresh prompt.
fn fresh_prompt(pty: &mut OwnPty) -> Result<()> {
    pty.write(b"\x03")?;
    pty.wait_screen(WAIT, |screen| cursor_row(screen).trim_end() == "$")
        .context("no fresh prompt after Ctrl-C")?;
    Ok(())
}

/// `runs` rounds of [`KEYS_PER_FLOOD_RUN`] letters typed at the prompt (see [`Typist`]), each
/// ended with Ctrl-C for a fresh prompt: the echo-under-flood case's samples, idle or not.
fn flood_case_rounds(pty: &mut OwnPty, runs: usize, timeout: Duration) -> Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(runs * KEYS_PER_FLOOD_RUN);
    for _ in 0..runs {
        let mut typist = Typist::default();
        for _ in 0..KEYS_PER_FLOOD_RUN {
            samples.push(typist.type_a_key(pty, timeout)?);
        }
        fresh_prompt(pty)?;
    }
    Ok(samples)
}
