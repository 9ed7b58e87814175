//! Time limits that bound the machine, not the person: while a question (a host key, a
//! password) waits for an answer, the clock stops, and once it is answered the work gets its
//! whole limit again. A slow reader of a host-key question must never see "timed out".

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::prompt::{Answer, Prompt, PromptFuture, Prompter};

/// A prompter that lets [`within`] know while it is asking.
pub(crate) struct Asking {
    inner: Arc<dyn Prompter>,
    /// Questions waiting for an answer right now.
    open: watch::Sender<usize>,
}

impl Asking {
    pub fn new(inner: Arc<dyn Prompter>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            open: watch::Sender::new(0),
        })
    }

    pub fn watch(&self) -> watch::Receiver<usize> {
        self.open.subscribe()
    }
}

impl Prompter for Asking {
    fn ask(&self, prompt: Prompt) -> PromptFuture<'_> {
        self.open.send_modify(|open| *open += 1);
        let question = self.inner.ask(prompt);
        Box::pin(async move {
            // Counted down even when the asking future is dropped half-way.
            struct Answered<'a>(&'a watch::Sender<usize>);
            impl Drop for Answered<'_> {
                fn drop(&mut self) {
                    self.0.send_modify(|open| *open = open.saturating_sub(1));
                }
            }
            let _answered = Answered(&self.open);
            let answer: Answer = question.await;
            answer
        })
    }
}

/// Runs `work` for at most `limit` of machine time: `None` when it ran out. Time while a
/// question is open does not count, and an answer gives `work` its whole limit again.
pub(crate) async fn within<F: Future>(
    limit: Duration,
    asking: &mut watch::Receiver<usize>,
    work: F,
) -> Option<F::Output> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            output = &mut work => return Some(output),
            () = tokio::time::sleep(limit) => {
                if *asking.borrow_and_update() == 0 {
                    return None;
                }
                tokio::select! {
                    output = &mut work => return Some(output),
                    _ = asking.wait_for(|open| *open == 0) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssh::prompt::HostKeyDecision;

    fn question() -> Prompt {
        Prompt::Password {
            user: "me".into(),
            host_port: "h".into(),
            attempt: 1,
        }
    }

    /// Takes a minute to answer.
    struct SlowPerson;

    impl Prompter for SlowPerson {
        fn ask(&self, _prompt: Prompt) -> PromptFuture<'_> {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Answer::HostKey(HostKeyDecision::AcceptOnce)
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_person_thinking_does_not_count_and_a_stuck_machine_does() {
        let slow_person = Asking::new(Arc::new(SlowPerson));
        let mut asking = slow_person.watch();
        let work = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let answer = slow_person.ask(question()).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            answer
        };
        let done = within(Duration::from_secs(1), &mut asking, work).await;
        assert_eq!(done, Some(Answer::HostKey(HostKeyDecision::AcceptOnce)));

        let stuck = std::future::pending::<()>();
        assert_eq!(
            within(Duration::from_secs(1), &mut asking, stuck).await,
            None
        );
    }
}
