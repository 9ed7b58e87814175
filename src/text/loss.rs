//! Why a connection ended, in plain words, with what might be done about it.

use std::fmt;

use crate::profiles::AntiIdle;
use crate::ssh::LossCause;

impl fmt::Display for LossCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossCause::KeepaliveUnanswered {
                misses,
                interval,
                silent,
            } => write!(
                f,
                "keepalive unanswered: {misses} in a row, every {} s, nothing received for {} s \
                 (the server or the path to it is dead)",
                interval.as_secs(),
                silent.as_secs()
            ),
            LossCause::Reset => f.write_str(
                "connection reset (the server restarted, or a firewall reset the connection)",
            ),
            LossCause::ServerDisconnected { message, .. } if message.is_empty() => {
                f.write_str("the server closed the connection")
            }
            LossCause::ServerDisconnected { message, .. } => {
                write!(f, "the server closed the connection: {message}")
            }
            LossCause::ServerClosed => f.write_str(
                "the server closed the connection without a word (restarted, or it timed the \
                 client out)",
            ),
            LossCause::TcpTimeout => f.write_str(
                "TCP timed out: the server stopped acknowledging what was sent (TCP user timeout)",
            ),
            LossCause::Unreachable => f.write_str("the network or the host became unreachable"),
            LossCause::JumpHostLost { hop, cause } => {
                write!(f, "the jump host {hop} was lost: {cause}")
            }
            LossCause::Other(text) => write!(f, "{text}"),
        }
    }
}

/// What the person might change so that this does not happen again, given the profile's
/// anti-idle settings; `None` when there is nothing to suggest.
pub fn loss_hint(cause: &LossCause, anti_idle: &AntiIdle) -> Option<String> {
    let noop_on = anti_idle.enabled && anti_idle.noop.enabled;
    match cause {
        LossCause::KeepaliveUnanswered { .. } if !noop_on => Some(
            "a NAT or firewall may have dropped the idle flow: turn on anti-idle NO-OP every N s \
             under its timeout"
                .to_owned(),
        ),
        LossCause::KeepaliveUnanswered { .. } => Some(format!(
            "a NAT or firewall may have dropped the idle flow: NO-OP every {} s is on; try a \
             shorter interval, under the firewall's timeout",
            anti_idle.noop.interval_secs
        )),
        LossCause::ServerDisconnected { message, .. }
            if message.to_lowercase().contains("timeout") =>
        {
            Some(
                "the server's own idle timeout ended it (sshd ClientAlive*, ChannelTimeout, \
                 UnusedConnectionTimeout): anti-idle keepalive answers ClientAlive; only the \
                 idle string beats ChannelTimeout"
                    .to_owned(),
            )
        }
        LossCause::ServerClosed if !(anti_idle.enabled && anti_idle.keepalive.enabled) => Some(
            "if the server times out idle clients (sshd ClientAliveInterval), anti-idle \
             keepalive keeps it answered"
                .to_owned(),
        ),
        LossCause::TcpTimeout => {
            Some("a dead path: anti-idle keepalive notices it sooner than TCP does".to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_cause_says_what_happened() {
        let cause = LossCause::KeepaliveUnanswered {
            misses: 3,
            interval: Duration::from_secs(15),
            silent: Duration::from_secs(61),
        };
        let text = cause.to_string();
        assert!(
            text.contains("3 in a row") && text.contains("61 s"),
            "{text}"
        );
        assert!(LossCause::Reset.to_string().contains("reset"));
        let disconnected = LossCause::ServerDisconnected {
            code: 11,
            message: "bye".to_owned(),
        };
        assert_eq!(
            disconnected.to_string(),
            "the server closed the connection: bye"
        );
    }

    #[test]
    fn hints_follow_the_settings() {
        let keepalive = LossCause::KeepaliveUnanswered {
            misses: 3,
            interval: Duration::from_secs(15),
            silent: Duration::from_secs(61),
        };
        let mut settings = AntiIdle::default();
        settings.noop.interval_secs = 240;
        let hint = loss_hint(&keepalive, &settings).unwrap();
        assert!(hint.contains("NO-OP every 240 s is on"), "{hint}");
        settings.noop.enabled = false;
        let hint = loss_hint(&keepalive, &settings).unwrap();
        assert!(hint.contains("turn on anti-idle NO-OP"), "{hint}");
        let timeout = LossCause::ServerDisconnected {
            code: 11,
            message: "Timeout, client not responding".to_owned(),
        };
        assert!(
            loss_hint(&timeout, &settings)
                .unwrap()
                .contains("ClientAlive")
        );
        assert_eq!(loss_hint(&LossCause::Reset, &settings), None);
    }
}
