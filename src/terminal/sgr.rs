//! SGR sequences (`ESC [ params m`) from the remote: their parameters split the way vte 0.15
//! splits them, and applied to a pen the way vt100 0.18 applies them. The flood shortcut (see
//! `plain_lines`) follows colours through lines vt100 never sees with this, so it must agree with
//! vt100 on every sequence it accepts; it accepts only the plain form (digits, `;` and `:`, at
//! most vte's 32 parameters) and leaves anything else to vt100.

use std::fmt::Write as _;

use super::cell_attributes::CellAttributes;

/// vte's room for parameters and sub-parameters; it drops the ones beyond.
const MAX_PARAMS: usize = 32;

/// The parameters of one sequence, grouped as vte hands them to vt100: `;` starts a parameter,
/// `:` adds a sub-parameter to it (`38:2:1:2:3` is one group, `38;2;1;2;3` five).
#[derive(Debug)]
pub(crate) struct SgrParams {
    values: [u16; MAX_PARAMS],
    /// Whether each value starts a group.
    starts_group: [bool; MAX_PARAMS],
    len: usize,
}

impl SgrParams {
    /// Whether [`SgrParams::parse`] takes these bytes; quicker than parsing them.
    pub(crate) fn takes(params: &[u8]) -> bool {
        let mut values = 1;
        for &byte in params {
            match byte {
                b'0'..=b'9' => {}
                b';' | b':' => values += 1,
                _ => return false,
            }
        }
        values <= MAX_PARAMS
    }

    /// Parses the bytes between `ESC [` and `m`. `None` for anything vte would read otherwise
    /// than as plain parameters: other bytes, or more parameters than it keeps.
    pub(crate) fn parse(params: &[u8]) -> Option<Self> {
        let mut parsed = Self {
            values: [0; MAX_PARAMS],
            starts_group: [false; MAX_PARAMS],
            len: 1,
        };
        parsed.starts_group[0] = true;
        for &byte in params {
            match byte {
                // vte saturates long numbers.
                b'0'..=b'9' => {
                    let value = &mut parsed.values[parsed.len - 1];
                    *value = value
                        .saturating_mul(10)
                        .saturating_add(u16::from(byte - b'0'));
                }
                b';' | b':' => {
                    if parsed.len == MAX_PARAMS {
                        return None;
                    }
                    parsed.starts_group[parsed.len] = byte == b';';
                    parsed.len += 1;
                }
                _ => return None,
            }
        }
        Some(parsed)
    }

    fn groups(&self) -> impl Iterator<Item = &[u16]> + '_ {
        let mut start = 0;
        std::iter::from_fn(move || {
            if start >= self.len {
                return None;
            }
            let end = (start + 1..self.len)
                .find(|&index| self.starts_group[index])
                .unwrap_or(self.len);
            let group = &self.values[start..end];
            start = end;
            Some(group)
        })
    }

    /// Changes `pen` as vt100's `sgr` does. vt100 skips a parameter it does not know, but stops
    /// at a colour it cannot read, keeping what the parameters before it did.
    pub(crate) fn apply(&self, pen: &mut CellAttributes) {
        let mut groups = self.groups();
        while let Some(group) = groups.next() {
            match group {
                [0] => *pen = CellAttributes::default(),
                [1] => {
                    pen.set_dim(false);
                    pen.set_bold(true);
                }
                [2] => {
                    pen.set_bold(false);
                    pen.set_dim(true);
                }
                [3] => pen.set_italic(true),
                [4] => pen.set_underline(true),
                [7] => pen.set_inverse(true),
                [22] => {
                    pen.set_bold(false);
                    pen.set_dim(false);
                }
                [23] => pen.set_italic(false),
                [24] => pen.set_underline(false),
                [27] => pen.set_inverse(false),
                [n @ 30..=37] => pen.fg = indexed(*n - 30),
                [39] => pen.fg = vt100::Color::Default,
                [n @ 40..=47] => pen.bg = indexed(*n - 40),
                [49] => pen.bg = vt100::Color::Default,
                [n @ 90..=97] => pen.fg = indexed(*n - 82),
                [n @ 100..=107] => pen.bg = indexed(*n - 92),
                [kind @ (38 | 48), 2, red, green, blue] => {
                    let Some(color) = rgb(*red, *green, *blue) else {
                        return;
                    };
                    pen.set_color(*kind, color);
                }
                [kind @ (38 | 48), 5, index] => {
                    let Some(index) = byte(*index) else {
                        return;
                    };
                    pen.set_color(*kind, vt100::Color::Idx(index));
                }
                [kind @ (38 | 48)] => {
                    let Some(color) = color_in_next_groups(&mut groups) else {
                        return;
                    };
                    pen.set_color(*kind, color);
                }
                _ => {}
            }
        }
    }
}

/// One of the 16 base colours; `index` is below 16 here.
fn indexed(index: u16) -> vt100::Color {
    vt100::Color::Idx(u8::try_from(index).unwrap_or(u8::MAX))
}

fn byte(value: u16) -> Option<u8> {
    u8::try_from(value).ok()
}

fn rgb(red: u16, green: u16, blue: u16) -> Option<vt100::Color> {
    Some(vt100::Color::Rgb(byte(red)?, byte(green)?, byte(blue)?))
}

/// The colour of a lone `38` or `48`, spread over the groups after it (`38;5;n`, `38;2;r;g;b`).
/// `None` where vt100 stops reading the sequence: a missing group, one of another shape, a
/// value above 255.
fn color_in_next_groups<'a>(groups: &mut impl Iterator<Item = &'a [u16]>) -> Option<vt100::Color> {
    fn lone_byte(group: Option<&[u16]>) -> Option<u8> {
        match group? {
            [value] => byte(*value),
            _ => None,
        }
    }
    match groups.next()? {
        [2] => {
            let red = lone_byte(groups.next())?;
            let green = lone_byte(groups.next())?;
            let blue = lone_byte(groups.next())?;
            Some(vt100::Color::Rgb(red, green, blue))
        }
        [5] => Some(vt100::Color::Idx(lone_byte(groups.next())?)),
        _ => None,
    }
}

trait SetColor {
    fn set_color(&mut self, kind: u16, color: vt100::Color);
}

impl SetColor for CellAttributes {
    /// `kind` is 38 (foreground) or 48 (background).
    fn set_color(&mut self, kind: u16, color: vt100::Color) {
        if kind == 38 {
            self.fg = color;
        } else {
            self.bg = color;
        }
    }
}

/// The sequence that gives vt100's pen exactly `pen`, whatever it held before: how the flood
/// shortcut hands over the colours of the lines it kept from vt100.
pub(crate) fn sequence_setting(pen: CellAttributes) -> String {
    let mut sequence = String::from("\x1b[0");
    for (on, param) in [
        (pen.bold(), "1"),
        (pen.dim(), "2"),
        (pen.italic(), "3"),
        (pen.underline(), "4"),
        (pen.inverse(), "7"),
    ] {
        if on {
            sequence.push(';');
            sequence.push_str(param);
        }
    }
    for (kind, color) in [(38, pen.fg), (48, pen.bg)] {
        // Writing to a String cannot fail.
        let _ = match color {
            vt100::Color::Default => Ok(()),
            vt100::Color::Idx(index) => write!(sequence, ";{kind};5;{index}"),
            vt100::Color::Rgb(red, green, blue) => {
                write!(sequence, ";{kind};2;{red};{green};{blue}")
            }
        };
    }
    sequence.push('m');
    sequence
}

#[cfg(test)]
#[path = "sgr_tests.rs"]
mod tests;
