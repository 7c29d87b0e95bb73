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
use std::sync::{Arc, OnceLock};

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
#[derive(Debug)]
pub struct SourceFile {
    /// The file's path, as given.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Where each line starts, built on first use, so that placing a diagnostic costs the same
    /// whether the file has one problem or forty thousand.
    index: OnceLock<LineIndex>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &SourceFile) -> bool {
        self.path == other.path && self.text == other.text
    }
}

impl Eq for SourceFile {}

/// Bytes per block of [`LineIndex::chars_before_block`].
const BLOCK: usize = 256;

#[derive(Debug)]
struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Characters before each block of [`BLOCK`] bytes: a column is counted from the nearest
    /// block, not from the start of its line, so a long line costs nothing more.
    chars_before_block: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr_all(b'\n', b).map(|i| i + 1));
        let mut chars_before_block = Vec::with_capacity(b.len() / BLOCK + 1);
        let mut chars = 0;
        for block in b.chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += block.iter().filter(|&&c| !is_continuation(c)).count();
        }
        chars_before_block.push(chars);
        LineIndex {
            line_starts,
            chars_before_block,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &[u8], offset: usize) -> usize {
        let block = offset / BLOCK;
        let from = block * BLOCK;
        self.chars_before_block[block]
            + text[from..offset]
                .iter()
                .filter(|&&c| !is_continuation(c))
                .count()
    }
}

fn memchr_all(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    haystack
        .iter()
        .enumerate()
        .filter(move |&(_, &c)| c == needle)
        .map(|(i, _)| i)
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

impl SourceFile {
    /// A file read from `path` with text `text`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
            index: OnceLock::new(),
        })
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index();
        let line = index.line_starts.partition_point(|&start| start <= offset);
        let line_start = index.line_starts[line - 1];
        let bytes = self.text.as_bytes();
        let mut column =
            index.chars_before(bytes, offset) - index.chars_before(bytes, line_start) + 1;
        // A byte-order mark is not a column.
        if line_start == 0 && offset > 0 && self.text.starts_with('\u{feff}') {
            column -= 1;
        }
        (line, column)
    }

    /// The byte range of 1-based line `line`, without its line break.
    fn line_span(&self, line: usize) -> Range<usize> {
        let starts = &self.index().line_starts;
        let start = starts[line - 1];
        let end = starts.get(line).map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The byte range in the file's text.
    pub span: Range<usize>,
}

impl Location {
    /// The bytes `span` of `file`.
    pub fn new(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        Location {
            file: Arc::clone(file),
            span,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.file.path
    }

    /// The 1-based line and column (in characters) where the span starts.
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
    /// What is wrong.
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
    /// A problem with a code and a message, at no place yet.
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

    /// The problem at `location`.
    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    /// With a label under the highlighted span.
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// With how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// With a second place that matters, and its label.
    pub fn related(mut self, location: Location, label: impl Into<String>) -> Diagnostic {
        self.related = Some((location, label.into()));
        self
    }

    /// `(line, column)`, 1-based, when the diagnostic has a location.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.location.as_ref().map(Location::line_col)
    }

    /// Renders the diagnostic with the offending source line shown, like a compiler does.
    ///
    /// Only the lines around each span are given to the renderer (and of a very long line, the
    /// part around the span), so rendering costs the same in a file of any size.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let title = Level::ERROR.primary_title(&self.message).id(self.code);
        let mut group = Group::with_title(title);
        let label = self.label.clone().unwrap_or_default();
        let mut excerpts = Vec::new();
        match (&self.location, &self.related) {
            (Some(loc), related) => {
                let mut primary = Excerpt::new(&loc.file, &loc.span, label, true);
                let mut second = None;
                if let Some((rel, text)) = related
                    && !(Arc::ptr_eq(&rel.file, &loc.file) && primary.take(&rel.span, text))
                {
                    second = Some(Excerpt::new(&rel.file, &rel.span, text.clone(), false));
                }
                excerpts.push(primary);
                excerpts.extend(second);
            }
            (None, Some((rel, text))) => {
                excerpts.push(Excerpt::new(&rel.file, &rel.span, text.clone(), false));
            }
            (None, None) => {}
        }
        let path = |file: &SourceFile| file.path.to_string_lossy().into_owned();
        for excerpt in &excerpts {
            let annotations = excerpt.annotations.iter().map(|(span, label, primary)| {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                kind.span(excerpt.local(span)).label(label.as_str())
            });
            let snippet = Snippet::source(excerpt.text())
                .path(path(excerpt.file))
                .line_start(excerpt.first_line)
                .annotations(annotations);
            group = group.element(snippet);
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let mut out = renderer.render(&[group]);
        // The renderer counts the column of a cut line from the cut: put back the real one.
        for excerpt in excerpts.iter().filter(|e| e.cut_chars > 0) {
            let start = excerpt.local(&excerpt.annotations[0].0).start;
            let shown = excerpt.text()[..start].chars().count() + 1;
            let (line, column) = excerpt.file.line_col(excerpt.annotations[0].0.start);
            let file = path(excerpt.file);
            out = out.replacen(
                &format!("{file}:{line}:{shown}"),
                &format!("{file}:{line}:{column}"),
                1,
            );
        }
        out
    }
}

