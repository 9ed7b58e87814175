//! One flood fed once to a tab's `Terminal` (120x40, 10,000 lines of history), for counting
//! the instructions parsing takes with callgrind, which a busy machine does not disturb:
//!
//! ```sh
//! cargo build --release --example feed_instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect='tabsh::terminal::Terminal::feed' \
//!     target/release/examples/feed_instructions coloured 64
//! ```
//!
//! Arguments: the input (`seq`, `plain`, `coloured`, `cjk`; 4 MB each, CR LF line ends as a
//! pty sends them) and the read size in KiB. callgrind's "Collected" line is the count.

// A measurement tool: a bad argument stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/logs.rs"]
#[allow(dead_code)]
mod logs;

use tabsh::terminal::{DEFAULT_SCROLLBACK, Terminal};

const BYTES: usize = 4_000_000;

fn input(name: &str) -> Vec<u8> {
    match name {
        "seq" => (1..)
            .map(|n: u32| format!("{n}\r\n"))
            .scan(0, |total, line| {
                *total += line.len();
                (*total <= BYTES).then_some(line)
            })
            .collect::<String>()
            .into_bytes(),
        "plain" => {
            let coloured = logs::coloured_log(BYTES);
            logs::with_crlf(&without_sgr(&coloured))
        }
        "coloured" => logs::with_crlf(&logs::coloured_log(BYTES)),
        "cjk" => logs::with_crlf(&logs::cjk_log(BYTES)),
        other => panic!("unknown input {other:?}: seq, plain, coloured or cjk"),
    }
}

/// The log without its colour changes (`ESC [ ... m`).
fn without_sgr(log: &[u8]) -> Vec<u8> {
    let mut plain = Vec::with_capacity(log.len());
    let mut rest = log;
    while let Some(escape) = rest.iter().position(|&byte| byte == 0x1b) {
        plain.extend_from_slice(&rest[..escape]);
        let end = rest[escape..]
            .iter()
            .position(|&byte| byte == b'm')
            .unwrap();
        rest = &rest[escape + end + 1..];
    }
    plain.extend_from_slice(rest);
    plain
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let name = arguments
        .next()
        .expect("an input: seq, plain, coloured or cjk");
    let kib: usize = arguments
        .next()
        .expect("a read size in KiB")
        .parse()
        .expect("a number of KiB");
    let bytes = input(&name);
    let mut terminal = Terminal::new(40, 120, DEFAULT_SCROLLBACK);
    for chunk in bytes.chunks(kib * 1024) {
        terminal.feed(chunk);
    }
    println!(
        "{name}, {} bytes in {kib} KiB reads: {} lines of history",
        bytes.len(),
        terminal.scrollback_len()
    );
}
