//! Snapshots of the expansions of a representative schema: the macros' inner functions, run on
//! `tests/expand/`, pretty-printed and compared with `tests/expand/*.expanded.rs`.
//!
//! After an intended change to the generated code, rewrite them and review the diff:
//!
//! ```text
//! UPDATE_EXPANSIONS=1 cargo test -p migrate-macros --lib expand
//! git diff migrate-macros/tests/expand
//! ```
//!
//! That the expansions compile (against sqlx with both dialects and every column type) is the
//! compile-fail suite's `all_types` case.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::input::Env;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env() -> Env {
    Env {
        manifest_dir: Some(crate_dir()),
    }
}

/// Pretty-prints `tokens` as a file, with this crate's directory shown as `$CRATE`.
fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens.clone()) {
        Ok(f) => f,
        Err(e) => panic!("the expansion is not a Rust file: {e}\n{tokens}"),
    };
    prettyplease::unparse(&file).replace(&crate_dir().display().to_string(), "$CRATE")
}

fn assert_expansion(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/expand")
        .join(format!("{name}.expanded.rs"));
    if std::env::var_os("UPDATE_EXPANSIONS").is_some() {
        std::fs::write(&path, actual).expect("write the expansion");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "the expansion differs from {} from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             (after an intended change: UPDATE_EXPANSIONS=1 cargo test -p migrate-macros --lib expand, then review git diff)",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}

#[test]
fn expand_schema() {
    let out = crate::schema_macro::expand(quote!("tests/expand/schema.toml"), &env());
    assert_expansion("schema", &pretty(out));
}

#[test]
fn expand_schema_for_one_dialect() {
    let out = crate::schema_macro::expand(
        quote!("tests/fixtures/removed_enum_value/acknowledged/migrate.toml"),
        &env(),
    );
    assert_expansion("schema_sqlite", &pretty(out));
}

#[test]
fn expand_derive_model() {
    let input = quote! {
        #[model(table = "pets", schema = "tests/expand/schema.toml")]
        struct PetSummary<'a> {
            id: ::sqlx::types::Uuid,
            #[model(column = "type")]
            kind: PetType,
            #[model(column = "Display Name")]
            display_name: Option<String>,
            #[model(skip)]
            note: &'a str,
        }
    };
    let out = crate::model::expand(input, &env());
    assert_expansion("model", &pretty(out));
}

