//! Expansion of `~` and the `%` tokens OpenSSH allows in paths and some values. Only tokens
//! whose value tabsh knows at import time are expanded; the rest are reported, not guessed.

use std::path::Path;

/// What the tokens stand for, for one host.
#[derive(Debug, Clone)]
pub struct TokenValues<'a> {
    pub home: &'a Path,
    pub local_user: &'a str,
    /// `%n`: the alias as written on the `Host` line.
    pub alias: &'a str,
    /// `%h`: the resolved host name.
    pub host: &'a str,
    /// `%r`: the remote user.
    pub remote_user: &'a str,
    /// `%p`: the port.
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token `%{0}` is not supported by the importer")]
    Unsupported(char),
    #[error("a lone `%` at the end")]
    Dangling,
    #[error("`~user` paths are not supported by the importer")]
    OtherUsersHome,
    #[error("environment variables (`${{...}}`) are not supported by the importer")]
    EnvironmentVariable,
}

/// Expands `%` tokens in `value`. `%h` is only available once the host name is known, so
/// `HostName` itself is expanded with `host` set to the alias, as OpenSSH does.
pub fn expand_tokens(value: &str, tokens: &TokenValues<'_>) -> Result<String, TokenError> {
    if value.contains("${") {
        return Err(TokenError::EnvironmentVariable);
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('d') => out.push_str(&tokens.home.to_string_lossy()),
            Some('u') => out.push_str(tokens.local_user),
            Some('h') => out.push_str(tokens.host),
            Some('n') => out.push_str(tokens.alias),
            Some('r') => out.push_str(tokens.remote_user),
            Some('p') => out.push_str(&tokens.port.to_string()),
            Some(other) => return Err(TokenError::Unsupported(other)),
            None => return Err(TokenError::Dangling),
        }
    }
    Ok(out)
}

/// A path option's value: `~` expanded, then tokens.
pub fn expand_path(value: &str, tokens: &TokenValues<'_>) -> Result<String, TokenError> {
    let home = tokens.home.to_string_lossy();
    let value = if value == "~" {
        home.into_owned()
    } else if let Some(rest) = value.strip_prefix("~/") {
        format!("{}/{rest}", home.trim_end_matches('/'))
    } else if value.starts_with('~') {
        return Err(TokenError::OtherUsersHome);
    } else {
        value.to_owned()
    };
    expand_tokens(&value, tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> TokenValues<'static> {
        TokenValues {
            home: Path::new("/home/me"),
            local_user: "me",
            alias: "web",
            host: "web.example.com",
            remote_user: "deploy",
            port: 2222,
        }
    }

    #[test]
    fn known_tokens_expand() {
        assert_eq!(
            expand_tokens("%d/%u/%h/%n/%r/%p/100%%", &values()),
            Ok("/home/me/me/web.example.com/web/deploy/2222/100%".to_owned())
        );
    }

    #[test]
    fn unknown_tokens_are_errors_not_guesses() {
        assert_eq!(
            expand_tokens("~/.ssh/%C", &values()),
            Err(TokenError::Unsupported('C'))
        );
        assert_eq!(expand_tokens("50%", &values()), Err(TokenError::Dangling));
        assert_eq!(
            expand_tokens("${HOME}/k", &values()),
            Err(TokenError::EnvironmentVariable)
        );
    }

    #[test]
    fn tilde_means_home() {
        assert_eq!(
            expand_path("~/.ssh/id_%h", &values()),
            Ok("/home/me/.ssh/id_web.example.com".to_owned())
        );
        assert_eq!(expand_path("~", &values()), Ok("/home/me".to_owned()));
        assert_eq!(
            expand_path("~bob/.ssh/id", &values()),
            Err(TokenError::OtherUsersHome)
        );
        assert_eq!(
            expand_path("/abs/key", &values()),
            Ok("/abs/key".to_owned())
        );
    }
}
