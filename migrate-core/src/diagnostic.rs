//! Diagnostics: an error at a place in a source file, with a fix.
//!
//! Every problem found in a schema file becomes a [`Diagnostic`] that knows its file, byte span,
//! line and column, what is wrong, and (nearly always) a `help:` saying how to fix it. They are
//! collected, never thrown one at a time, so a user sees every problem of a file at once.
//!
//! Every error and problem of the crate, located or not, implements [`Explain`]: a stable code,
//! the message (its `Display`, never the fix), the fix, a note, and the place. The CLI, `build.rs`
//! and the macros render them all through it; [`plain`] is the one-paragraph form.
//!
//! The trait is the crate's own rather than `miette::Diagnostic`: rendering is already here
//! ([`Diagnostic::render`], on annotate-snippets), and miette would add its derive and a second
//! renderer to every dependent, the proc-macro crate included, for nothing the CLI and the macros
//! do not already do.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A problem explained to a person or to a program.
///
/// `Display` is the message alone: what is wrong, never how to fix it. The fix is [`help`], so
/// that a renderer can put it where its format wants it (`  = help:` under a snippet, a `help`
/// field in JSON, `  help:` in a compiler message) without splitting text apart again.
///
/// [`help`]: Explain::help
pub trait Explain: fmt::Display {
    /// A stable, machine-readable id in kebab case, e.g. `edited` or `unknown-key`.
    fn code(&self) -> &'static str;

    /// How to fix it.
    fn help(&self) -> Option<String> {
        None
    }

    /// Something else worth knowing, e.g. a probable rename.
    fn note(&self) -> Option<String> {
        None
    }

    /// Where it is, when it is in a source file.
    fn location(&self) -> Option<&Location> {
        None
    }
}

/// The one-paragraph form: the message, then `  help:` and `  note:` lines, as compiler messages
/// (`embed_migrations!`, `schema!`) and `build.rs` show it.
pub fn plain(e: &(impl Explain + ?Sized)) -> String {
    let mut out = e.to_string();
    if let Some(help) = e.help() {
        out.push_str("\n  help: ");
        out.push_str(&help);
    }
    if let Some(note) = e.note() {
        out.push_str("\n  note: ");
        out.push_str(&note);
    }
    out
}

/// A source file as read, shared by every diagnostic that points into it.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        // A byte-order mark is not a column.
        let mut line_text = &before[line_start..];
        if line_start == 0 {
            line_text = line_text.strip_prefix('\u{feff}').unwrap_or(line_text);
        }
        let column = line_text.chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
}

impl Location {
    pub fn new(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        Location {
            file: Arc::clone(file),
            span,
        }
    }

    pub fn path(&self) -> &Path {
        &self.file.path
    }

    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.span.start)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(f, "{}:{line}:{col}", self.file.path.display())
    }
}

/// One problem in a schema file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A stable machine-readable code, e.g. `unknown-key`.
    pub code: &'static str,
    pub message: String,
    /// Where the problem is; `None` for problems that belong to no file (a missing directory).
    pub location: Option<Location>,
    /// A short label under the highlighted span.
    pub label: Option<String>,
    /// A second place that matters (the first declaration of a duplicate).
    pub related: Option<(Location, String)>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            location: None,
            label: None,
            related: None,
            help: None,
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, location: Location, label: impl Into<String>) -> Diagnostic {
        self.related = Some((location, label.into()));
        self
    }

    /// `(line, column)`, 1-based, when the diagnostic has a location.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.location.as_ref().map(Location::line_col)
    }

    /// Renders the diagnostic with the offending source line shown, like a compiler does.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let title = Level::ERROR.primary_title(&self.message).id(self.code);
        let mut group: Group<'_> = match &self.location {
            Some(loc) => {
                let mut snippet = Snippet::source(without_bom(&loc.file.text))
                    .path(loc.file.path.to_string_lossy())
                    .annotation(
                        AnnotationKind::Primary
                            .span(clamp_span(&loc.file.text, &loc.span))
                            .label(self.label.as_deref().unwrap_or("")),
                    );
                if let Some((rel, text)) = &self.related
                    && Arc::ptr_eq(&rel.file, &loc.file)
                {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(clamp_span(&rel.file.text, &rel.span))
                            .label(text.as_str()),
                    );
                }
                title.element(snippet)
            }
            None => Group::with_title(title),
        };
        if let Some((rel, text)) = &self.related
            && self
                .location
                .as_ref()
                .is_none_or(|loc| !Arc::ptr_eq(&rel.file, &loc.file))
        {
            group = group.element(
                Snippet::source(without_bom(&rel.file.text))
                    .path(rel.file.path.to_string_lossy())
                    .annotation(
                        AnnotationKind::Context
                            .span(clamp_span(&rel.file.text, &rel.span))
                            .label(text.as_str()),
                    ),
            );
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }
}

/// The text shown in a snippet: a byte-order mark is not part of the first line.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A span of `text` as a span of [`without_bom`]`(text)`.
fn clamp_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    let bom = text.len() - without_bom(text).len();
    start.saturating_sub(bom)..end.saturating_sub(bom)
}

/// One line a person reads: `path:line:col: message`, and the related place (the help is
/// [`Explain::help`]; [`plain`] adds it).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some((rel, text)) = &self.related {
            write!(f, " ({text} at {rel})")?;
        }
        Ok(())
    }
}

impl Explain for Diagnostic {
    fn code(&self) -> &'static str {
        self.code
    }

    fn help(&self) -> Option<String> {
        self.help.clone()
    }

    fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

/// A diagnostic for programs: `code`, `message`, `help`, and, when it has them, `location` and
/// `related` (`file`, `line`, `column`, `end_line`, `end_column`; `related` adds its `label`).
impl serde::Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            code: &'a str,
            message: &'a str,
            help: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            location: Option<Place>,
            #[serde(skip_serializing_if = "Option::is_none")]
            related: Option<Related<'a>>,
        }
        #[derive(serde::Serialize)]
        struct Related<'a> {
            #[serde(flatten)]
            place: Place,
            label: &'a str,
        }
        Shown {
            code: self.code,
            message: &self.message,
            help: self.help.as_deref(),
            location: self.location.as_ref().map(Place::of),
            related: self.related.as_ref().map(|(loc, label)| Related {
                place: Place::of(loc),
                label,
            }),
        }
        .serialize(serializer)
    }
}

/// A span as programs read it: the file, and 1-based lines and columns of both ends.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Place {
    pub fn of(loc: &Location) -> Place {
        let (line, column) = loc.line_col();
        let (end_line, end_column) = loc.file.line_col(loc.span.end);
        Place {
            file: loc.file.path.display().to_string(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// A list of diagnostics; the error type of loading a schema.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, then position, so output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let ka = a
                .location
                .as_ref()
                .map(|l| (l.file.path.clone(), l.span.start));
            let kb = b
                .location
                .as_ref()
                .map(|l| (l.file.path.clone(), l.span.start));
            ka.cmp(&kb)
        });
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {}", plain(d))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The closest candidate to `word`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.toml", "ab\nçd = 1\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // `d` is after a two-byte character.
        assert_eq!(f.line_col(5), (2, 2));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("nulable", ["nullable", "comment"]),
            Some("nullable")
        );
        assert_eq!(did_you_mean("zzz", ["nullable", "comment"]), None);
    }
}
