//! The round-trip corpus of `tests/corpus/pg`: real PostgreSQL schemas and minimal cases, each
//! taken the way a team adopts an existing database with `migrate`, stage by stage:
//!
//! 1. `load`: the entry's SQL into a fresh database (`psql -f`), the *source*;
//! 2. `pull`: the source read into the schema model (what `migrate pull` does);
//! 3. `check`: the pulled TOML, written to a file, loaded and validated (`migrate check`), and
//!    equal to what was read;
//! 4. `generate`: the first migration from that file into an empty migration directory
//!    (`migrate generate`);
//! 5. `apply`: that directory applied by the runner to a second fresh database, the *copy*
//!    (`migrate up`);
//! 6. `catalog`: `pg_dump --schema-only` of both databases, normalized (comments, settings,
//!    ownership, statement order and whitespace dropped), must be identical;
//! 7. `diff`: `migrate diff --exit-code` from the pulled schema must find nothing against the
//!    copy nor against the source.
//!
//! An entry *reaches* the first stage that fails, or `ok`. Most entries fail today, so this is a
//! ratchet, not a gate: `tests/corpus/pg/EXPECTED.toml` records the stage each entry reaches, and
//! the test fails when an entry does worse, and also when it does better (so that the better
//! result is recorded and kept). It prints a table of every entry (with `--nocapture`) and writes
//! it, with each entry's pulled schema, migrations and catalog differences, under
//! `target/tmp/corpus/`.
//!
//! - `MIGRATE_CORPUS_BLESS=1`: write the stages reached into `EXPECTED.toml` instead of failing.
//! - `MIGRATE_CORPUS_ALL=1`: also run the entries marked `slow = true`.
//! - `MIGRATE_CORPUS_ONLY=pagila,cases/silent_`: only the entries whose name contains one of these.
//! - `MIGRATE_CORPUS_VERBOSE=1`: print every entry's notes and differences as it runs.
//!
//! A case may also be a schema file, `cases/<name>.toml`, for what people write by hand: it is
//! checked, generated and applied to a fresh database, and `diff` must then find nothing (stages
//! `check`, `generate`, `apply`, `diff`).
//!
//! A case may hold a line `-- corpus: expect-message TEXT` (`# corpus: …` in TOML): while the
//! entry fails, its error must contain TEXT (a hint PostgreSQL gives, every object named at once);
//! the ratchet records whether it does. A line `-- corpus: expect-note TEXT`: a note of `pull`
//! must contain TEXT (what the language cannot represent is said, never lost silently); the
//! ratchet records whether one does (`note = true`).

mod catalog;
mod entries;
mod expected;
mod stages;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use migrate_core::schema::print::to_toml;
use migrate_tests::pg::TestDb;

use catalog::compare_catalogs;
use entries::{Entry, entries};
use expected::{Expected, Stage, compare, expected_path, read_expected, write_expected};
use stages::{apply, check, count_tables, diff_against, generate, load, pull, same_as_read};

/// The corpus: `tests/corpus/pg`.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/pg")
}

// ---------------------------------------------------------------------------------------------
// One round trip

/// What happened to one entry.
#[derive(Debug, Clone)]
struct Outcome {
    reached: Stage,
    /// Why `reached` failed; empty for `Ok`.
    error: String,
    /// Tables and partitions of the source database.
    tables: i64,
    /// How many notes `pull` gave.
    notes: usize,
    /// When the catalogs differ: what `diff` then says (often nothing: the loss is silent).
    diff_after: Option<String>,
    /// With an expected message: whether the error holds it.
    message: Option<bool>,
    /// With an expected note: whether a note of `pull` holds it.
    note: Option<bool>,
}

/// Everything the stages of one entry share.
struct Trip<'a> {
    entry: &'a Entry,
    /// Where the pulled schema, the migrations and the dumps of this entry are written.
    work: PathBuf,
    verbose: bool,
    /// The stage in progress, for a panic.
    stage: &'a Mutex<Stage>,
}

impl Trip<'_> {
    fn enter(&self, stage: Stage) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = stage;
    }

    fn say(&self, what: &str) {
        if self.verbose {
            println!("[{}] {what}", self.entry.name);
        }
    }
}

