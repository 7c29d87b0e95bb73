//! `-- migrate:allow RULE: reason` (or `RULE, RULE: reason`): suppresses those rules' findings in
//! the next statement. The reason is required: it is what a reviewer reads.

use std::ops::Range;

use squawk_syntax::{SyntaxKind, SyntaxNode};

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

const PREFIX: &str = "migrate:allow";

/// Every `-- migrate:allow` comment of the file, in order.
pub(super) fn collect(root: &SyntaxNode) -> Vec<AllowComment> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::COMMENT)
        .filter_map(|t| parse(t.text(), usize::from(t.text_range().start())))
        .collect()
}

/// Reads one comment starting at byte `at`; `None` when it is not a `migrate:allow` comment.
pub(super) fn parse(comment: &str, at: usize) -> Option<AllowComment> {
    let body = comment.strip_prefix("--")?;
    let trimmed = body.trim_start();
    let rest = trimmed.strip_prefix(PREFIX)?;
    // `migrate:allowed` or `migrate:allow-x` is another word, not this directive.
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let rest_at = at + 2 + (body.len() - trimmed.len()) + PREFIX.len();
    let (names, reason) = match rest.find(':') {
        Some(colon) => (&rest[..colon], rest[colon + 1..].trim()),
        None => (rest, ""),
    };
    let mut rules = Vec::new();
    let mut offset = 0;
    for part in names.split(',') {
        let lead = part.len() - part.trim_start().len();
        let name = part.trim();
        if !name.is_empty() {
            let start = rest_at + offset + lead;
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
        let a = parse("--migrate:allow ban-drop-table", 0).expect("an allow comment");
        assert_eq!(a.reason, "");
        assert_eq!(a.rules.len(), 1);
        assert!(parse("-- migrate:allowed x: y", 0).is_none());
        assert!(parse("-- migrate:no-transaction", 0).is_none());
        assert!(parse("-- plain", 0).is_none());
    }
}
