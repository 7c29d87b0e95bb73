//! `DATABASE_URL` from a `.env` file, as sqlx-cli and diesel read it: used when the environment
//! does not set `DATABASE_URL`. Only that variable is read; nothing is put into the environment.
//!
//! The file is the working directory's `.env`, else the one beside `migrate.toml`. Lines are
//! `KEY=value` or `export KEY=value`; `#` starts a comment (outside quotes); a value may be
//! single-quoted (taken as is) or double-quoted (`\"`, `\\`, `\n` unescaped).

use std::path::Path;

/// `DATABASE_URL` from the first `.env` of `dirs` that has one.
pub fn database_url<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Option<String> {
    dirs.into_iter().find_map(|dir| {
        let text = std::fs::read_to_string(dir.join(".env")).ok()?;
        lookup(&text, "DATABASE_URL")
    })
}

/// The value of `key` in `.env` text (the last assignment wins, as in a shell).
pub fn lookup(text: &str, key: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim() != key {
            continue;
        }
        found = Some(value(v.trim()));
    }
    found.filter(|v| !v.is_empty())
}

fn value(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('\'') {
        return rest.split_once('\'').map_or(rest, |(v, _)| v).to_string();
    }
    if let Some(rest) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return out;
    }
    // Unquoted: up to a ` #` comment.
    let end = raw.find(" #").unwrap_or(raw.len());
    raw[..end].trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_people_write() {
        let text = "# local settings\n\
                    OTHER=1\n\
                    DATABASE_URL=postgres://a@h/db1\n";
        assert_eq!(
            lookup(text, "DATABASE_URL").as_deref(),
            Some("postgres://a@h/db1")
        );
        assert_eq!(
            lookup(
                "export DATABASE_URL = \"sqlite://a b.db\" # dev\n",
                "DATABASE_URL"
            )
            .as_deref(),
            Some("sqlite://a b.db")
        );
        assert_eq!(
            lookup("DATABASE_URL='postgres://u:p#w@h/db'\n", "DATABASE_URL").as_deref(),
            Some("postgres://u:p#w@h/db")
        );
        assert_eq!(
            lookup(
                "DATABASE_URL=sqlite://x.db # the dev file\n",
                "DATABASE_URL"
            )
            .as_deref(),
            Some("sqlite://x.db")
        );
        assert_eq!(
            lookup("DATABASE_URL=a\nDATABASE_URL=b\n", "DATABASE_URL").as_deref(),
            Some("b")
        );
        assert_eq!(lookup("DATABASE_URL=\n", "DATABASE_URL"), None);
        assert_eq!(
            lookup("#DATABASE_URL=x\nNOT_DATABASE_URL=y\n", "DATABASE_URL"),
            None
        );
    }
}
