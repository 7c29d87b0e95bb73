//! What `schema!()` adds to an incremental build, for a 500-table schema.
//!
//! Run: `cargo bench -p migrate-macros --bench schema_build` (MIGRATE_BENCH_TABLES sets the table
//! count, MIGRATE_BENCH_RUNS the repetitions; medians are reported).
//!
//! It writes three binary crates under `target/tmp/schema-bench/`. `with`
//! expands `migrate_macros::schema!()` over a generated schema of N tables (8 columns each: an
//! identity key, text, a nullable text, an enum, a timestamptz with a default, a nullable
//! integer, a boolean, a foreign key to the previous table; comments on every table and column)
//! whose migrations were generated with `migrate_core::generate`, so the macro also loads the
//! snapshot and diffs against it, as in a real crate; `without` does not. A third, `models`, has
//! `schema!()` in its library and a `main.rs` that uses it: the layout where the models live in a
//! crate of their own. After a first build, each run appends a comment to `src/main.rs` and times
//! `cargo build` of each crate (dev profile, incremental). The differences of the medians are what
//! the macro costs an edit-compile cycle: in the edited crate, reading and checking the schema,
//! generating the items and compiling them again; from a library, only what linking it costs.
//!
//! It also times, in this process, the macro's own work without the compiler: loading the schema
//! and the snapshot and planning the diff (the same calls `schema!` makes).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use migrate_core::config::Dialect;
use migrate_core::generate::{generate_at, plan};
use migrate_core::migration::{MigrationDir, Version};
use migrate_core::schema;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn schema_toml(tables: usize) -> String {
    let mut s = String::from(
        "[enums.kind]\nvalues = [\"SMALL\", \"MEDIUM\", \"LARGE\"]\ncomment = \"How big a thing is.\"\n\n",
    );
    for i in 0..tables {
        let parent = if i == 0 {
            "parent_id  = { type = \"bigint\", nullable = true, comment = \"No parent.\" }"
                .to_string()
        } else {
            format!(
                "parent_id  = {{ type = \"bigint\", nullable = true, references = \"t{:04}.id\", comment = \"The parent.\" }}",
                i - 1
            )
        };
        s.push_str(&format!(
            "[tables.t{i:04}]\nmodel = \"T{i:04}\"\ncomment = \"Table number {i}.\"\n\n\
             [tables.t{i:04}.columns]\n\
             id         = {{ type = \"bigint\", identity = true, primary_key = true, comment = \"The key.\" }}\n\
             name       = {{ type = \"text\", comment = \"A name.\" }}\n\
             note       = {{ type = \"text\", nullable = true, comment = \"A note.\" }}\n\
             kind       = {{ type = \"kind\", default = \"'SMALL'\", comment = \"The size.\" }}\n\
             created_at = {{ type = \"timestamptz\", default = \"CURRENT_TIMESTAMP\", comment = \"When.\" }}\n\
             score      = {{ type = \"integer\", nullable = true, comment = \"A score.\" }}\n\
             active     = {{ type = \"boolean\", default = true, comment = \"Whether it counts.\" }}\n\
             {parent}\n\n"
        ));
    }
    s
}

fn manifest(name: &str, ws: &Path) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\n\
         migrate-core = {{ path = \"{core}\", default-features = false }}\n\
         migrate-macros = {{ path = \"{macros}\" }}\n\
         sqlx = {{ version = \"0.8\", default-features = false, features = [\"derive\", \"sqlite\", \"chrono\"] }}\n\n\
         [profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
        core = ws.join("migrate-core").display(),
        macros = ws.join("migrate-macros").display(),
    )
}

const WITH: &str = "migrate_macros::schema!();\n\nfn main() {\n    println!(\"{}\", <T0000 as migrate_core::Table>::TABLE_NAME);\n}\n";
const MODELS_LIB: &str = "migrate_macros::schema!();\n";
const MODELS_MAIN: &str = "fn main() {\n    println!(\"{}\", <schema_bench_models::T0000 as migrate_core::Table>::TABLE_NAME);\n}\n";
const WITHOUT: &str = "fn main() {\n    println!(\"{}\", \"t0000\");\n}\n";

