//! The editor JSON Schema (`schema/migrate-schema.json`) and the loader agree.
//!
//! Every example schema in the repository must be accepted by both: the `schema/` directories
//! under `examples/`, the files in `schema/examples/`, `tests/fixtures/realistic/schema.toml`, and the
//! `from`/`to` schemas of the change cases in `tests/cases/*/`.
//! They are found by walking the repository, so a schema added later is covered without touching
//! this test. Shape errors (an unknown key, a value of the wrong kind, an unknown action) must be
//! rejected by both too.

use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};
use toml::de::{DeTable, DeValue};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

fn validator() -> jsonschema::Validator {
    let path = repo_root().join("schema/migrate-schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    if let Err(e) = jsonschema::draft7::meta::validate(&schema) {
        panic!(
            "{} is not a valid draft-07 JSON Schema: {e}",
            path.display()
        );
    }
    jsonschema::draft7::new(&schema)
        .unwrap_or_else(|e| panic!("{} does not compile: {e}", path.display()))
}

/// A TOML document as the JSON an editor validates against the JSON Schema.
fn toml_to_json(text: &str) -> Result<Value, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = DeTable::parse(text).map_err(|e| e.to_string())?;
    Ok(table_to_json(root.get_ref()))
}

fn table_to_json(table: &DeTable<'_>) -> Value {
    let map: Map<String, Value> = table
        .iter()
        .map(|(k, v)| (k.get_ref().to_string(), value_to_json(v.get_ref())))
        .collect();
    Value::Object(map)
}

fn value_to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::String(i.to_string()),
        },
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(f.as_str().to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => {
            Value::Array(items.iter().map(|v| value_to_json(v.get_ref())).collect())
        }
        DeValue::Table(t) => table_to_json(t),
    }
}

/// The JSON Schema's complaints about a TOML document, one line each; empty when it is accepted.
fn json_schema_errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    match toml_to_json(text) {
        Ok(json) => validator
            .iter_errors(&json)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect(),
        Err(e) => vec![format!("not TOML: {e}")],
    }
}

/// What is loaded as one schema (a directory of files, or one file), and the files it holds.
#[derive(Debug)]
struct Example {
    schema: PathBuf,
    files: Vec<PathBuf>,
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    files
}

/// Directories under `dir`, recursively, skipping build output and hidden directories.
fn walk_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let name = d.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        out.push(d.clone());
        walk_dirs(&d, out);
    }
}

