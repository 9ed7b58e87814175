//! What a tab's history costs: 10 terminals of 24x100, each fed 10,000 lines of 97 characters
//! (the tmux comparison in `DEFAULT_SCROLLBACK`'s doc comment), measured two ways: bytes live in
//! the allocator and the process's resident set. The same load on vt100's own scrollback, which
//! tabsh used before keeping its own, runs in a child process so neither run reuses the other's
//! freed pages.
//!
//! Run with `cargo bench --bench scrollback_memory`.

// A measurement, like a test: a broken setup stops it with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use tabsh::terminal::{DEFAULT_SCROLLBACK, Terminal};

const TABS: usize = 10;
const ROWS: u16 = 24;
const COLS: u16 = 100;
const LINE_CHARS: usize = 97;
const VT100_SCROLLBACK_ARG: &str = "--vt100-scrollback";

struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm has a resident field");
    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * usize::try_from(page_size).expect("a positive page size")
}

/// `line N` and then letters up to 97 characters, so no two lines are alike.
fn output_line(number: usize) -> String {
    let head = format!("line {number} ");
    let tail: String = (b'a'..=b'z')
        .cycle()
        .skip(number % 26)
        .take(LINE_CHARS - head.len())
        .map(char::from)
        .collect();
    format!("{head}{tail}\r\n")
}

fn fill(mut feed: impl FnMut(&[u8])) {
    for number in 1..=DEFAULT_SCROLLBACK + usize::from(ROWS) {
        feed(output_line(number).as_bytes());
    }
}

/// Live and resident bytes per tab for `TABS` tabs built by `new_tab`.
fn measure<T>(mut new_tab: impl FnMut() -> T) -> (usize, usize, Vec<T>) {
    let live_before = LIVE_BYTES.load(Ordering::Relaxed);
    let resident_before = resident_bytes();
    let tabs: Vec<T> = (0..TABS).map(|_| new_tab()).collect();
    let live = LIVE_BYTES.load(Ordering::Relaxed) - live_before;
    let resident = resident_bytes().saturating_sub(resident_before);
    (live / TABS, resident / TABS, tabs)
}

fn report(label: &str, live_per_tab: usize, resident_per_tab: usize) {
    let per_line = |bytes: usize| bytes / DEFAULT_SCROLLBACK;
    println!(
        "{label}: per tab {:.2} MB live ({} B/line), {:.2} MB resident ({} B/line)",
        live_per_tab as f64 / 1e6,
        per_line(live_per_tab),
        resident_per_tab as f64 / 1e6,
        per_line(resident_per_tab),
    );
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if arguments
        .iter()
        .any(|argument| argument == VT100_SCROLLBACK_ARG)
    {
        let (live, resident, tabs) = measure(|| {
            let size = |cells| std::num::NonZeroU16::new(cells).expect("not zero");
            let mut parser = vt100::Parser::new(size(ROWS), size(COLS), DEFAULT_SCROLLBACK);
            fill(|bytes| parser.process(bytes));
            parser
        });
        assert_eq!(tabs[0].screen().scrollback_len(), DEFAULT_SCROLLBACK);
        report("vt100's own scrollback (before)", live, resident);
        return;
    }
    if !arguments.iter().any(|argument| argument == "--bench") {
        println!("scrollback_memory: not run as a benchmark (no --bench); skipping");
        return;
    }
    println!(
        "{TABS} tabs of {ROWS}x{COLS}, {DEFAULT_SCROLLBACK} history lines of {LINE_CHARS} characters each"
    );
    let (live, resident, tabs) = measure(|| {
        let mut terminal = Terminal::new(ROWS, COLS, DEFAULT_SCROLLBACK);
        fill(|bytes| terminal.feed(bytes));
        terminal
    });
    assert_eq!(tabs[0].scrollback_len(), DEFAULT_SCROLLBACK);
    report("tabsh's compact scrollback (after)", live, resident);
    drop(tabs);

    let status = Command::new(std::env::current_exe().expect("own path"))
        .arg(VT100_SCROLLBACK_ARG)
        .status()
        .expect("the measurement re-runs itself");
    assert!(status.success());
}
