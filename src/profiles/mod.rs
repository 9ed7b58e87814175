//! Saved sessions: the schema, the on-disk store, and the `~/.ssh/config` importer.

pub mod schema;

pub use schema::*;
