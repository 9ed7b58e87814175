//! Setting the host terminal's clipboard: OSC 52, which xterm, kitty, WezTerm, iTerm2, foot and
//! tmux (with `set-clipboard on`) understand, and which reaches the terminal over SSH too.

use std::io::Write;

use data_encoding::BASE64;

/// `ESC ] 52 ; c ; BASE64 BEL`: put `text` on the clipboard (`c`).
pub fn osc52(text: &str) -> Vec<u8> {
    let mut sequence = b"\x1b]52;c;".to_vec();
    sequence.extend_from_slice(BASE64.encode(text.as_bytes()).as_bytes());
    sequence.push(0x07);
    sequence
}

/// Writes the sequence to the host terminal at once.
pub fn set(host: &mut impl Write, text: &str) -> std::io::Result<()> {
    host.write_all(&osc52(text))?;
    host.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_text_goes_in_base64_between_osc_52_and_bel() {
        assert_eq!(super::osc52("héllo\n"), b"\x1b]52;c;aMOpbGxvCg==\x07");
    }
}
