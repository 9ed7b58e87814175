//! Typing answers to SSH questions shown over a tab. Secrets are never drawn; Esc cancels.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::model::Model;
use crate::ssh::{Answer, HostKeyDecision, Prompt};

pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(tab) = model.active_tab_mut() else {
        return;
    };
    let Some(pending) = tab.prompts.first_mut() else {
        return;
    };
    // Not yet armed: the key was typed before the question could have been read.
    if !pending.armed {
        return;
    }
    let answer = match (&pending.prompt, key.code) {
        (_, KeyCode::Esc) => Some(Answer::Cancel),
        (_, KeyCode::Char('c')) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            Some(Answer::Cancel)
        }
        (Prompt::UnknownHostKey { .. }, KeyCode::Char(c)) => match c.to_ascii_lowercase() {
            'y' => Some(Answer::HostKey(HostKeyDecision::AcceptAndSave)),
            'o' => Some(Answer::HostKey(HostKeyDecision::AcceptOnce)),
            'n' => Some(Answer::HostKey(HostKeyDecision::Reject)),
            _ => None,
        },
        (Prompt::UnknownHostKey { .. }, _) => None,
        (_, KeyCode::Backspace) => {
            pending.input.pop();
            None
        }
        (_, KeyCode::Char('u')) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            pending.input.clear();
            None
        }
        (_, KeyCode::Char(c)) => {
            pending.input.push(c);
            None
        }
        (Prompt::KeyboardInteractive { prompts, .. }, KeyCode::Enter) => {
            let input = std::mem::take(&mut pending.input);
            pending.answers.push(input);
            (pending.answers.len() >= prompts.len())
                .then(|| Answer::Responses(std::mem::take(&mut pending.answers)))
        }
        (_, KeyCode::Enter) => Some(Answer::Secret(std::mem::take(&mut pending.input))),
        _ => None,
    };
    if let Some(answer) = answer {
        let pending = tab.prompts.remove(0);
        effects.push(Effect::Answer {
            reply: pending.reply,
            answer,
        });
    }
}
