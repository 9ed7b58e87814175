//! Reads back the SGR sequences vt100 writes in its "basic formatted" row captures, which is the
//! only form in which `Callbacks::on_scroll` hands a row over. vt100 writes a small, known subset
//! (see `vt100::term::Attrs`), so this is not a general SGR parser.

use super::cell_attributes::CellAttributes;

/// Applies the parameters of one `ESC [ params m` to `attributes`.
pub(crate) fn apply_sgr(params: &str, attributes: &mut CellAttributes) {
    let mut numbers = params
        .split(';')
        .map(|param| param.parse::<u16>().unwrap_or(0));
    while let Some(number) = numbers.next() {
        match number {
            0 => *attributes = CellAttributes::default(),
            1 => {
                attributes.set_dim(false);
                attributes.set_bold(true);
            }
            2 => {
                attributes.set_bold(false);
                attributes.set_dim(true);
            }
            22 => {
                attributes.set_bold(false);
                attributes.set_dim(false);
            }
            3 | 23 => attributes.set_italic(number == 3),
            4 | 24 => attributes.set_underline(number == 4),
            7 | 27 => attributes.set_inverse(number == 7),
            30..=37 => attributes.fg = indexed(number - 30),
            90..=97 => attributes.fg = indexed(number - 82),
            39 => attributes.fg = vt100::Color::Default,
            40..=47 => attributes.bg = indexed(number - 40),
            100..=107 => attributes.bg = indexed(number - 92),
            49 => attributes.bg = vt100::Color::Default,
            38 => attributes.fg = extended_color(&mut numbers),
            48 => attributes.bg = extended_color(&mut numbers),
            _ => {}
        }
    }
}

fn indexed(index: u16) -> vt100::Color {
    vt100::Color::Idx(u8::try_from(index).unwrap_or(u8::MAX))
}

/// The rest of `38;5;n` or `38;2;r;g;b`.
fn extended_color(numbers: &mut impl Iterator<Item = u16>) -> vt100::Color {
    let mut byte = || u8::try_from(numbers.next().unwrap_or(0)).unwrap_or(u8::MAX);
    match byte() {
        5 => vt100::Color::Idx(byte()),
        2 => {
            let (red, green, blue) = (byte(), byte(), byte());
            vt100::Color::Rgb(red, green, blue)
        }
        _ => vt100::Color::Default,
    }
}
