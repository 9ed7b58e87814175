//! What `ssh ALIAS` would use, resolved the way OpenSSH resolves it: every block matching the
//! alias applies, the first value of an option wins (IdentityFile and CertificateFile
//! accumulate), and the options tabsh has fields for become a profile. Shared by the importer
//! and the live listing of `~/.ssh/config` hosts, so both read a config the same way.

use std::collections::HashMap;
use std::path::PathBuf;

use super::SshEnv;
use super::reader::{ConfigOption, Item};
use super::report::{SkipReason, Skipped};
use super::tokens::{TokenValues, expand_path, expand_tokens};
use crate::patterns::host_line_matches;
use crate::profiles::schema::Profile;
use crate::profiles::validate::{MAX_INTERVAL_SECS, MAX_KEEPALIVE_MISSES};

/// Options that map onto profile fields (lowercase). `Host`, `Match` and `Include` are
/// structure, handled by the reader.
pub(super) const SUPPORTED_OPTIONS: &[&str] = &[
    "hostname",
    "user",
    "port",
    "identityfile",
    "certificatefile",
    "userknownhostsfile",
    "serveraliveinterval",
    "serveralivecountmax",
    "tcpkeepalive",
    "remotecommand",
    "proxyjump",
    "proxycommand",
    "forwardagent",
    "gatewayports",
    "localforward",
    "remoteforward",
    "dynamicforward",
];

/// Options that accumulate, every line applying (OpenSSH adds each forward).
const FORWARD_OPTIONS: &[&str] = &["localforward", "remoteforward", "dynamicforward"];

/// One alias resolved: its profile (`None` when the result would not be a valid profile) and
/// what did not carry over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResolvedHost {
    pub profile: Option<Profile>,
    /// Values that did not fit a field, in file order (and the whole-host problem last).
    pub problems: Vec<Skipped>,
    /// Options that apply to the alias but have no field in tabsh, first occurrence of each.
    pub unsupported: Vec<Skipped>,
}

/// Resolves `alias` against the config's `items`; the profile is put in `folder`.
pub(super) fn resolve_host(
    items: &[Item],
    alias: &str,
    env: &SshEnv,
    folder: &str,
    reference: &dyn Fn(&str) -> Option<String>,
) -> ResolvedHost {
    let mut applied = Applied::default();
    collect_applied(items, alias, true, false, &mut applied);
    let mut problems = Vec::new();
    let profile = build_profile(alias, folder, &applied, env, reference, &mut problems);
    // Built field by field; listed in file order, which is how people read them.
    problems.sort_by_key(|problem| problem.origin.as_ref().map(|o| (o.file.clone(), o.line)));
    let unsupported = applied
        .unsupported
        .iter()
        .map(|option| Skipped {
            origin: Some(option.origin.clone()),
            subject: option.name.clone(),
            reason: SkipReason::UnsupportedOption,
        })
        .collect();
    ResolvedHost {
        profile,
        problems,
        unsupported,
    }
}

/// The options that apply to one alias.
#[derive(Default)]
struct Applied<'a> {
    /// First occurrence of each supported option: OpenSSH keeps the first value it sees.
    first: HashMap<&'a str, &'a ConfigOption>,
    /// IdentityFile accumulates in OpenSSH instead.
    identity_files: Vec<&'a ConfigOption>,
    /// So does CertificateFile.
    certificate_files: Vec<&'a ConfigOption>,
    /// And every LocalForward, RemoteForward and DynamicForward.
    forwards: Vec<&'a ConfigOption>,
    /// Options tabsh has no field for, the first of each keyword.
    unsupported: Vec<&'a ConfigOption>,
}

