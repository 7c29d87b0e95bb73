//! Changing the schema changes the program: a scratch copy of this crate builds as checked in;
//! then a new column in its `schema/schema.toml` makes the next `cargo build` write the next
//! migration (build.rs) and gives the `Pet` struct a new field (`schema!()`), which the copy's
//! code then uses.
//!
//! The copy is built in the target directory this test was built in (the user's
//! `CARGO_TARGET_DIR` or `build.target-dir` when set, else the workspace's `target/`), so it
//! reuses the dependencies already compiled there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// The target directory this test was built in: cargo sets `CARGO_TARGET_TMPDIR` to its `tmp/`,
/// wherever the user put it.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .to_path_buf()
}

#[test]
fn the_copy_builds_in_the_target_directory_of_this_build() {
    // This test's own executable is in it: the copy finds its dependencies compiled there.
    let exe = std::env::current_exe().expect("the test's executable");
    let target = target_dir().canonicalize().expect("the target directory");
    let exe = exe.canonicalize().expect("the test's executable");
    assert!(
        exe.starts_with(&target),
        "{} is not under {}",
        exe.display(),
        target.display()
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a directory");
    for entry in fs::read_dir(from).expect("read a directory") {
        let entry = entry.expect("an entry");
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name.starts_with("pets.db") || name == "tests" {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(&*name));
        } else {
            fs::copy(&path, to.join(&*name)).expect("copy a file");
        }
    }
}