#[test]
fn expand_embed_migrations() {
    let out = crate::embed::expand(quote!("tests/fixtures/derive/migrations"), &env());
    let wrapped = quote!(static MIGRATOR: ::migrate_core::Migrator = #out;);
    assert_expansion("embed", &pretty(wrapped));
}

/// A file's `-- migrate:lock-timeout` and `-- migrate:statement-timeout` are read at compile
/// time and embedded as constants, so the runner parses nothing again.
#[test]
fn embed_migrations_carries_the_timeouts_of_the_directives() {
    let root = std::env::temp_dir().join(format!("migrate-embed-timeouts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut dir =
        migrate_core::migration::MigrationDir::create(root.join("migrations")).expect("dir");
    let version = migrate_core::migration::Version::parse("20240101120000").expect("version");
    dir.add_at(
        "timeouts",
        "-- migrate:lock-timeout 2s\n-- migrate:statement-timeout 0\nSELECT 1;\n",
        version,
    )
    .expect("migration");
    let env = Env {
        manifest_dir: Some(root.clone()),
    };
    let text = crate::embed::expand(quote!("migrations"), &env)
        .to_string()
        .replace(' ', "");
    let _ = std::fs::remove_dir_all(&root);
    assert!(!text.contains("compile_error"), "{text}");
    assert!(
        text.contains(
            "lock_timeout:::core::option::Option::Some(::core::time::Duration::from_millis(2000u64))"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "statement_timeout:::core::option::Option::Some(::core::time::Duration::from_millis(0u64))"
        ),
        "{text}"
    );
}

/// Errors are compile errors, and what can still be generated is: no panic, no lost item.
#[test]
fn errors_come_with_the_items() {
    let out = crate::schema_macro::expand(quote!("tests/fixtures/dropped_column/refused"), &env());
    let text = out.to_string();
    assert!(text.contains("compile_error"), "{text}");
    assert!(text.contains("pub struct Pet"), "{text}");

    let out = crate::schema_macro::expand(quote!("tests/fixtures/toml_syntax/broken"), &env());
    let text = out.to_string();
    assert!(text.contains("schema.toml:8:40"), "{text}");
    assert!(
        text.contains("pub struct Pet"),
        "the snapshot's items stand in: {text}"
    );

    for bad in [
        quote!("/etc/migrate.toml"),
        quote!("no/such/dir"),
        quote!("x", dialect = "mysql"),
        quote!(42),
        quote!("tests/fixtures/derive", dialect = "sqlite"),
    ] {
        let text = crate::schema_macro::expand(bad.clone(), &env()).to_string();
        assert!(text.contains("compile_error"), "{bad}: {text}");
    }
    let text = crate::schema_macro::expand(quote!(), &Env { manifest_dir: None }).to_string();
    assert!(text.contains("CARGO_MANIFEST_DIR"), "{text}");
    let text =
        crate::embed::expand(quote!("tests/fixtures/edited_migration/edited"), &env()).to_string();
    assert!(text.contains("changed after it was recorded"), "{text}");
    assert!(
        text.contains("Migrator :: new (& [])"),
        "a dummy migrator: {text}"
    );
}

#[test]
fn derive_model_reports_every_problem_at_once() {
    let input = quote! {
        #[model(table = "pets", schema = "tests/expand/schema.toml", tabel = "x")]
        struct Bad {
            id: String,
            nme: String,
            #[model(colum = "x")]
            r#type: Option<PetType>,
            #[model(column = "name")]
            other_name: String,
            name: String,
        }
    };
    let text = crate::model::expand(input, &env()).to_string();
    for expected in [
        "unknown key `tabel`",
        "did you mean `table`?",
        "column `pets.id` is `uuid`: use `uuid::Uuid`",
        "table `pets` has no column `nme`",
        "unknown key `colum`",
        "column `pets.name` is already the field `other_name`",
        "impl :: migrate_core :: Table for Bad",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let text = crate::model::expand(
        quote!(
            enum E {
                A,
            }
        ),
        &env(),
    )
    .to_string();
    assert!(text.contains("needs a struct with named fields"), "{text}");
    assert!(text.contains("needs the table"), "{text}");
}

/// A snapshot that does not load is reported as everywhere else: the file, every problem in it,
/// and where a snapshot comes from.
#[test]
fn a_snapshot_that_does_not_load_says_so_and_how_to_fix_it() {
    let dir = std::env::temp_dir().join(format!("migrate-macros-snapshot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("migrations")).expect("create a scratch directory");
    let write = |path: &str, text: &str| std::fs::write(dir.join(path), text).expect("write");
    write(
        "migrate.toml",
        "dialect = \"sqlite\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n",
    );
    write(
        "schema.toml",
        "[tables.pets]\nmodel = \"Pet\"\n[tables.pets.columns]\nid = { type = \"uuid\", primary_key = true }\n",
    );
    write("migrations/schema.snapshot.toml", "[tables.pets]\n");
    migrate_core::migration::MigrationDir::open(dir.join("migrations"))
        .and_then(|mut d| d.rehash())
        .expect("record the snapshot");
    let env = Env {
        manifest_dir: Some(dir.clone()),
    };
    let text = crate::schema_macro::expand(quote!(), &env).to_string();
    assert!(
        text.contains("the schema snapshot `migrations/schema.snapshot.toml` does not load"),
        "{text}"
    );
    assert!(
        text.contains("migrations/schema.snapshot.toml:1:9: table `pets` has no `model`"),
        "{text}"
    );
    assert!(
        text.contains(
            "help: the snapshot is written by `migrate generate`; restore it from version control"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a fixture's migration directory in a fresh temporary directory.
fn scratch_migrations(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("migrate-macros-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    for entry in std::fs::read_dir(crate_dir().join("tests/fixtures/derive/migrations"))
        .expect("the fixture")
    {
        let path = entry.expect("an entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("a name"))).expect("copy");
    }
    dir
}

#[test]
fn embed_refuses_unlisted_and_deleted_migrations() {
    let env = |dir: &Path| Env {
        manifest_dir: Some(dir.to_path_buf()),
    };

    let dir = scratch_migrations("unlisted");
    std::fs::write(dir.join("20240102000000_add_owner.sql"), "SELECT 1;\n").expect("write");
    let text = crate::embed::expand(quote!("."), &env(&dir)).to_string();
    assert!(
        text.contains("20240102000000_add_owner.sql` is not listed in migrate.sum"),
        "{text}"
    );
    assert!(text.contains("run `migrate hash`"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);

    let dir = scratch_migrations("deleted");
    std::fs::remove_file(dir.join("20240101120000_create_pet_type_and_create_pets.sql"))
        .expect("remove");
    let text = crate::embed::expand(quote!("."), &env(&dir)).to_string();
    assert!(
        text.contains("20240101120000_create_pet_type_and_create_pets.sql` is listed in migrate.sum but does not exist"),
        "{text}"
    );

    let text = crate::embed::expand(quote!(), &env(&dir)).to_string();
    assert!(
        text.contains("no migration directory `migrations`"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn embed_refuses_what_the_runner_would_refuse() {
    let env = |dir: &Path| Env {
        manifest_dir: Some(dir.to_path_buf()),
    };
    let dir = scratch_migrations("refused");
    std::fs::write(
        dir.join("20240102000000_wrapped.sql"),
        "-- migrate:lock_timeout 5s\nBEGIN;\nSELECT 1;\nCOMMIT;\n",
    )
    .expect("write");
    migrate_core::migration::MigrationDir::open(&dir)
        .expect("open")
        .rehash()
        .expect("rehash");
    // Without a migrate.toml the dialect is unknown: the directive is still an error.
    let text = crate::embed::expand(quote!("."), &env(&dir)).to_string();
    assert!(text.contains("is not a directive"), "{text}");
    assert!(
        text.contains("did you mean `-- migrate:lock-timeout 5s`?"),
        "{text}"
    );
    assert!(!text.contains("controls the transaction"), "{text}");
    // With one, the statements the runner would refuse too.
    std::fs::write(
        dir.join("migrate.toml"),
        "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \".\"\n",
    )
    .expect("config");
    let text = crate::embed::expand(quote!(), &env(&dir)).to_string();
    assert!(text.contains("`BEGIN` controls the transaction"), "{text}");
    assert!(text.contains("20240102000000_wrapped.sql:2"), "{text}");
    assert!(text.contains("-- migrate:no-transaction"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A migration at or before `lint_baseline` holding what the runner refuses today compiles, with
/// a compiler warning per problem; after the baseline, it is still an error.
#[test]
fn embed_warns_about_released_migrations() {
    let env = |dir: &Path| Env {
        manifest_dir: Some(dir.to_path_buf()),
    };
    let dir = scratch_migrations("released");
    std::fs::write(
        dir.join("20240102000000_old.sql"),
        "-- migrate:lock_timeout 5s\nBEGIN;\nSELECT 1;\nCOMMIT;\n",
    )
    .expect("write");
    migrate_core::migration::MigrationDir::open(&dir)
        .expect("open")
        .rehash()
        .expect("rehash");
    let config = "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \".\"\n";
    std::fs::write(
        dir.join("migrate.toml"),
        format!("{config}lint_baseline = \"20240102000000\"\n"),
    )
    .expect("config");
    let text = crate::embed::expand(quote!(), &env(&dir)).to_string();
    assert!(!text.contains("compile_error"), "{text}");
    assert!(text.contains("deprecated"), "{text}");
    assert_eq!(
        text.matches("migrate_released_warning_").count(),
        6,
        "{text}"
    );
    assert!(
        text.contains("did you mean `-- migrate:lock-timeout 5s`?"),
        "{text}"
    );
    assert!(text.contains("`BEGIN` controls the transaction"), "{text}");
    std::fs::write(
        dir.join("migrate.toml"),
        format!("{config}lint_baseline = \"20240101000000\"\n"),
    )
    .expect("config");
    let text = crate::embed::expand(quote!(), &env(&dir)).to_string();
    assert!(text.contains("compile_error"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A snapshot that does not record the migrations as they are (a hand-written migration was
/// added after it): `schema!` and `embed_migrations!` use it and say so, in the words of
/// `build.rs`, with how to refresh it; a current snapshot says nothing.
#[test]
fn a_stale_snapshot_is_a_compiler_warning() {
    let warning = "migrate_stale_snapshot_0";
    let stale = crate::schema_macro::expand(quote!("tests/fixtures/stale_snapshot"), &env());
    let text = stale.to_string();
    assert!(!text.contains("compile_error"), "{text}");
    assert!(text.contains("deprecated"), "{text}");
    assert!(text.contains(warning), "{text}");
    assert!(
        text.contains("the snapshot does not record the migrations as they are"),
        "{text}"
    );
    assert!(text.contains("run `migrate generate`"), "{text}");
    assert!(text.contains("migrate_core::build::run()"), "{text}");
    // The items are still there: the snapshot stands in.
    assert!(text.contains("struct Pet"), "{text}");

    let current =
        crate::schema_macro::expand(quote!("tests/fixtures/dropped_column/acknowledged"), &env())
            .to_string();
    assert!(!current.contains(warning), "{current}");

    let stale =
        crate::embed::expand(quote!("tests/fixtures/lint_findings/allowed"), &env()).to_string();
    assert!(stale.contains(warning), "{stale}");
    assert!(stale.contains("`schema!` and the build check"), "{stale}");
    let current =
        crate::embed::expand(quote!("tests/fixtures/derive/migrations"), &env()).to_string();
    assert!(!current.contains(warning), "{current}");
}
