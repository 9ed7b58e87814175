//! A tab's channel events, handed to the event loop as the channel's reader reads them.

use super::outbox::Outbox;
use crate::app::{Msg, NetEvent, TabId};
use crate::escape::escape_line;
use crate::ssh::{ChannelEnd, ChannelEvent, EventSink};

pub struct TabEvents {
    tab: TabId,
    outbox: Outbox,
    /// The exit status or signal, which comes before the close.
    exit: Option<ChannelEnd>,
}

impl TabEvents {
    pub fn new(tab: TabId, outbox: Outbox) -> Self {
        Self {
            tab,
            outbox,
            exit: None,
        }
    }
}

impl EventSink for TabEvents {
    fn deliver(&mut self, event: ChannelEvent) {
        let tab = self.tab;
        let end = match event {
            ChannelEvent::Data(bytes) | ChannelEvent::Stderr(bytes) => {
                let _ = self.outbox.send(Msg::Net(NetEvent::Output { tab, bytes }));
                return;
            }
            ChannelEvent::ExitStatus(status) => {
                self.exit = Some(ChannelEnd::Exited(status));
                return;
            }
            ChannelEvent::ExitSignal { signal, message } => {
                self.exit = Some(ChannelEnd::Killed {
                    signal,
                    message: escape_line(&message).into_owned(),
                });
                return;
            }
            ChannelEvent::Eof => return,
            ChannelEvent::Closed => self.exit.take().unwrap_or(ChannelEnd::ClosedByServer),
            ChannelEvent::Lost => ChannelEnd::ConnectionLost,
        };
        let _ = self
            .outbox
            .send(Msg::Net(NetEvent::ChannelEnded { tab, end }));
    }
}
