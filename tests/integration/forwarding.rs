//! Port and agent forwarding as a person uses them, in the jump lab (the target behind a
//! bastion): `-L` to an echo server only the server can reach, `-R` back to one only the
//! client can reach, `-D` used by curl, `AllowTcpForwarding no` in plain words; a forward
//! whose client stops reading keeps tabsh's memory bounded and its tabs answering; agent
//! forwarding lists the agent's key on the remote only when the profile asks for it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use crate::jump_hosts::{JumpLab, kill_connections, logins};
use crate::support::process::{descendants_named, resident_bytes};
use crate::support::tcp_service::{Kind, TcpService};
use crate::support::tui::{key_auth, sshd_profile};
use crate::support::{Agent, Sshd, SshdOptions, Tmux, user_keys, wait_until};

const WAIT: Duration = Duration::from_secs(30);
const PREFIX: &str = "C-\\";
/// Local ports in the lab's client namespace, fresh for every lab.
const LOCAL_PORT: u16 = 15001;
const SOCKS_PORT: u16 = 15002;
/// A port on the server's side (in the lab's server namespace).
const REMOTE_PORT: u16 = 16001;

fn forward_toml(kind: &str, bind_port: u16, target_port: u16) -> String {
    let target = if target_port == 0 {
        String::new()
    } else {
        format!("host = \"127.0.0.1\"\nport = {target_port}\n")
    };
    format!("\n[[forward]]\nkind = \"{kind}\"\nbind_port = {bind_port}\n{target}")
}

/// The TUI on the target behind the bastion, with `forwards` in its profile, once the session
/// is open (its forwards start with the connection).
fn open_target_with(lab: &JumpLab, forwards: &str) -> Tmux {
    lab.write_profile(
        "target",
        &lab.target,
        "[\"bastion\"]",
        &lab.known_hosts_of("target"),
        forwards,
    );
    let tmux = lab.tui("target");
    tmux.wait_for("1 session", WAIT);
    tmux
}

/// Sends `message` through `port` on 127.0.0.1 and returns what came back, trying until the
/// forward is up (bounded).
fn echo_through(port: u16, message: &str) -> Option<String> {
    let mut answer = None;
    wait_until(WAIT, Duration::from_millis(200), || {
        answer = echo_once(port, message);
        answer.as_deref() == Some(message)
    });
    answer
}

