use proptest::prelude::*;

use super::{SgrParams, sequence_setting};
use crate::terminal::cell_attributes::CellAttributes;

/// vt100's pen after it parsed `bytes` on a fresh screen.
fn vt100_pen_after(bytes: &[u8]) -> CellAttributes {
    let size = std::num::NonZeroU16::new(4).unwrap();
    let mut parser = vt100::Parser::new(size, size, 0);
    parser.process(bytes);
    CellAttributes::of_pen(parser.screen())
}

fn pen_after(params: &str) -> CellAttributes {
    let mut pen = CellAttributes::default();
    SgrParams::parse(params.as_bytes()).unwrap().apply(&mut pen);
    pen
}

#[test]
fn base_colours_and_attributes() {
    let pen = pen_after("1;31;44;4");
    assert!(pen.bold() && pen.underline() && !pen.dim());
    assert_eq!(pen.fg, vt100::Color::Idx(1));
    assert_eq!(pen.bg, vt100::Color::Idx(4));
    assert_eq!(pen_after("1;31;0"), CellAttributes::default());
    assert_eq!(pen_after(""), CellAttributes::default());
    let bright = pen_after("2;97;101");
    assert!(bright.dim() && !bright.bold());
    assert_eq!(
        (bright.fg, bright.bg),
        (vt100::Color::Idx(15), vt100::Color::Idx(9))
    );
}

#[test]
fn extended_colours_in_both_forms() {
    for params in ["38;5;200", "38:5:200"] {
        assert_eq!(pen_after(params).fg, vt100::Color::Idx(200), "{params}");
    }
    for params in ["48;2;1;2;3", "48:2:1:2:3"] {
        assert_eq!(pen_after(params).bg, vt100::Color::Rgb(1, 2, 3), "{params}");
    }
}

#[test]
fn unknown_parameters_are_skipped_and_unreadable_colours_stop_the_sequence() {
    // 5 (blink) and 9 (strike-through) are not kept; the rest applies.
    assert_eq!(pen_after("5;31;9").fg, vt100::Color::Idx(1));
    // A value above 255 ends vt100's reading: the 4 after it is never applied.
    let stopped = pen_after("31;38;5;300;4");
    assert_eq!(stopped.fg, vt100::Color::Idx(1));
    assert!(!stopped.underline());
    // A group of another length is skipped.
    assert!(pen_after("38:5;4").underline());
}

#[test]
fn sequences_vte_reads_otherwise_are_refused() {
    for params in ["?1", "1 ", "1$", "<1"] {
        assert!(SgrParams::parse(params.as_bytes()).is_none(), "{params}");
    }
    let at_the_limit = ";".repeat(31);
    assert!(SgrParams::parse(at_the_limit.as_bytes()).is_some());
    let past_it = ";".repeat(32);
    assert!(SgrParams::parse(past_it.as_bytes()).is_none());
}

/// Parameters as programs write them and as they go wrong: the known numbers, neighbours of
/// the ranges, values past a byte and past u16, empty ones, both separators.
fn params() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        4 => prop::sample::select(vec![
            "", "0", "1", "2", "3", "4", "7", "22", "23", "24", "27", "29", "30", "37", "38",
            "39", "40", "47", "48", "49", "50", "89", "90", "97", "100", "107", "108", "5",
            "255", "256", "65535", "99999", "01",
        ])
        .prop_map(str::to_owned),
        1 => (0u32..300).prop_map(|n| n.to_string()),
    ];
    prop::collection::vec((number, prop::bool::weighted(0.8)), 0..36).prop_map(|parts| {
        let mut params = String::new();
        for (index, (number, semicolon)) in parts.iter().enumerate() {
            if index > 0 {
                params.push(if *semicolon { ';' } else { ':' });
            }
            params.push_str(number);
        }
        params
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_sequence_changes_the_pen_as_in_vt100(before in params(), params in params()) {
        prop_assert_eq!(
            SgrParams::takes(params.as_bytes()),
            SgrParams::parse(params.as_bytes()).is_some()
        );
        let Some(parsed) = SgrParams::parse(params.as_bytes()) else {
            return Ok(());
        };
        let setup = format!("\x1b[{before}m");
        let mut pen = vt100_pen_after(setup.as_bytes());
        parsed.apply(&mut pen);
        let expected = vt100_pen_after(format!("{setup}\x1b[{params}m").as_bytes());
        prop_assert_eq!(pen, expected);
    }

    #[test]
    fn the_hand_over_sequence_sets_any_pen(params in params()) {
        let pen = vt100_pen_after(format!("\x1b[{params}m").as_bytes());
        // Whatever vt100 held before, the hand-over leaves exactly `pen`.
        let handed_over =
            vt100_pen_after(format!("\x1b[1;3;4;7;38;2;9;9;9;48;5;1m{}", sequence_setting(pen)).as_bytes());
        prop_assert_eq!(handed_over, pen);
    }
}
