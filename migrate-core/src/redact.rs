//! Keeping passwords out of everything `migrate` prints.
//!
//! Redaction is by position: `password_spans` finds where the password of a connection string
//! is — the password of a URL's user info, a `password=` query parameter, or a libpq
//! `password=` keyword — and only those bytes are replaced by `***`. When a URL's password holds
//! an unencoded `#`, `?`, `/` or `@`, a URL parser (and so the driver) reads the URL another way
//! than its author meant; the span then reaches from the first `:` that an `@` follows to the last
//! `@`, so that whichever reading is right, no part of the password is printed.
//!
//! [`scrub`] removes the password of a known connection string from free text (driver errors): at
//! every occurrence of the connection string, wherever the password stands as a password
//! (`:pw@`, `password=pw`), and anywhere at all only when it is at least
//! `BARE_MIN_CHARS` long. A short password is therefore never cut out of unrelated words
//! (`failed to lookup address` stays whole when the password is `up`), and a long one is never
//! printed.
//!
//! `mask_source` masks every password in a configuration file's text, for diagnostics that show
//! source lines, and maps the diagnostics' byte spans onto the masked text.

use std::ops::Range;

/// What a password is replaced by.
pub(crate) const MASK: &str = "***";

/// A password at least this many characters long is removed from free text wherever it occurs;
/// a shorter one only where it stands as a password.
pub(crate) const BARE_MIN_CHARS: usize = 8;

/// Byte ranges of the passwords in a connection string: a URL (`postgres://user:pw@host/db`,
/// `?password=pw`) or a libpq keyword string (`host=h password=pw`). Sorted, not overlapping.
pub(crate) fn password_spans(conn: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    match conn.find("://") {
        Some(scheme_end) => url_spans(conn, scheme_end, &mut spans),
        None => keyword_spans(conn, 0, &mut spans),
    }
    merge(spans)
}

/// A connection string with its passwords replaced by `***`, safe to print.
pub fn redact_url(conn: &str) -> String {
    replace(conn, &password_spans(conn))
}

/// `text` without the password of `conn` (see the module documentation for where it is
/// removed).
pub fn scrub(text: &str, conn: &str) -> String {
    let spans = password_spans(conn);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut cut: Vec<Range<usize>> = Vec::new();
    // The connection string itself, wherever it is quoted.
    for (at, _) in text.match_indices(conn) {
        cut.extend(spans.iter().map(|s| s.start + at..s.end + at));
    }
    // The password alone, in the forms a driver could print it.
    for password in password_forms(conn, &spans) {
        let bare = password.chars().count() >= BARE_MIN_CHARS;
        for (at, _) in text.match_indices(password.as_str()) {
            let end = at + password.len();
            if bare || stands_as_password(text, at, end) {
                cut.push(at..end);
            }
        }
    }
    replace(text, &merge(cut))
}

/// `text` (a configuration file) with every password of every connection string in it masked.
/// Connection strings are found by their `://` or their `password` keyword, inside TOML strings
/// or not (a syntax error may have left one unquoted).
pub(crate) fn mask_source(text: &str) -> Masked {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        for (at, _) in body.match_indices("://") {
            let (start, end) = string_extent(body, at);
            let url = &body[start..end];
            spans.extend(
                password_spans(url)
                    .into_iter()
                    .map(|s| s.start + line_start + start..s.end + line_start + start),
            );
        }
        keyword_spans(body, line_start, &mut spans);
        line_start += line.len();
    }
    let spans = merge(spans);
    Masked {
        text: replace(text, &spans),
        spans,
    }
}

/// A text with passwords masked, and where they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Masked {
    pub(crate) text: String,
    /// The masked byte ranges of the original text, sorted.
    spans: Vec<Range<usize>>,
}

impl Masked {
    /// A byte span of the original text as a span of the masked text. A span that starts or ends
    /// inside a password starts or ends at the edge of its mask.
    pub(crate) fn span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.offset(span.start, false);
        let end = self.offset(span.end, true).max(start);
        start..end
    }

    fn offset(&self, offset: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for s in &self.spans {
            if offset >= s.end {
                shift += MASK.len() as isize - (s.end - s.start) as isize;
            } else if offset > s.start {
                let start = (s.start as isize + shift) as usize;
                return if end { start + MASK.len() } else { start };
            } else {
                break;
            }
        }
        (offset as isize + shift) as usize
    }
}

