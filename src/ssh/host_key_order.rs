//! Which host key algorithms to offer, in what order. The server shows the first one of ours
//! it has: a host recorded in known_hosts with an ECDSA or RSA key must be asked for that
//! key, or it shows its Ed25519 key and the person gets an unknown-key question for a host
//! they already trust. Like OpenSSH, the algorithms recorded for the host come first, then
//! the rest in russh's order; certificates are asked for when an `@cert-authority` line names
//! the host.

use std::borrow::Cow;

use russh::Preferred;
use russh::keys::Algorithm;

use super::known_hosts::KnownHosts;
use super::options::ConnectOptions;

/// The preferences for connecting with `options`: russh's defaults reordered for this host.
pub fn preferred(options: &ConnectOptions) -> Preferred {
    if options.pinned_host_key.is_some() {
        return Preferred::DEFAULT;
    }
    // An unreadable file is reported by the host key check itself; here it only means no
    // reordering.
    let Ok(known) =
        KnownHosts::load_with_system(&options.known_hosts, options.system_known_hosts.as_deref())
    else {
        return Preferred::DEFAULT;
    };
    let recorded = known.recorded_algorithms(&options.host, options.port);
    let with_certificates = !known
        .authorities_for(&options.host, options.port)
        .is_empty();
    order(&recorded, with_certificates)
}

/// russh's default algorithms with those of a `recorded` key first (any RSA hash for an RSA
/// key), and certificate variants of all of them when `with_certificates`.
pub fn order(recorded: &[Algorithm], with_certificates: bool) -> Preferred {
    let defaults: &[Algorithm] = &Preferred::DEFAULT.key;
    let is_recorded = |algorithm: &Algorithm| {
        recorded.iter().any(|known| match (known, algorithm) {
            (Algorithm::Rsa { .. }, Algorithm::Rsa { .. }) => true,
            (known, algorithm) => known == algorithm,
        })
    };
    let mut key: Vec<Algorithm> = defaults
        .iter()
        .filter(|a| is_recorded(a))
        .cloned()
        .collect();
    key.extend(defaults.iter().filter(|a| !is_recorded(a)).cloned());
    Preferred {
        host_key_certificates: if with_certificates {
            Cow::Owned(key.clone())
        } else {
            Cow::Borrowed(&[])
        },
        key: Cow::Owned(key),
        ..Preferred::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use russh::keys::{EcdsaCurve, HashAlg};

    #[test]
    fn recorded_algorithms_come_first_in_the_default_order() {
        let ecdsa = Algorithm::Ecdsa {
            curve: EcdsaCurve::NistP256,
        };
        let preferred = order(&[Algorithm::Rsa { hash: None }, ecdsa.clone()], false);
        assert_eq!(
            preferred.key[..4],
            [
                ecdsa,
                Algorithm::Rsa {
                    hash: Some(HashAlg::Sha512)
                },
                Algorithm::Rsa {
                    hash: Some(HashAlg::Sha256)
                },
                Algorithm::Rsa { hash: None },
            ]
        );
        assert_eq!(preferred.key[4], Algorithm::Ed25519);
        assert_eq!(preferred.key.len(), Preferred::DEFAULT.key.len());
        assert!(preferred.host_key_certificates.is_empty());
    }

    #[test]
    fn nothing_recorded_keeps_the_default_and_authorities_add_certificates() {
        let preferred = order(&[], true);
        assert_eq!(preferred.key, Preferred::DEFAULT.key);
        assert_eq!(preferred.host_key_certificates, Preferred::DEFAULT.key);
    }
}