/// Every example schema of the repository.
fn examples(root: &Path) -> Vec<Example> {
    let mut dirs = Vec::new();
    walk_dirs(root, &mut dirs);
    let mut out = Vec::new();
    for dir in dirs {
        let rel = dir.strip_prefix(root).unwrap_or(&dir);
        let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
        let files = toml_files(&dir);
        if files.is_empty() {
            continue;
        }
        match parts.as_slice() {
            // A project's schema directory: its files make one schema.
            ["examples", .., "schema"] => out.push(Example {
                schema: dir.clone(),
                files,
            }),
            // Stand-alone schema files.
            ["schema", "examples"] | ["tests", "fixtures", "realistic"] | ["tests", "cases", _] => {
                out.extend(files.into_iter().map(|f| Example {
                    schema: f.clone(),
                    files: vec![f],
                }));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_example_schema_is_accepted_by_the_loader_and_the_json_schema() {
    let root = repo_root();
    let validator = validator();
    let examples = examples(&root);
    assert!(
        !examples.is_empty(),
        "found no example schema under examples/**/schema/, schema/examples/ or tests/fixtures/realistic/"
    );
    assert!(
        examples
            .iter()
            .any(|e| e.schema.starts_with(root.join("schema/examples"))),
        "schema/examples/ holds no example schema"
    );

    let mut failures = Vec::new();
    for example in &examples {
        let shown = example
            .schema
            .strip_prefix(&root)
            .unwrap_or(&example.schema)
            .display()
            .to_string();
        println!("checking {shown}");
        if let Err(diags) = migrate_core::schema::load(&example.schema) {
            failures.push(format!("the loader rejects {shown}:\n{diags}"));
        }
        for file in &example.files {
            let text = std::fs::read_to_string(file)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
            let errors = json_schema_errors(&validator, &text);
            if !errors.is_empty() {
                let shown = file.strip_prefix(&root).unwrap_or(file).display();
                failures.push(format!(
                    "the JSON Schema rejects {shown}:\n  {}",
                    errors.join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A small valid schema that the broken ones below are put in front of.
const BASE: &str = r#"
[enums.pet_type]
values = ["CAT", "DOG"]

[tables.pets]
model = "Pet"

[tables.pets.columns]
id   = { type = "uuid", primary_key = true }
name = "text"
type = { type = "pet_type", default = "'CAT'" }

[[tables.pets.indexes]]
columns = ["name"]

[[tables.pets.checks]]
name = "pets_name_not_empty"
expr = "name <> ''"

[tables.cats]
model = "Cat"

[tables.cats.columns]
id     = { type = "uuid", primary_key = true }
pet_id = { type = "uuid", references = "pets.id", on_delete = "cascade" }
"#;

#[test]
fn the_base_of_the_negative_cases_is_valid() {
    let validator = validator();
    assert_eq!(json_schema_errors(&validator, BASE), Vec::<String>::new());
    if let Err(e) = migrate_core::schema::load_str("base.toml", BASE) {
        panic!("the loader rejects the base schema:\n{e}");
    }
}

/// Broken schemas, each put in front of [`BASE`]: what is wrong, and the TOML.
const SHAPE_ERRORS: &[(&str, &str)] = &[
    ("an unknown top-level key", "version = 2"),
    (
        "an unknown table key",
        r#"[tables.dogs]
model = "Dog"
modle = "Dog"
columns = { id = "uuid" }"#,
    ),
    (
        "a misspelled column key",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "uuid", nulable = true } }"#,
    ),
    (
        "an unknown index key",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
indexes = [{ columns = ["id"], using = "gin" }]"#,
    ),
    (
        "an unknown enum key",
        r#"[enums.size]
values = ["S"]
labels = ["M"]"#,
    ),
    (
        "a string where a boolean belongs",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "uuid", nullable = "yes" } }"#,
    ),
    (
        "a number where a string belongs",
        r#"[tables.dogs]
model = 7
columns = { id = "uuid" }"#,
    ),
    (
        "a string where an array belongs",
        r#"[tables.dogs]
model = "Dog"
primary_key = "id"
columns = { id = "uuid" }"#,
    ),
    (
        "a column that is a number",
        r#"[tables.dogs]
model = "Dog"
columns = { id = 1 }"#,
    ),
    (
        "a table that is a string",
        r#"[tables]
dogs = "Dog""#,
    ),
    (
        "a default that is an array",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "text", default = ["a"] } }"#,
    ),
    (
        "an unknown on_delete action",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid", pet_id = { type = "uuid", references = "pets.id", on_delete = "explode" } }"#,
    ),
    (
        "an unknown index method",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
indexes = [{ columns = ["id"], method = "rtree" }]"#,
    ),
    (
        "an identity that is a number",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "bigint", identity = 1 } }"#,
    ),
    (
        "a column without a type",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { nullable = true } }"#,
    ),
    (
        "a table without a model",
        r#"[tables.dogs]
columns = { id = "uuid" }"#,
    ),
    (
        "a check without a name",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
checks = [{ expr = "id IS NOT NULL" }]"#,
    ),
    (
        "an index without columns",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
indexes = [{ unique = true }]"#,
    ),
    (
        "a foreign key without references",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
foreign_keys = [{ columns = ["id"] }]"#,
    ),
    (
        "a multi-dimensional array type",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "text[][]" }"#,
    ),
    (
        "a type parameter that is not a number",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "varchar(ten)" }"#,
    ),
    (
        "an enum with no values",
        r#"[enums.size]
values = []"#,
    ),
    (
        "a model that is not a Rust type name",
        r#"[tables.dogs]
model = "dog"
columns = { id = "uuid" }"#,
    ),
    (
        "a unique index that is not a b-tree",
        r#"[tables.dogs]
model = "Dog"
columns = { id = "uuid" }
indexes = [{ columns = ["id"], unique = true, method = "gin" }]"#,
    ),
    (
        "an enum named like a built-in type",
        r#"[enums.text]
values = ["A"]"#,
    ),
    (
        "on_delete without references",
        r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "uuid", on_delete = "cascade" } }"#,
    ),
];

#[test]
fn shape_errors_are_rejected_by_both() {
    let validator = validator();
    let mut failures = Vec::new();
    for (what, case) in SHAPE_ERRORS {
        let text = format!("{case}\n{BASE}");
        if let Err(e) = toml_to_json(&text) {
            failures.push(format!("{what} is not even TOML ({e}):\n{case}"));
            continue;
        }
        if json_schema_errors(&validator, &text).is_empty() {
            failures.push(format!("the JSON Schema accepts {what}:\n{case}"));
        }
        if migrate_core::schema::load_str("case.toml", &text).is_ok() {
            failures.push(format!("the loader accepts {what}:\n{case}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn json_schema_errors_name_the_offending_key_and_place() {
    let validator = validator();
    let case = r#"[tables.dogs]
model = "Dog"
columns = { id = { type = "uuid", nulable = true } }"#;
    let errors = json_schema_errors(&validator, &format!("{case}\n{BASE}"));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("nulable") && e.contains("/tables/dogs/columns/id")),
        "{errors:#?}"
    );
}
