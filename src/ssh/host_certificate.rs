//! Host certificates (`ssh-keygen -s CA -h`), trusted through `@cert-authority` lines in
//! known_hosts as OpenSSH does: the certificate must be a host certificate, signed by an
//! authority listed for this host (and not revoked), valid now, name the host among its
//! principals, and carry no critical option we do not understand (host certificates define
//! none).

use std::time::{SystemTime, UNIX_EPOCH};

use russh::keys::Certificate;
use russh::keys::ssh_key::HashAlg;
use russh::keys::ssh_key::certificate::CertType;

use super::known_hosts::KnownHosts;
use crate::escape::escape_line;

/// What the known_hosts files make of a host certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateVerdict {
    Trusted,
    /// No `@cert-authority` line names this host: check the certificate's key as a plain key.
    NoAuthority,
    /// An authority is listed for the host, but this certificate fails a check; says which.
    Refused(String),
}

/// Checks `certificate`, presented by `host` on `port`, against `known`.
pub fn check(
    certificate: &Certificate,
    host: &str,
    port: u16,
    known: &KnownHosts,
) -> CertificateVerdict {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    check_at(certificate, host, port, known, now)
}

/// [`check`] at `now` (seconds since 1970), so validity windows can be tested.
pub fn check_at(
    certificate: &Certificate,
    host: &str,
    port: u16,
    known: &KnownHosts,
    now: u64,
) -> CertificateVerdict {
    let authorities = known.authorities_for(host, port);
    if authorities.is_empty() {
        return CertificateVerdict::NoAuthority;
    }
    let refuse = |why: String| CertificateVerdict::Refused(why);
    if certificate.cert_type() != CertType::Host {
        return refuse("it is a user certificate, not a host certificate".to_owned());
    }
    let signer = certificate.signature_key();
    if let Some((path, line)) = known.revoked(host, port, signer) {
        return refuse(format!(
            "its certificate authority is revoked in {}:{line}",
            path.display()
        ));
    }
    if let Some((path, line)) = known.revoked(host, port, certificate.public_key()) {
        return refuse(format!("its key is revoked in {}:{line}", path.display()));
    }
    if !authorities.iter().any(|ca| ca.key_data() == signer) {
        return refuse(format!(
            "it is signed by {}, which is not a certificate authority for this host",
            signer.fingerprint(HashAlg::Sha256)
        ));
    }
    let trusted: Vec<_> = authorities
        .iter()
        .map(|ca| ca.fingerprint(HashAlg::Sha256))
        .collect();
    // Signature by the listed authority and the validity window.
    if certificate.validate_at(now, &trusted).is_err() {
        return refuse(
            if certificate.valid_after() > now || now >= certificate.valid_before() {
                "it is not valid at this time".to_owned()
            } else {
                "its signature does not verify".to_owned()
            },
        );
    }
    let host = host.to_ascii_lowercase();
    if !certificate
        .valid_principals()
        .iter()
        .any(|principal| principal.to_ascii_lowercase() == host)
    {
        return refuse(format!(
            "its principals ({}) do not include {host}",
            escape_line(&certificate.valid_principals().join(", "))
        ));
    }
    if let Some((option, _)) = certificate.critical_options().iter().next() {
        return refuse(format!(
            "it carries the unknown critical option {}",
            escape_line(option)
        ));
    }
    CertificateVerdict::Trusted
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use russh::keys::ssh_key::certificate::Builder;
    use russh::keys::{Algorithm, PrivateKey};

    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn new_key() -> PrivateKey {
        PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).expect("key")
    }

    fn certificate(
        subject: &PrivateKey,
        ca: &PrivateKey,
        kind: CertType,
        principals: &[&str],
        valid: (u64, u64),
    ) -> Certificate {
        let mut builder = Builder::new_with_random_nonce(
            &mut rand::rng(),
            subject.public_key(),
            valid.0,
            valid.1,
        )
        .expect("builder");
        builder.key_id("test").expect("key id");
        builder.cert_type(kind).expect("type");
        for principal in principals {
            builder.valid_principal(*principal).expect("principal");
        }
        if principals.is_empty() {
            // A certificate "valid for every principal"; OpenSSH refuses such host certificates.
            builder.all_principals_valid().expect("no principals");
        }
        builder.sign(ca).expect("signed")
    }

    fn host_cert(subject: &PrivateKey, ca: &PrivateKey) -> Certificate {
        certificate(
            subject,
            ca,
            CertType::Host,
            &["db.example"],
            (NOW - 60, NOW + 60),
        )
    }

    fn known(text: &str) -> KnownHosts {
        KnownHosts::parse(Path::new("/test/known_hosts"), text)
    }

    fn authority_line(pattern: &str, ca: &PrivateKey) -> String {
        format!(
            "@cert-authority {pattern} {}\n",
            ca.public_key().to_openssh().expect("encodable")
        )
    }

    #[test]
    fn a_host_certificate_from_the_listed_authority_is_trusted() {
        let (ca, host) = (new_key(), new_key());
        let known = known(&authority_line("*.example", &ca));
        let cert = host_cert(&host, &ca);
        assert_eq!(
            check_at(&cert, "db.example", 22, &known, NOW),
            CertificateVerdict::Trusted
        );
        // Host names compare without regard to case.
        assert_eq!(
            check_at(&cert, "DB.Example", 22, &known, NOW),
            CertificateVerdict::Trusted
        );
    }

    #[test]
    fn without_an_authority_for_the_host_the_key_is_checked_plainly() {
        let (ca, host) = (new_key(), new_key());
        let known = known(&authority_line("*.other", &ca));
        assert_eq!(
            check_at(&host_cert(&host, &ca), "db.example", 22, &known, NOW),
            CertificateVerdict::NoAuthority
        );
    }

    fn refused(verdict: CertificateVerdict) -> String {
        match verdict {
            CertificateVerdict::Refused(why) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn every_failed_check_refuses_and_says_which() {
        let (ca, other_ca, host) = (new_key(), new_key(), new_key());
        let known = known(&authority_line("db.example", &ca));
        let check = |cert: &Certificate| refused(check_at(cert, "db.example", 22, &known, NOW));

        assert!(check(&host_cert(&host, &other_ca)).contains("not a certificate authority"));
        let user = certificate(&host, &ca, CertType::User, &["db.example"], (0, u64::MAX));
        assert!(check(&user).contains("user certificate"));
        let expired = certificate(&host, &ca, CertType::Host, &["db.example"], (0, NOW));
        assert!(check(&expired).contains("not valid at this time"));
        let future = certificate(
            &host,
            &ca,
            CertType::Host,
            &["db.example"],
            (NOW + 1, u64::MAX),
        );
        assert!(check(&future).contains("not valid at this time"));
        let elsewhere = certificate(&host, &ca, CertType::Host, &["web.example"], (0, u64::MAX));
        assert!(check(&elsewhere).contains("do not include db.example"));
        let nobody = certificate(&host, &ca, CertType::Host, &[], (0, u64::MAX));
        assert!(check(&nobody).contains("principals"));
    }

    #[test]
    fn a_revoked_authority_or_host_key_is_refused() {
        let (ca, host) = (new_key(), new_key());
        let mut text = authority_line("db.example", &ca);
        text += &format!(
            "@revoked * {}\n",
            ca.public_key().to_openssh().expect("encodable")
        );
        let why = refused(check_at(
            &host_cert(&host, &ca),
            "db.example",
            22,
            &known(&text),
            NOW,
        ));
        assert!(
            why.contains("authority is revoked in /test/known_hosts:2"),
            "{why}"
        );

        let mut text = authority_line("db.example", &ca);
        text += &format!(
            "@revoked * {}\n",
            host.public_key().to_openssh().expect("encodable")
        );
        let why = refused(check_at(
            &host_cert(&host, &ca),
            "db.example",
            22,
            &known(&text),
            NOW,
        ));
        assert!(why.contains("key is revoked"), "{why}");
    }
}