/// The spans of a URL whose scheme ends at `scheme_end` (the index of `://`).
fn url_spans(url: &str, scheme_end: usize, spans: &mut Vec<Range<usize>>) {
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    // As a URL parser reads it: the authority ends at the first `/`, `?` or `#`; the user info
    // is what comes before its last `@`.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let userinfo_end = rest[..authority_end].rfind('@');
    if let Some(at) = userinfo_end
        && let Some(colon) = rest[..at].find(':')
    {
        spans.push(rest_start + colon + 1..rest_start + at);
    }
    // An `@` after the authority means the password may hold an unencoded `/`, `?`, `#` or `@`,
    // so the URL reads differently than meant: cover everything from the first `:` that an `@`
    // follows up to the last `@`.
    let last_at = rest.rfind('@');
    let ambiguous = last_at.is_some_and(|at| at > authority_end)
        || (userinfo_end.is_none() && last_at.is_some());
    if ambiguous
        && let Some(last_at) = last_at
        && let Some(colon) = rest[..last_at].find(':')
    {
        spans.push(rest_start + colon + 1..rest_start + last_at);
    }
    // `password=` among the query parameters, after the user info however it is read.
    let after = last_at.map_or(0, |at| at + 1);
    if let Some(q) = rest[after..].find('?') {
        let query_start = after + q + 1;
        let query_end = rest[query_start..]
            .find('#')
            .map_or(rest.len(), |h| query_start + h);
        let mut pos = query_start;
        for pair in rest[query_start..query_end].split('&') {
            if let Some((key, _)) = pair.split_once('=')
                && is_password_key(&percent_decode(key))
            {
                let value_start = pos + key.len() + 1;
                spans.push(rest_start + value_start..rest_start + pos + pair.len());
            }
            pos += pair.len() + 1;
        }
    }
}

/// libpq keyword spans in `text` (offset by `base`): `password=value`, `password = 'quoted
/// value'` (with `\'` and `\\` escapes), `sslpassword=…`, any case.
fn keyword_spans(text: &str, base: usize, spans: &mut Vec<Range<usize>>) {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    for (at, key) in lower.match_indices("password") {
        let mut i = at + key.len();
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let start = i;
        let end = if bytes.get(i) == Some(&b'\'') {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            (i + 1).min(bytes.len())
        } else {
            // Unquoted: up to white space or the end of a TOML string; a URL's query parameter
            // (after `?` or `&`) also ends at `&` or `#`. In a libpq keyword string `&` and `#`
            // belong to the password (`password=x#y`).
            let in_query = at > 0 && matches!(bytes[at - 1], b'?' | b'&');
            text[start..]
                .find(|c: char| {
                    c.is_whitespace() || c == '"' || (in_query && matches!(c, '&' | '#'))
                })
                .map_or(text.len(), |e| start + e)
        };
        if end > start {
            spans.push(base + start..base + end);
        }
    }
}

/// The extent of the URL whose `://` is at `at` in a line of TOML: the string it is in (up to
/// its unescaped closing quote), or up to white space when it is not quoted.
fn string_extent(line: &str, at: usize) -> (usize, usize) {
    let open = line[..at].rfind(['"', '\'']);
    let Some(open) = open else {
        // After the last white space, which may be more than one byte (U+2000).
        let start = line[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(0, |(s, c)| s + c.len_utf8());
        let end = line[at..]
            .find(char::is_whitespace)
            .map_or(line.len(), |e| at + e);
        return (start, end);
    };
    let quote = line.as_bytes()[open];
    let bytes = line.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        if quote == b'"' && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == quote {
            return (open + 1, i);
        }
        i += 1;
    }
    (open + 1, line.len())
}

/// Whether the password found at `start..end` of `text` stands where a password stands: between
/// `:` and `@` (a URL's user info), or after `password=` (optionally quoted).
fn stands_as_password(text: &str, start: usize, end: usize) -> bool {
    let before = &text[..start];
    let after = &text[end..];
    if before.ends_with(':') && after.starts_with('@') {
        return true;
    }
    let before = before.trim_end_matches(['\'', '"']).trim_end();
    let Some(key) = before.strip_suffix('=') else {
        return false;
    };
    key.trim_end().to_ascii_lowercase().ends_with("password")
}

/// Whether a query parameter names a password (`password`, `sslpassword`, any case).
fn is_password_key(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("password")
}

