//! Jump hosts in a network lab where the target sshd is reachable only through a bastion:
//! the bastion sshd listens in the router namespace (the client reaches it directly), the
//! target in the server namespace, whose port the router's firewall never lets the client
//! open. A second bastion and target sit in the server namespace on 127.0.0.1, reachable only
//! from there: two jumps. sshd's logs count the logins on each hop.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use crate::support::netlab::{NetLab, ROUTER_CLIENT_SIDE_ADDR, try_connect};
use crate::support::output::text;
use crate::support::process::descendants_named;
use crate::support::{Sshd, SshdOptions, TEST_USER_NAME, Tmux, user_keys};

const WAIT: Duration = Duration::from_secs(30);
const PREFIX: &str = "C-\\";

/// The lab with its servers; dropping it stops them and removes the namespaces.
pub struct JumpLab {
    // Servers first: they run in the lab's namespaces.
    pub bastion: Sshd,
    pub target: Sshd,
    pub inner_bastion: Sshd,
    pub inner_target: Sshd,
    pub lab: NetLab,
    pub config: tempfile::TempDir,
}

impl JumpLab {
    /// Starts the lab; `target_extra` are sshd_config lines for the target.
    pub fn start(target_extra: &[&str], bastion_extra: &[&str]) -> JumpLab {
        let lab = NetLab::start();
        let extra = |lines: &[&str]| lines.iter().map(|l| (*l).to_owned()).collect();
        let bastion = Sshd::start(SshdOptions {
            netns: Some(lab.router_ns().to_owned()),
            listen: Some(IpAddr::V4(ROUTER_CLIENT_SIDE_ADDR)),
            extra: extra(bastion_extra),
            ..SshdOptions::default()
        });
        // Not `lab.start_sshd`: that would open the firewall to the client.
        let target = Sshd::start(SshdOptions {
            netns: Some(lab.server_ns().to_owned()),
            listen: Some(lab.server_addr()),
            extra: extra(target_extra),
            ..SshdOptions::default()
        });
        let inner_bastion = Sshd::start(SshdOptions {
            netns: Some(lab.server_ns().to_owned()),
            listen: Some(lab.server_addr()),
            ..SshdOptions::default()
        });
        let inner_target = Sshd::start(SshdOptions {
            netns: Some(lab.server_ns().to_owned()),
            ..SshdOptions::default()
        });
        let config = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(config.path().join("sessions")).unwrap();
        let jump_lab = JumpLab {
            bastion,
            target,
            inner_bastion,
            inner_target,
            lab,
            config,
        };
        jump_lab.write_profiles();
        jump_lab
    }

    fn write_profiles(&self) {
        let profile = |id: &str, sshd: &Sshd, jump: &str, extra: &str| {
            let known_hosts = self.config.path().join(format!("{id}.known_hosts"));
            std::fs::write(&known_hosts, format!("{}\n", sshd.known_hosts_line())).unwrap();
            self.write_profile(id, sshd, jump, &known_hosts, extra);
        };
        profile("bastion", &self.bastion, "[]", "");
        profile("target", &self.target, "[\"bastion\"]", "");
        profile("inner-bastion", &self.inner_bastion, "[\"bastion\"]", "");
        profile("inner", &self.inner_target, "[\"inner-bastion\"]", "");
        // The same two jumps written as OpenSSH writes them: a profile, then user@host:port
        // (which takes this profile's key and known_hosts file).
        let known_hosts = self.config.path().join("inner-by-address.known_hosts");
        std::fs::write(
            &known_hosts,
            format!(
                "{}\n{}\n",
                self.inner_bastion.known_hosts_line(),
                self.inner_target.known_hosts_line()
            ),
        )
        .unwrap();
        let hop = format!(
            "[\"bastion\", \"{TEST_USER_NAME}@{}:{}\"]",
            self.inner_bastion.listen_address(),
            self.inner_bastion.port()
        );
        self.write_profile(
            "inner-by-address",
            &self.inner_target,
            &hop,
            &known_hosts,
            "",
        );
    }

    /// Writes `sessions/ID.toml`: a key login to `sshd` through `jump`.
    pub fn write_profile(
        &self,
        id: &str,
        sshd: &Sshd,
        jump: &str,
        known_hosts: &Path,
        extra: &str,
    ) {
        std::fs::write(
            self.config
                .path()
                .join("sessions")
                .join(format!("{id}.toml")),
            format!(
                "name = \"{id}\"\nhost = \"{}\"\nport = {}\nuser = \"{TEST_USER_NAME}\"\n\
                 auth = [\"key\"]\nidentity_file = \"{}\"\nknown_hosts_file = \"{}\"\n\
                 jump = {jump}\n{extra}",
                sshd.listen_address(),
                sshd.port(),
                user_keys().ed25519.private.display(),
                known_hosts.display()
            ),
        )
        .unwrap();
    }

    pub fn known_hosts_of(&self, id: &str) -> PathBuf {
        self.config.path().join(format!("{id}.known_hosts"))
    }

