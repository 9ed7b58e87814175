//! The sessions as the model knows them: one copy, replaced whenever the store or the ssh_config
//! changes. Tabs name their profile by id and read it here, so an edit reaches every open tab at
//! once.
//!
//! Two sources: the saved profiles of the store, and the concrete hosts of `~/.ssh/config`,
//! listed read-only under ids `ssh:ALIAS` (which no saved profile can have). A saved profile
//! whose name is an alias wins over that host: the host stays listed and says so.

use crate::profiles::ssh_config::{ConfigHost, HostListing, is_ssh_config_id};
use crate::profiles::{LoadError, StoredProfile};

#[derive(Debug, Default)]
pub struct ProfileList {
    /// As the store loaded them, sorted by id.
    loaded: Vec<StoredProfile>,
    failures: Vec<LoadError>,
    /// The ssh_config's hosts, in file order.
    ssh_hosts: Vec<ConfigHost>,
    /// Why the ssh_config could not be listed.
    ssh_error: Option<String>,
    /// `loaded`, then the hosts as profiles: what the session manager lists.
    listed: Vec<StoredProfile>,
    /// Profiles gone from the store or the ssh_config (deleted, or their file no longer loads)
    /// that open tabs still use: their tabs keep working with the settings they had, until
    /// they close.
    retired: Vec<StoredProfile>,
    /// Whether the store's contents and the ssh_config's hosts have arrived yet: the TUI
    /// draws before the last file is read.
    store_read: bool,
    hosts_read: bool,
}

impl ProfileList {
    /// Whether both the store and the ssh_config have been read once.
    pub fn is_read(&self) -> bool {
        self.store_read && self.hosts_read
    }

    /// The current profile `id`: the store's or the ssh_config's, else the last one an open tab
    /// used.
    pub fn get(&self, id: &str) -> Option<&StoredProfile> {
        self.listed
            .iter()
            .find(|p| p.id == id)
            .or_else(|| self.retired.iter().find(|p| p.id == id))
    }

    /// The profiles the store holds, sorted by id (retired ones are not listed).
    pub fn loaded(&self) -> &[StoredProfile] {
        &self.loaded
    }

    /// Saved profiles, then the ssh_config's hosts: what the session manager shows.
    pub fn listed(&self) -> &[StoredProfile] {
        &self.listed
    }

    /// Files that did not load.
    pub fn failures(&self) -> &[LoadError] {
        &self.failures
    }

    /// The ssh_config host behind an `ssh:ALIAS` id.
    pub fn ssh_host(&self, id: &str) -> Option<&ConfigHost> {
        self.ssh_hosts.iter().find(|host| host.id() == id)
    }

    /// Why the ssh_config's hosts could not be listed.
    pub fn ssh_error(&self) -> Option<&str> {
        self.ssh_error.as_deref()
    }

    /// Whether `id` is an ssh_config host, which tabsh lists but never writes.
    pub fn is_read_only(&self, id: &str) -> bool {
        is_ssh_config_id(id)
    }

    /// The saved profile that wins over the ssh_config host `id`: one named like its alias.
    pub fn shadowed_by(&self, id: &str) -> Option<&StoredProfile> {
        let host = self.ssh_host(id)?;
        self.loaded.iter().find(|p| p.display_name() == host.alias)
    }

    /// What opening `id` opens: the profile itself, or for an ssh_config host a saved profile
    /// of the same name, which wins.
    pub fn winner(&self, id: &str) -> Option<&StoredProfile> {
        self.shadowed_by(id).or_else(|| self.get(id))
    }

    /// Takes the store's new contents. A profile that left the store while `in_use` says a tab
    /// still needs it is kept aside for that tab; retired profiles no tab needs are dropped.
    pub fn replace(
        &mut self,
        profiles: Vec<StoredProfile>,
        failures: Vec<LoadError>,
        in_use: impl Fn(&str) -> bool,
    ) {
        self.store_read = true;
        self.loaded = profiles;
        self.failures = failures;
        self.relist(in_use);
    }

    /// Takes the ssh_config's new hosts, keeping aside the ones that left while tabs use them.
    pub fn replace_ssh_config(&mut self, listing: HostListing, in_use: impl Fn(&str) -> bool) {
        self.hosts_read = true;
        self.ssh_hosts = listing.hosts;
        self.ssh_error = listing.error;
        self.relist(in_use);
    }

    fn relist(&mut self, in_use: impl Fn(&str) -> bool) {
        let listed: Vec<StoredProfile> = self
            .loaded
            .iter()
            .cloned()
            .chain(self.ssh_hosts.iter().map(ConfigHost::to_stored))
            .collect();
        let old = std::mem::replace(&mut self.listed, listed);
        let mut retired = std::mem::take(&mut self.retired);
        retired.extend(old);
        retired.retain(|p| in_use(&p.id) && !self.listed.iter().any(|l| l.id == p.id));
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

    fn listing(aliases: &[&str]) -> HostListing {
        let text: String = aliases.iter().map(|a| format!("Host {a}\n")).collect();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config");
        std::fs::write(&path, text).expect("write");
        let env = crate::profiles::ssh_config::SshEnv {
            home: dir.path().to_owned(),
            local_user: "me".to_owned(),
        };
        crate::profiles::ssh_config::list_hosts(&path, &env).0
    }

    #[test]
    fn ssh_config_hosts_are_listed_after_saved_profiles_and_read_only() {
        let mut list = ProfileList::default();
        list.replace(vec![stored("a", "a1")], Vec::new(), |_| false);
        list.replace_ssh_config(listing(&["web", "db"]), |_| false);
        let ids: Vec<&str> = list.listed().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a", "ssh:web", "ssh:db"]);
        assert_eq!(list.loaded().len(), 1, "loaded is the store's alone");
        assert!(list.is_read_only("ssh:web"));
        assert!(!list.is_read_only("a"));
        assert_eq!(
            list.get("ssh:db").map(|p| p.profile.host.as_str()),
            Some("db")
        );
        assert_eq!(
            list.winner("ssh:web").map(|p| p.id.as_str()),
            Some("ssh:web")
        );

        // A store change keeps the hosts.
        list.replace(vec![stored("b", "b1")], Vec::new(), |_| false);
        assert!(list.get("ssh:web").is_some());
    }

    #[test]
    fn a_saved_profile_named_like_an_alias_wins() {
        let mut list = ProfileList::default();
        let mut saved = stored("web-copy", "saved.example");
        saved.profile.name = "web".to_owned();
        list.replace(vec![saved], Vec::new(), |_| false);
        list.replace_ssh_config(listing(&["web", "db"]), |_| false);
        assert_eq!(
            list.shadowed_by("ssh:web").map(|p| p.id.as_str()),
            Some("web-copy")
        );
        assert_eq!(
            list.winner("ssh:web").map(|p| p.id.as_str()),
            Some("web-copy")
        );
        assert!(list.shadowed_by("ssh:db").is_none());
        assert!(list.get("ssh:web").is_some(), "still listed");
    }

    #[test]
    fn a_host_that_leaves_the_config_stays_for_its_tabs() {
        let mut list = ProfileList::default();
        list.replace_ssh_config(listing(&["web", "db"]), |_| false);
        list.replace_ssh_config(listing(&["db"]), |id| id == "ssh:web");
        assert!(list.get("ssh:web").is_some());
        assert!(!list.listed().iter().any(|p| p.id == "ssh:web"));
        list.replace_ssh_config(listing(&["db"]), |_| false);
        assert!(list.get("ssh:web").is_none());
    }
}
