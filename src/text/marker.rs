//! The line a tab shows where its session came back after the connection was lost.

use std::time::Duration;

use crate::ssh::LossCause;

/// `-- reconnected after 14 s: connection reset (...) --`
pub fn reconnected_marker(after: Duration, cause: &LossCause) -> String {
    format!("-- reconnected after {}: {cause} --", duration(after))
}

/// Whole seconds up to two minutes, then minutes and seconds.
fn duration(after: Duration) -> String {
    let secs = after.as_secs();
    if secs < 120 {
        format!("{secs} s")
    } else {
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_long_and_why() {
        assert_eq!(
            reconnected_marker(Duration::from_millis(14_400), &LossCause::Reset),
            format!("-- reconnected after 14 s: {} --", LossCause::Reset)
        );
        assert!(
            reconnected_marker(Duration::from_secs(185), &LossCause::Reset)
                .contains("after 3 min 5 s")
        );
    }
}