    /// `tabsh exec --batch ID -- COMMAND` in the client namespace.
    pub fn exec(&self, id: &str, command: &str) -> Output {
        self.lab
            .client_command(env!("CARGO_BIN_EXE_tabsh"))
            .arg("--config-dir")
            .arg(self.config.path())
            .args(["--ssh-config", "none", "exec", "--batch", id, "--", command])
            .stdin(Stdio::null())
            .output()
            .expect("run tabsh exec in the client namespace")
    }

    /// The TUI in tmux in the client namespace, with `id` open.
    pub fn tui(&self, id: &str) -> Tmux {
        self.lab.tabsh_in_tmux(
            self.config.path(),
            &format!("--ssh-config none open {id}"),
            120,
            40,
        )
    }
}

pub fn logins(sshd: &Sshd) -> usize {
    sshd.log().matches("Accepted publickey for").count()
}

#[test]
fn a_target_behind_one_and_two_jumps_is_reached_only_through_them() {
    let lab = JumpLab::start(&[], &[]);
    // The firewall keeps the client away from the target.
    let target = SocketAddr::new(lab.target.listen_address(), lab.target.port());
    assert!(
        lab.lab
            .run_in_client(|| try_connect(target, Duration::from_secs(2)))
            .is_err(),
        "the client must not reach the target directly"
    );

    let output = lab.exec("target", "echo through-$((6*7))");
    assert!(
        output.status.success() && text(&output.stdout).contains("through-42"),
        "{output:?}"
    );
    assert_eq!(logins(&lab.bastion), 1, "{}", lab.bastion.log());
    assert_eq!(logins(&lab.target), 1, "{}", lab.target.log());
    assert!(
        lab.bastion.log().contains("direct-tcpip"),
        "the bastion carried the connection: {}",
        lab.bastion.log()
    );

    for id in ["inner", "inner-by-address"] {
        let output = lab.exec(id, "echo two-jumps-$((2*21))");
        assert!(
            output.status.success() && text(&output.stdout).contains("two-jumps-42"),
            "{id}: {output:?}"
        );
    }
    assert_eq!(logins(&lab.bastion), 3);
    assert_eq!(logins(&lab.inner_bastion), 2);
    assert_eq!(logins(&lab.inner_target), 2);
}

#[test]
fn a_changed_bastion_key_is_refused_and_the_target_never_sees_a_login() {
    let lab = JumpLab::start(&[], &[]);
    // Another server's key recorded for the bastion's address.
    let wrong = format!(
        "[{}]:{} {}\n",
        lab.bastion.listen_address(),
        lab.bastion.port(),
        lab.target.host_key_public()
    );
    std::fs::write(lab.known_hosts_of("bastion"), wrong).unwrap();
    let output = lab.exec("target", "echo never");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr.contains("HOST KEY CHANGED") && stderr.contains(&format!("{}", lab.bastion.port())),
        "{stderr}"
    );
    assert!(!text(&output.stdout).contains("never"));
    assert_eq!(logins(&lab.bastion), 0);
    assert_eq!(logins(&lab.target), 0);
}

#[test]
fn a_bastion_that_forbids_forwarding_says_so_in_plain_words() {
    let lab = JumpLab::start(&[], &["AllowTcpForwarding no"]);
    let output = lab.exec("target", "echo never");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr.contains("did not connect to")
            && stderr.contains("does not allow TCP forwarding: AllowTcpForwarding"),
        "{stderr}"
    );
}

