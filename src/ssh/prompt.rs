//! Questions the SSH layer must ask a person: host keys, passwords, passphrases and
//! keyboard-interactive prompts. The TUI, the command line and tests each answer them their own
//! way behind one trait, so the connection code never knows who is on the other end.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use super::secret::Secret;

/// What the user decided about a host key that is not in known_hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKeyDecision {
    Reject,
    AcceptOnce,
    AcceptAndSave,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbdPrompt {
    pub text: String,
    /// Whether the answer may be shown while typed (false for passwords and codes).
    pub echo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    UnknownHostKey {
        host_port: String,
        key_type: String,
        fingerprint: String,
        known_hosts: PathBuf,
        /// Types recorded for this host under other algorithms (worth a warning).
        other_types: Vec<String>,
    },
    Password {
        user: String,
        host_port: String,
        /// 1 for the first try; more after a rejected password.
        attempt: u32,
    },
    Passphrase {
        key_file: PathBuf,
        attempt: u32,
    },
    KeyboardInteractive {
        user: String,
        host_port: String,
        name: String,
        instructions: String,
        prompts: Vec<KbdPrompt>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    HostKey(HostKeyDecision),
    /// A password or passphrase; wiped from memory when dropped.
    Secret(Secret),
    /// Keyboard-interactive answers, one per prompt; secrets too (one-time codes, passwords).
    Responses(Vec<Secret>),
    /// The person pressed Esc, or nobody can be asked (batch mode).
    Cancel,
}

pub type PromptFuture<'a> = Pin<Box<dyn Future<Output = Answer> + Send + 'a>>;

pub trait Prompter: Send + Sync {
    fn ask(&self, prompt: Prompt) -> PromptFuture<'_>;
}

/// Never asks: every question is cancelled, so unknown hosts and secrets fail with a clear error.
#[derive(Debug, Default, Clone, Copy)]
pub struct BatchPrompter;

impl Prompter for BatchPrompter {
    fn ask(&self, _prompt: Prompt) -> PromptFuture<'_> {
        Box::pin(async { Answer::Cancel })
    }
}

/// Answers from a closure: handy for tests and for scripted callers.
pub struct FnPrompter<F>(pub F);

impl<F> Prompter for FnPrompter<F>
where
    F: Fn(&Prompt) -> Answer + Send + Sync,
{
    fn ask(&self, prompt: Prompt) -> PromptFuture<'_> {
        let answer = (self.0)(&prompt);
        Box::pin(async move { answer })
    }
}
