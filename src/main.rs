//! The `tabsh` command: the TUI by default, plus subcommands for scripts and quick use.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tabsh",
    version,
    about = "A terminal-UI SSH session manager: tabs, saved sessions, clone session, anti-idle"
)]
struct Args {
    /// Where profiles live (default: the platform config dir, e.g. ~/.config/tabsh)
    #[arg(long, global = true, env = "TABSH_CONFIG_DIR", value_name = "DIR")]
    config_dir: Option<PathBuf>,

    /// Write diagnostics to this file (created 0600); without it, TABSH_LOG=FILTER (e.g.
    /// debug) logs to <data dir>/tabsh.log, e.g. ~/.local/share/tabsh/tabsh.log. Never to
    /// the terminal.
    #[arg(long, global = true, value_name = "PATH")]
    log_file: Option<PathBuf>,

    /// Sessions per connection on the built-in demo server, like sshd's MaxSessions
    #[arg(long, global = true, env = "TABSH_DEMO_MAX_SESSIONS", value_name = "N",
          default_value_t = tabsh::demo::DEFAULT_MAX_SESSIONS)]
    demo_max_sessions: u32,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the TUI with these saved sessions open in tabs (ids or names)
    Open {
        #[arg(required = true, num_args = 1..)]
        profiles: Vec<String>,
    },
    /// List saved sessions; files that fail to load are reported on stderr
    List,
    /// Create profiles from an OpenSSH client config (default ~/.ssh/config)
    ImportSshConfig {
        /// The config file to read
        path: Option<PathBuf>,
    },
    /// Run one command over a saved session's connection, like `ssh host command`
    Exec {
        /// Never ask anything (passwords, host keys): fail with a clear message instead
        #[arg(long)]
        batch: bool,
        /// Profile id (file name without .toml) or name
        profile: String,
        /// The remote command and its arguments (after `--`)
        #[arg(last = true, required = true, num_args = 1..)]
        command: Vec<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::logging::init(args.log_file.as_deref());
    // One thread for every task: a keystroke, russh's session and the echo's frame never wait
    // for another thread to wake or for a task to migrate (on two vCPUs a second worker made
    // the echo slower, median 0.668 -> 0.615 ms with one), and the single-threaded scheduler
    // does less per task switch than a multi-threaded one with one worker (echo vs ssh, three
    // runs each side by side: 1.08-1.23 against 1.20-1.26). Blocking work (the terminal
    // prompter, stdin forwarding) has tokio's blocking pool either way.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tabsh: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(cli::run(
        args.config_dir.as_deref(),
        args.demo_max_sessions,
        args.command,
    ));
    // Stdin forwarding may still block a pool thread on a terminal read; do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("tabsh: {error:#}");
            ExitCode::from(cli::exec::SSH_FAILURE_STATUS as u8)
        }
    }
}
