//! Keyword highlighting rules compiled once per profile, so that drawing a frame only runs
//! them: the global rules, and those of each profile that has its own.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::model::{Model, Tab};
use crate::profiles::HighlightRule;
use crate::terminal::Highlighter;

#[derive(Debug, Default)]
pub struct Highlights {
    /// `<config dir>/highlight.toml`, for profiles without rules of their own.
    global: Arc<Highlighter>,
    /// Profiles with a `highlight` list (even an empty one), by id.
    by_profile: BTreeMap<String, Arc<Highlighter>>,
    /// Counts the compilations, so a frame knows the rules it drew with are still these.
    generation: u64,
}

impl Highlights {
    pub fn set_global(&mut self, rules: &[HighlightRule]) {
        self.global = Arc::new(Highlighter::new(rules));
        self.generation += 1;
    }

    /// Names the rules `for_tab` gives now: equal names, equal rules.
    pub fn identity(&self, rules: Option<&Arc<Highlighter>>) -> (u64, usize) {
        let address = rules.map_or(0, |rules| Arc::as_ptr(rules) as usize);
        (self.generation, address)
    }

    /// The rules drawn over `tab`, if it has any.
    pub fn for_tab(&self, tab: &Tab) -> Option<&Arc<Highlighter>> {
        let rules = self.by_profile.get(&tab.profile_id).unwrap_or(&self.global);
        (!rules.is_empty()).then_some(rules)
    }
}

/// Compiles the rules of every profile listed or used by a tab again, after the profiles
/// changed.
pub fn rebuild(model: &mut Model) {
    let mut by_profile = BTreeMap::new();
    let tab_profiles = model
        .tabs
        .iter()
        .filter_map(|tab| model.profiles.get(&tab.profile_id));
    for stored in model.profiles.listed().iter().chain(tab_profiles) {
        if let Some(rules) = &stored.profile.highlight
            && !by_profile.contains_key(&stored.id)
        {
            by_profile.insert(stored.id.clone(), Arc::new(Highlighter::new(rules)));
        }
    }
    model.highlights.by_profile = by_profile;
    model.highlights.generation += 1;
}
