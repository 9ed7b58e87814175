//! A program on a pty this process owns: precise timestamps for each chunk of output, no tmux
//! in between, and the output parsed by vt100 so conditions are checked on the screen a person
//! would see.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

/// A program on a pty this process holds the master of. Output is fed to a vt100 parser so
/// conditions are checked on the screen a person would see, not on raw escape sequences.
pub struct OwnPty {
    master: File,
    child: Child,
    parser: vt100::Parser,
}

impl OwnPty {
    pub fn spawn(argv: &[String], cols: u16, rows: u16) -> Result<OwnPty> {
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: out-pointers to two ints; null name and termios are allowed.
        let result = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        ensure!(result == 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: openpty returned two fresh descriptors that nothing else owns.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        // SAFETY: fcntl on a descriptor we own; the child must not inherit the master.
        unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };

        let mut command = Command::new(&argv[0]);
        command
            .args(&argv[1..])
            .env("TERM", "xterm-256color")
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                // A session of its own with the pty as controlling terminal, as a terminal
                // emulator does it; ssh and crossterm look for the controlling terminal.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("spawn {}", argv[0]))?;
        let rows = std::num::NonZeroU16::new(rows).context("zero rows")?;
        let cols = std::num::NonZeroU16::new(cols).context("zero columns")?;
        Ok(OwnPty {
            master: File::from(master),
            child,
            parser: vt100::Parser::new(rows, cols, 0),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.master.write_all(bytes)?;
        Ok(())
    }

    /// The program's pid, e.g. to read what CPU it used.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `timeout` for output; returns whether some came.
    pub fn read_some(&mut self, timeout: Duration) -> Result<bool> {
        let mut poll = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let millis = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut poll, 1, millis) };
        if ready < 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::Interrupted {
                return Ok(false);
            }
            return Err(error.into());
        }
        if ready == 0 {
            return Ok(false);
        }
        let mut buffer = [0u8; 65536];
        let count = self
            .master
            .read(&mut buffer)
            .context("the program on the pty exited")?;
        ensure!(count > 0, "the program on the pty closed it");
        self.parser.process(&buffer[..count]);
        Ok(true)
    }

    /// Reads whatever output is already waiting, without waiting for more.
    pub fn drain(&mut self) -> Result<()> {
        while self.read_some(Duration::ZERO)? {}
        Ok(())
    }

    /// Reads until the screen satisfies `condition`; returns when the output that did it was read.
    pub fn wait_screen(
        &mut self,
        timeout: Duration,
        condition: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            if condition(self.parser.screen()) {
                return Ok(Instant::now());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!(
                    "not on screen within {timeout:?}; screen:\n{}",
                    self.parser.screen().contents()
                );
            }
            self.read_some(left)?;
        }
    }

    /// The screen as parsed so far.
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }
}

impl Drop for OwnPty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the row the cursor is on.
pub fn cursor_row(screen: &vt100::Screen) -> String {
    let (row, _) = screen.cursor_position();
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .nth(usize::from(row))
        .unwrap_or_default()
}
