//! A remote program asking to set the clipboard (OSC 52). A server that writes your clipboard
//! can plant a command for your next paste, so the profile decides: ask (once per tab, as a
//! question that takes keys only once it has been seen, like a host key), allow or deny.

use crossterm::event::{KeyCode, KeyEvent};

use super::effect::Effect;
use super::ids::TabId;
use super::model::Model;
use super::notice::Notice;
pub use super::state::remote_clipboard::{ClipboardConsent, ClipboardQuestion};
use crate::profiles::RemoteClipboard;

/// Looks for a clipboard request in what `tab` just printed and acts on it.
pub fn after_output(model: &mut Model, tab_id: TabId, effects: &mut Vec<Effect>) {
    let policy = model
        .tabs
        .iter()
        .find(|tab| tab.id == tab_id)
        .and_then(|tab| model.profile_of(tab))
        .map(|stored| stored.profile.clipboard.remote_write)
        .unwrap_or_default();
    let next_question = model.next_prompt;
    let Some(tab) = model.tab_mut(tab_id) else {
        return;
    };
    let Some(text) = tab.terminal.take_clipboard_request() else {
        return;
    };
    let allowed = match (policy, &mut tab.clipboard) {
        (RemoteClipboard::Deny, _) | (_, ClipboardConsent::Refused) => false,
        (RemoteClipboard::Allow, _) | (_, ClipboardConsent::Allowed) => true,
        (RemoteClipboard::Ask, ClipboardConsent::Asking(question)) => {
            question.text = text;
            return;
        }
        (RemoteClipboard::Ask, ClipboardConsent::Unasked) => {
            tab.clipboard = ClipboardConsent::Asking(ClipboardQuestion {
                id: next_question,
                armed: false,
                text,
            });
            model.next_prompt += 1;
            return;
        }
    };
    if allowed {
        set_for_remote(model, text, effects);
    }
}

fn set_for_remote(model: &mut Model, text: String, effects: &mut Vec<Effect>) {
    model.notice = Some(Notice::RemoteCopied {
        chars: text.chars().count(),
    });
    effects.push(Effect::SetClipboard { text });
}

/// The question of the active tab, if one is up.
pub fn question_shown(model: &Model) -> Option<&ClipboardQuestion> {
    match &model.active_tab()?.clipboard {
        ClipboardConsent::Asking(question) => Some(question),
        _ => None,
    }
}

/// `y` allows this tab to set the clipboard (and sets it), `n` or Esc refuses for the tab.
/// Keys typed before the question could be seen do nothing.
pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(tab) = model.active_tab_mut() else {
        return;
    };
    let ClipboardConsent::Asking(question) = &tab.clipboard else {
        return;
    };
    if !question.armed {
        return;
    }
    let text = question.text.clone();
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            tab.clipboard = ClipboardConsent::Allowed;
            set_for_remote(model, text, effects);
        }
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
            tab.clipboard = ClipboardConsent::Refused;
        }
        _ => {}
    }
}

/// Arms the question `id` of `tab`, if it is the one up.
pub fn arm(model: &mut Model, tab: TabId, id: u64) {
    if let Some(tab) = model.tab_mut(tab)
        && let ClipboardConsent::Asking(question) = &mut tab.clipboard
        && question.id == id
    {
        question.armed = true;
    }
}
