#!/usr/bin/env python3
"""Records what real programs write to an 80x24 terminal, for the differential test
(tests/integration/differential.rs), into tests/fixtures/screens/NAME.out.

Each program runs on a pty of its own (TERM=xterm-256color), is sent the keys below with a
pause between them, and is killed (SIGKILL) at the end, so the recording stops with its own
screen showing rather than the one it would restore on leaving. The bytes are kept exactly as
written: replaying them to any terminal of the same size must draw the same screen.

Re-record (Debian: apt-get install vim less htop dialog mc tmux):

    scripts/record_screens.py            # all of them
    scripts/record_screens.py vim less   # some

Recordings differ from run to run where the program shows the time, its pid or the machine's
load (htop); the test compares tabsh's screen with tmux's for the same bytes, so any recording
will do. Commit the files the script writes.
"""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time

ROWS, COLS = 24, 80
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "screens")

SAMPLE_C = """#include <stdio.h>

/* A sample for the recording: keywords, strings, numbers and comments in colour. */
static int answer(int question) {
    return question * 6 + 0x2a - 42;
}

int main(void) {
    for (int i = 0; i < 3; i++) {
        printf("%d: %s\\n", answer(i), i % 2 ? "odd" : "even");
    }
    return 0;
}
"""

ESC = "\x1b"


def programs(work):
    sample = os.path.join(work, "sample.c")
    with open(sample, "w") as f:
        f.write(SAMPLE_C)
    text = os.path.join(work, "text.txt")
    with open(text, "w") as f:
        for n in range(1, 200):
            f.write(f"line {n}: the quick brown fox jumps over the lazy dog {'*' * (n % 30)}\n")
    c_locale = {"LANG": "C", "LC_ALL": "C"}
    return {
        # Syntax colours, line numbers, the status line, a visual selection in reverse.
        "vim": (
            ["vim", "-u", "NONE", "-N", "-c", "syntax on", "-c", "set number ruler", sample],
            {},
            ["jjj", "V", "jj", ESC, "Gohello from vim", ESC, ":echo 'recorded'\r"],
        ),
        # Reverse-video prompt, search highlighting, scrolling back and forth.
        "less": (
            ["less", "-N", text],
            {},
            [" ", "/fox\r", "n", "b"],
        ),
        # Meters, colours and bars redrawn in place; only its own process listed (the machine's
        # other processes are nobody's business), and the setup screen (F2).
        "htop": (["htop", "--no-mouse", "--filter=htop"], {}, ["", "", "\x1bOQ"]),
        # Boxes, shadows and colour in the line-drawing set (C locale: ncurses uses ACS).
        "dialog": (
            [
                "dialog", "--title", "Recorded", "--checklist", "Pick some:", "14", "50", "5",
                "one", "first item", "on", "two", "second item", "off", "three", "third", "off",
            ],
            c_locale,
            ["", ESC + "[B", " "],
        ),
        # Two panels, menus and function-key bar, lines in the graphics set.
        "mc": (["mc", "--nosubshell", work, work], c_locale, ["", "\t", ESC + "[B"]),
        # tmux inside: a split window, its borders and status line.
        "tmux": (
            ["tmux", "-f", "/dev/null", "-L", f"record-{os.getpid()}", "new-session",
             "sh -c 'seq 1 30; exec sh'"],
            c_locale,
            ["", "\x02%", "echo right-pane\r", "\x02\"", "echo bottom-right\r"],
        ),
    }


def record(name, argv, extra_env, keys, work):
    env = dict(os.environ, TERM="xterm-256color", HOME=work, SHELL="/bin/sh")
    env.update(extra_env)
    pid, master = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    output = bytearray()

    def drain(seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready = select.select([master], [], [], 0.05)[0]
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output.extend(chunk)

    drain(1.5)
    for key in keys:
        os.write(master, key.encode())
        drain(0.8)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    if name == "tmux":
        os.system(f"tmux -L record-{os.getpid()} kill-server 2>/dev/null")
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{name}.out")
    with open(path, "wb") as f:
        f.write(output)
    print(f"{path}: {len(output)} bytes")


def main():
    wanted = sys.argv[1:]
    with tempfile.TemporaryDirectory() as work:
        for name, (argv, env, keys) in programs(work).items():
            if not wanted or name in wanted:
                record(name, argv, env, keys, work)


if __name__ == "__main__":
    main()