/// Lines around a span: at most [`EXCERPT_LINES`] lines, and of a line longer than
/// [`EXCERPT_BYTES`] only the part around the span.
struct Excerpt<'a> {
    file: &'a SourceFile,
    /// Byte range of the excerpt in the file.
    range: Range<usize>,
    /// 1-based line of the excerpt's first line.
    first_line: usize,
    /// Spans (in the file), their labels, whether each is the primary one.
    annotations: Vec<(Range<usize>, String, bool)>,
    /// Characters of the first line left out before the excerpt (a long line cut).
    cut_chars: usize,
}

const EXCERPT_LINES: usize = 12;
const EXCERPT_BYTES: usize = 2048;
/// How much of a long line is kept on either side of a span.
const CONTEXT_BYTES: usize = 256;

impl<'a> Excerpt<'a> {
    fn new(file: &'a SourceFile, span: &Range<usize>, label: String, primary: bool) -> Excerpt<'a> {
        let text = &file.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        // The end of a file that ends a line is shown at the end of that line.
        let at_end = start == text.len() && text.ends_with('\n');
        let (first_line, _) = file.line_col(if at_end { start - 1 } else { start });
        let (end_line, _) = file.line_col(end).max((first_line, 0));
        let last_line = end_line.min(first_line + EXCERPT_LINES - 1);
        let mut range = file.line_span(first_line).start..file.line_span(last_line).end;
        if range.len() > EXCERPT_BYTES {
            // A long line: the part around the span.
            let line = file.line_span(first_line);
            let from = start.saturating_sub(CONTEXT_BYTES).max(line.start);
            let to = end.min(start + EXCERPT_BYTES - 2 * CONTEXT_BYTES) + CONTEXT_BYTES;
            let from = floor_char_boundary(text, from);
            range = from..ceil_char_boundary(text, to.min(line.end)).max(from);
        }
        // A byte-order mark is not part of the first line.
        if range.start == 0 && text.starts_with('\u{feff}') {
            range.start = '\u{feff}'.len_utf8().min(range.end);
        }
        let start = start.clamp(range.start, range.end);
        let span = start..end.clamp(start, range.end);
        let cut_chars = if range.start > file.line_span(first_line).start {
            file.line_col(range.start).1 - 1
        } else {
            0
        };
        Excerpt {
            file,
            range,
            first_line,
            annotations: vec![(span, label, primary)],
            cut_chars,
        }
    }

    /// Adds a second span when it lies inside the excerpt.
    fn take(&mut self, span: &Range<usize>, label: &str) -> bool {
        let inside = span.start >= self.range.start && span.end <= self.range.end;
        if inside {
            self.annotations
                .push((span.clone(), label.to_string(), false));
        }
        inside
    }

    fn text(&self) -> &'a str {
        &self.file.text[self.range.clone()]
    }

    /// A span of the file as a span of the excerpt.
    fn local(&self, span: &Range<usize>) -> Range<usize> {
        let clamp = |i: usize| i.clamp(self.range.start, self.range.end) - self.range.start;
        clamp(span.start)..clamp(span.end)
    }
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
    /// The file's path.
    pub file: String,
    /// The 1-based line where the span starts.
    pub line: usize,
    /// The 1-based column (in characters) where it starts.
    pub column: usize,
    /// The 1-based line where it ends.
    pub end_line: usize,
    /// The 1-based column where it ends.
    pub end_column: usize,
}

impl Place {
    /// The place of `loc`.
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
    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Each, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Sorts by file, then position, so output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        fn key(d: &Diagnostic) -> Option<(&Path, usize)> {
            d.location
                .as_ref()
                .map(|l| (l.file.path.as_path(), l.span.start))
        }
        self.0.sort_by(|a, b| key(a).cmp(&key(b)));
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