/// A database adopted: load, pull, check, generate, apply, catalog, diff.
async fn adopt(trip: &Trip<'_>, outcome: &mut Outcome) -> Result<(), (Stage, String)> {
    let at = |stage: Stage| move |e: String| (stage, e);

    trip.enter(Stage::Load);
    let source = TestDb::new().await;
    load(&source.url, &trip.entry.file).map_err(at(Stage::Load))?;
    outcome.tables = count_tables(&source.url).await.map_err(at(Stage::Load))?;

    trip.enter(Stage::Pull);
    let pulled = pull(&source.url).await.map_err(at(Stage::Pull))?;
    outcome.notes = pulled.notes.len();
    if let Some(want) = &trip.entry.expect_note {
        outcome.note = Some(pulled.notes.iter().any(|n| n.contains(want.as_str())));
    }
    for n in &pulled.notes {
        trip.say(&format!("note: {n}"));
    }

    trip.enter(Stage::Check);
    let schema_path = trip.work.join("schema.toml");
    std::fs::write(&schema_path, to_toml(&pulled.schema))
        .map_err(|e| (Stage::Check, e.to_string()))?;
    let declared = check(&schema_path).map_err(at(Stage::Check))?;
    same_as_read(&pulled.schema, &declared).map_err(at(Stage::Check))?;

    trip.enter(Stage::Generate);
    let migrations = trip.work.join("migrations");
    generate(&schema_path, &migrations).map_err(at(Stage::Generate))?;

    trip.enter(Stage::Apply);
    let copy = TestDb::new().await;
    apply(&copy.url, &migrations)
        .await
        .map_err(at(Stage::Apply))?;

    trip.enter(Stage::Catalog);
    let catalog = compare_catalogs(&source.url, &copy.url, &trip.work);

    trip.enter(Stage::Diff);
    let mut differs = Vec::new();
    for (which, url) in [("the copy", &copy.url), ("the source", &source.url)] {
        if let Err(e) = diff_against(url, &declared).await {
            trip.say(&format!("diff against {which}: {e}"));
            differs.push(format!("against {which}: {e}"));
        }
    }
    let diff = if differs.is_empty() {
        Ok(())
    } else {
        Err(differs.join("; "))
    };

    let _ = copy.close().await;
    let _ = source.close().await;
    if let Err(e) = catalog {
        outcome.diff_after = Some(match &diff {
            Ok(()) => "no changes".to_string(),
            Err(d) => d.clone(),
        });
        return Err((Stage::Catalog, e));
    }
    diff.map_err(at(Stage::Diff))
}

/// A schema written by hand: check, generate, apply, diff.
async fn declare(trip: &Trip<'_>, outcome: &mut Outcome) -> Result<(), (Stage, String)> {
    let at = |stage: Stage| move |e: String| (stage, e);

    trip.enter(Stage::Check);
    let schema_path = trip.work.join("schema.toml");
    std::fs::copy(&trip.entry.file, &schema_path).map_err(|e| (Stage::Check, e.to_string()))?;
    let declared = check(&schema_path).map_err(at(Stage::Check))?;
    outcome.tables = declared.tables.len() as i64;

    trip.enter(Stage::Generate);
    let migrations = trip.work.join("migrations");
    generate(&schema_path, &migrations).map_err(at(Stage::Generate))?;

    trip.enter(Stage::Apply);
    let db = TestDb::new().await;
    apply(&db.url, &migrations)
        .await
        .map_err(at(Stage::Apply))?;

    trip.enter(Stage::Diff);
    let diff = diff_against(&db.url, &declared).await;
    let _ = db.close().await;
    diff.map_err(at(Stage::Diff))
}

/// Runs one entry to its outcome; a panic in the code under test is the failure of its stage.
fn run_entry(rt: &tokio::runtime::Runtime, entry: &Entry, verbose: bool) -> Outcome {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus")
        .join(entry.name.replace('/', "__"));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{}: {e}", work.display()));
    let stage = Mutex::new(Stage::Load);
    let trip = Trip {
        entry,
        work,
        verbose,
        stage: &stage,
    };
    let mut outcome = Outcome {
        reached: Stage::Ok,
        error: String::new(),
        tables: 0,
        notes: 0,
        diff_after: None,
        message: None,
        note: None,
    };
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        if entry.is_declared() {
            rt.block_on(declare(&trip, &mut outcome))
        } else {
            rt.block_on(adopt(&trip, &mut outcome))
        }
    }));
    let failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(failure)) => Some(failure),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            let stage = *stage.lock().unwrap_or_else(|e| e.into_inner());
            Some((stage, format!("panicked: {what}")))
        }
    };
    if let Some((stage, error)) = failure {
        outcome.reached = stage;
        outcome.message = entry.expect_message.as_ref().map(|m| error.contains(m));
        outcome.error = error;
    }
    outcome
}

// ---------------------------------------------------------------------------------------------
// The report

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    format!("{cut}…")
}

