//! A network lab for anti-idle tests: three network namespaces, client ↔ router ↔ server,
//! where the router is a NAT with a stateful firewall whose connection tracking forgets idle
//! flows after a few seconds, the way home routers and corporate firewalls do after minutes.
//!
//! ```text
//!  client ns                 router ns                          server ns
//!  10.231.1.2 ── veth ── 10.231.1.1 | 10.231.2.1 ── veth ── 10.231.2.2 (sshd)
//!             to-router  to-client    to-server   to-router
//! ```
//!
//! The router forwards only new TCP connections from the client to the SSH ports it was told
//! about, and after that only packets conntrack knows. With `nf_conntrack_tcp_loose=0` a
//! packet of a flow conntrack has forgotten is not adopted as a new flow but is `invalid` and
//! silently dropped: neither side gets a reset, so an idle SSH session just stops working.
//! The client is masqueraded to the router's server-side address, so the server sees the NAT.
//!
//! Every lab uses the same addresses; they cannot collide because each lab has its own
//! namespaces. Nothing is added to or changed in the test's own namespace.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::netns;
use super::process::{descendants_of, is_alive, is_stopped};
use super::sshd::{Sshd, SshdOptions};
use super::tmux::Tmux;
use super::wait::wait_until;

pub const CLIENT_ADDR: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 2);
pub const ROUTER_CLIENT_SIDE_ADDR: Ipv4Addr = Ipv4Addr::new(10, 231, 1, 1);
pub const ROUTER_SERVER_SIDE_ADDR: Ipv4Addr = Ipv4Addr::new(10, 231, 2, 1);
pub const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(10, 231, 2, 2);
const PREFIX_LEN: &str = "24";

/// Interface names are per namespace, so every lab can use the same ones.
const CLIENT_IF: &str = "to-router";
const ROUTER_CLIENT_IF: &str = "to-client";
const ROUTER_SERVER_IF: &str = "to-server";
const SERVER_IF: &str = "to-router";

const NAME_PREFIX: &str = "tabsh-lab-";
const NFT_TABLE: &str = "tabsh_lab";

/// How long teardown keeps killing what is left in a namespace before deleting it anyway.
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct NetLabOptions {
    /// `nf_conntrack_tcp_timeout_established` in the router: idle seconds after which the
    /// firewall forgets an established TCP connection.
    pub established_timeout_secs: u32,
    /// Masquerade the client behind the router's server-side address.
    pub masquerade: bool,
}

impl Default for NetLabOptions {
    fn default() -> Self {
        NetLabOptions {
            established_timeout_secs: 10,
            masquerade: true,
        }
    }
}

/// A running lab. Dropping it kills every process left in its namespaces and deletes them
/// (which also deletes their veth pairs).
pub struct NetLab {
    client: String,
    router: String,
    server: String,
    options: NetLabOptions,
}

impl NetLab {
    pub fn start() -> NetLab {
        NetLab::start_with(NetLabOptions::default())
    }

    pub fn start_with(options: NetLabOptions) -> NetLab {
        // Concurrent `ip netns add` can race while setting up /run/netns the first time;
        // labs are few, so building them one at a time costs nothing.
        static BUILDING: Mutex<()> = Mutex::new(());
        let _building = BUILDING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        remove_labs_of_dead_test_processes();

        static NEXT_LAB: AtomicU32 = AtomicU32::new(0);
        let id = format!(
            "{NAME_PREFIX}{}-{}",
            std::process::id(),
            NEXT_LAB.fetch_add(1, Ordering::Relaxed)
        );
        // Owned before anything exists, so a failure half-way is still torn down by Drop.
        let lab = NetLab {
            client: format!("{id}-client"),
            router: format!("{id}-router"),
            server: format!("{id}-server"),
            options,
        };
        lab.build();
        lab
    }