/// The password of each span as written, percent-decoded, and percent-encoded (as a URL
/// library would print it), longest first.
fn password_forms(conn: &str, spans: &[Range<usize>]) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    for s in spans {
        let raw = &conn[s.clone()];
        let raw = raw
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .unwrap_or(raw);
        for form in [raw.to_string(), percent_decode(raw), percent_encode(raw)] {
            if !form.is_empty() && !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Sorted spans with overlapping and touching ones joined.
fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.retain(|s| s.end > s.start);
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// `text` with each of the sorted, disjoint `spans` replaced by [`MASK`].
fn replace(text: &str, spans: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        out.push_str(&text[pos..s.start]);
        out.push_str(MASK);
        pos = s.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unquoted_url_after_wide_white_space() {
        // U+200A, three bytes, before an unquoted URL: found by fuzzing the config loader.
        let text = "x\u{200a}postgres://app:secret@localhost/app\n";
        let masked = mask_source(text);
        assert!(!masked.text.contains("secret"), "{}", masked.text);
    }

    #[test]
    fn urls_are_redacted_by_position() {
        for (url, want) in [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h/db", "postgres://h/db"),
            (
                "postgres://u:p%40ss@h/db?sslmode=require",
                "postgres://u:***@h/db?sslmode=require",
            ),
            (
                "postgres://h/db?user=u&password=pw&sslmode=require",
                "postgres://h/db?user=u&password=***&sslmode=require",
            ),
            (
                "postgres://h/db?PassWord=pw#frag",
                "postgres://h/db?PassWord=***#frag",
            ),
            ("sqlite://dev.db", "sqlite://dev.db"),
            ("sqlite://dev.db?mode=rwc", "sqlite://dev.db?mode=rwc"),
            // Unencoded `#`, `?`, `/`, `@` in the password: none of it shows.
            (
                "postgres://app:ab#SECRET@host/db",
                "postgres://app:***@host/db",
            ),
            (
                "postgres://app:ab?SECRET@host/db",
                "postgres://app:***@host/db",
            ),
            (
                "postgres://app:12/SECRET@host/db",
                "postgres://app:***@host/db",
            ),
            ("postgres://app:a@b@host/db", "postgres://app:***@host/db"),
            (
                "postgres://app:a@b#c@host/db?sslmode=require",
                "postgres://app:***@host/db?sslmode=require",
            ),
            (
                "postgres://app:/?#@:SECRET@host:5432/db",
                "postgres://app:***@host:5432/db",
            ),
            // An `@`-user of the Azure kind.
            (
                "postgres://me@srv:pa#ss@srv.example/db",
                "postgres://me@srv:***@srv.example/db",
            ),
            // libpq keyword strings.
            (
                "host=h password=secret user=u",
                "host=h password=*** user=u",
            ),
            (
                "host=h password = 'se cr\\'et' user=u",
                "host=h password = *** user=u",
            ),
            // `#` and `&` are part of an unquoted libpq password, not its end.
            ("host=h password=x#y&z user=u", "host=h password=*** user=u"),
        ] {
            assert_eq!(redact_url(url), want, "{url}");
        }
    }

    #[test]
    fn scrub_removes_the_password_and_nothing_else() {
        // A short password: only where it stands as one.
        let url = "postgres://app:up@db.internal:5432/x";
        assert_eq!(
            scrub("failed to lookup address information: up", url),
            "failed to lookup address information: up"
        );
        assert_eq!(
            scrub(&format!("cannot connect to {url}: timeout"), url),
            "cannot connect to postgres://app:***@db.internal:5432/x: timeout"
        );
        assert_eq!(
            scrub("dsn postgres://app:up@other/x and password=up", url),
            "dsn postgres://app:***@other/x and password=***"
        );
        // A long password: anywhere, in every form a driver could print it.
        let url = "postgres://app:s3cr%23t-Pa55@db/x";
        assert_eq!(
            scrub("got s3cr#t-Pa55 and s3cr%23t-Pa55 back", url),
            "got *** and *** back"
        );
        // The password with an unencoded `#`.
        let url = "postgres://app:ab#SECRET@host/db";
        let text = format!("invalid port number in {url}; the password was ab#SECRET");
        let out = scrub(&text, url);
        assert!(!out.contains("SECRET"), "{out}");
        assert!(out.contains("invalid port number"), "{out}");
        // Without a password there is nothing to remove.
        assert_eq!(scrub("a:b@c", "postgres://u@h/db"), "a:b@c");
    }

    #[test]
    fn sources_mask_every_connection_string() {
        let text = "dialect = \"postgres\"\n\
                    database_url = \"postgres://app:ab#SECRET@host/db\"\n\
                    [environments.prod]\n\
                    database_url = postgres://app:UNQUOTED@host/db\n\
                    database_urls = [\"postgres://a:one-pw@h1/db\", 'postgres://b:two\"pw@h2/db']\n\
                    other = \"postgres://x:q\\\"uote@h/db\"\n\
                    kv = \"host=h password=kvsecret\"\n";
        let masked = mask_source(text);
        for secret in [
            "SECRET", "UNQUOTED", "one-pw", "two\"pw", "uote", "kvsecret",
        ] {
            assert!(!masked.text.contains(secret), "{secret}: {}", masked.text);
        }
        assert!(
            masked
                .text
                .contains("database_url = \"postgres://app:***@host/db\"\n")
        );
        assert!(masked.text.contains("dialect = \"postgres\"\n"));
        // Spans after a mask move with it; spans inside one cover the mask.
        let key = text.find("[environments.prod]").expect("present");
        let moved = masked.span(key..key + 19);
        assert_eq!(&masked.text[moved], "[environments.prod]");
        let inside = text.find("SECRET").expect("present");
        let covered = masked.span(inside..inside + 2);
        assert_eq!(&masked.text[covered], "***");
    }
}