fn echo_once(port: u16, message: &str) -> Option<String> {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(message.as_bytes()).ok()?;
    let mut answer = vec![0u8; message.len()];
    stream.read_exact(&mut answer).ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

fn run(tmux: &Tmux, command: &str, answer: &str) -> String {
    tmux.type_text(command);
    tmux.press(&["Enter"]);
    tmux.wait_for(answer, WAIT)
}

#[test]
fn local_remote_and_dynamic_forwards_carry_connections_through_the_chain() {
    let lab = JumpLab::start(&[], &[]);
    let behind_server = TcpService::start(Some(lab.lab.server_ns()), Kind::Echo);
    let behind_client = TcpService::start(Some(lab.lab.client_ns()), Kind::Echo);
    let web = TcpService::start(
        Some(lab.lab.server_ns()),
        Kind::Http("hello-through-socks".to_owned()),
    );
    let forwards = [
        forward_toml("local", LOCAL_PORT, behind_server.port()),
        forward_toml("remote", REMOTE_PORT, behind_client.port()),
        forward_toml("dynamic", SOCKS_PORT, 0),
    ]
    .concat();
    let tmux = open_target_with(&lab, &forwards);

    let answer = lab
        .lab
        .run_in_client(|| echo_through(LOCAL_PORT, "ping-local"));
    assert_eq!(answer.as_deref(), Some("ping-local"));
    let answer = lab
        .lab
        .run_in_server(|| echo_through(REMOTE_PORT, "ping-remote"));
    assert_eq!(answer.as_deref(), Some("ping-remote"));
    let curl = lab
        .lab
        .client_command("curl")
        .args(["-s", "--max-time", "10", "--socks5-hostname"])
        .arg(format!("127.0.0.1:{SOCKS_PORT}"))
        .arg(format!("http://localhost:{}/", web.port()))
        .stdin(Stdio::null())
        .output()
        .expect("run curl");
    assert_eq!(
        String::from_utf8_lossy(&curl.stdout),
        "hello-through-socks",
        "{curl:?}"
    );

    // The forwards ride their own connection: one more login on each hop.
    assert_eq!(logins(&lab.bastion), 2, "{}", lab.bastion.log());
    assert_eq!(logins(&lab.target), 2, "{}", lab.target.log());

    // The inspector lists them with what they carried; 1 switches the local one off.
    tmux.press(&[PREFIX, "i"]);
    let screen = tmux.wait_for("-D 127.0.0.1:15002", WAIT);
    assert!(screen.contains("-L 127.0.0.1:15001"), "{screen}");
    assert!(screen.contains("1 served"), "{screen}");
    tmux.press(&["1"]);
    tmux.wait_for("-L 127.0.0.1:15001:127.0.0.1", WAIT);
    let screen = tmux.wait_for(": off;", WAIT);
    assert!(screen.contains("1-9: forward on/off"), "{screen}");
    let refused = lab.lab.run_in_client(|| {
        wait_until(WAIT, Duration::from_millis(100), || {
            echo_once(LOCAL_PORT, "x").is_none()
        })
    });
    assert!(refused, "switched off, the port is closed");
    tmux.press(&["1"]);
    let answer = lab
        .lab
        .run_in_client(|| echo_through(LOCAL_PORT, "ping-again"));
    assert_eq!(answer.as_deref(), Some("ping-again"));

    // The server drops both connections: the forwards come back with the reconnect.
    tmux.press(&["Escape"]);
    // Gone before anything is typed: an ESC followed at once by a key reads as Alt-key.
    tmux.wait_until_gone("Connection: target", WAIT);
    kill_connections(&lab.target);
    tmux.wait_for("-- reconnected after", WAIT);
    let answer = lab
        .lab
        .run_in_client(|| echo_through(LOCAL_PORT, "ping-after-reconnect"));
    assert_eq!(answer.as_deref(), Some("ping-after-reconnect"));
}

#[test]
fn a_server_without_tcp_forwarding_is_named_and_the_tab_lives_on() {
    let lab = JumpLab::start(&["AllowTcpForwarding no"], &[]);
    let behind_server = TcpService::start(Some(lab.lab.server_ns()), Kind::Echo);
    let forwards = [
        forward_toml("local", LOCAL_PORT, behind_server.port()),
        forward_toml("remote", REMOTE_PORT, behind_server.port()),
    ]
    .concat();
    let tmux = open_target_with(&lab, &forwards);
    tmux.press(&[PREFIX, "i"]);
    tmux.wait_for("listening on 127.0.0.1:15001", WAIT);
    let screen = tmux.wait_for("AllowTcpForwarding", WAIT);
    assert!(
        screen.contains("refused to listen"),
        "the -R forward: {screen}"
    );
    let answer = lab.lab.run_in_client(|| echo_once(LOCAL_PORT, "refused"));
    assert_eq!(answer, None, "the server refuses the connection");
    let screen = tmux.wait_for("last refused", WAIT);
    assert!(
        screen.contains("administratively prohibited"),
        "the server's refusal: {screen}"
    );
    tmux.press(&["Escape"]);
    // Gone before anything is typed: an ESC followed at once by a key reads as Alt-key.
    tmux.wait_until_gone("Connection: target", WAIT);
    run(&tmux, "echo alive-$((3+4))", "alive-7");
}

/// tabsh's own process below the tmux pane (`ip netns exec` execs it).
fn tabsh_pid(tmux: &Tmux) -> u32 {
    let mut found = None;
    wait_until(WAIT, Duration::from_millis(100), || {
        found = descendants_named(tmux.pane_pid(), "tabsh")
            .into_iter()
            .next();
        found.is_some()
    });
    u32::try_from(found.expect("tabsh runs in the pane")).unwrap()
}

#[test]
fn a_forward_whose_client_stops_reading_keeps_memory_bounded_and_the_tabs_answering() {
    const RSS_BOUND_BYTES: u64 = 64 * 1024 * 1024;
    let lab = JumpLab::start(&[], &[]);
    let flood = TcpService::start(Some(lab.lab.server_ns()), Kind::Flood);
    let tmux = open_target_with(&lab, &forward_toml("local", LOCAL_PORT, flood.port()));
    let pid = tabsh_pid(&tmux);

    // A client that connects and never reads.
    let mut stalled = None;
    lab.lab.run_in_client(|| {
        wait_until(WAIT, Duration::from_millis(200), || {
            stalled = TcpStream::connect(("127.0.0.1", LOCAL_PORT)).ok();
            stalled.is_some()
        })
    });
    assert!(stalled.is_some(), "the forward listens");
    // The flood stops once every window and buffer on the way is full.
    let mut last = 0;
    let mut steady = 0;
    let stopped = wait_until(Duration::from_secs(60), Duration::from_millis(250), || {
        let now = flood.written();
        steady = if now == last && now > 0 {
            steady + 1
        } else {
            0
        };
        last = now;
        steady >= 8
    });
    let rss = resident_bytes(pid);
    eprintln!("flood stopped after {last} bytes; tabsh VmRSS {rss} bytes");
    assert!(
        stopped,
        "the flood never stopped: {} bytes",
        flood.written()
    );
    assert!(rss < RSS_BOUND_BYTES, "tabsh grew to {rss} bytes");
    // The tab on the same profile still answers, at once.
    run(&tmux, "echo still-here-$((40+2))", "still-here-42");
    drop(stalled);
}

#[test]
fn the_agent_is_forwarded_only_when_the_profile_asks() {
    let sshd = Sshd::start(SshdOptions::default());
    let agent = Agent::start();
    agent.add(&user_keys().rsa.private);
    let listed = agent.list();
    let fingerprint = listed
        .split_whitespace()
        .nth(1)
        .expect("ssh-add -l lists the key")
        .to_owned();
    for forward_agent in [true, false] {
        let config = sshd_profile(
            &sshd,
            &format!("{}forward_agent = {forward_agent}\n", key_auth()),
        );
        let command = format!(
            "SSH_AUTH_SOCK={} {} --config-dir {} --ssh-config none open real; sleep 60",
            agent.sock().display(),
            env!("CARGO_BIN_EXE_tabsh"),
            config.path().display()
        );
        let tmux = Tmux::start(&command, 120, 40);
        tmux.wait_for("1 session", WAIT);
        let screen = run(&tmux, "ssh-add -l; echo listed-$((1+1))", "listed-2");
        assert_eq!(
            screen.contains(&fingerprint),
            forward_agent,
            "forward_agent = {forward_agent}: {screen}"
        );
    }
}
