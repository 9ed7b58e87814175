//! The SGR parameters vt100 0.18 does not read, or reads wrongly: underline styles (`4:0` to
//! `4:5`, and `21` for double), whose group it drops whole, so `4:3` text had no underline at
//! all; and underline colours (`58;5;n`, `58;2;r;g;b`, `58:2::r:g:b`, `59`), whose numbers it
//! took for attributes (`58;2;1;0;0` turned on dim and bold, then reset the pen). The pass
//! before vt100 follows them here and hands vt100 the sequence without them: `4` or `24` for a
//! style, nothing for a colour.

use ratatui::style::Color;

use super::cell_style::to_ratatui_color;
use super::decorations::UnderlineStyle;

/// The underline the pen draws with, beyond vt100's on and off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct UnderlinePen {
    pub(crate) style: UnderlineStyle,
    pub(crate) color: Color,
}

impl UnderlinePen {
    pub(crate) fn is_default(self) -> bool {
        self == Self::default()
    }
}

/// Whether an SGR sequence with `params` (between `ESC [` and `m`) can matter here, cheaply: it
/// names a sub-parameter, 21 or 58. (59 holds a 9, which the caller looks for already.)
pub(crate) fn may_matter(params: &[u8]) -> bool {
    params.contains(&b':') || params.windows(2).any(|pair| pair == b"21" || pair == b"58")
}

/// One parameter and its sub-parameters; an empty one reads as 0, as vte reads it.
fn values(group: &[u8]) -> impl Iterator<Item = u16> + '_ {
    group.split(|byte| *byte == b':').map(|value| {
        value.iter().fold(0u16, |number, digit| {
            number
                .saturating_mul(10)
                .saturating_add(u16::from(digit.wrapping_sub(b'0')))
        })
    })
}

fn byte(value: Option<u16>) -> Option<u8> {
    value.and_then(|value| u8::try_from(value).ok())
}

fn rgb(red: Option<u16>, green: Option<u16>, blue: Option<u16>) -> Option<Color> {
    Some(to_ratatui_color(vt100::Color::Rgb(
        byte(red)?,
        byte(green)?,
        byte(blue)?,
    )))
}

fn indexed(index: Option<u16>) -> Option<Color> {
    Some(to_ratatui_color(vt100::Color::Idx(byte(index)?)))
}

