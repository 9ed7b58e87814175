//! The test bed: real OpenSSH and dropbear servers, an ssh-agent, a local login user and
//! client keys, all started by the tests themselves so the suite needs no outside setup.

// Accessors are the API other test modules build on; not all of them are used by the smoke
// tests yet, and each test module only uses a part of them.
#![allow(dead_code)]
// Test code, also built into the benchmarks: a setup that fails stops the test or the
// benchmark with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod agent;
pub mod askpass;
pub mod dropbear;
pub mod gate;
pub mod hostile;
pub mod keys;
pub mod launch;
pub mod netlab;
pub mod netns;
pub mod output;
pub mod ports;
pub mod process;
pub mod pty;
pub mod sshd;
pub mod tcp_service;
pub mod tmux;
pub mod tui;
pub mod user;
pub mod user_ca;
pub mod wait;

// Re-exports for test modules; unused ones are still part of the API (see dead_code above).
#[allow(unused_imports)]
pub use agent::Agent;
#[allow(unused_imports)]
pub use dropbear::{Dropbear, DropbearOptions};
#[allow(unused_imports)]
pub use keys::{ENCRYPTED_KEY_PASSPHRASE, HostKey, HostKeyType, KeyPair, UserKeys, user_keys};
#[allow(unused_imports)]
pub use sshd::{Sshd, SshdOptions};
#[allow(unused_imports)]
pub use tmux::Tmux;
#[allow(unused_imports)]
pub use user::{TEST_USER_NAME, TEST_USER_PASSWORD, TestUser, test_user};
#[allow(unused_imports)]
pub use wait::{wait_until, wait_until_async, wait_until_stable};
