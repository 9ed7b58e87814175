use std::sync::Arc;

use ratatui::style::Color;

use super::*;

fn link(uri: &str) -> Decoration {
    Decoration {
        link: Some(Arc::from(uri)),
        ..Decoration::default()
    }
}

fn id_in(mark: [u8; 4]) -> u16 {
    let mark = std::str::from_utf8(&mark).unwrap().chars().next().unwrap();
    id_of_mark(mark).unwrap()
}

#[test]
fn the_same_decoration_gets_the_same_mark() {
    let mut table = Decorations::default();
    let curly = Decoration {
        underline: UnderlineStyle::Curly,
        underline_color: Color::Indexed(196),
        link: None,
    };
    let first = table.mark_of(&curly);
    assert_eq!(
        table.mark_of(&link("https://a")),
        table.mark_of(&link("https://a"))
    );
    assert_eq!(table.mark_of(&curly), first);
    assert_eq!(table.len(), 2);
    assert_eq!(table.get(id_in(first)), Some(&curly));
}

#[test]
fn the_table_never_holds_more_than_its_cap_and_drops_the_least_recently_chosen() {
    let mut table = Decorations::default();
    let kept = table.mark_of(&link("https://kept"));
    let dropped = table.mark_of(&link("https://dropped"));
    for n in 0..MAX_ENTRIES * 3 {
        // The pen keeps coming back to one link: it is never the oldest.
        table.mark_of(&link("https://kept"));
        table.mark_of(&link(&format!("https://{n}")));
        assert!(table.len() <= MAX_ENTRIES);
    }
    assert_eq!(table.len(), MAX_ENTRIES);
    assert_eq!(
        table.get(id_in(kept)).and_then(|d| d.link.as_deref()),
        Some("https://kept")
    );
    // A dropped entry's cells are drawn without it, not with another one's link: its number
    // is not given out again until the numbers come round.
    assert_eq!(table.get(id_in(dropped)), None);
}

#[test]
fn only_printable_ascii_uris_of_bounded_length_are_kept() {
    assert_eq!(
        acceptable_uri(b"https://example.com/%20?q=1;2").as_deref(),
        Some("https://example.com/%20?q=1;2")
    );
    for refused in [
        &b""[..],
        b"a b",
        b"a\x1bb",
        b"a\x07",
        b"a\x7f",
        "é".as_bytes(),
        b"\x9b",
    ] {
        assert_eq!(acceptable_uri(refused), None, "{refused:?}");
    }
    assert!(acceptable_uri(&[b'x'; MAX_URI_BYTES]).is_some());
    assert!(acceptable_uri(&[b'x'; MAX_URI_BYTES + 1]).is_none());
}
