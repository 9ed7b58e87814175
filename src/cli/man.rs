//! `tabsh man`: the man page, generated from the same clap definitions as `--help`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;

use super::args::Args;

/// The page's file name.
pub const PAGE: &str = "tabsh.1";

/// Writes `tabsh.1` into `dir`, or prints it when there is no `dir`.
pub fn run(dir: Option<&Path>) -> anyhow::Result<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Args::command())
        .render(&mut page)
        .context("cannot render the man page")?;
    match dir {
        Some(dir) => {
            let path = dir.join(PAGE);
            std::fs::write(&path, &page)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        None => std::io::stdout()
            .write_all(&page)
            .context("cannot write the man page to stdout")?,
    }
    Ok(0)
}
