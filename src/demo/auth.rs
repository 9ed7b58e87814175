//! Who may log in to the demo server. Kept apart from the russh handler so the
//! rules read as plain decisions and can be checked without a connection.

use russh::MethodKind;
use russh::MethodSet;
use russh::keys::PublicKey;

use super::DemoConfig;
use crate::ssh::Secret;

/// The prompt OpenSSH shows for keyboard-interactive password auth, echo off.
pub const KEYBOARD_INTERACTIVE_PROMPT: &str = "Password: ";

/// The login rules derived from a [`DemoConfig`].
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    authorized_keys: Vec<PublicKey>,
    password: Option<Secret>,
    user: Option<String>,
}

impl AuthPolicy {
    pub fn new(config: &DemoConfig) -> Self {
        Self {
            authorized_keys: config.authorized_keys.clone(),
            password: config.password.clone(),
            user: config.user.clone(),
        }
    }

    /// Methods advertised to clients: password ones only when a password is
    /// configured, so a client never tries something that cannot succeed.
    pub fn methods(&self) -> MethodSet {
        let mut kinds = vec![MethodKind::PublicKey];
        if self.password.is_some() {
            kinds.push(MethodKind::Password);
            kinds.push(MethodKind::KeyboardInteractive);
        }
        MethodSet::from(kinds.as_slice())
    }

    pub fn user_allowed(&self, user: &str) -> bool {
        self.user.as_deref().is_none_or(|required| required == user)
    }

    /// Compares key material only: the same key loaded from another file may
    /// carry a different comment.
    pub fn key_allowed(&self, user: &str, key: &PublicKey) -> bool {
        self.user_allowed(user)
            && self
                .authorized_keys
                .iter()
                .any(|authorized| authorized.key_data() == key.key_data())
    }

    pub fn password_allowed(&self, user: &str, password: &[u8]) -> bool {
        self.user_allowed(user)
            && self
                .password
                .as_ref()
                .is_some_and(|expected| constant_time_eq(expected.expose().as_bytes(), password))
    }

    pub fn offers_password(&self) -> bool {
        self.password.is_some()
    }
}

/// Avoids leaking the password length-prefix match through timing; cheap
/// enough that there is no reason not to.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use russh::keys::{Algorithm, PrivateKey};

    fn random_key() -> PublicKey {
        PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)
            .unwrap()
            .public_key()
            .clone()
    }

    #[test]
    fn key_comparison_ignores_comment() {
        let key = random_key();
        let policy = AuthPolicy::new(&DemoConfig::with_authorized_key(key.clone()));
        let mut renamed = key.clone();
        renamed.set_comment("elsewhere");
        assert!(policy.key_allowed("anyone", &renamed));
        assert!(!policy.key_allowed("anyone", &random_key()));
    }

    #[test]
    fn required_user_is_enforced_for_every_method() {
        let key = random_key();
        let policy = AuthPolicy::new(&DemoConfig {
            authorized_keys: vec![key.clone()],
            password: Some("pw".into()),
            user: Some("demo".into()),
            ..DemoConfig::default()
        });
        assert!(policy.key_allowed("demo", &key));
        assert!(!policy.key_allowed("root", &key));
        assert!(policy.password_allowed("demo", b"pw"));
        assert!(!policy.password_allowed("root", b"pw"));
        assert!(!policy.password_allowed("demo", b"pw2"));
    }

    #[test]
    fn password_methods_only_offered_with_a_password() {
        let without = AuthPolicy::new(&DemoConfig::default());
        assert!(!without.password_allowed("u", b""));
        assert_eq!(&*without.methods(), &[MethodKind::PublicKey]);
        let with = AuthPolicy::new(&DemoConfig {
            password: Some("pw".into()),
            ..DemoConfig::default()
        });
        assert!(with.methods().contains(&MethodKind::KeyboardInteractive));
    }
}