/// Walks the config as OpenSSH does for `ssh alias`. `never_match` is set inside files
/// included from a block that did not match: their `Host` lines cannot switch them on.
fn collect_applied<'a>(
    items: &'a [Item],
    alias: &str,
    inherited_active: bool,
    never_match: bool,
    applied: &mut Applied<'a>,
) {
    let mut active = inherited_active;
    for item in items {
        match item {
            Item::Host { patterns, .. } => {
                active = !never_match && host_line_matches(patterns, alias);
            }
            Item::Match { .. } => active = false,
            Item::Option(option) if active => {
                if option.keyword == "identityfile" {
                    applied.identity_files.push(option);
                } else if option.keyword == "certificatefile" {
                    applied.certificate_files.push(option);
                } else if FORWARD_OPTIONS.contains(&option.keyword.as_str()) {
                    applied.forwards.push(option);
                } else if SUPPORTED_OPTIONS.contains(&option.keyword.as_str()) {
                    applied
                        .first
                        .entry(option.keyword.as_str())
                        .or_insert(option);
                } else if !applied
                    .unsupported
                    .iter()
                    .any(|seen| seen.keyword == option.keyword)
                {
                    applied.unsupported.push(option);
                }
            }
            Item::Option(_) => {}
            Item::Include { items } => {
                collect_applied(items, alias, active, never_match || !active, applied);
            }
        }
    }
}

