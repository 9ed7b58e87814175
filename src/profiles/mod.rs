//! Saved sessions: the schema, the on-disk store, and the `~/.ssh/config` importer.

mod atomic;
mod codec;
pub mod error;
pub mod examples;
mod id;
pub mod jump;
pub mod ownership;
pub mod scan;
pub mod schema;
pub mod session_log;
pub mod ssh_config;
pub mod store;
pub mod terminal_settings;
pub mod validate;

pub use codec::{parse_profile, render_profile};
pub use error::{FileLocation, LoadError, StoreError};
pub use id::slugify;
pub use schema::*;
pub use session_log::LogSettings;
pub use store::{
    CONFIG_DIR_ENV, Store, StoredProfile, resolve_config_dir, resolve_config_dir_from,
};
pub use terminal_settings::{ClipboardPolicy, GlobalHighlight, HighlightRule, RemoteClipboard};
pub use validate::ValidationError;
