//! `tabsh list`: the saved sessions, one a line; broken files on stderr.

use tabsh::profiles::Store;

/// Prints the table and returns the exit status: 1 when some file failed to load.
pub fn run(store: &Store) -> u8 {
    let rows: Vec<[String; 4]> = store
        .profiles()
        .iter()
        .map(|stored| {
            let profile = &stored.profile;
            [
                stored.id.clone(),
                stored.display_name().to_owned(),
                format!(
                    "{}@{}:{}",
                    profile.effective_user(),
                    profile.host,
                    profile.port
                ),
                profile.folder.clone(),
            ]
        })
        .collect();
    let header = ["ID", "NAME", "TARGET", "FOLDER"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    for failure in store.failures() {
        eprintln!("tabsh: skipped {failure}");
    }
    u8::from(!store.failures().is_empty())
}
