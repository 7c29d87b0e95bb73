//! `migrate init`: a new project's configuration, schema and migration directory.

use std::path::Path;

use super::Exit;
use crate::cli::InitArgs;
use crate::output::Output;
use crate::report::project::Initialised;

const SCHEMA_TEMPLATE: &str = r#"# The declared schema: the single source of truth for tables, models and migrations.
# Reference: every key and type is described in the migrate schema language reference.
#
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
    let (dialect, url) = (args.dialect.as_str(), args.dialect.ops().example_url());
    let config = format!(
        "# migrate configuration. DATABASE_URL or --database-url override database_url.\n\
         dialect = \"{dialect}\"\n\
         schema = \"schema\"\n\
         migrations = \"migrations\"\n\
         database_url = \"{url}\"\n\
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
    let steps: [(&Path, Option<&str>); 3] = [
        (&dir.join("schema"), None),
        (&dir.join("migrations"), None),
        (
            &dir.join("schema").join("schema.toml"),
            Some(SCHEMA_TEMPLATE),
        ),
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
    out.emit(&Initialised::new(&config_path));
    Exit::Ok
}
