//! `migrate.sum`: the integrity manifest of a migration directory.
//!
//! # Format (version `h1`)
//!
//! ```text
//! h1:<header sum>
//! 20240101120000_create_pets.sql h1:<chained sum 1>
//! 20240102083000_add_cats.sql h1:<chained sum 2>
//! schema.snapshot.toml h1:<chained sum 3>
//! ```
//!
//! - Every sum is SHA-256, as 64 lower-case hex digits; `h1:` names this scheme, so a later scheme
//!   can be told apart.
//! - One line per migration file, in version order, as `<file name> h1:<chained sum>`. When the
//!   directory has a schema snapshot, it is the last line, under its file name
//!   (`schema.snapshot.toml`), chained like a migration.
//! - The chained sum of line `i` is
//!   `sha256("<chained sum of line i-1>\n<file name>\n<file checksum>\n")`, where the chained sum
//!   before the first line is the empty string and the file checksum is
//!   `checksum::file_checksum` (BOM- and CRLF-insensitive). Editing,
//!   inserting, deleting or reordering any file therefore changes its line and every later line,
//!   and two branches that each add a migration change the same last lines: git reports a
//!   conflict instead of merging them silently.
//! - The header sum is `sha256` of every line below the header, each written as
//!   `<file name> h1:<chained sum>\n`. It catches a manifest edited by hand.
//! - Lines end in LF. When reading, a CR before the LF and blank lines are ignored, so a checkout
//!   that converts line endings does not break the manifest.
//!
//! The format is stable: the same files always give the same bytes, and a change to it is a new
//! scheme name, never a silent change of `h1`.

use super::checksum::{is_checksum, sha256_hex};

/// The manifest's file name inside the migration directory.
pub const MANIFEST_FILE: &str = "migrate.sum";

/// The scheme prefix of every sum in the manifest.
pub const SCHEME: &str = "h1:";

/// One line of the manifest: a file and its chained sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The migration's file name.
    pub name: String,
    /// The chained sum (hex, without `h1:`).
    pub chained: String,
}

/// The lines of a manifest, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// One line per migration file, in version order.
    pub entries: Vec<Entry>,
}

/// A manifest as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The lines read.
    pub manifest: Manifest,
    /// The header sum as written in the file.
    pub header: String,
    /// Whether the header sum matches the lines below it.
    pub header_ok: bool,
}

