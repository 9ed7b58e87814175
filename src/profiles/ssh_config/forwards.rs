//! LocalForward, RemoteForward, DynamicForward and GatewayPorts as `[[forward]]` tables.
//! Unix-socket forwards and RemoteForward's dynamic form have no field in tabsh: reported.

use super::reader::ConfigOption;
use crate::profiles::schema::{Forward, ForwardKind};

/// The forward one option line asks for, or what it should have been.
pub(super) fn forward_of(option: &ConfigOption, gateway_ports: bool) -> Result<Forward, String> {
    let kind = match option.keyword.as_str() {
        "localforward" => ForwardKind::Local,
        "remoteforward" => ForwardKind::Remote,
        _ => ForwardKind::Dynamic,
    };
    let listen = option
        .args
        .first()
        .ok_or_else(|| "expected [bind_address:]port".to_owned())?;
    let (bind, bind_port) =
        split_host_port(listen).ok_or_else(|| "expected [bind_address:]port".to_owned())?;
    let bind_address = match bind.as_deref() {
        // OpenSSH: an empty or `*` address listens on every interface.
        Some("" | "*") => "0.0.0.0".to_owned(),
        Some(address) => address.to_owned(),
        None if gateway_ports && kind != ForwardKind::Remote => "0.0.0.0".to_owned(),
        None => "127.0.0.1".to_owned(),
    };
    let mut forward = Forward {
        kind,
        bind_address,
        bind_port,
        ..Forward::default()
    };
    match (kind, option.args.get(1)) {
        (ForwardKind::Dynamic, None) => {}
        (ForwardKind::Dynamic, Some(_)) => return Err("expected only [bind_address:]port".into()),
        (_, None) if kind == ForwardKind::Remote => {
            return Err(
                "a SOCKS proxy on the server (RemoteForward with one port) is not \
                        supported; use host:port"
                    .into(),
            );
        }
        (_, None) => return Err("expected [bind_address:]port host:hostport".into()),
        (_, Some(target)) => {
            let (host, port) = split_host_port(target)
                .and_then(|(host, port)| Some((host?, port)))
                .filter(|(host, port)| !host.is_empty() && *port != 0)
                .ok_or_else(|| {
                    format!(
                        "expected host:hostport, got {target:?} (Unix sockets are not supported)"
                    )
                })?;
            forward.host = host;
            forward.port = port;
        }
    }
    if kind != ForwardKind::Remote && forward.bind_port == 0 {
        return Err("expected a port from 1 to 65535".into());
    }
    Ok(forward)
}

/// `port`, `host:port`, `[v6]:port`, `host/port` (ssh's other separator).
fn split_host_port(text: &str) -> Option<(Option<String>, u16)> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, port) = rest.split_once("]:")?;
        (Some(host), port)
    } else if let Some((host, port)) = text.rsplit_once(':').or_else(|| text.rsplit_once('/')) {
        (Some(host), port)
    } else {
        (None, text)
    };
    let port = port.parse::<u16>().ok()?;
    Some((host.map(str::to_owned), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::ssh_config::Origin;

    fn option(keyword: &str, args: &[&str]) -> ConfigOption {
        ConfigOption {
            keyword: keyword.to_lowercase(),
            name: keyword.to_owned(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            raw: args.join(" "),
            origin: Origin {
                file: "config".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn forwards_read_as_ssh_reads_them() {
        let local = forward_of(&option("LocalForward", &["8080", "db:5432"]), false).unwrap();
        assert_eq!(local.shown(), "-L 127.0.0.1:8080:db:5432");
        let open = forward_of(&option("LocalForward", &["*:8080", "[::1]:80"]), false).unwrap();
        assert_eq!(open.shown(), "-L 0.0.0.0:8080:::1:80");
        let gateway = forward_of(&option("DynamicForward", &["1080"]), true).unwrap();
        assert_eq!(gateway.shown(), "-D 0.0.0.0:1080");
        let remote = forward_of(&option("RemoteForward", &["2222", "localhost:22"]), true).unwrap();
        assert_eq!(remote.shown(), "-R 127.0.0.1:2222:localhost:22");
        for (keyword, args) in [
            ("LocalForward", &["8080"][..]),
            ("LocalForward", &["8080", "/run/db.sock"][..]),
            ("RemoteForward", &["1080"][..]),
            ("DynamicForward", &["x"][..]),
        ] {
            assert!(
                forward_of(&option(keyword, args), false).is_err(),
                "{args:?}"
            );
        }
    }
}