    fn build(&self) {
        for namespace in self.namespaces() {
            run_ip(&["netns", "add", namespace]);
            run_ip(&["-n", namespace, "link", "set", "lo", "up"]);
        }
        // Each veth is created inside a lab namespace with its peer moved straight into
        // another: neither end ever appears in the test's own namespace.
        self.veth(&self.client, CLIENT_IF, &self.router, ROUTER_CLIENT_IF);
        self.veth(&self.server, SERVER_IF, &self.router, ROUTER_SERVER_IF);

        address(&self.client, CLIENT_IF, CLIENT_ADDR);
        address(&self.router, ROUTER_CLIENT_IF, ROUTER_CLIENT_SIDE_ADDR);
        address(&self.router, ROUTER_SERVER_IF, ROUTER_SERVER_SIDE_ADDR);
        address(&self.server, SERVER_IF, SERVER_ADDR);
        default_route(&self.client, ROUTER_CLIENT_SIDE_ADDR);
        default_route(&self.server, ROUTER_SERVER_SIDE_ADDR);

        self.nft_script(&self.firewall_ruleset());
        // After the ruleset: its `ct` rules are what switch conntrack on in this namespace.
        self.router_sysctl("net.ipv4.ip_forward", "1");
        self.router_sysctl(
            "net.netfilter.nf_conntrack_tcp_timeout_established",
            &self.options.established_timeout_secs.to_string(),
        );
        self.router_sysctl("net.netfilter.nf_conntrack_tcp_loose", "0");
    }

    fn veth(&self, namespace: &str, name: &str, peer_namespace: &str, peer_name: &str) {
        run_ip(&[
            "-n",
            namespace,
            "link",
            "add",
            name,
            "type",
            "veth",
            "peer",
            "name",
            peer_name,
            "netns",
            peer_namespace,
        ]);
        run_ip(&["-n", namespace, "link", "set", name, "up"]);
        run_ip(&["-n", peer_namespace, "link", "set", peer_name, "up"]);
    }

