//! The `tabsh` command: the TUI by default, plus subcommands for scripts and quick use.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::Args;

/// Tasks run between two looks at the terminal and the sockets while there is always work
/// (tokio's default is 61). Under an output flood every turn is busy, and a key typed then
/// was noticed up to 61 task turns late: 5.5 ms in the worst of 250 keys, 1.2 ms with 8.
const EVENT_INTERVAL: u32 = 8;

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
        .event_interval(EVENT_INTERVAL)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tabsh: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(cli::run(args));
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
