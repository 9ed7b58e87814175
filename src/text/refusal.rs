//! A server's refusal of a session channel, in words.

use crate::ssh::Refusal;

/// A refused session channel, said once: what the limit is when the refusal shows one, and
/// what the server said.
pub fn refusal(refusal: &Refusal) -> String {
    let target = if refusal.target.is_empty() {
        "the server"
    } else {
        refusal.target.as_str()
    };
    let said = if refusal.description.is_empty() {
        String::new()
    } else {
        format!(" (the server said: {})", refusal.description)
    };
    match (refusal.code, refusal.limit) {
        (4, Some(limit)) => {
            format!("{target} has no channels left on this connection ({limit} open){said}")
        }
        (_, Some(limit)) => format!(
            "{target} allows {limit} session{} per connection (OpenSSH: MaxSessions), all in use{said}",
            if limit == 1 { "" } else { "s" }
        ),
        (0, None) => format!("{target} could not open a session: {}", refusal.description),
        (code, None) => format!(
            "{target} refused a session channel: {}{said}",
            reason_name(code)
        ),
    }
}

/// RFC 4254 5.1's names for SSH_MSG_CHANNEL_OPEN_FAILURE reasons.
fn reason_name(code: u32) -> String {
    match code {
        1 => "administratively prohibited".to_owned(),
        2 => "connect failed".to_owned(),
        3 => "unknown channel type".to_owned(),
        4 => "resource shortage".to_owned(),
        other => format!("reason {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: u32, limit: Option<u32>) -> Refusal {
        Refusal {
            target: "me@web:22".to_owned(),
            code,
            description: "open failed".to_owned(),
            limit,
        }
    }

    #[test]
    fn a_refusal_is_said_once() {
        let text = refusal(&refused(2, Some(3)));
        assert_eq!(
            text,
            "me@web:22 allows 3 sessions per connection (OpenSSH: MaxSessions), all in use \
             (the server said: open failed)"
        );
        assert_eq!(text.matches("MaxSessions").count(), 1);
        assert!(refusal(&refused(4, Some(1000))).contains("no channels left"));
        assert_eq!(
            refusal(&refused(1, None)),
            "me@web:22 refused a session channel: administratively prohibited (the server \
             said: open failed)"
        );
    }
}