fn table(results: &[(Entry, Outcome)]) -> String {
    let cell = |s: &str| shorten(s, 220).replace('|', "\\|");
    let mut out = String::from(
        "| entry | tables | reaches | pull notes | first error | diff after a catalog difference |\n\
         |---|---:|---|---:|---|---|\n",
    );
    for (e, o) in results {
        let mut error = cell(&o.error);
        if let (Some(false), Some(m)) = (o.message, &e.expect_message) {
            let _ = write!(error, " **(lacks `{m}`)**");
        }
        if let (Some(false), Some(m)) = (o.note, &e.expect_note) {
            let _ = write!(error, " **(no note holds `{m}`)**");
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            e.name,
            o.tables,
            o.reached.name(),
            o.notes,
            error,
            o.diff_after.as_deref().map(cell).unwrap_or_default()
        );
    }
    let ok = results
        .iter()
        .filter(|(_, o)| o.reached == Stage::Ok)
        .count();
    let mut by_stage: BTreeMap<Stage, usize> = BTreeMap::new();
    for (_, o) in results {
        *by_stage.entry(o.reached).or_default() += 1;
    }
    let stages: Vec<String> = by_stage
        .iter()
        .map(|(s, n)| format!("{} {n}", s.name()))
        .collect();
    let _ = write!(
        out,
        "\n{ok} of {} entries round-trip; reached: {}.\n",
        results.len(),
        stages.join(", ")
    );
    out
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn corpus_round_trips_no_worse_than_expected() {
    let bless = flag("MIGRATE_CORPUS_BLESS");
    let all = flag("MIGRATE_CORPUS_ALL");
    let verbose = flag("MIGRATE_CORPUS_VERBOSE");
    let only: Vec<String> = std::env::var("MIGRATE_CORPUS_ONLY")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let mut expected = read_expected();
    let entries = entries();
    assert!(
        entries.len() >= 20,
        "the corpus at {} has only {} entries",
        corpus_dir().display(),
        entries.len()
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    for entry in &entries {
        let slow = expected.get(&entry.name).is_some_and(|e| e.slow);
        let chosen = only.is_empty() || only.iter().any(|o| entry.name.contains(o.as_str()));
        if !chosen || (slow && !all) {
            if chosen {
                skipped.push(entry.name.clone());
            }
            continue;
        }
        let started = std::time::Instant::now();
        let outcome = run_entry(&rt, entry, verbose);
        if verbose {
            println!(
                "[{}] reaches {} in {:.1} s: {}",
                entry.name,
                outcome.reached.name(),
                started.elapsed().as_secs_f64(),
                outcome.error
            );
        }
        results.push((entry.clone(), outcome));
    }

    let report = table(&results);
    println!("{report}");
    if !skipped.is_empty() {
        println!(
            "slow entries not run (MIGRATE_CORPUS_ALL=1 runs them): {}",
            skipped.join(", ")
        );
    }
    let report_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus/report.md");
    let _ = std::fs::write(&report_path, &report);

    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let stale: Vec<String> = expected
        .keys()
        .filter(|k| !names.contains(&k.as_str()))
        .cloned()
        .collect();
    if bless {
        for k in &stale {
            expected.remove(k);
        }
        for (e, o) in &results {
            let slow = expected.get(&e.name).is_some_and(|x| x.slow);
            expected.insert(
                e.name.clone(),
                Expected {
                    reaches: o.reached,
                    message: o.message,
                    note: o.note,
                    slow,
                },
            );
        }
        write_expected(&expected);
        println!("wrote {}", expected_path().display());
        return;
    }

    let mut problems = Vec::new();
    for k in &stale {
        problems.push(format!("{k}: in EXPECTED.toml but not in the corpus"));
    }
    for (e, o) in &results {
        let Some(x) = expected.get(&e.name) else {
            problems.push(format!(
                "{}: new entry, reaches {}: record it",
                e.name,
                o.reached.name()
            ));
            continue;
        };
        let message = |m: Option<bool>, n: Option<bool>| {
            let m = match m {
                Some(true) => " (with the expected message)",
                Some(false) => " (without the expected message)",
                None => "",
            };
            let n = match n {
                Some(true) => " (with the expected note)",
                Some(false) => " (without the expected note)",
                None => "",
            };
            format!("{m}{n}")
        };
        match compare(o, x) {
            std::cmp::Ordering::Less => problems.push(format!(
                "{}: WORSE: reaches {}{} but {}{} was expected: {}",
                e.name,
                o.reached.name(),
                message(o.message, o.note),
                x.reaches.name(),
                message(x.message, x.note),
                o.error
            )),
            std::cmp::Ordering::Greater => problems.push(format!(
                "{}: better: reaches {}{} where {}{} was expected: record it",
                e.name,
                o.reached.name(),
                message(o.message, o.note),
                x.reaches.name(),
                message(x.message, x.note)
            )),
            std::cmp::Ordering::Equal => {}
        }
    }
    assert!(
        problems.is_empty(),
        "the corpus does not reach the stages in {}:\n{}\n\n\
         A worse entry is a regression to fix. A better one is progress: record it with\n  \
         MIGRATE_CORPUS_BLESS=1 cargo test -p migrate-tests --test corpus\n\
         and commit EXPECTED.toml (and the results in tests/corpus/pg/README.md).\n\n{report}",
        expected_path().display(),
        problems.join("\n")
    );
}
