//! The command line, as clap reads it. `--help`, the completion scripts and the man page are all
//! generated from these definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "tabsh",
    version = env!("TABSH_VERSION"),
    about = "A terminal-UI SSH session manager: tabs, saved sessions, clone session, anti-idle, \
             reconnect",
    long_about = "A terminal-UI SSH session manager: tabs, saved sessions, clone session, \
                  anti-idle, reconnect.\n\nWithout a command, tabsh starts the TUI in the \
                  session manager, which lists the saved sessions and the hosts of ~/.ssh/config \
                  (read-only, re-read when the file changes). A lost connection comes back by \
                  itself with all its tabs and one login. Profiles may go through jump hosts \
                  (jump = [...], like ProxyJump) or a proxy command, carry port forwards \
                  ([[forward]]: -L, -R, -D) and forward the agent (forward_agent); see \
                  sessions/README.md. Ctrl-\\ ? in the TUI lists the keys (Ctrl-\\ i: the \
                  connection inspector, where 1-9 switch forwards; Ctrl-\\ /: search the history; \
                  Ctrl-\\ [: copy mode, copying to the clipboard through OSC 52). Keyword \
                  highlighting for every profile: <config dir>/highlight.toml."
)]
pub struct Args {
    /// Where profiles live (default: the platform config dir, e.g. ~/.config/tabsh)
    #[arg(long, global = true, env = "TABSH_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// The OpenSSH client config whose hosts are listed, like `ssh -F` (default
    /// ~/.ssh/config); `none` lists none
    #[arg(long, global = true, env = "TABSH_SSH_CONFIG", value_name = "FILE")]
    pub ssh_config: Option<PathBuf>,

    /// Write diagnostics to this file (created 0600); without it, TABSH_LOG=FILTER (e.g.
    /// debug) logs to <data dir>/tabsh.log, e.g. ~/.local/share/tabsh/tabsh.log. Never to
    /// the terminal.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Sessions per connection on the built-in demo server, like sshd's MaxSessions
    #[arg(long, global = true, env = "TABSH_DEMO_MAX_SESSIONS", value_name = "N",
          default_value_t = tabsh::demo::DEFAULT_MAX_SESSIONS)]
    pub demo_max_sessions: u32,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the TUI with these sessions open in tabs: saved profiles (id or name) or
    /// ~/.ssh/config hosts (alias)
    Open {
        #[arg(required = true, num_args = 1.., value_name = "PROFILE")]
        profiles: Vec<String>,
    },
    /// List saved sessions and ~/.ssh/config hosts; files that fail to load are reported on
    /// stderr
    List {
        /// Print only what `open` and `exec` accept, one a line (for shell completion)
        #[arg(long, hide = true)]
        ids: bool,
    },
    /// Create profiles from an OpenSSH client config (default ~/.ssh/config)
    ImportSshConfig {
        /// The config file to read
        path: Option<PathBuf>,
    },
    /// Run one command over a session's connection, like `ssh host command`; on several
    /// sessions (or a folder of them) in parallel, every output line prefixed with the
    /// session's id, then a summary table
    #[command(
        after_help = "With one PROFILE (and no --folder) the output, stderr and exit \
        status are the remote command's, as with ssh. With several, or --folder, each line \
        is prefixed `ID | ` (stderr `ID ! `, on stderr), stdin is not read, nothing is \
        asked (as --batch), a table of each session's exit status or error and time follows \
        on stderr, and the exit status is 0 when every command exited 0, else 1.\n\n\
        While a tabsh TUI runs with the same config dir, the command runs on its live \
        connection of the profile (no new login, like ssh's ControlMaster), unless \
        --no-shared; without one, exec connects itself."
    )]
    Exec {
        /// Never ask anything (passwords, host keys): fail with a clear message instead
        #[arg(long)]
        batch: bool,
        /// Every saved session in FOLDER and its subfolders (repeatable)
        #[arg(long, value_name = "FOLDER")]
        folder: Vec<String>,
        /// Never use a running TUI's live connection: always connect (and log in) anew
        #[arg(long)]
        no_shared: bool,
        /// Sessions run at once
        #[arg(long, value_name = "N", default_value_t = 16,
              value_parser = clap::value_parser!(u16).range(1..=1024))]
        parallel: u16,
        /// Profile ids (file name without .toml) or names, or ~/.ssh/config host aliases
        #[arg(value_name = "PROFILE", num_args = 0.., required_unless_present = "folder")]
        profiles: Vec<String>,
        /// The remote command and its arguments (after `--`)
        #[arg(last = true, required = true, num_args = 1..)]
        command: Vec<String>,
    },
    /// The running TUI's connections (profile, sessions/limit, uptime, health), like
    /// `ssh -O check`
    Connections {
        /// Close this profile's connections and their tabs, like `ssh -O exit`
        #[arg(long, value_name = "PROFILE")]
        close: Option<String>,
    },
    /// Check the setup: config dir, profiles, keys.toml, known_hosts, ssh-agent, ~/.ssh/config;
    /// exit status 1 when something is wrong
    Doctor,
    /// Print a shell completion script (profiles and ~/.ssh/config hosts complete for `open`
    /// and `exec`)
    #[command(after_help = "Install, for example:\n  \
        bash: tabsh completions bash > ~/.local/share/bash-completion/completions/tabsh\n  \
        zsh:  tabsh completions zsh > ~/.zfunc/_tabsh   (with ~/.zfunc in $fpath)\n  \
        fish: tabsh completions fish > ~/.config/fish/completions/tabsh.fish")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Write the man page, tabsh.1, into DIR (default: print it to stdout)
    Man {
        /// The directory to write tabsh.1 into
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The shells `tabsh completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}
