//! `tabsh exec` keeps its memory bounded when its stdout is slower than the server: it stops
//! reading the channel, the server's window closes and the remote command blocks. Before,
//! the channel was drained into an unbounded queue and `head -c 3000000000 /dev/zero | sleep`
//! grew tabsh to 2.9 GB.

use crate::support::process::resident_bytes;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::profile_for;
use crate::support::process::descendants_of;
use crate::support::{Sshd, SshdOptions};

/// What the remote command prints: four times the memory bound.
const OUTPUT_BYTES: u64 = 256 * 1024 * 1024;
/// tabsh's resident memory may never exceed this while the output is pending.
const RSS_BOUND_BYTES: u64 = 64 * 1024 * 1024;
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// Samples in a row without the remote command writing anything: it is blocked.
const STALLED_SAMPLES: usize = 10;
const MAX_SAMPLES: usize = 300;

/// Kills tabsh when the test ends, passed or not.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The remote `head` below our sshd, once it runs.
fn remote_head(sshd: &Sshd) -> Option<i32> {
    descendants_of(sshd.pid()).into_iter().find(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == "head")
    })
}

/// Bytes the process has written so far (`wchar` of /proc/PID/io); `None` once it is gone.
fn bytes_written(pid: i32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("wchar:"))
        .and_then(|value| value.trim().parse().ok())
}

#[test]
fn exec_with_unread_stdout_stops_the_server_instead_of_growing() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let config = profile_for(&sshd, &known_hosts);
    let command = format!("head -c {OUTPUT_BYTES} /dev/zero");
    let mut tabsh = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_tabsh"))
            .arg("--config-dir")
            .arg(config.path())
            .args(["exec", "--batch", "target", "--", &command])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tabsh starts"),
    );
    let pid = tabsh.0.id();

    // Nobody reads tabsh's stdout: the remote command must come to a halt, having written
    // a bounded amount, while tabsh stays under the bound.
    let mut head = None;
    let mut last_written = None;
    let mut unchanged = 0;
    let mut peak_rss = 0;
    for _ in 0..MAX_SAMPLES {
        std::thread::sleep(SAMPLE_EVERY);
        let rss = resident_bytes(pid);
        peak_rss = peak_rss.max(rss);
        assert!(
            rss < RSS_BOUND_BYTES,
            "tabsh holds {rss} bytes with its stdout unread (remote wrote {last_written:?})"
        );
        head = head.or_else(|| remote_head(&sshd));
        let Some(written) = head.and_then(bytes_written) else {
            continue;
        };
        unchanged = if last_written == Some(written) {
            unchanged + 1
        } else {
            0
        };
        last_written = Some(written);
        if unchanged >= STALLED_SAMPLES {
            break;
        }
    }
    let stalled_at = last_written.expect("the remote head ran");
    assert!(
        unchanged >= STALLED_SAMPLES && stalled_at < OUTPUT_BYTES,
        "the remote command never blocked: it wrote {stalled_at} of {OUTPUT_BYTES} bytes"
    );

    // Now read it all: every byte arrives, and memory stays bounded throughout, although the
    // server sends four times the bound.
    let mut stdout = tabsh.0.stdout.take().expect("stdout piped");
    let (progress_tx, progress) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut buffer = vec![0u8; 1 << 20];
        let mut total = 0u64;
        loop {
            match stdout.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n as u64;
                    let _ = progress_tx.send(total);
                }
            }
        }
        total
    });
    let mut received = 0;
    // At least one read per MiB; the bound on reads bounds the loop.
    for _ in 0..(OUTPUT_BYTES / 1024 + 64) {
        match progress.recv_timeout(Duration::from_secs(30)) {
            Ok(total) => received = total,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("no output for 30 s after {received} bytes")
            }
        }
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && status.contains("VmRSS")
        {
            let rss = resident_bytes(pid);
            peak_rss = peak_rss.max(rss);
            assert!(
                rss < RSS_BOUND_BYTES,
                "tabsh holds {rss} bytes after {received} read"
            );
        }
    }
    assert_eq!(reader.join().expect("reader thread"), OUTPUT_BYTES);
    let status = tabsh.0.wait().expect("tabsh exits");
    assert_eq!(status.code(), Some(0));
    eprintln!("peak VmRSS {peak_rss} bytes; remote blocked after {stalled_at} bytes");
}

#[test]
fn exec_stops_reading_stdin_while_the_remote_command_reads_none() {
    let sshd = Sshd::start(SshdOptions::default());
    let known_hosts = sshd.write_known_hosts();
    let config = profile_for(&sshd, &known_hosts);
    // `sleep` never reads its stdin: sshd stops granting window once its buffer is full.
    let mut tabsh = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_tabsh"))
            .arg("--config-dir")
            .arg(config.path())
            .args(["exec", "--batch", "target", "--", "sleep", "60"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tabsh starts"),
    );
    let pid = tabsh.0.id();
    let mut stdin = tabsh.0.stdin.take().expect("stdin piped");
    let (accepted_tx, accepted) = mpsc::channel();
    // Ends when tabsh is killed (the pipe breaks) or after OUTPUT_BYTES.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let chunk = vec![b'x'; 64 * 1024];
        let mut total = 0u64;
        while total < OUTPUT_BYTES && stdin.write_all(&chunk).is_ok() {
            total += chunk.len() as u64;
            let _ = accepted_tx.send(total);
        }
    });

    let mut last = 0;
    let mut unchanged = 0;
    for _ in 0..MAX_SAMPLES {
        std::thread::sleep(SAMPLE_EVERY);
        while let Ok(total) = accepted.try_recv() {
            last = total;
            unchanged = 0;
        }
        unchanged += 1;
        let rss = resident_bytes(pid);
        assert!(
            rss < RSS_BOUND_BYTES,
            "tabsh holds {rss} bytes after taking {last} bytes of stdin"
        );
        if unchanged >= STALLED_SAMPLES {
            break;
        }
    }
    assert!(
        unchanged >= STALLED_SAMPLES && last < RSS_BOUND_BYTES,
        "tabsh kept reading stdin: {last} bytes taken"
    );
    drop(tabsh);
    writer.join().expect("writer thread");
    eprintln!("stdin stopped being read after {last} bytes");
}
