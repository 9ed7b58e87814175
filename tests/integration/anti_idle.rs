//! Anti-idle against a real sshd on loopback: what goes on the wire (sshd's debug log names
//! every global request), dead-peer detection, and the idle string. The NAT lab tests live in
//! `netlab.rs`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tabsh::anti_idle::{self, Report};
use tabsh::profiles::AntiIdle;
use tabsh::ssh::{ChannelEvent, Connection, IdleString, PtyRequest, SessionRequest};
use tokio::sync::watch;

use crate::support::{Sshd, SshdOptions, user_keys, wait_until, wait_until_stable};

const NOOP_LINE: &str = "rtype keepalive@openssh.com want_reply 0";
const KEEPALIVE_LINE: &str = "rtype keepalive@openssh.com want_reply 1";
/// For what a working server always gets to in the end: a login, a reply, a log line.
const WAIT: Duration = Duration::from_secs(20);
/// Slack for timers firing late on a loaded machine (CI runs the suite on 2 busy cores): a
/// detection bound keeps its meaning, a detection that never comes still fails.
const TIMER_SLACK: Duration = Duration::from_secs(2);

fn modes(noop: Option<u64>, keepalive: Option<(u64, u32)>) -> AntiIdle {
    let mut settings = AntiIdle {
        enabled: true,
        ..AntiIdle::default()
    };
    settings.noop.enabled = noop.is_some();
    settings.noop.interval_secs = noop.unwrap_or(60);
    settings.keepalive.enabled = keepalive.is_some();
    if let Some((interval, misses)) = keepalive {
        settings.keepalive.interval_secs = interval;
        settings.keepalive.max_misses = misses;
    }
    settings
}

async fn connect(sshd: &Sshd) -> Connection {
    let known_hosts = sshd.write_known_hosts();
    let options = crate::ssh_client::options(
        sshd.port(),
        &known_hosts,
        &[tabsh::profiles::AuthMethod::Key],
        Some(&user_keys().ed25519.private),
    );
    Connection::connect(&options, Arc::new(tabsh::ssh::BatchPrompter))
        .await
        .expect("connects")
}

fn start(
    connection: &Connection,
    initial: AntiIdle,
) -> (watch::Sender<AntiIdle>, Arc<Mutex<Vec<Report>>>) {
    let (settings, receiver) = watch::channel(initial);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    tokio::spawn(anti_idle::run(
        connection.clone(),
        receiver,
        move |report| {
            sink.lock().unwrap().push(report);
        },
    ));
    (settings, reports)
}

// Multi-threaded: the waits below block their thread while the anti-idle task runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toggle_on_a_live_connection_changes_what_is_sent() {
    let sshd = Sshd::start(SshdOptions::default());
    let connection = connect(&sshd).await;
    let count = |line: &str| sshd.log().matches(line).count();
    let step = Duration::from_millis(50);

    // NO-OP every second of silence: packets without reply, one a second at most.
    let started = Instant::now();
    let (settings, reports) = start(&connection, modes(Some(1), None));
    let sent = wait_until(Duration::from_secs(10), step, || count(NOOP_LINE) >= 2);
    let noops = count(NOOP_LINE);
    let elapsed = started.elapsed();
    assert!(sent, "{noops} NO-OPs in {elapsed:?}");
    assert!(
        noops as u64 <= elapsed.as_secs() + 1,
        "{noops} NO-OPs in {elapsed:?}"
    );
    assert_eq!(count(KEEPALIVE_LINE), 0);

    // Switch to keepalive with reply, same connection: replies come back with a round trip.
    // The task reports each NO-OP as it sends it; sshd may not have logged the last one yet.
    let noops = noops.max(reported(&reports, |r| matches!(r, Report::NoopSent)));
    settings.send_replace(modes(None, Some((1, 3))));
    let replied = wait_until(Duration::from_secs(10), step, || {
        count(KEEPALIVE_LINE) >= 2 && reported(&reports, |r| matches!(r, Report::Reply { .. })) > 0
    });
    assert!(replied, "keepalives: {}", sshd.log());
    // sshd logs requests in the order they arrive, so the NO-OPs sent before these keepalives
    // are all counted now: at most one was still on its way at the switch.
    assert!(count(NOOP_LINE) <= noops + 1, "NO-OPs stopped");

    // Master switch off: nothing more goes out. What was in flight at the switch is logged
    // once the counts stop moving; from then on they stay put.
    let mut off = modes(None, Some((1, 3)));
    off.enabled = false;
    settings.send_replace(off);
    let counts = || (count(NOOP_LINE), count(KEEPALIVE_LINE));
    let before = wait_until_stable(
        Duration::from_secs(10),
        Duration::from_millis(1500),
        Duration::from_millis(100),
        counts,
    )
    .expect("nothing more goes out once anti-idle is off");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(counts(), before);
    assert!(!connection.is_closed(), "never reconnected or dropped");
}