    /// How diagnostics were rendered before excerpts: the whole file given to the renderer.
    fn render_whole_file(d: &Diagnostic, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let title = Level::ERROR.primary_title(&d.message).id(d.code);
        let mut group: Group<'_> = match &d.location {
            Some(loc) => {
                let mut snippet = Snippet::source(without_bom(&loc.file.text))
                    .path(loc.file.path.to_string_lossy())
                    .annotation(
                        AnnotationKind::Primary
                            .span(clamp_span(&loc.file.text, &loc.span))
                            .label(d.label.as_deref().unwrap_or("")),
                    );
                if let Some((rel, text)) = &d.related
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
        if let Some((rel, text)) = &d.related
            && d.location
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
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
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

    fn cases() -> Vec<Diagnostic> {
        let a = SourceFile::new(
            "a.toml",
            "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\nid = { type = \"nosuch\" }\nname = { type = \"text\" }\n",
        );
        let bom = SourceFile::new("b.toml", "\u{feff}x = { type = \"é\" }\ny = 1\n");
        let c = SourceFile::new("c.toml", "[tables.t]\nmodel = \"T\"\n");
        let base =
            || Diagnostic::new("unknown-type", "unknown type `nosuch`").help("use one of `text`");
        vec![
            base().at(Location::new(&a, 49..57)).label("here"),
            base()
                .at(Location::new(&a, 49..57))
                .related(Location::new(&a, 60..64), "near"),
            base()
                .at(Location::new(&a, 49..57))
                .related(Location::new(&c, 0..10), "there"),
            base().at(Location::new(&bom, 14..18)).label("after a BOM"),
            base().at(Location::new(&bom, 3..4)),
            base().at(Location::new(&a, 11..36)).label("two lines"),
            base().at(Location::new(&a, a.text.len()..a.text.len())),
            base(),
        ]
    }

    #[test]
    fn renders_as_the_whole_file_did() {
        for d in cases() {
            for color in [false, true] {
                assert_eq!(d.render(color), render_whole_file(&d, color), "{d}");
            }
        }
    }

    #[test]
    fn renders_a_far_related_place_and_a_long_line() {
        let mut text = String::from("a = 1\n");
        text.push_str(&"# filler\n".repeat(100));
        let long = format!(
            "w = \"{}x9 > 0{}\"\n",
            "y > 0 AND ".repeat(5000),
            " AND z".repeat(5000)
        );
        text.push_str(&long);
        let f = SourceFile::new("big.toml", text.clone());
        let x9 = text.find("x9").unwrap_or_default();
        let d = Diagnostic::new("unknown-column", "`x9` is not a column")
            .at(Location::new(&f, x9..x9 + 2))
            .related(Location::new(&f, 0..1), "declared here");
        let out = d.render(false);
        assert!(
            out.contains(&format!("big.toml:102:{}", 6 + 10 * 5000)),
            "{out}"
        );
        assert!(out.contains("big.toml:1:1"), "{out}");
        assert!(out.contains("x9 > 0") && out.contains("^^"), "{out}");
        assert!(out.len() < 4096, "{} bytes", out.len());
    }

    /// Loading, checking and rendering a schema with 16 times the problems takes about 16 times
    /// as long, not 256 times: 16 times the unknown types, or a `where` 16 times as long that
    /// names 16 times the unknown columns on one line. A ratio with a generous margin (64; caches
    /// and a busy machine favour the small case), never an absolute time; a quadratic check
    /// fails every attempt.
    #[test]
    fn checking_is_linear_in_the_problems() {
        use std::time::Duration;

        fn unknown_types(n: usize) -> String {
            let mut s = String::from(
                "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\nid = { type = \"integer\", primary_key = true }\n",
            );
            for i in 0..n {
                s.push_str(&format!("c{i} = {{ type = \"nosuch{i}\" }}\n"));
            }
            s
        }
        fn long_where(n: usize) -> String {
            let w: Vec<String> = (0..n).map(|i| format!("x{i} > 0")).collect();
            format!(
                "[tables.t]\nmodel = \"T\"\n[tables.t.columns]\nid = {{ type = \"integer\", primary_key = true }}\n[[tables.t.indexes]]\ncolumns = [\"id\"]\nwhere = \"{}\"\n",
                w.join(" AND ")
            )
        }
        /// The CPU time of one check: other work on the machine does not stretch it.
        fn check(text: &str) -> Duration {
            crate::test_clock::cpu_time(|| {
                let diags = crate::schema::load_str("s.toml", text)
                    .err()
                    .unwrap_or_default();
                let rendered: usize = diags.iter().map(|d| d.render(false).len()).sum();
                assert!(rendered > 0);
            })
        }
        for make in [unknown_types as fn(usize) -> String, long_where] {
            let (small, big) = (make(150), make(16 * 150));
            let ratios: Vec<f64> = (0..3)
                .map(|_| {
                    let mut best = (Duration::MAX, Duration::MAX);
                    for _ in 0..3 {
                        best.0 = best.0.min(check(&small));
                        best.1 = best.1.min(check(&big));
                    }
                    best.1.as_secs_f64() / best.0.as_secs_f64().max(1e-6)
                })
                .take_while(|ratio| *ratio >= 64.0)
                .collect();
            assert!(
                ratios.len() < 3,
                "16x the problems took {ratios:.0?}x the time"
            );
        }
    }

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