/// A manifest for the copy: the example's own, standalone, with the workspace's crates by path
/// and its dependency declarations and profiles written out, so the dependencies compile with
/// the flags they have in the workspace.
fn standalone_manifest(ws: &Path) -> String {
    let root: toml::Table = fs::read_to_string(ws.join("Cargo.toml"))
        .expect("the workspace manifest")
        .parse()
        .expect("valid TOML");
    let example: toml::Table = fs::read_to_string(ws.join("examples/pets/Cargo.toml"))
        .expect("the example's manifest")
        .parse()
        .expect("valid TOML");
    let ws_deps = root["workspace"]["dependencies"]
        .as_table()
        .expect("workspace dependencies");
    let resolve = |deps: &toml::Value| -> toml::Table {
        let mut out = toml::Table::new();
        for (name, dep) in deps.as_table().expect("a dependency table") {
            let mut d = match ws_deps.get(name).expect("a workspace dependency") {
                toml::Value::String(v) => {
                    toml::Table::from_iter([("version".to_string(), toml::Value::from(v.as_str()))])
                }
                toml::Value::Table(t) => t.clone(),
                other => panic!("{name}: {other}"),
            };
            if let Some(path) = d.get("path").and_then(toml::Value::as_str) {
                let abs = ws.join(path).display().to_string();
                d.insert("path".into(), abs.into());
            }
            if let Some(extra) = dep.get("features").and_then(toml::Value::as_array) {
                let mut features = d
                    .get("features")
                    .and_then(toml::Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                features.extend(extra.iter().cloned());
                d.insert("features".into(), features.into());
            }
            if let Some(df) = dep.get("default-features") {
                d.insert("default-features".into(), df.clone());
            }
            out.insert(name.clone(), d.into());
        }
        out
    };
    let package = toml::Table::from_iter([
        ("name".to_string(), toml::Value::from("pets-scratch")),
        ("version".to_string(), "0.1.0".into()),
        ("edition".to_string(), "2024".into()),
        ("publish".to_string(), false.into()),
    ]);
    let mut manifest = toml::Table::new();
    manifest.insert("package".into(), package.into());
    manifest.insert("workspace".into(), toml::Table::new().into());
    manifest.insert(
        "dependencies".into(),
        resolve(&example["dependencies"]).into(),
    );
    manifest.insert(
        "build-dependencies".into(),
        resolve(&example["build-dependencies"]).into(),
    );
    if let Some(profile) = root.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    toml::to_string(&manifest).expect("a manifest")
}

#[test]
fn a_new_column_makes_a_migration_and_a_field() {
    let ws = workspace();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pets-schema-change");
    if scratch.exists() {
        fs::remove_dir_all(&scratch).expect("remove the old copy");
    }
    copy_dir(Path::new(env!("CARGO_MANIFEST_DIR")), &scratch);
    fs::write(scratch.join("Cargo.toml"), standalone_manifest(&ws)).expect("write the manifest");
    fs::copy(ws.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo_build_output = || {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Command::new(cargo)
            .arg("build")
            .arg("--manifest-path")
            .arg(scratch.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target_dir())
            // The build writes the migration: as on a developer's machine, not a locked CI build.
            .env_remove("CI")
            .env_remove("MIGRATE_LOCKED")
            .env_remove("MIGRATE_MANIFEST_DIR")
            .output()
            .expect("cargo runs")
    };
    let cargo_build = || {
        let out = cargo_build_output();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "the copy does not build:\n{stderr}");
        stderr
    };

    // As checked in: it builds, and writes nothing.
    let before: Vec<PathBuf> = sql_files(&scratch.join("migrations"));
    let stderr = cargo_build();
    assert!(!stderr.contains("migrate: wrote"), "{stderr}");
    assert_eq!(sql_files(&scratch.join("migrations")), before);

    // The change: a new nullable column, and code that uses its field.
    let schema_path = scratch.join("schema/schema.toml");
    let schema = fs::read_to_string(&schema_path).expect("the schema");
    let marker = "[[tables.pets.indexes]]";
    assert!(
        schema.contains(marker),
        "the example's schema changed shape"
    );
    let schema = schema.replacen(
        marker,
        &format!(
            "microchip  = {{ type = \"text\", nullable = true, comment = \"The pet's microchip number.\" }}\n\n{marker}"
        ),
        1,
    );
    fs::write(&schema_path, schema).expect("write the schema");
    let main_path = scratch.join("src/main.rs");
    let mut main = fs::read_to_string(&main_path).expect("main.rs");
    main.push_str(
        "\n/// The new column is a field of the generated struct, of the type its column maps to.\n\
         #[allow(dead_code)]\n\
         fn microchip(pet: &Pet) -> Option<&str> {\n    pet.microchip.as_deref()\n}\n",
    );
    fs::write(&main_path, main).expect("write main.rs");

    let stderr = cargo_build();
    let after = sql_files(&scratch.join("migrations"));
    let new: Vec<&PathBuf> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new.len(), 1, "one new migration: {after:?}");
    let name = new[0].file_name().expect("a name").to_string_lossy();
    assert!(name.ends_with("_add_pets_microchip.sql"), "{name}");
    let sql = fs::read_to_string(new[0]).expect("the migration");
    assert!(
        sql.contains("ALTER TABLE \"pets\" ADD COLUMN \"microchip\" text"),
        "{sql}"
    );
    assert!(stderr.contains("migrate: wrote"), "{stderr}");
    let snapshot =
        fs::read_to_string(scratch.join("migrations/schema.snapshot.toml")).expect("the snapshot");
    assert!(snapshot.contains("microchip"), "{snapshot}");

    // An unsafe change fails the build with the refusal as cargo's own error, not inside the
    // build script's output dump.
    let schema = fs::read_to_string(&schema_path).expect("the schema");
    let dropped = schema
        .lines()
        .filter(|l| !l.starts_with("microchip"))
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&schema_path, dropped + "\n").expect("write the schema");
    let out = cargo_build_output();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "an unacknowledged drop built:\n{stderr}"
    );
    assert!(
        stderr.contains("error: pets-scratch@0.1.0: migrate: the schema has unsafe changes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("drop_columns = [\"microchip\"]"),
        "{stderr}"
    );
    assert!(!stderr.contains("cargo:rerun-if-changed"), "{stderr}");
    assert_eq!(
        sql_files(&scratch.join("migrations")),
        after,
        "a refused change wrote a migration"
    );
}

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("the migration directory")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}