/// How many of the task's reports so far match.
fn reported(reports: &Mutex<Vec<Report>>, wanted: impl Fn(&Report) -> bool) -> usize {
    reports.lock().unwrap().iter().filter(|r| wanted(r)).count()
}

/// Every process below `root`, found through /proc (sshd forks per connection).
fn descendants(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The parent pid is the second field after the parenthesised command name.
        let Some(after_name) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        if let Some(ppid) = after_name
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
        {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut index = 0;
    while index < found.len() {
        let parent = found[index];
        found.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        index += 1;
    }
    found.remove(0);
    found
}

fn signal_all(pids: &[u32], signal: i32) {
    for &pid in pids {
        // SAFETY: plain kill(2) on pids this test found below its own sshd.
        unsafe { libc::kill(pid as i32, signal) };
    }
}

// Multi-threaded: the waits below block their thread while the anti-idle task runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_server_is_declared_dead_within_interval_times_misses_plus_one() {
    let sshd = Sshd::start(SshdOptions::default());
    let connection = connect(&sshd).await;
    let (interval, max_misses) = (1u64, 2u32);
    let (_settings, reports) = start(&connection, modes(None, Some((interval, max_misses))));
    let answered = wait_until(WAIT, Duration::from_millis(50), || {
        reported(&reports, |r| matches!(r, Report::Reply { .. })) > 0
    });
    assert!(answered, "answered at first: {:?}", reports.lock().unwrap());

    let frozen = descendants(sshd.pid());
    assert!(
        !frozen.is_empty(),
        "sshd serves the connection in a child process"
    );
    signal_all(&frozen, libc::SIGSTOP);
    let since = Instant::now();
    let bound = Duration::from_secs(interval * u64::from(max_misses + 1) + 1);
    let dead = wait_until(
        bound + TIMER_SLACK + Duration::from_secs(2),
        Duration::from_millis(50),
        || {
            reports
                .lock()
                .unwrap()
                .iter()
                .any(|r| matches!(r, Report::Dead { .. }))
        },
    );
    let took = since.elapsed();
    signal_all(&frozen, libc::SIGCONT);
    assert!(dead, "declared dead: {:?}", reports.lock().unwrap());
    assert!(
        took <= bound + TIMER_SLACK,
        "declared dead after {took:?}, bound {bound:?} (+ {TIMER_SLACK:?} for late timers)"
    );
    let reports = reports.lock().unwrap();
    let Some(Report::Dead { cause }) = reports.iter().find(|r| matches!(r, Report::Dead { .. }))
    else {
        unreachable!()
    };
    assert!(
        matches!(
            cause,
            tabsh::ssh::LossCause::KeepaliveUnanswered { misses: 2, interval: every, .. }
                if *every == Duration::from_secs(interval)
        ),
        "{cause:?}"
    );
    assert!(reports.contains(&Report::Miss { misses: 1, max: 2 }));
}

