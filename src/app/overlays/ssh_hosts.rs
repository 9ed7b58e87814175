//! What the session manager's actions mean for a host of `~/.ssh/config`: it opens like a
//! profile (or the saved profile of the same name, which wins), it cannot be edited, deleted
//! or switched, and "duplicate" saves it as an editable profile.

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::notice::{HostChange, Notice};
use crate::profiles::ssh_config::IMPORT_FOLDER;

/// The id that opening `id` opens: a saved profile named like the host wins over it.
pub fn open_target(model: &Model, id: String) -> String {
    model
        .profiles
        .winner(&id)
        .map_or(id, |winner| winner.id.clone())
}

/// For a read-only host, says `change` cannot be made and returns true.
pub fn refuse_change(model: &mut Model, id: &str, change: HostChange) -> bool {
    if !model.profiles.is_read_only(id) {
        return false;
    }
    let alias = id.trim_start_matches(crate::profiles::ssh_config::SSH_CONFIG_ID_PREFIX);
    model.notice = Some(Notice::ReadOnlySshHost {
        alias: alias.to_owned(),
        change,
    });
    true
}

/// Saves a read-only host as a new saved profile, named like the host (so it then wins over
/// it) in the importer's folder. False when `id` is not a host.
pub fn duplicate(model: &mut Model, id: &str, effects: &mut Vec<Effect>) -> bool {
    if !model.profiles.is_read_only(id) {
        return false;
    }
    let Some(host) = model.profiles.ssh_host(id) else {
        model.notice = Some(Notice::SshHostGone(id.to_owned()));
        return true;
    };
    let mut profile = host.profile.clone();
    profile.folder = IMPORT_FOLDER.to_owned();
    effects.push(Effect::SaveProfile {
        id: None,
        profile: Box::new(profile),
    });
    true
}
