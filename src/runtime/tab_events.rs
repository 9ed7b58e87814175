//! A tab's channel events, handed to the event loop as the channel's reader reads them.

use tokio::sync::watch;

use super::outbox::Outbox;
use crate::app::{Msg, NetEvent, TabId};
use crate::ssh::{ChannelEvent, EventSink, LinkState};

pub struct TabEvents {
    tab: TabId,
    /// Says why the channel ended when the server gave no exit status.
    link: watch::Receiver<LinkState>,
    outbox: Outbox,
    exit: Option<String>,
}

impl TabEvents {
    pub fn new(tab: TabId, link: watch::Receiver<LinkState>, outbox: Outbox) -> Self {
        Self {
            tab,
            link,
            outbox,
            exit: None,
        }
    }
}

impl EventSink for TabEvents {
    fn deliver(&mut self, event: ChannelEvent) {
        let tab = self.tab;
        match event {
            ChannelEvent::Data(bytes) | ChannelEvent::Stderr(bytes) => {
                let _ = self.outbox.send(Msg::Net(NetEvent::Output { tab, bytes }));
            }
            ChannelEvent::ExitStatus(status) => {
                self.exit = Some(format!("exited with status {status}"));
            }
            ChannelEvent::ExitSignal { signal, message } => {
                self.exit = Some(
                    format!("killed by signal {signal} {message}")
                        .trim_end()
                        .to_owned(),
                );
            }
            ChannelEvent::Eof => {}
            ChannelEvent::Closed => {
                let reason = self
                    .exit
                    .take()
                    .unwrap_or_else(|| match &*self.link.borrow() {
                        LinkState::Lost(why) => format!("connection lost: {why}"),
                        LinkState::Up => "closed by the server".to_owned(),
                    });
                let _ = self
                    .outbox
                    .send(Msg::Net(NetEvent::ChannelEnded { tab, reason }));
            }
        }
    }
}
