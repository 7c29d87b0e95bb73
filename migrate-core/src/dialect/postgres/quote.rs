//! PostgreSQL string literals and dollar-quoted bodies.

/// A PostgreSQL string literal that reads back as `text` whatever `standard_conforming_strings`
/// is: `'text'` with `'` doubled, or `E'text'` with `\` doubled too when `text` holds a
/// backslash (with the setting off, a plain literal would take `\'` as an escaped quote).
pub fn literal(text: &str) -> String {
    if text.contains('\\') {
        format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        crate::sql::literal(text)
    }
}

/// `body` as a dollar-quoted string (a `DO` block's body): `$migrate$body$migrate$`, with a tag
/// (`$migrate_1$`, …) that occurs in `body` + tag only as the closing tag, so nothing in `body`
/// can end the string early.
pub fn dollar_quoted(body: &str) -> String {
    let mut n = 0;
    loop {
        let tag = if n == 0 {
            "$migrate$".to_string()
        } else {
            format!("$migrate_{n}$")
        };
        let quoted = format!("{body}{tag}");
        if quoted.find(&tag) == Some(body.len()) {
            return format!("{tag}{quoted}");
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_strings() {
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\'b"), "E'a\\\\''b'");
        assert_eq!(dollar_quoted(" x "), "$migrate$ x $migrate$");
        for body in [
            "a $migrate$ b",
            "ends in $migrate",
            "$migrate$$migrate_1$ x",
        ] {
            let quoted = dollar_quoted(body);
            let tag = &quoted[..quoted[1..].find('$').expect("a tag") + 2];
            assert_eq!(&quoted[tag.len()..quoted.len() - tag.len()], body);
            assert_eq!(quoted[tag.len()..].find(tag), Some(body.len()), "{quoted}");
        }
    }
}