#[tokio::test]
async fn the_idle_string_types_into_an_idle_shell_and_is_held_on_request() {
    let sshd = Sshd::start(SshdOptions::default());
    let connection = connect(&sshd).await;
    let mut shell = connection
        .open_session(&SessionRequest {
            pty: Some(PtyRequest {
                term: "xterm".into(),
                cols: 80,
                rows: 24,
            }),
            command: None,
        })
        .await
        .unwrap();
    shell.handle.set_idle_string(Some(IdleString {
        interval: Duration::from_secs(1),
        bytes: "echo idle-$((40+2))\r".into(),
    }));
    // Nobody types: the string arrives by itself, repeatedly.
    let seen = crate::ssh_client::read_until(&mut shell, "idle-42\r\n").await;
    assert!(seen.contains("idle-42"));
    crate::ssh_client::read_until(&mut shell, "idle-42\r\n").await;

    // Held (a full-screen program is showing): nothing is typed. What was typed before the
    // hold has echoed once a second passes without data; only then does the quiet window start.
    shell.handle.hold_idle_string(true);
    let drain_until = tokio::time::Instant::now() + WAIT;
    let mut drained = false;
    for _ in 0..1000 {
        if tokio::time::Instant::now() >= drain_until {
            break;
        }
        match tokio::time::timeout(Duration::from_secs(1), shell.events.recv()).await {
            Err(_silent_for_a_second) => {
                drained = true;
                break;
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("the shell's channel ended while held"),
        }
    }
    assert!(drained, "the held shell never went quiet for a second");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut quiet = String::new();
    while let Ok(event) = shell.events.try_recv() {
        if let ChannelEvent::Data(bytes) = event {
            quiet += &String::from_utf8_lossy(&bytes);
        }
    }
    assert!(!quiet.contains("idle-42"), "held, yet typed: {quiet:?}");
    shell.handle.hold_idle_string(false);
    crate::ssh_client::read_until(&mut shell, "idle-42\r\n").await;
}

/// Intervals far past the clock's range (a hand-edited profile before validation existed, or
/// any caller that skips it) must leave the timers idle, not panic the task: before deadlines
/// were computed with checked arithmetic, `Instant + Duration` overflowed and the task died.
#[tokio::test]
async fn intervals_past_the_clock_leave_the_timers_idle_instead_of_panicking() {
    let sshd = Sshd::start(SshdOptions::default());
    let connection = connect(&sshd).await;
    let huge = i64::MAX as u64;
    let (settings, reports) = start(&connection, modes(Some(huge), Some((huge, 3))));
    let mut shell = connection
        .open_session(&SessionRequest::default())
        .await
        .unwrap();
    shell.handle.set_idle_string(Some(IdleString {
        interval: Duration::from_secs(huge),
        bytes: "x".into(),
    }));
    shell.handle.hold_idle_string(false);

    // The same task and channel writer still serve sane settings afterwards: had either
    // panicked, no keepalive would go out and no echo would come back.
    settings.send_replace(modes(None, Some((1, 3))));
    let replied = crate::support::wait_until_async(
        Duration::from_secs(10),
        Duration::from_millis(50),
        || {
            let reports = Arc::clone(&reports);
            async move {
                reports
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|r| matches!(r, Report::Reply { .. }))
            }
        },
    )
    .await;
    assert!(
        replied,
        "the anti-idle task died: {:?}",
        reports.lock().unwrap()
    );
    assert!(shell.handle.write("echo alive-$((1+1))\n"));
    let seen = crate::ssh_client::read_until(&mut shell, "alive-2\n").await;
    assert!(seen.contains("alive-2"), "{seen}");
    shell.handle.close();
}

// Multi-threaded: the waits below block their thread while the anti-idle task runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misses_are_forgiven_once_the_server_is_heard_again() {
    let sshd = Sshd::start(SshdOptions::default());
    let connection = connect(&sshd).await;
    let (_settings, reports) = start(&connection, modes(None, Some((1, 5))));
    let saw = |wanted: &dyn Fn(&Report) -> bool| reports.lock().unwrap().iter().any(wanted);
    assert!(
        wait_until(WAIT, Duration::from_millis(50), || saw(&|r| matches!(
            r,
            Report::Reply { .. }
        ))),
        "answered at first"
    );
    let frozen = descendants(sshd.pid());
    signal_all(&frozen, libc::SIGSTOP);
    let missed = wait_until(Duration::from_secs(6), Duration::from_millis(50), || {
        saw(&|r| matches!(r, Report::Miss { misses: 1.., .. }))
    });
    signal_all(&frozen, libc::SIGCONT);
    assert!(missed, "a miss while frozen: {:?}", reports.lock().unwrap());
    // The thawed server is heard again (its late answer, or the next reply): the misses so
    // far no longer count toward declaring it dead.
    let forgiven = wait_until(Duration::from_secs(6), Duration::from_millis(50), || {
        let reports = reports.lock().unwrap();
        let after_miss = reports
            .iter()
            .skip_while(|r| !matches!(r, Report::Miss { misses: 1.., .. }))
            .skip(1);
        after_miss
            .into_iter()
            .any(|r| matches!(r, Report::Miss { misses: 0, .. } | Report::Reply { .. }))
    });
    assert!(forgiven, "misses forgiven: {:?}", reports.lock().unwrap());
    assert!(
        !reports
            .lock()
            .unwrap()
            .iter()
            .any(|r| matches!(r, Report::Dead { .. })),
        "never declared dead"
    );
    assert!(!connection.is_closed());
}
