//! The saved sessions as the model knows them: one copy, replaced whenever the store changes.
//! Tabs name their profile by id and read it here, so an edit reaches every open tab at once.

use crate::profiles::{LoadError, StoredProfile};

#[derive(Debug, Default)]
pub struct ProfileList {
    /// As the store loaded them, sorted by id.
    loaded: Vec<StoredProfile>,
    failures: Vec<LoadError>,
    /// Profiles gone from the store (deleted, or their file no longer loads) that open tabs
    /// still use: their tabs keep working with the settings they had, until they close.
    retired: Vec<StoredProfile>,
}

impl ProfileList {
    /// The current profile `id`: the store's, else the last one an open tab used.
    pub fn get(&self, id: &str) -> Option<&StoredProfile> {
        self.loaded
            .iter()
            .find(|p| p.id == id)
            .or_else(|| self.retired.iter().find(|p| p.id == id))
    }

    /// The profiles the store holds, sorted by id (retired ones are not listed).
    pub fn loaded(&self) -> &[StoredProfile] {
        &self.loaded
    }

    /// Files that did not load.
    pub fn failures(&self) -> &[LoadError] {
        &self.failures
    }

    /// Takes the store's new contents. A profile that left the store while `in_use` says a tab
    /// still needs it is kept aside for that tab; retired profiles no tab needs are dropped.
    pub fn replace(
        &mut self,
        profiles: Vec<StoredProfile>,
        failures: Vec<LoadError>,
        in_use: impl Fn(&str) -> bool,
    ) {
        let old = std::mem::replace(&mut self.loaded, profiles);
        self.failures = failures;
        let mut retired = std::mem::take(&mut self.retired);
        retired.extend(old);
        retired.retain(|p| in_use(&p.id) && !self.loaded.iter().any(|l| l.id == p.id));
        retired.dedup_by(|a, b| a.id == b.id);
        self.retired = retired;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::Profile;

    fn stored(id: &str, host: &str) -> StoredProfile {
        StoredProfile {
            id: id.to_owned(),
            path: format!("/s/{id}.toml").into(),
            profile: Profile {
                host: host.to_owned(),
                ..Profile::default()
            },
        }
    }

    #[test]
    fn a_profile_that_leaves_the_store_stays_for_the_tabs_that_use_it() {
        let mut list = ProfileList::default();
        list.replace(
            vec![stored("a", "a1"), stored("b", "b1")],
            Vec::new(),
            |_| false,
        );
        list.replace(vec![stored("b", "b2")], Vec::new(), |id| id == "a");
        assert_eq!(list.get("a").map(|p| p.profile.host.as_str()), Some("a1"));
        assert_eq!(list.get("b").map(|p| p.profile.host.as_str()), Some("b2"));
        assert_eq!(list.loaded().len(), 1, "retired profiles are not listed");

        // Back in the store: the store's copy wins and the retired one goes.
        list.replace(
            vec![stored("a", "a3"), stored("b", "b2")],
            Vec::new(),
            |_| true,
        );
        assert_eq!(list.get("a").map(|p| p.profile.host.as_str()), Some("a3"));
        // No tab uses it any more: forgotten.
        list.replace(vec![stored("b", "b2")], Vec::new(), |_| false);
        assert!(list.get("a").is_none());
    }
}
