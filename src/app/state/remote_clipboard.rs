//! What a tab's person said about its clipboard requests (the policy and the question:
//! `app::remote_clipboard`).

/// What the person said about this tab's clipboard requests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum ClipboardConsent {
    #[default]
    Unasked,
    /// The question is up (or waits for the tab to be shown).
    Asking(ClipboardQuestion),
    Allowed,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipboardQuestion {
    /// Shares the numbering of SSH questions, so arming reaches this one.
    pub id: u64,
    /// Takes keys only once it has been on screen a moment.
    pub armed: bool,
    /// The latest text asked for.
    pub text: String,
}
