//! Where tasks send what happened: the event loop's queue of messages for `update`.

use tokio::sync::mpsc;

use crate::app::Msg;

pub type Outbox = mpsc::UnboundedSender<Msg>;