/// Kills the sshd processes serving `sshd`'s connections (not the listener).
pub fn kill_connections(sshd: &Sshd) {
    let served = descendants_named(sshd.pid(), "sshd");
    assert!(!served.is_empty(), "sshd serves a connection in a child");
    for pid in served {
        // SAFETY: kill(2) on processes this test's own sshd forked.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

#[test]
fn the_tui_asks_per_hop_clones_on_one_chain_and_brings_it_back() {
    let lab = JumpLab::start(&[], &[]);
    // Nothing known yet: each hop's key is asked about under its own name.
    std::fs::write(lab.known_hosts_of("bastion"), "").unwrap();
    std::fs::write(lab.known_hosts_of("target"), "").unwrap();
    let tmux = lab.tui("target");
    let bastion_name = format!("[{}]:{}", lab.bastion.listen_address(), lab.bastion.port());
    let target_name = format!("[{}]:{}", lab.target.listen_address(), lab.target.port());
    let screen = tmux.wait_for("y: trust and save", WAIT);
    assert!(
        screen.contains(&bastion_name),
        "the bastion first: {screen}"
    );
    tmux.press(&["y"]);
    tmux.wait_for(&target_name, WAIT);
    tmux.wait_for("y: trust and save", WAIT);
    tmux.press(&["y"]);
    tmux.wait_for("1 session", WAIT);
    let saved = std::fs::read_to_string(lab.known_hosts_of("bastion")).unwrap();
    assert!(saved.contains(&bastion_name), "{saved}");

    tmux.type_text("echo first-$((20+1))");
    tmux.press(&["Enter"]);
    tmux.wait_for("first-21", WAIT);
    tmux.press(&[PREFIX, "c"]);
    tmux.wait_for("2 sessions", WAIT);
    tmux.type_text("echo clone-$((30+3))");
    tmux.press(&["Enter"]);
    tmux.wait_for("clone-33", WAIT);
    assert_eq!(
        logins(&lab.bastion),
        1,
        "one login per hop: {}",
        lab.bastion.log()
    );
    assert_eq!(logins(&lab.target), 1, "{}", lab.target.log());

    tmux.press(&[PREFIX, "i"]);
    let screen = tmux.wait_for("via", WAIT);
    assert!(
        screen.contains(&format!("{TEST_USER_NAME}@{bastion_name}")),
        "{screen}"
    );
    assert!(
        screen.contains("(carries 1 of"),
        "the bastion's channels, counted: {screen}"
    );
    tmux.press(&["Escape"]);
    // Gone before anything is typed: an ESC followed at once by a key reads as Alt-key.
    tmux.wait_until_gone("Connection: target", WAIT);

    // The bastion's connection dies: everything behind it is lost, and comes back through
    // a new chain (one more login on each hop) with both tabs.
    kill_connections(&lab.bastion);
    let screen = tmux.wait_for("-- reconnected after", WAIT);
    assert!(
        screen.contains("jump host"),
        "the loss names the hop: {screen}"
    );
    tmux.wait_for("2 sessions", WAIT);
    tmux.type_text("echo back-$((2+2))");
    tmux.press(&["Enter"]);
    tmux.wait_for("back-4", WAIT);
    assert_eq!(logins(&lab.bastion), 2, "{}", lab.bastion.log());
    assert_eq!(logins(&lab.target), 2, "{}", lab.target.log());
}

#[test]
fn a_proxy_command_carries_the_connection_and_explains_its_failure() {
    let lab = JumpLab::start(&[], &[]);
    // OpenSSH's own client as the proxy: `ssh -W` through the bastion.
    let proxy = format!(
        "ssh -F /dev/null -i {} -o IdentitiesOnly=yes -o BatchMode=yes \
         -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes -p {} -W %h:%p {}@{}",
        user_keys().ed25519.private.display(),
        lab.known_hosts_of("bastion").display(),
        lab.bastion.port(),
        TEST_USER_NAME,
        lab.bastion.listen_address()
    );
    lab.write_profile(
        "by-command",
        &lab.target,
        "[]",
        &lab.known_hosts_of("target"),
        &format!("proxy_command = \"{proxy}\"\n"),
    );
    let output = lab.exec("by-command", "echo by-command-$((6*7))");
    assert!(
        output.status.success() && text(&output.stdout).contains("by-command-42"),
        "{output:?}"
    );

    lab.write_profile(
        "broken",
        &lab.target,
        "[]",
        &lab.known_hosts_of("target"),
        "proxy_command = \"echo proxy-broke-on-purpose >&2; exit 3\"\n",
    );
    let output = lab.exec("broken", "echo never");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{output:?}");
    assert!(
        stderr.contains("proxy-broke-on-purpose") && stderr.contains("exit status: 3"),
        "{stderr}"
    );
}

#[test]
fn servers_behind_one_bastion_share_its_connection() {
    let lab = JumpLab::start(&[], &[]);
    let tmux = lab.lab.tabsh_in_tmux(
        lab.config.path(),
        "--ssh-config none open target inner",
        120,
        40,
    );
    // Both open at once, one through the bastion, one through the bastion and a second hop.
    tmux.wait_for(" 2 inner ", WAIT);
    tmux.press(&[PREFIX, "1"]);
    // Keys typed into a tab still connecting are dropped: wait until the label shows it open
    // (no connecting mark after the name).
    tmux.wait_for(" 1 target ", WAIT);
    tmux.type_text("echo first-$((1+1))");
    tmux.press(&["Enter"]);
    tmux.wait_for("first-2", WAIT);
    tmux.press(&[PREFIX, "2"]);
    tmux.type_text("echo second-$((2+2))");
    tmux.press(&["Enter"]);
    tmux.wait_for("second-4", WAIT);
    assert_eq!(
        logins(&lab.bastion),
        1,
        "one bastion login for both: {}",
        lab.bastion.log()
    );
    assert_eq!(logins(&lab.target), 1);
    assert_eq!(logins(&lab.inner_bastion), 1);
    assert_eq!(logins(&lab.inner_target), 1);
    tmux.press(&[PREFIX, "i"]);
    let screen = tmux.wait_for("via", WAIT);
    assert!(
        screen.contains("(carries 1 of"),
        "the inner bastion carries the inner target's: {screen}"
    );
    tmux.press(&["Escape"]);
    tmux.wait_until_gone("Connection: inner", WAIT);
    tmux.press(&[PREFIX, "1"]);
    tmux.press(&[PREFIX, "i"]);
    let screen = tmux.wait_for("Connection: target", WAIT);
    assert!(
        screen.contains("(carries 2 of"),
        "the bastion carries the target's and the inner bastion's: {screen}"
    );
}