    fn firewall_ruleset(&self) -> String {
        let nat = if self.options.masquerade {
            format!(
                "  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    oifname \"{ROUTER_SERVER_IF}\" masquerade
  }}
"
            )
        } else {
            String::new()
        };
        // `blackhole` runs in prerouting before conntrack (priority raw < -200), so packets
        // it drops do not refresh the firewall's state either, as behind a real cut.
        format!(
            "table inet {NFT_TABLE} {{
  set ssh_ports {{ type inet_service; }}
  chain blackhole {{
    type filter hook prerouting priority raw; policy accept;
  }}
  chain forward {{
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname \"{ROUTER_CLIENT_IF}\" oifname \"{ROUTER_SERVER_IF}\" tcp dport @ssh_ports ct state new accept
  }}
{nat}}}
"
        )
    }

    fn namespaces(&self) -> [&str; 3] {
        [&self.client, &self.router, &self.server]
    }

    pub fn client_ns(&self) -> &str {
        &self.client
    }

    pub fn router_ns(&self) -> &str {
        &self.router
    }

    pub fn server_ns(&self) -> &str {
        &self.server
    }

    pub fn client_addr(&self) -> IpAddr {
        IpAddr::V4(CLIENT_ADDR)
    }

    pub fn server_addr(&self) -> IpAddr {
        IpAddr::V4(SERVER_ADDR)
    }

    pub fn options(&self) -> &NetLabOptions {
        &self.options
    }

    /// Lets the client open new TCP connections to `port` on the server.
    pub fn allow_tcp_port(&self, port: u16) {
        self.nft(&[
            "add",
            "element",
            "inet",
            NFT_TABLE,
            "ssh_ports",
            &format!("{{ {port} }}"),
        ]);
    }

    /// Starts sshd in the server namespace on the server address and opens its port in the
    /// firewall. `options.netns` and `options.listen` are set here.
    pub fn start_sshd(&self, options: SshdOptions) -> Sshd {
        let sshd = Sshd::start(SshdOptions {
            netns: Some(self.server.clone()),
            listen: Some(self.server_addr()),
            ..options
        });
        self.allow_tcp_port(sshd.port());
        sshd
    }

    /// `program` to be run in the client namespace.
    pub fn client_command(&self, program: &str) -> Command {
        netns::command_in(&self.client, program)
    }

    /// Runs `work` on a thread inside the client namespace (see [`netns::run_in`]).
    pub fn run_in_client<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        netns::run_in(&self.client, work)
    }

    pub fn run_in_server<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        netns::run_in(&self.server, work)
    }

    /// The real tabsh binary in tmux, running in the client namespace.
    pub fn tabsh_in_tmux(&self, config_dir: &Path, args: &str, cols: u16, rows: u16) -> Tmux {
        // The pane outlives tabsh so its last screen and exit status can still be read.
        let command = format!(
            "ip netns exec {} {} --config-dir {} {args}; echo tabsh-exited=$?; sleep 60",
            self.client,
            env!("CARGO_BIN_EXE_tabsh"),
            config_dir.display()
        );
        Tmux::start(&command, cols, rows)
    }

    /// Silently drops every packet arriving at the router from either side, like a cable cut
    /// beyond it: no resets, no ICMP, and conntrack does not see them.
    pub fn blackhole(&self) {
        for interface in [ROUTER_CLIENT_IF, ROUTER_SERVER_IF] {
            self.nft(&[
                "add",
                "rule",
                "inet",
                NFT_TABLE,
                "blackhole",
                "iifname",
                interface,
                "drop",
            ]);
        }
    }

    /// Undoes [`Self::blackhole`]. Flows conntrack forgot meanwhile stay dead.
    pub fn restore(&self) {
        self.nft(&["flush", "chain", "inet", NFT_TABLE, "blackhole"]);
    }

    /// SIGSTOPs every process below `sshd`'s listener: the per-connection sshd processes
    /// that actually serve the sessions, and the sessions' programs. The listener keeps
    /// accepting, so a reconnect can still succeed. The server's kernel keeps acknowledging
    /// TCP, so this is "server alive, SSH dead", unlike [`Self::blackhole`].
    pub fn freeze_server(&self, sshd: &Sshd) -> FrozenSessions {
        let mut frozen: HashSet<i32> = HashSet::new();
        // Repeated because a session may be forking right now; bounded like everything.
        for _ in 0..20 {
            let newcomers: Vec<i32> = descendants_of(sshd.pid())
                .into_iter()
                .filter(|pid| !frozen.contains(pid))
                .collect();
            if newcomers.is_empty() {
                break;
            }
            for &pid in &newcomers {
                // SAFETY: kill(2) has no memory-safety preconditions.
                unsafe { libc::kill(pid, libc::SIGSTOP) };
                frozen.insert(pid);
            }
            // SIGSTOP is asynchronous: until a process has stopped it may still fork.
            wait_until(Duration::from_secs(2), Duration::from_millis(5), || {
                newcomers
                    .iter()
                    .all(|&pid| is_stopped(pid) || !is_alive(pid))
            });
        }
        assert!(
            !frozen.is_empty(),
            "sshd {} has no session to freeze; its log:\n{}",
            sshd.pid(),
            sshd.log()
        );
        FrozenSessions {
            pids: frozen.into_iter().collect(),
        }
    }

    /// The router's connection tracking table, for panic messages.
    pub fn conntrack_entries(&self) -> String {
        let output = netns::command_in(&self.router, "cat")
            .arg("/proc/net/nf_conntrack")
            .stdin(Stdio::null())
            .output();
        match output {
            Ok(output) if output.status.success() => {
                String::from_utf8_lossy(&output.stdout).into_owned()
            }
            Ok(output) => format!(
                "(cannot read conntrack: {})",
                String::from_utf8_lossy(&output.stderr)
            ),
            Err(error) => format!("(cannot read conntrack: {error})"),
        }
    }

    /// The router's nftables ruleset, with packet counters where rules have them.
    pub fn firewall_rules(&self) -> String {
        let output = netns::command_in(&self.router, "nft")
            .args(["list", "ruleset"])
            .output()
            .expect("run nft");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn nft(&self, args: &[&str]) {
        let mut command = netns::command_in(&self.router, "nft");
        command.args(args);
        expect_success(&mut command);
    }

    fn nft_script(&self, script: &str) {
        let path = tempfile::Builder::new()
            .prefix("tabsh-lab-nft-")
            .tempfile()
            .expect("temp file for the nft ruleset");
        std::fs::write(path.path(), script).expect("write the nft ruleset");
        let mut command = netns::command_in(&self.router, "nft");
        command.arg("-f").arg(path.path());
        expect_success(&mut command);
    }

    fn router_sysctl(&self, key: &str, value: &str) {
        let mut command = netns::command_in(&self.router, "sysctl");
        command.args(["-q", "-w", &format!("{key}={value}")]);
        expect_success(&mut command);
    }
}