/// Turns the options applied to `alias` into a profile, reporting values that do not fit.
fn build_profile(
    alias: &str,
    folder: &str,
    applied: &Applied<'_>,
    env: &SshEnv,
    reference: &dyn Fn(&str) -> Option<String>,
    skipped: &mut Vec<Skipped>,
) -> Option<Profile> {
    let mut profile = Profile {
        name: alias.to_owned(),
        folder: folder.to_owned(),
        host: alias.to_owned(),
        ..Profile::default()
    };
    let mut report = |option: &ConfigOption, reason: SkipReason| {
        skipped.push(Skipped {
            origin: Some(option.origin.clone()),
            subject: option.name.clone(),
            reason,
        });
    };
    let cannot_expand = |problem: String| SkipReason::CannotExpand {
        alias: alias.to_owned(),
        problem,
    };
    let option = |keyword: &str| applied.first.get(keyword).copied();

    // HostName, User and Port come first: the path tokens below refer to them.
    let mut tokens = TokenValues {
        home: &env.home,
        local_user: &env.local_user,
        alias,
        host: alias,
        remote_user: &env.local_user,
        port: profile.port,
    };
    if let Some(hostname) = option("hostname") {
        match first_arg(hostname).map(|value| expand_tokens(value, &tokens)) {
            Some(Ok(host)) => profile.host = host,
            Some(Err(error)) => report(hostname, cannot_expand(error.to_string())),
            None => report(hostname, missing_value("a host name")),
        }
    }
    if let Some(user) = option("user") {
        match first_arg(user).map(|value| expand_tokens(value, &tokens)) {
            Some(Ok(name)) => profile.user = Some(name),
            Some(Err(error)) => report(user, cannot_expand(error.to_string())),
            None => report(user, missing_value("a user name")),
        }
    }
    if let Some(port) = option("port") {
        match first_arg(port).map(|value| (value, value.parse::<u16>())) {
            Some((_, Ok(number))) if number > 0 => profile.port = number,
            Some((value, _)) => report(port, invalid(value, "a port from 1 to 65535")),
            None => report(port, missing_value("a port number")),
        }
    }
    let host = profile.host.clone();
    let remote_user = profile
        .user
        .clone()
        .unwrap_or_else(|| env.local_user.clone());
    tokens.host = &host;
    tokens.remote_user = &remote_user;
    tokens.port = profile.port;

    let identity_files = applied
        .identity_files
        .iter()
        .filter_map(|option| first_arg(option).map(|value| (*option, value)))
        .filter(|(_, value)| !value.eq_ignore_ascii_case("none"));
    for (index, (option, value)) in identity_files.enumerate() {
        if index > 0 {
            report(option, extra_value(alias, value));
            continue;
        }
        match expand_path(value, &tokens) {
            Ok(path) => profile.identity_file = Some(PathBuf::from(path)),
            Err(error) => report(option, cannot_expand(error.to_string())),
        }
    }
    let certificate_files = applied
        .certificate_files
        .iter()
        .filter_map(|option| first_arg(option).map(|value| (*option, value)))
        .filter(|(_, value)| !value.eq_ignore_ascii_case("none"));
    for (index, (option, value)) in certificate_files.enumerate() {
        if index > 0 {
            report(option, extra_value(alias, value));
            continue;
        }
        match expand_path(value, &tokens) {
            Ok(path) => profile.certificate_file = Some(PathBuf::from(path)),
            Err(error) => report(option, cannot_expand(error.to_string())),
        }
    }

    if let Some(known_hosts) = option("userknownhostsfile") {
        let mut values = known_hosts.args.iter();
        match values.next().map(String::as_str) {
            Some(value) if value.eq_ignore_ascii_case("none") => report(
                known_hosts,
                invalid(value, "a file; tabsh always checks host keys"),
            ),
            Some(value) => match expand_path(value, &tokens) {
                Ok(path) => profile.known_hosts_file = Some(PathBuf::from(path)),
                Err(error) => report(known_hosts, cannot_expand(error.to_string())),
            },
            None => report(known_hosts, missing_value("a file")),
        }
        for extra in values {
            report(known_hosts, extra_value(alias, extra));
        }
    }

    let keepalive = &mut profile.anti_idle.keepalive;
    if let Some(interval) = option("serveraliveinterval") {
        match first_arg(interval).map(|value| (value, parse_duration_secs(value))) {
            Some((_, Some(0))) => keepalive.enabled = false,
            // OpenSSH takes up to INT_MAX seconds; a profile's timers stop at a day.
            Some((value, Some(secs))) if secs > MAX_INTERVAL_SECS => report(
                interval,
                invalid(
                    value,
                    &format!("an interval of at most {MAX_INTERVAL_SECS} seconds (1 day)"),
                ),
            ),
            Some((_, Some(secs))) => {
                keepalive.enabled = true;
                keepalive.interval_secs = secs;
            }
            Some((value, None)) => report(
                interval,
                invalid(value, "a time value: seconds, e.g. 30 or 1m"),
            ),
            None => report(interval, missing_value("seconds")),
        }
    }
    if let Some(count) = option("serveralivecountmax") {
        match first_arg(count).map(|value| (value, value.parse::<u32>())) {
            Some((_, Ok(misses))) if (1..=MAX_KEEPALIVE_MISSES).contains(&misses) => {
                keepalive.max_misses = misses;
            }
            Some((value, _)) => report(
                count,
                invalid(value, &format!("a count from 1 to {MAX_KEEPALIVE_MISSES}")),
            ),
            None => report(count, missing_value("a count")),
        }
    }
    if let Some(tcp) = option("tcpkeepalive") {
        match first_arg(tcp).map(|value| (value, parse_yes_no(value))) {
            Some((_, Some(enabled))) => profile.anti_idle.tcp.enabled = enabled,
            Some((value, None)) => report(tcp, invalid(value, "yes or no")),
            None => report(tcp, missing_value("yes or no")),
        }
    }
    if let Some(command) = option("remotecommand") {
        if command.raw.eq_ignore_ascii_case("none") {
            // Explicitly no command: the default login shell.
        } else if command.raw.is_empty() {
            report(command, missing_value("a command"));
        } else {
            match expand_tokens(&command.raw, &tokens) {
                Ok(text) => profile.command = Some(text),
                Err(error) => report(command, cannot_expand(error.to_string())),
            }
        }
    }

    map_routing(alias, &option, reference, &mut profile, &mut report);
    let gateway_ports = option("gatewayports")
        .and_then(first_arg)
        .and_then(parse_yes_no)
        .unwrap_or(false);
    for forward in &applied.forwards {
        match super::forwards::forward_of(forward, gateway_ports) {
            Ok(parsed) => profile.forward.push(parsed),
            Err(expected) => report(
                forward,
                SkipReason::InvalidValue {
                    value: forward.raw.clone(),
                    expected,
                },
            ),
        }
    }

    match profile.validate() {
        Ok(()) => Some(profile),
        Err(problems) => {
            let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
            skipped.push(Skipped {
                origin: None,
                subject: alias.to_owned(),
                reason: SkipReason::InvalidProfile(problems.join("; ")),
            });
            None
        }
    }
}