/// Why a manifest could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Git conflict markers: two branches changed the manifest.
    Conflict {
        /// The 1-based line of the first marker.
        line: usize,
    },
    /// A line that is not in the manifest's format.
    Syntax {
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

impl ParseError {
    /// The 1-based line the problem is on.
    pub fn line(&self) -> usize {
        match self {
            ParseError::Conflict { line } | ParseError::Syntax { line, .. } => *line,
        }
    }
}

/// The chained sum of a line: `sha256("<prev>\n<name>\n<file checksum>\n")`.
pub fn chain(prev: &str, name: &str, file_checksum: &str) -> String {
    sha256_hex(format!("{prev}\n{name}\n{file_checksum}\n").as_bytes())
}

impl Manifest {
    /// The manifest of these files, in this order: `(file name, file checksum)`.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Manifest {
        let mut prev = String::new();
        let mut entries = Vec::new();
        for (name, sum) in files {
            let chained = chain(&prev, name, sum);
            prev.clone_from(&chained);
            entries.push(Entry {
                name: name.to_string(),
                chained,
            });
        }
        Manifest { entries }
    }

    /// The lines below the header, each ending in LF.
    fn body(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&e.name);
            out.push(' ');
            out.push_str(SCHEME);
            out.push_str(&e.chained);
            out.push('\n');
        }
        out
    }

    /// The header sum of these lines.
    pub fn header(&self) -> String {
        sha256_hex(self.body().as_bytes())
    }

    /// The file's bytes.
    pub fn render(&self) -> String {
        let body = self.body();
        format!("{SCHEME}{}\n{body}", sha256_hex(body.as_bytes()))
    }

    /// Reads a manifest. A wrong header sum is not an error: it is reported in [`Parsed::header_ok`].
    pub fn parse(text: &str) -> Result<Parsed, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(i, l)| (i + 1, l));
        for (line, l) in lines.clone() {
            if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
                .iter()
                .any(|m| l.starts_with(m))
            {
                return Err(ParseError::Conflict { line });
            }
        }

        let header = loop {
            match lines.next() {
                Some((_, "")) => continue,
                Some((line, l)) => match l.trim().strip_prefix(SCHEME) {
                    Some(sum) if is_checksum(sum) && !l.contains(char::is_whitespace) => {
                        break sum.to_string();
                    }
                    _ => {
                        return Err(ParseError::Syntax {
                            line,
                            reason: format!(
                                "the first line must be `{SCHEME}<sum of the lines below>`"
                            ),
                        });
                    }
                },
                None => {
                    return Err(ParseError::Syntax {
                        line: 1,
                        reason: format!(
                            "the file is empty; it must start with `{SCHEME}<sum of the lines below>`"
                        ),
                    });
                }
            }
        };

        let mut manifest = Manifest::default();
        let mut names = std::collections::HashSet::new();
        for (line, l) in lines {
            if l.trim().is_empty() {
                continue;
            }
            let mut parts = l.split(' ');
            let (Some(name), Some(sum), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(ParseError::Syntax {
                    line,
                    reason: format!("expected `<file name> {SCHEME}<sum>`, found `{l}`"),
                });
            };
            let Some(chained) = sum.strip_prefix(SCHEME).filter(|s| is_checksum(s)) else {
                return Err(ParseError::Syntax {
                    line,
                    reason: format!(
                        "`{sum}` is not a sum: expected `{SCHEME}` and 64 lower-case hex digits"
                    ),
                });
            };
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(ParseError::Syntax {
                    line,
                    reason: format!("expected `<file name> {SCHEME}<sum>`, found `{l}`"),
                });
            }
            if !names.insert(name) {
                return Err(ParseError::Syntax {
                    line,
                    reason: format!("`{name}` is listed twice"),
                });
            }
            manifest.entries.push(Entry {
                name: name.to_string(),
                chained: chained.to_string(),
            });
        }
        let header_ok = manifest.header() == header;
        Ok(Parsed {
            manifest,
            header,
            header_ok,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::checksum::file_checksum;

    fn sample(files: &[(&str, &str)]) -> Manifest {
        let sums: Vec<(String, String)> = files
            .iter()
            .map(|(n, c)| (n.to_string(), file_checksum(c.as_bytes())))
            .collect();
        Manifest::from_files(sums.iter().map(|(n, s)| (n.as_str(), s.as_str())))
    }

    const FILES: &[(&str, &str)] = &[
        ("20240101000000_a.sql", "CREATE TABLE a ();\n"),
        ("20240102000000_b.sql", "CREATE TABLE b ();\n"),
        ("20240103000000_c.sql", "CREATE TABLE c ();\n"),
        ("20240104000000_d.sql", "CREATE TABLE d ();\n"),
    ];

    #[test]
    fn exact_format() {
        let m = sample(&FILES[..1]);
        let sum = file_checksum(b"CREATE TABLE a ();\n");
        let chained = sha256_hex(format!("\n20240101000000_a.sql\n{sum}\n").as_bytes());
        let body = format!("20240101000000_a.sql h1:{chained}\n");
        let expected = format!("h1:{}\n{body}", sha256_hex(body.as_bytes()));
        assert_eq!(m.render(), expected);
        // No files: the header alone, the sum of nothing.
        assert_eq!(
            Manifest::default().render(),
            "h1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        );
    }

    #[test]
    fn render_parse_round_trip_and_stability() {
        let m = sample(FILES);
        let text = m.render();
        let parsed = Manifest::parse(&text).expect("parses");
        assert!(parsed.header_ok);
        assert_eq!(parsed.manifest, m);
        assert_eq!(parsed.manifest.render(), text);
        assert_eq!(
            sample(FILES).render(),
            text,
            "the same files give the same bytes"
        );
        // CRLF line endings and blank lines from a checkout are tolerated.
        let crlf = text.replace('\n', "\r\n") + "\r\n";
        let parsed = Manifest::parse(&crlf).expect("parses");
        assert!(parsed.header_ok);
        assert_eq!(parsed.manifest, m);
    }

    /// Which lines of the manifest differ from the original one's.
    fn changed_lines(a: &Manifest, b: &Manifest) -> Vec<usize> {
        (0..a.entries.len().max(b.entries.len()))
            .filter(|&i| a.entries.get(i) != b.entries.get(i))
            .collect()
    }

    #[test]
    fn any_change_changes_that_line_and_every_later_one() {
        let base = sample(FILES);
        // Edit the second file.
        let mut edited = FILES.to_vec();
        edited[1].1 = "CREATE TABLE b (x int);\n";
        assert_eq!(changed_lines(&base, &sample(&edited)), [1, 2, 3]);
        // Delete it.
        let mut deleted = FILES.to_vec();
        deleted.remove(1);
        assert_eq!(changed_lines(&base, &sample(&deleted)), [1, 2, 3]);
        // Insert one before the third.
        let mut inserted = FILES.to_vec();
        inserted.insert(2, ("20240102120000_x.sql", "SELECT 1;\n"));
        assert_eq!(changed_lines(&base, &sample(&inserted)), [2, 3, 4]);
        // Swap the last two.
        let mut swapped = FILES.to_vec();
        swapped.swap(2, 3);
        assert_eq!(changed_lines(&base, &sample(&swapped)), [2, 3]);
        // Rename one.
        let mut renamed = FILES.to_vec();
        renamed[0].0 = "20240101000000_aa.sql";
        assert_eq!(changed_lines(&base, &sample(&renamed)), [0, 1, 2, 3]);
        // Two branches that each add a migration change the same (last) line.
        let mut ours = FILES.to_vec();
        ours.push(("20240105000000_ours.sql", "SELECT 1;\n"));
        let mut theirs = FILES.to_vec();
        theirs.push(("20240105000001_theirs.sql", "SELECT 2;\n"));
        assert_ne!(
            sample(&ours).render().lines().next(),
            sample(&theirs).render().lines().next()
        );
    }

    #[test]
    fn hand_edits_break_the_header() {
        let text = sample(FILES).render();
        let other = sample(&FILES[..3]).entries[2].chained.clone();
        let tampered = text.replacen(&sample(FILES).entries[3].chained, &other, 1);
        let parsed = Manifest::parse(&tampered).expect("still parses");
        assert!(!parsed.header_ok);
        // Deleting a line by hand, too.
        let mut lines: Vec<&str> = text.lines().collect();
        lines.remove(2);
        let parsed = Manifest::parse(&(lines.join("\n") + "\n")).expect("still parses");
        assert!(!parsed.header_ok);
    }

    #[test]
    fn malformed_manifests() {
        let ok = sample(FILES).render();
        let err = |t: &str| Manifest::parse(t).expect_err(t);
        assert_eq!(err("").line(), 1);
        assert_eq!(err("sha256:abc\n").line(), 1);
        assert_eq!(err("h1:xyz\n").line(), 1);
        assert!(matches!(
            err(&ok.replacen(".sql h1:", ".sql h2:", 1)),
            ParseError::Syntax { line: 2, .. }
        ));
        assert!(matches!(
            err(&ok.replacen(".sql h1:", ".sql  h1:", 1)),
            ParseError::Syntax { line: 2, .. }
        ));
        assert!(matches!(
            err(&format!("{ok}extra\n")),
            ParseError::Syntax { line: 6, .. }
        ));
        let dup = format!("{ok}{}\n", ok.lines().nth(1).unwrap_or_default());
        assert!(
            matches!(err(&dup), ParseError::Syntax { line: 6, reason } if reason.contains("twice"))
        );
        let conflict = format!("{ok}<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> branch\n");
        assert_eq!(err(&conflict), ParseError::Conflict { line: 6 });
    }
}
