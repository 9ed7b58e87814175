//! The example profiles shipped in the repository's `sessions/` folder, compiled in so an
//! installed binary can seed a fresh configuration without the source tree.

/// `(id, file contents)` of every shipped example, in the order they are written.
pub const SHIPPED_PROFILES: &[(&str, &str)] = &[
    ("demo", include_str!("../../sessions/demo.toml")),
    (
        "example-server",
        include_str!("../../sessions/example-server.toml"),
    ),
    (
        "jump-anti-idle",
        include_str!("../../sessions/jump-anti-idle.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::codec::parse_str;
    use crate::profiles::id::is_valid_id;

    #[test]
    fn every_shipped_example_loads_without_error() {
        for (id, text) in SHIPPED_PROFILES {
            assert!(is_valid_id(id), "{id}");
            if let Err(errors) = parse_str(text) {
                panic!("shipped example {id} does not load: {errors:?}");
            }
        }
    }

    #[test]
    fn the_list_covers_every_toml_file_in_the_sessions_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("sessions/ exists in the repository")
            .filter_map(|entry| {
                let name = entry.expect("entry readable").file_name();
                name.to_str()?.strip_suffix(".toml").map(str::to_owned)
            })
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = SHIPPED_PROFILES
            .iter()
            .map(|(id, _)| (*id).to_owned())
            .collect();
        shipped.sort();
        assert_eq!(shipped, on_disk);
    }

    #[test]
    fn the_jump_example_shows_every_anti_idle_setting() {
        let (_, text) = SHIPPED_PROFILES
            .iter()
            .find(|(id, _)| *id == "jump-anti-idle")
            .expect("shipped");
        let document: toml::Table = toml::from_str(text).expect("valid TOML");
        let anti_idle = document["anti_idle"].as_table().expect("anti_idle table");
        let expected =
            toml::Table::try_from(crate::profiles::AntiIdle::default()).expect("serializable");
        for (mode, settings) in &expected {
            match settings.as_table() {
                Some(settings) => {
                    let written = anti_idle[mode].as_table().expect("mode table");
                    for key in settings.keys() {
                        assert!(written.contains_key(key), "anti_idle.{mode}.{key} missing");
                    }
                }
                None => assert!(anti_idle.contains_key(mode), "anti_idle.{mode} missing"),
            }
        }
    }
}