fn write_crate(dir: &Path, name: &str, main: &str, ws: &Path, schema: &str) {
    if dir.exists() {
        fs::remove_dir_all(dir).expect("remove the old crate");
    }
    fs::create_dir_all(dir.join("src")).expect("create the crate");
    fs::create_dir_all(dir.join("schema")).expect("create schema/");
    fs::write(dir.join("Cargo.toml"), manifest(name, ws)).expect("write Cargo.toml");
    fs::copy(ws.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    fs::write(dir.join("src/main.rs"), main).expect("write main.rs");
    fs::write(
        dir.join("migrate.toml"),
        "dialect = \"sqlite\"\nschema = \"schema\"\nmigrations = \"migrations\"\n",
    )
    .expect("write migrate.toml");
    fs::write(dir.join("schema/schema.toml"), schema).expect("write the schema");
    let version = Version::parse("20240101120000").expect("a version");
    generate_at(
        Dialect::Sqlite,
        &dir.join("schema"),
        &dir.join("migrations"),
        None,
        version,
    )
    .expect("generate the migrations");
}

fn build(dir: &Path, ws: &Path) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let out = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", ws.join("target"))
        .env("CARGO_INCREMENTAL", "1")
        .env_remove("MIGRATE_MANIFEST_DIR")
        .output()
        .expect("cargo runs");
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{} does not build:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn touch(dir: &Path, i: usize) {
    let main = dir.join("src/main.rs");
    let mut text = fs::read_to_string(&main).expect("main.rs");
    text.push_str(&format!("// edit {i}\n"));
    fs::write(&main, text).expect("write main.rs");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let tables = env_usize("MIGRATE_BENCH_TABLES", 500);
    let runs = env_usize("MIGRATE_BENCH_RUNS", 5).max(1);
    let ws: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace");
    let root = ws.join("target/tmp/schema-bench");
    let schema = schema_toml(tables);
    let with = root.join("with");
    let without = root.join("without");
    write_crate(&with, "schema-bench-with", WITH, &ws, &schema);
    write_crate(&without, "schema-bench-without", WITHOUT, &ws, &schema);
    let models = root.join("models");
    write_crate(&models, "schema-bench-models", MODELS_MAIN, &ws, &schema);
    fs::write(models.join("src/lib.rs"), MODELS_LIB).expect("write lib.rs");

    // The macro's work outside the compiler: the schema, the snapshot, the diff.
    let mut load = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let declared = schema::load(&with.join("schema")).expect("the schema loads");
        let current = MigrationDir::open(with.join("migrations"))
            .and_then(|d| d.snapshot())
            .expect("the snapshot loads");
        let p = plan(Dialect::Sqlite, &current, &declared, None);
        assert!(p.diff.is_empty());
        load.push(start.elapsed());
    }

    eprintln!("first builds (dependencies, then both crates)...");
    let first_with = build(&with, &ws);
    let first_without = build(&without, &ws);
    build(&models, &ws);
    let (mut w, mut wo, mut m) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        touch(&with, i);
        w.push(build(&with, &ws));
        touch(&without, i);
        wo.push(build(&without, &ws));
        touch(&models, i);
        m.push(build(&models, &ws));
    }
    let (mw, mwo, mm) = (median(w.clone()), median(wo.clone()), median(m.clone()));
    println!("schema: {tables} tables, {} columns", tables * 8);
    println!(
        "first build: with schema! {:.2} s, without {:.2} s",
        first_with.as_secs_f64(),
        first_without.as_secs_f64()
    );
    println!("incremental build after an edit of main.rs, median of {runs}:");
    println!(
        "  without schema!:                 {:.3} s  {wo:.3?}",
        mwo.as_secs_f64()
    );
    println!(
        "  schema! in the edited crate:     {:.3} s  {w:.3?}",
        mw.as_secs_f64()
    );
    println!(
        "  schema! in a library it uses:    {:.3} s  {m:.3?}",
        mm.as_secs_f64()
    );
    println!(
        "schema! adds: {:.3} s in the edited crate, {:.3} s from a library crate",
        mw.as_secs_f64() - mwo.as_secs_f64(),
        mm.as_secs_f64() - mwo.as_secs_f64()
    );
    println!(
        "load + snapshot + diff alone (in process, median): {:.3} s",
        median(load).as_secs_f64()
    );
}
