//! Logs as real programs print them, for the output-flood benchmarks: timestamps, levels,
//! module paths and key=value fields. The same seed gives the same bytes, so runs compare.
//!
//! - [`coloured_log`]: one line in five has its level in bold colour (`ESC[1;3Xm ... ESC[0m`),
//!   as loggers print warnings and errors on a terminal;
//! - [`cjk_log`]: the messages are Chinese and Japanese text, two columns per character.
//!
//! Lines end in LF as in a file; [`with_crlf`] turns them into what a pty sends.

/// A small deterministic generator (xorshift); the benchmarks need variety, not quality.
struct Dice(u64);

impl Dice {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }

    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.below(choices.len())]
    }
}

const MODULES: [&str; 6] = [
    "api::handler",
    "db::pool",
    "cache::redis",
    "auth::session",
    "jobs::worker",
    "http::client",
];
const MESSAGES: [&str; 6] = [
    "request completed",
    "connection acquired",
    "cache miss, loading",
    "session refreshed",
    "job finished",
    "upstream responded",
];
const PATHS: [&str; 5] = [
    "/api/v1/items",
    "/api/v1/users",
    "/healthz",
    "/api/v2/search",
    "/static/app.js",
];
/// The coloured levels and their SGR colours (31 red, 33 yellow, 35 magenta, 36 cyan).
const COLOURED_LEVELS: [(&str, u8); 4] =
    [("ERROR", 31), ("WARN ", 33), ("DEBUG", 36), ("TRACE", 35)];

/// The timestamp of line `n`, advancing a few milliseconds per line.
fn timestamp(n: usize) -> String {
    let millis = n * 7;
    let seconds = millis / 1000;
    format!(
        "2026-11-22T{:02}:{:02}:{:02}.{:03}Z",
        (seconds / 3600) % 24,
        (seconds / 60) % 60,
        seconds % 60,
        millis % 1000
    )
}

/// About `bytes` of log (LF line ends), every fifth line with a coloured level. Lines are
/// at most 108 columns, so they fit a 120-column screen.
pub fn coloured_log(bytes: usize) -> Vec<u8> {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut log = Vec::with_capacity(bytes + 256);
    let mut n = 0;
    while log.len() < bytes {
        let level = if n % 5 == 4 {
            let (name, colour) = COLOURED_LEVELS[dice.below(COLOURED_LEVELS.len())];
            format!("\x1b[1;{colour}m{name}\x1b[0m")
        } else {
            "INFO ".to_owned()
        };
        let line = format!(
            "{} {level} {:<13} {} path={}/{} status=200 ms={}\n",
            timestamp(n),
            dice.pick(&MODULES),
            dice.pick(&MESSAGES),
            dice.pick(&PATHS),
            dice.below(100_000),
            dice.below(500),
        );
        log.extend_from_slice(line.as_bytes());
        n += 1;
    }
    log
}

const CJK_PHRASES: [&str; 8] = [
    "用户请求已完成",
    "数据库连接池已满，正在等待",
    "缓存未命中，从源站加载",
    "セッションを更新しました",
    "ジョブが正常に終了しました",
    "上游服务器响应超时，重试中",
    "配置文件已重新加载",
    "ディスク使用率が高くなっています",
];

/// About `bytes` of log (LF line ends) whose messages are CJK text: an ASCII timestamp and
/// level, then 30 to 40 wide characters. Lines are at most 110 columns.
pub fn cjk_log(bytes: usize) -> Vec<u8> {
    let mut dice = Dice(0xD1B5_4A32_D192_ED03);
    let mut log = Vec::with_capacity(bytes + 256);
    let mut n = 0;
    while log.len() < bytes {
        let mut message = String::new();
        while message.chars().count() < 30 {
            message.push_str(dice.pick(&CJK_PHRASES));
            message.push('。');
        }
        let message: String = message.chars().take(40).collect();
        let line = format!("{} INFO  {message}\n", timestamp(n));
        log.extend_from_slice(line.as_bytes());
        n += 1;
    }
    log
}

/// LF line ends as a pty's output processing (`onlcr`) sends them: CR LF.
pub fn with_crlf(log: &[u8]) -> Vec<u8> {
    let mut sent = Vec::with_capacity(log.len() + log.len() / 32);
    for &byte in log {
        if byte == b'\n' {
            sent.push(b'\r');
        }
        sent.push(byte);
    }
    sent
}