impl Drop for NetLab {
    fn drop(&mut self) {
        for namespace in self.namespaces() {
            remove_namespace(namespace);
        }
    }
}

/// Sessions stopped by [`NetLab::freeze_server`]; continued by [`Self::thaw`] or on drop.
pub struct FrozenSessions {
    pids: Vec<i32>,
}

impl FrozenSessions {
    pub fn thaw(mut self) {
        self.continue_all();
    }

    pub fn pids(&self) -> &[i32] {
        &self.pids
    }

    fn continue_all(&mut self) {
        for pid in self.pids.drain(..) {
            // SAFETY: kill(2) has no memory-safety preconditions.
            unsafe { libc::kill(pid, libc::SIGCONT) };
        }
    }
}

impl Drop for FrozenSessions {
    fn drop(&mut self) {
        self.continue_all();
    }
}

/// Kills whatever still runs in `namespace`, then deletes it. A namespace whose processes
/// refuse to die is deleted anyway: its name goes, and the kernel frees it with them.
fn remove_namespace(namespace: &str) {
    wait_until(TEARDOWN_TIMEOUT, Duration::from_millis(20), || {
        let pids = netns::pids_in(namespace);
        for &pid in &pids {
            // SAFETY: kill(2) has no memory-safety preconditions.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        pids.is_empty()
    });
    let _ = Command::new("ip")
        .args(["netns", "delete", namespace])
        .stderr(Stdio::null())
        .status();
}

/// Labs whose test process was killed (SIGKILL, a hard timeout) never ran their Drop; their
/// names carry the pid, so a later run can tell and clean up after them.
fn remove_labs_of_dead_test_processes() {
    for namespace in netns::all_namespaces() {
        let Some(pid) = namespace
            .strip_prefix(NAME_PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            remove_namespace(&namespace);
        }
    }
}

fn address(namespace: &str, interface: &str, address: Ipv4Addr) {
    run_ip(&[
        "-n",
        namespace,
        "addr",
        "add",
        &format!("{address}/{PREFIX_LEN}"),
        "dev",
        interface,
    ]);
}

fn default_route(namespace: &str, gateway: Ipv4Addr) {
    run_ip(&[
        "-n",
        namespace,
        "route",
        "add",
        "default",
        "via",
        &gateway.to_string(),
    ]);
}

fn run_ip(args: &[&str]) {
    let mut command = Command::new("ip");
    command.args(args);
    expect_success(&mut command);
}

fn expect_success(command: &mut Command) -> Output {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Tries a TCP connection to `address` and reports how it ended, for telling a firewall's
/// silent drop (`TimedOut`) from a closed port (`ConnectionRefused`).
pub fn try_connect(address: SocketAddr, timeout: Duration) -> std::io::Result<()> {
    std::net::TcpStream::connect_timeout(&address, timeout).map(drop)
}
