//! How a session channel ended, in words.

use crate::ssh::ChannelEnd;

pub fn channel_end(end: &ChannelEnd) -> String {
    match end {
        ChannelEnd::Exited(status) => format!("exited with status {status}"),
        ChannelEnd::Killed { signal, message } if message.is_empty() => {
            format!("killed by signal {signal}")
        }
        ChannelEnd::Killed { signal, message } => {
            format!("killed by signal {signal}: {message}")
        }
        ChannelEnd::ClosedByServer => "closed by the server".to_owned(),
        ChannelEnd::ConnectionLost => "the connection was lost".to_owned(),
    }
}
