//! `migrate init`: a new project's configuration, schema and migration directory.

use std::path::Path;

use migrate_core::schema::print::string as toml_string;

use super::Exit;
use crate::cli::InitArgs;
use crate::output::Output;
use crate::report::project::Initialised;

/// The JSON Schema of the schema language, for editors (a copy of `schema/migrate-schema.json`,
/// checked identical by a test). `migrate init` writes it beside migrate.toml; `migrate
/// schema-json` prints it.
pub const JSON_SCHEMA: &str = include_str!("../../migrate-schema.json");

/// The file name the JSON Schema is written under, and the `#:schema` line that points editors
/// at it from `schema/schema.toml`.
const JSON_SCHEMA_FILE: &str = "migrate-schema.json";

fn schema_template() -> String {
    format!(
        "#:schema ../{JSON_SCHEMA_FILE}\n\
         # The declared schema: the single source of truth for tables, models and migrations.\n\
         # Reference (every key and type): {}/blob/main/schema/README.md\n\
         # Editors that read `#:schema` (Even Better TOML, Taplo) complete and check this file.\n\
         {SCHEMA_EXAMPLE}",
        env!("CARGO_PKG_REPOSITORY")
    )
}

const SCHEMA_EXAMPLE: &str = r#"#
# [enums.pet_type]
# values = ["CAT", "DOG", "GUINEA PIG"]
#
# [tables.pets]                  # the SQL table name
# model = "Pet"                  # the Rust struct; never guessed
# comment = "Store pets and their details."
#
# [tables.pets.columns]          # declaration order is column order
# id       = { type = "uuid", primary_key = true }
# type     = { type = "pet_type", comment = "The type of pet." }
# name     = { type = "text" }
# birthday = { type = "date", nullable = true }
#
# [[tables.pets.indexes]]
# columns = ["name"]
"#;

pub fn run(args: &InitArgs, out: &Output) -> Exit {
    let dir = args.dir.as_deref().unwrap_or(Path::new("."));
    // TOML strings through the schema printer, the one writer of TOML quoting.
    let dialect = toml_string(args.dialect.as_str());
    let url = toml_string(args.dialect.ops().example_url());
    let config = format!(
        "# migrate configuration. DATABASE_URL or --database-url override database_url.\n\
         dialect = {dialect}\n\
         schema = \"schema\"\n\
         migrations = \"migrations\"\n\
         database_url = {url}\n\
         \n\
         # [environments.prod]\n\
         # database_url = \"postgres://app@db.internal/app\"\n\
         # extra_migration_paths = [\"/mnt/secure-migrations\"]\n"
    );
    let config_path = dir.join("migrate.toml");
    if config_path.exists() {
        out.error(
            &format!(
                "{} already exists; nothing was changed",
                config_path.display()
            ),
            Some("this directory is already set up: run `migrate check`"),
        );
        return Exit::Found;
    }
    let template = schema_template();
    let steps: [(&Path, Option<&str>); 4] = [
        (&dir.join("schema"), None),
        (&dir.join("migrations"), None),
        (&dir.join("schema").join("schema.toml"), Some(&template)),
        (&dir.join(JSON_SCHEMA_FILE), Some(JSON_SCHEMA)),
    ];
    for (path, content) in steps {
        let result = match content {
            None => std::fs::create_dir_all(path),
            Some(_) if path.exists() => {
                out.say(&format!("kept     {} (already exists)", path.display()));
                continue;
            }
            Some(text) => std::fs::write(path, text),
        };
        if let Err(e) = result {
            out.error(&format!("cannot create {}: {e}", path.display()), None);
            return Exit::Usage;
        }
        if content.is_some() {
            out.say(&format!("created  {}", path.display()));
        }
    }
    if let Err(e) = std::fs::write(&config_path, config) {
        out.error(
            &format!("cannot write {}: {e}", config_path.display()),
            None,
        );
        return Exit::Usage;
    }
    out.say(&format!("created  {}", config_path.display()));
    out.say(&format!("created  {}/", dir.join("migrations").display()));
    out.emit(&Initialised::new(&config_path, args.dir.as_deref()));
    Exit::Ok
}

/// `migrate schema-json`: the JSON Schema of the schema language, for editors and validators.
pub fn schema_json() -> Exit {
    print!("{JSON_SCHEMA}");
    Exit::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_schema_is_the_repository_s() {
        let original = include_str!("../../../schema/migrate-schema.json");
        assert!(
            JSON_SCHEMA == original,
            "migrate-cli/migrate-schema.json differs from schema/migrate-schema.json: copy it over"
        );
    }

    #[test]
    fn the_template_loads_and_points_editors_at_the_json_schema() {
        let t = schema_template();
        assert!(t.starts_with("#:schema ../migrate-schema.json\n"), "{t}");
        assert!(t.contains("/blob/main/schema/README.md"), "{t}");
        // All comments: an empty schema the loader reads.
        assert!(t.lines().all(|l| l.is_empty() || l.starts_with('#')), "{t}");
    }
}
