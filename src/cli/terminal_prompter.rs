//! Answers SSH questions on the controlling terminal, like OpenSSH does: host keys with
//! yes/no/once, secrets without echo.

use std::io::{BufRead, BufReader, Write};

use tabsh::escape::{escape_line, escape_multiline};
use tabsh::ssh::{Answer, HostKeyDecision, Prompt, PromptFuture, Prompter, Secret};

/// Asks on `/dev/tty`, so it works while stdin and stdout carry the remote command's data.
pub struct TerminalPrompter;

impl TerminalPrompter {
    /// `None` when there is no terminal to ask on.
    pub fn open() -> Option<Self> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()
            .map(|_| Self)
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&self, prompt: Prompt) -> PromptFuture<'_> {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || ask_blocking(&prompt).unwrap_or(Answer::Cancel))
                .await
                .unwrap_or(Answer::Cancel)
        })
    }
}

fn ask_blocking(prompt: &Prompt) -> std::io::Result<Answer> {
    match prompt {
        Prompt::UnknownHostKey {
            host_port,
            key_type,
            fingerprint,
            known_hosts,
            other_types,
        } => {
            let mut question = format!(
                "The authenticity of host '{host_port}' can't be established.\n\
                 {} key fingerprint is {fingerprint}.\n",
                // The server names the key's algorithm.
                escape_line(key_type)
            );
            if !other_types.is_empty() {
                question += &format!(
                    "This host is known with other key types: {}.\n",
                    other_types.join(", ")
                );
            }
            question += &format!(
                "Connect and save the key to {}? [yes / once / no]: ",
                known_hosts.display()
            );
            let reply = read_line(&question)?;
            Ok(Answer::HostKey(
                match reply.trim().to_lowercase().as_str() {
                    "yes" | "y" => HostKeyDecision::AcceptAndSave,
                    "once" | "o" => HostKeyDecision::AcceptOnce,
                    _ => HostKeyDecision::Reject,
                },
            ))
        }
        Prompt::Password {
            user,
            host_port,
            attempt,
        } => {
            let again = if *attempt > 1 {
                "Permission denied, please try again.\n"
            } else {
                ""
            };
            secret(&format!("{again}{user}@{host_port}'s password: "))
        }
        Prompt::Passphrase { key_file, attempt } => {
            let again = if *attempt > 1 {
                "Bad passphrase, try again.\n"
            } else {
                ""
            };
            secret(&format!(
                "{again}Enter passphrase for key '{}': ",
                key_file.display()
            ))
        }
        Prompt::KeyboardInteractive {
            name,
            instructions,
            prompts,
            ..
        } => {
            // The server writes all of these: escaped, so they cannot drive the terminal.
            let mut tty = std::fs::OpenOptions::new().write(true).open("/dev/tty")?;
            for line in [name, instructions].into_iter().filter(|s| !s.is_empty()) {
                writeln!(tty, "{}", escape_multiline(line))?;
            }
            let mut responses = Vec::with_capacity(prompts.len());
            for prompt in prompts {
                let text = escape_line(&prompt.text);
                let response = if prompt.echo {
                    read_line(&text)?
                } else {
                    rpassword::prompt_password(text.as_ref())?
                };
                let response = Secret::from(response);
                responses.push(response);
            }
            Ok(Answer::Responses(responses))
        }
    }
}

fn secret(question: &str) -> std::io::Result<Answer> {
    rpassword::prompt_password(question).map(|typed| Answer::Secret(Secret::from(typed)))
}

fn read_line(question: &str) -> std::io::Result<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    (&tty).write_all(question.as_bytes())?;
    (&tty).flush()?;
    let mut line = String::new();
    if BufReader::new(&tty).read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
