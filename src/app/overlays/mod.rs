//! Whatever is shown over the tabs, as state with its keys: the session manager, the profile
//! form, help, renaming, the quit question and a refused clone. Drawing them is `ui`'s job.

pub mod profile_form;
pub mod session_manager;
pub(crate) mod ssh_hosts;
pub mod text_input;

use crossterm::event::{KeyCode, KeyEvent};

use super::anti_idle::toggle_anti_idle_of;
use super::broadcast;
use super::clone::on_new_connection;
use super::effect::Effect;
use super::inspector;
use super::model::{Model, Overlay};
use super::notice::HostChange;
use super::notice::Notice;
use super::open::open_profile;
use crate::profiles::Profile;
use profile_form::{FormOutcome, ProfileForm};
use session_manager::{ManagerOutcome, SessionManager};

pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(overlay) = model.overlay.take() else {
        return;
    };
    model.overlay = match overlay {
        Overlay::SessionManager(mut manager) => {
            let outcome = manager.handle_key(key, model.profiles.listed());
            on_manager(model, manager, outcome, effects)
        }
        Overlay::ProfileForm(mut form) => match form.handle_key(key) {
            FormOutcome::Save { id, profile } => {
                effects.push(Effect::SaveProfile {
                    id,
                    profile: Box::new(profile),
                });
                Some(Overlay::SessionManager(SessionManager::new()))
            }
            FormOutcome::Cancel => Some(Overlay::SessionManager(SessionManager::new())),
            _ => Some(Overlay::ProfileForm(form)),
        },
        Overlay::Help => None,
        Overlay::Rename { tab, mut text } => match key.code {
            KeyCode::Enter => {
                if let Some(tab) = model.tab_mut(tab) {
                    tab.custom_title = (!text.trim().is_empty()).then(|| text.trim().to_owned());
                }
                None
            }
            KeyCode::Esc => None,
            KeyCode::Backspace => {
                text.pop();
                Some(Overlay::Rename { tab, text })
            }
            KeyCode::Char(c) => {
                text.push(c);
                Some(Overlay::Rename { tab, text })
            }
            _ => Some(Overlay::Rename { tab, text }),
        },
        Overlay::SpillOver {
            profile_id,
            refusal,
            tab,
        } => match key.code {
            KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('n') => {
                on_new_connection(model, &profile_id, tab, effects);
                None
            }
            KeyCode::Esc | KeyCode::Char('c') => {
                model.notice = Some(Notice::CloneCancelled);
                None
            }
            _ => Some(Overlay::SpillOver {
                profile_id,
                refusal,
                tab,
            }),
        },
        Overlay::Inspector {
            connection,
            closing,
        } => inspector::on_key(model, connection, closing, key, effects),
        Overlay::ConfirmPaste(pending) => broadcast::on_confirm_key(model, pending, key, effects),
        Overlay::Compose(compose) => broadcast::on_compose_key(model, compose, key, effects),
        Overlay::ConfirmQuit => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                super::session_log::stop_all(model, effects);
                effects.push(Effect::Quit);
                None
            }
            _ => None,
        },
    };
}

fn on_manager(
    model: &mut Model,
    manager: SessionManager,
    outcome: ManagerOutcome,
    effects: &mut Vec<Effect>,
) -> Option<Overlay> {
    match outcome {
        ManagerOutcome::None => Some(Overlay::SessionManager(manager)),
        ManagerOutcome::Close => None,
        ManagerOutcome::Open(id) => {
            let id = ssh_hosts::open_target(model, id);
            open_profile(model, &id, effects);
            None
        }
        ManagerOutcome::New => Some(Overlay::ProfileForm(ProfileForm::new(
            &Profile::default(),
            None,
        ))),
        ManagerOutcome::Edit(id) if ssh_hosts::refuse_change(model, &id, HostChange::Edit) => {
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::Duplicate(id) if ssh_hosts::duplicate(model, &id, effects) => {
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::Delete(id) if ssh_hosts::refuse_change(model, &id, HostChange::Delete) => {
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::ToggleAntiIdle(id)
            if ssh_hosts::refuse_change(model, &id, HostChange::SwitchAntiIdle) =>
        {
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::Edit(id) => {
            let profile = model.profiles.get(&id).map(|p| p.profile.clone())?;
            Some(Overlay::ProfileForm(ProfileForm::new(&profile, Some(id))))
        }
        ManagerOutcome::Duplicate(id) => {
            effects.push(Effect::DuplicateProfile { id });
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::Delete(id) => {
            effects.push(Effect::DeleteProfile { id });
            Some(Overlay::SessionManager(manager))
        }
        ManagerOutcome::ToggleAntiIdle(id) => {
            toggle_anti_idle_of(model, &id, effects);
            Some(Overlay::SessionManager(manager))
        }
    }
}