/// ProxyJump, ProxyCommand (`none` for either: direct), ForwardAgent. As in OpenSSH, the
/// first of ProxyJump and ProxyCommand in the file wins; a hop naming another alias becomes a
/// reference to it (`reference`).
fn map_routing<'a>(
    alias: &str,
    option: &dyn Fn(&str) -> Option<&'a ConfigOption>,
    reference: &dyn Fn(&str) -> Option<String>,
    profile: &mut Profile,
    report: &mut dyn FnMut(&ConfigOption, SkipReason),
) {
    let jump = option("proxyjump");
    let command = option("proxycommand");
    let jump_first = match (jump, command) {
        (Some(jump), Some(command)) => {
            (&jump.origin.file, jump.origin.line) <= (&command.origin.file, command.origin.line)
        }
        (jump, _) => jump.is_some(),
    };
    if let Some(jump) = jump.filter(|_| jump_first) {
        let value = jump.args.join(" ");
        if !value.eq_ignore_ascii_case("none") {
            let mut hops = Vec::new();
            for hop in value.split(',').map(str::trim) {
                // `ssh://[user@]host[:port]` is ProxyJump's other spelling.
                let hop = hop.strip_prefix("ssh://").unwrap_or(hop);
                match crate::profiles::jump::parse_hop(hop) {
                    Some(_) if hop == alias => {
                        report(jump, invalid(hop, "a host other than this one"));
                        hops.clear();
                        break;
                    }
                    Some(_) => hops.push(reference(hop).unwrap_or_else(|| hop.to_owned())),
                    None => {
                        report(jump, invalid(hop, "[user@]host[:port]"));
                        hops.clear();
                        break;
                    }
                }
            }
            profile.jump = hops;
        }
    } else if let Some(command) = command {
        if command.raw.is_empty() {
            report(command, missing_value("a command"));
        } else if !command.raw.eq_ignore_ascii_case("none") {
            profile.proxy_command = Some(command.raw.clone());
        }
    }
    if let Some(agent) = option("forwardagent") {
        match first_arg(agent).map(|value| (value, parse_yes_no(value))) {
            Some((_, Some(enabled))) => profile.forward_agent = enabled,
            // ForwardAgent may also name a socket; tabsh forwards SSH_AUTH_SOCK's agent.
            Some((value, None)) => report(agent, invalid(value, "yes or no")),
            None => report(agent, missing_value("yes or no")),
        }
    }
}

fn first_arg(option: &ConfigOption) -> Option<&str> {
    option.args.first().map(String::as_str)
}

fn invalid(value: &str, expected: &str) -> SkipReason {
    SkipReason::InvalidValue {
        value: value.to_owned(),
        expected: format!("expected {expected}"),
    }
}

fn missing_value(expected: &str) -> SkipReason {
    invalid("", expected)
}

fn extra_value(alias: &str, value: &str) -> SkipReason {
    SkipReason::ExtraValue {
        alias: alias.to_owned(),
        value: value.to_owned(),
    }
}

fn parse_yes_no(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// OpenSSH's time format: a number of seconds, or number+unit runs like `1h30m` (s, m, h, d, w).
pub(super) fn parse_duration_secs(value: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit_secs = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 60 * 60,
            'd' => 24 * 60 * 60,
            'w' => 7 * 24 * 60 * 60,
            _ => return None,
        };
        let number: u64 = digits.parse().ok()?;
        total = total.checked_add(number.checked_mul(unit_secs)?)?;
        digits.clear();
    }
    // A trailing bare number counts as seconds.
    if !digits.is_empty() {
        total = total.checked_add(digits.parse().ok()?)?;
    } else if value.is_empty() {
        return None;
    }
    Some(total)
}
