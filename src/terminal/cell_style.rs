//! Translation of vt100's cell colours and attributes into ratatui styles.

use ratatui::style::{Color, Modifier, Style};

use super::cell_attributes::CellAttributes;

/// The 16 base colours map to ratatui's named colours so they reach the host terminal as plain
/// SGR 30–37/90–97 and follow its palette; the rest stay indexed or true colour.
pub(crate) fn to_ratatui_color(color: vt100::Color) -> Color {
    match color {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(index) => match index {
            0 => Color::Black,
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            7 => Color::Gray,
            8 => Color::DarkGray,
            9 => Color::LightRed,
            10 => Color::LightGreen,
            11 => Color::LightYellow,
            12 => Color::LightBlue,
            13 => Color::LightMagenta,
            14 => Color::LightCyan,
            15 => Color::White,
            other => Color::Indexed(other),
        },
        vt100::Color::Rgb(red, green, blue) => Color::Rgb(red, green, blue),
    }
}

/// A complete style (not a patch): every cell overwrites whatever the buffer held before.
pub(crate) fn cell_style(cell: &vt100::Cell) -> Style {
    attributes_style(CellAttributes::of_cell(cell))
}

/// The same translation for a cell kept in history.
pub(crate) fn attributes_style(attributes: CellAttributes) -> Style {
    let mut modifier = Modifier::empty();
    for (enabled, flag) in [
        (attributes.bold(), Modifier::BOLD),
        (attributes.dim(), Modifier::DIM),
        (attributes.italic(), Modifier::ITALIC),
        (attributes.underline(), Modifier::UNDERLINED),
        (attributes.inverse(), Modifier::REVERSED),
    ] {
        if enabled {
            modifier |= flag;
        }
    }
    Style::reset()
        .fg(to_ratatui_color(attributes.fg))
        .bg(to_ratatui_color(attributes.bg))
        .add_modifier(modifier)
}
