//! The compile-fail suite: each unsafe schema change, broken migration directory and mismatched
//! `#[derive(Model)]` in `tests/ui/fail/` must fail to compile with the error in its `.stderr`, and
//! its twin in `tests/ui/pass/` (the acknowledged or corrected version) must compile and run.
//!
//! Toolchain: the `.stderr` files are rustc's output, which changes between compiler versions.
//! They were produced with `TRYBUILD=overwrite` on rustc 1.95.0 (the one toolchain of this
//! project's machines and CI) and reviewed. On another minor version the compile-fail half is
//! skipped with a note; the pass half runs everywhere. After a toolchain upgrade, regenerate them:
//!
//! ```text
//! TRYBUILD=overwrite cargo test -p migrate-macros --test ui
//! git diff migrate-macros/tests/ui     # review every change
//! ```
//!
//! The cases are built in `target/tests/trybuild/` with this crate's dev-dependencies (sqlx with
//! the features the expansions name, and migrate-core); the first run compiles them there once.
//! Their schemas and migrations are in `tests/fixtures/` (see `fixture_migrations.rs`).

use std::path::Path;
use std::process::Command;

/// The compiler the `.stderr` files were written for.
const STDERR_TOOLCHAIN: &str = "rustc 1.95.";

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

#[test]
#[allow(unsafe_code)]
fn ui() {
    // The cases compile in a directory under target/, so CARGO_MANIFEST_DIR is not this crate's
    // directory there: the macros read their paths relative to MIGRATE_MANIFEST_DIR instead.
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // SAFETY: this is the only test of this binary, and it sets the variable before starting
    // any thread; the compiler processes trybuild starts inherit it.
    unsafe { std::env::set_var("MIGRATE_MANIFEST_DIR", crate_dir) };

    let t = trybuild::TestCases::new();
    let version = rustc_version();
    if version.starts_with(STDERR_TOOLCHAIN) {
        t.compile_fail("tests/ui/fail/*.rs");
    } else {
        eprintln!(
            "note: the compile-fail cases' .stderr files are for {STDERR_TOOLCHAIN}x; this is {}: \
             running only the cases that must compile",
            version.trim()
        );
    }
    t.pass("tests/ui/pass/*.rs");
}
