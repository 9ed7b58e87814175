//! The TUI's answer to SSH questions: each one becomes a message to the UI loop, and the task
//! that asked waits for the reply the person gives in the tab.

use tokio::sync::oneshot;

use super::outbox::Outbox;
use crate::app::{Msg, NetEvent, PromptReply, TabId};
use crate::ssh::{Answer, Prompt, PromptFuture, Prompter};

pub struct TuiPrompter {
    pub tab: TabId,
    pub outbox: Outbox,
}

impl Prompter for TuiPrompter {
    fn ask(&self, prompt: Prompt) -> PromptFuture<'_> {
        let (sender, receiver) = oneshot::channel();
        let sent = self.outbox.send(Msg::Net(NetEvent::Prompt {
            tab: self.tab,
            prompt,
            reply: PromptReply::new(sender),
        }));
        Box::pin(async move {
            if sent.is_err() {
                return Answer::Cancel;
            }
            // A dropped reply (tab closed, app quitting) is a cancel.
            receiver.await.unwrap_or(Answer::Cancel)
        })
    }
}
