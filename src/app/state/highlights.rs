//! Keyword highlighting rules, compiled: the global ones and each profile's own (compiling
//! them again when profiles change: `app::highlights`).

use std::collections::BTreeMap;
use std::sync::Arc;

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
    /// The rules of the profiles that have their own, compiled anew.
    pub(in crate::app) fn set_profiles(&mut self, by_profile: BTreeMap<String, Arc<Highlighter>>) {
        self.by_profile = by_profile;
        self.generation += 1;
    }

    pub fn set_global(&mut self, rules: &[HighlightRule]) {
        self.global = Arc::new(Highlighter::new(rules));
        self.generation += 1;
    }

    /// Names the rules `for_tab` gives now: equal names, equal rules.
    pub fn identity(&self, rules: Option<&Arc<Highlighter>>) -> (u64, usize) {
        let address = rules.map_or(0, |rules| Arc::as_ptr(rules) as usize);
        (self.generation, address)
    }

    /// The rules drawn over a tab of profile `profile_id`, if it has any.
    pub fn for_profile(&self, profile_id: &str) -> Option<&Arc<Highlighter>> {
        let rules = self.by_profile.get(profile_id).unwrap_or(&self.global);
        (!rules.is_empty()).then_some(rules)
    }
}
