//! `-- migrate:allow RULE: reason` (or `RULE, RULE: reason`): suppresses those rules' findings in
//! the next statement. The reason is required: it is what a reviewer reads.

use std::ops::Range;

use squawk_syntax::{SyntaxKind, SyntaxNode};

use super::ALLOW_DIRECTIVE;
use crate::migration::directive;

/// One `-- migrate:allow` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AllowComment {
    /// The whole comment.
    pub span: Range<usize>,
    /// Each rule id named, with its span.
    pub rules: Vec<(String, Range<usize>)>,
    /// The text after the colon, trimmed; empty when missing.
    pub reason: String,
}

/// Every `-- migrate:allow` comment of the file, in order.
pub(super) fn collect(root: &SyntaxNode) -> Vec<AllowComment> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::COMMENT)
        .filter_map(|t| parse(t.text(), usize::from(t.text_range().start())))
        .collect()
}

/// Reads one comment starting at byte `at`; `None` when it is not a well-formed `-- migrate:allow`
/// directive. The directive parser of the migration directory reads the line
/// ([`directive::read_line`]), so what lint takes for an allow is exactly what the directory
/// check accepts: `--migrate:allow` (no space) or `-- migrate:allow` with nothing after it is a
/// `bad-directive` finding, and suppresses nothing.
pub(super) fn parse(comment: &str, at: usize) -> Option<AllowComment> {
    let d = directive::read_line(comment)?.ok()?;
    if d.key != ALLOW_DIRECTIVE {
        return None;
    }
    let value = d.value?;
    let value_at = at + d.value_at;
    let (names, reason) = match value.find(':') {
        Some(colon) => (&value[..colon], value[colon + 1..].trim()),
        None => (value, ""),
    };
    let mut rules = Vec::new();
    let mut offset = 0;
    for part in names.split(',') {
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start = value_at + offset + lead;
            rules.push((name.to_string(), start..start + name.len()));
        }
        offset += part.len() + 1;
    }
    Some(AllowComment {
        span: at..at + comment.len(),
        rules,
        reason: reason.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reason() {
        let text = "-- migrate:allow ban-drop-column, renaming-table: nothing reads it since v2";
        let a = parse(text, 10).expect("an allow comment");
        let names: Vec<&str> = a.rules.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ban-drop-column", "renaming-table"]);
        assert_eq!(a.reason, "nothing reads it since v2");
        let (_, span) = &a.rules[1];
        assert_eq!(&text[span.start - 10..span.end - 10], "renaming-table");
        assert_eq!(a.span, 10..10 + text.len());
    }

    #[test]
    fn reason_may_be_missing_and_other_comments_are_not_allows() {
        let a = parse("-- migrate:allow ban-drop-table", 0).expect("an allow comment");
        assert_eq!(a.reason, "");
        assert_eq!(a.rules.len(), 1);
        assert!(parse("-- migrate:no-transaction", 0).is_none());
        assert!(parse("-- plain", 0).is_none());
    }

    /// The directory check's parser decides: what it refuses is no allow here either.
    #[test]
    fn agrees_with_the_directive_parser() {
        for comment in [
            "--migrate:allow ban-drop-table: gone since v2",
            "-- MIGRATE:allow ban-drop-table: gone since v2",
            "-- migrate:allowed ban-drop-table: gone since v2",
            "-- migrate:allow",
        ] {
            assert!(parse(comment, 0).is_none(), "{comment}");
            let (directives, errors) = directive::parse(comment);
            assert!(directives.all.is_empty() && errors.len() == 1, "{comment}");
        }
        let comment = "--   migrate:allow  ban-drop-table ,renaming-table:  gone since v2 ";
        let a = parse(comment, 3).expect("an allow comment");
        let (directives, errors) = directive::parse(comment);
        assert!(errors.is_empty());
        assert_eq!(directives.all[0].key, ALLOW_DIRECTIVE);
        let names: Vec<&str> = a
            .rules
            .iter()
            .map(|(_, s)| &comment[s.start - 3..s.end - 3])
            .collect();
        assert_eq!(names, ["ban-drop-table", "renaming-table"]);
        assert_eq!(a.reason, "gone since v2");
    }
}