/// Follows the SGR sequence with `params` (digits, `;` and `:`) into `pen`. Returns the whole
/// sequence vt100 should see instead, when it must not see this one: empty when nothing of it
/// is left for vt100.
pub(crate) fn follow(params: &[u8], pen: &mut UnderlinePen) -> Option<Vec<u8>> {
    let mut groups = params.split(|byte| *byte == b';');
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut rewritten = false;
    while let Some(group) = groups.next() {
        let mut sub = values(group);
        let first = sub.next().unwrap_or(0);
        let second = sub.next();
        match (first, second) {
            (0 | 4 | 24, None) => {
                pen.style = UnderlineStyle::Single;
                if first == 0 {
                    pen.color = Color::Reset;
                }
                kept.push(group);
            }
            (4, Some(style)) => {
                rewritten = true;
                if style == 0 {
                    pen.style = UnderlineStyle::Single;
                    kept.push(b"24");
                } else if let Some(style) = UnderlineStyle::from_sub_param(style) {
                    pen.style = style;
                    kept.push(b"4");
                }
            }
            (21, None) => {
                rewritten = true;
                pen.style = UnderlineStyle::Double;
                kept.push(b"4");
            }
            (58, None) => {
                rewritten = true;
                let mut next = || groups.next().map(|group| values(group).next().unwrap_or(0));
                let color = match next() {
                    Some(5) => indexed(next()),
                    Some(2) => rgb(next(), next(), next()),
                    _ => None,
                };
                if let Some(color) = color {
                    pen.color = color;
                }
            }
            (58, Some(kind)) => {
                rewritten = true;
                let rest: Vec<u16> = sub.collect();
                let color = match (kind, rest.as_slice()) {
                    (5, [index]) => indexed(Some(*index)),
                    (2, [red, green, blue]) | (2, [_, red, green, blue]) => {
                        rgb(Some(*red), Some(*green), Some(*blue))
                    }
                    _ => None,
                };
                if let Some(color) = color {
                    pen.color = color;
                }
            }
            (59, None) => {
                rewritten = true;
                pen.color = Color::Reset;
            }
            (38 | 48, None) => {
                // A colour's numbers are not attributes: kept for vt100 as they are.
                kept.push(group);
                let numbers = match groups.next() {
                    Some(selector) => {
                        kept.push(selector);
                        match values(selector).next() {
                            Some(5) => 1,
                            Some(2) => 3,
                            _ => 0,
                        }
                    }
                    None => 0,
                };
                for _ in 0..numbers {
                    if let Some(number) = groups.next() {
                        kept.push(number);
                    }
                }
            }
            _ => kept.push(group),
        }
    }
    if !rewritten {
        return None;
    }
    if kept.is_empty() {
        // `ESC [ m` would reset the pen.
        return Some(Vec::new());
    }
    let mut sequence = b"\x1b[".to_vec();
    sequence.extend_from_slice(&kept.join(&b';'));
    sequence.push(b'm');
    Some(sequence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followed(params: &str, pen: &mut UnderlinePen) -> Option<String> {
        follow(params.as_bytes(), pen).map(|sequence| String::from_utf8(sequence).unwrap())
    }

    #[test]
    fn underline_styles_become_plain_underline_for_vt100() {
        let mut pen = UnderlinePen::default();
        assert_eq!(followed("4:3", &mut pen).as_deref(), Some("\x1b[4m"));
        assert_eq!(pen.style, UnderlineStyle::Curly);
        assert_eq!(
            followed("1;4:5;31", &mut pen).as_deref(),
            Some("\x1b[1;4;31m")
        );
        assert_eq!(pen.style, UnderlineStyle::Dashed);
        assert_eq!(followed("21", &mut pen).as_deref(), Some("\x1b[4m"));
        assert_eq!(pen.style, UnderlineStyle::Double);
        assert_eq!(followed("4:0", &mut pen).as_deref(), Some("\x1b[24m"));
        assert_eq!(pen.style, UnderlineStyle::Single);
        followed("4:4", &mut pen);
        assert_eq!(followed("4", &mut pen), None);
        assert_eq!(pen.style, UnderlineStyle::Single);
        followed("4:2", &mut pen);
        assert_eq!(followed("", &mut pen), None, "a reset is vt100's too");
        assert!(pen.is_default());
    }

    #[test]
    fn underline_colours_are_taken_out_in_every_form() {
        let mut pen = UnderlinePen::default();
        assert_eq!(followed("58;2;1;0;0", &mut pen).as_deref(), Some(""));
        assert_eq!(pen.color, Color::Rgb(1, 0, 0));
        assert_eq!(
            followed("58:2::10:20:30;1", &mut pen).as_deref(),
            Some("\x1b[1m")
        );
        assert_eq!(pen.color, Color::Rgb(10, 20, 30));
        assert_eq!(followed("58:2:1:2:3", &mut pen).as_deref(), Some(""));
        assert_eq!(pen.color, Color::Rgb(1, 2, 3));
        assert_eq!(followed("58;5;9", &mut pen).as_deref(), Some(""));
        assert_eq!(pen.color, Color::LightRed);
        assert_eq!(followed("58:5:196;4", &mut pen).as_deref(), Some("\x1b[4m"));
        assert_eq!(pen.color, Color::Indexed(196));
        assert_eq!(followed("59;7", &mut pen).as_deref(), Some("\x1b[7m"));
        assert_eq!(pen.color, Color::Reset);
        // A colour out of range changes nothing, and is still not vt100's to read.
        assert_eq!(followed("58;5;300", &mut pen).as_deref(), Some(""));
        assert_eq!(pen.color, Color::Reset);
        followed("58;5;1", &mut pen);
        assert_eq!(followed("0", &mut pen), None);
        assert_eq!(pen.color, Color::Reset);
    }

    #[test]
    fn other_colours_numbers_are_not_read_as_underlines() {
        let mut pen = UnderlinePen::default();
        assert_eq!(followed("38;5;21;48;2;58;4;21", &mut pen), None);
        assert!(pen.is_default());
        assert_eq!(
            followed("38;5;4;21", &mut pen).as_deref(),
            Some("\x1b[38;5;4;4m")
        );
        assert_eq!(pen.style, UnderlineStyle::Double);
        assert!(may_matter(b"4:3") && may_matter(b"58;5;1") && may_matter(b"21"));
        assert!(!may_matter(b"38;5;100") && !may_matter(b"1;4;32"));
    }
}
