//! A profile's jump hosts (`jump = [...]`, OpenSSH's ProxyJump): each entry names another
//! profile by id or is `[user@]host[:port]`; resolved here into one profile per hop, outermost
//! first, so the SSH layer can connect hop by hop.

use super::schema::Profile;

/// The longest chain followed, counting the hops of referenced profiles' own chains. OpenSSH
/// has no limit; a bound keeps a cycle of references from recursing forever.
pub const MAX_JUMP_HOPS: usize = 8;

/// `[user@]host[:port]` as written in a jump entry or ProxyJump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopAddress {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// Reads `[user@]host[:port]`; an IPv6 address takes brackets (`[::1]:2222`). `None` when
/// it is not one (an empty host, a port that is not a number from 1 to 65535, whitespace).
pub fn parse_hop(text: &str) -> Option<HopAddress> {
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    let (user, rest) = match text.rsplit_once('@') {
        Some((user, rest)) if !user.is_empty() => (Some(user.to_owned()), rest),
        Some(_) => return None,
        None => (None, text),
    };
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return None,
        }
    } else {
        match rest.split_once(':') {
            Some((host, port)) if !port.contains(':') => (host, Some(port)),
            // A bare IPv6 address: no port.
            Some(_) => (rest, None),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok().filter(|port| *port > 0)?),
        None => None,
    };
    Some(HopAddress {
        user,
        host: host.to_owned(),
        port,
    })
}

/// Why a chain cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JumpError {
    #[error("jump host {0:?} is neither a saved session's id nor [user@]host[:port]")]
    Unreadable(String),
    #[error("the jump hosts lead back to {0:?} (a loop)")]
    Loop(String),
    #[error("more than {MAX_JUMP_HOPS} jump hosts")]
    TooLong,
    #[error("jump host {0:?} uses a proxy command, which cannot be carried through a jump")]
    ProxyCommandHop(String),
}

/// The hops to go through for `profile`, outermost first, each as a profile to log in with.
/// An entry naming a profile (`lookup` finds it by id) is that profile, behind its own jump
/// hosts; any other entry is `[user@]host[:port]` with `profile`'s login settings (methods,
/// key, certificate, known_hosts), the ones a person has for that network.
pub fn resolve_chain<'a>(
    profile: &Profile,
    lookup: &dyn Fn(&str) -> Option<&'a Profile>,
) -> Result<Vec<Profile>, JumpError> {
    let mut hops = Vec::new();
    let mut visiting = Vec::new();
    append_chain(profile, lookup, &mut visiting, &mut hops)?;
    Ok(hops)
}

fn append_chain<'a>(
    profile: &Profile,
    lookup: &dyn Fn(&str) -> Option<&'a Profile>,
    visiting: &mut Vec<String>,
    hops: &mut Vec<Profile>,
) -> Result<(), JumpError> {
    for entry in &profile.jump {
        if hops.len() >= MAX_JUMP_HOPS {
            return Err(JumpError::TooLong);
        }
        if let Some(referenced) = lookup(entry) {
            if visiting.contains(entry) {
                return Err(JumpError::Loop(entry.clone()));
            }
            visiting.push(entry.clone());
            append_chain(referenced, lookup, visiting, hops)?;
            visiting.pop();
            if hops.len() >= MAX_JUMP_HOPS {
                return Err(JumpError::TooLong);
            }
            // Only the outermost hop may have a proxy command: it makes the first stream.
            if referenced.proxy_command.is_some() && !hops.is_empty() {
                return Err(JumpError::ProxyCommandHop(entry.clone()));
            }
            let mut hop = referenced.clone();
            // Its own chain is already in `hops`.
            hop.jump.clear();
            hops.push(hop);
            continue;
        }
        let address = parse_hop(entry).ok_or_else(|| JumpError::Unreadable(entry.clone()))?;
        hops.push(Profile {
            name: entry.clone(),
            host: address.host,
            port: address.port.unwrap_or(22),
            user: address.user,
            auth: profile.auth.clone(),
            identity_file: profile.identity_file.clone(),
            certificate_file: profile.certificate_file.clone(),
            known_hosts_file: profile.known_hosts_file.clone(),
            ..Profile::default()
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn reads_proxyjump_hops() {
        let hop = |user: Option<&str>, host: &str, port: Option<u16>| HopAddress {
            user: user.map(str::to_owned),
            host: host.to_owned(),
            port,
        };
        assert_eq!(parse_hop("bastion"), Some(hop(None, "bastion", None)));
        assert_eq!(
            parse_hop("ops@bastion:2222"),
            Some(hop(Some("ops"), "bastion", Some(2222)))
        );
        assert_eq!(
            parse_hop("a@b@[::1]:22"),
            Some(hop(Some("a@b"), "::1", Some(22)))
        );
        assert_eq!(parse_hop("fe80::1"), Some(hop(None, "fe80::1", None)));
        for bad in [
            "",
            "@host",
            "host:0",
            "host:x",
            "host:70000",
            "a b",
            "[::1",
            "user@",
        ] {
            assert_eq!(parse_hop(bad), None, "{bad:?}");
        }
    }

    fn profile(host: &str, jump: &[&str]) -> Profile {
        Profile {
            name: host.to_owned(),
            host: host.to_owned(),
            jump: jump.iter().map(|s| (*s).to_owned()).collect(),
            ..Profile::default()
        }
    }

    #[test]
    fn references_bring_their_own_chain_and_addresses_take_the_login_settings() {
        let saved: HashMap<&str, Profile> = [
            ("outer", profile("outer.example", &[])),
            ("inner", profile("inner.example", &["outer"])),
        ]
        .into();
        let lookup = |id: &str| saved.get(id);
        let mut target = profile("db", &["inner", "me@third:2200"]);
        target.identity_file = Some("/keys/id".into());
        let hops = resolve_chain(&target, &lookup).unwrap();
        let shown: Vec<String> = hops.iter().map(Profile::shown_target).collect();
        assert_eq!(
            shown,
            ["outer.example:22", "inner.example:22", "me@third:2200"]
        );
        assert!(hops.iter().all(|hop| hop.jump.is_empty()));
        assert_eq!(hops[2].identity_file, target.identity_file);
    }

    #[test]
    fn loops_and_long_chains_are_refused() {
        let saved: HashMap<&str, Profile> =
            [("a", profile("a", &["b"])), ("b", profile("b", &["a"]))].into();
        let lookup = |id: &str| saved.get(id);
        assert!(matches!(
            resolve_chain(&profile("t", &["a"]), &lookup),
            Err(JumpError::Loop(_))
        ));
        let long: Vec<String> = (0..=MAX_JUMP_HOPS).map(|n| format!("h{n}")).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        assert_eq!(
            resolve_chain(&profile("t", &long), &|_| None),
            Err(JumpError::TooLong)
        );
        assert!(matches!(
            resolve_chain(&profile("t", &["not a host"]), &|_| None),
            Err(JumpError::Unreadable(_))
        ));
    }
}
