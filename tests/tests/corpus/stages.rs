//! The stages of a round trip, each done the way the `migrate` command that does it does it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use migrate_core::Explain;
use migrate_core::config::Dialect;
use migrate_core::db::Connection;
use migrate_core::diagnostic::plain;
use migrate_core::generate::{self, GenerateError};
use migrate_core::introspect::{self, Introspected, Options};
use migrate_core::runner;
use migrate_core::schema::{self, Schema};
use migrate_tests::pg::client_program;

/// `psql -f`, stopping at the first error.
pub fn load(url: &str, sql: &Path) -> Result<(), String> {
    let psql = client_program("psql").map_err(|e| e.to_string())?;
    let out = Command::new(&psql)
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
        .arg(sql)
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", psql.display()))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "psql -f {} failed: {}",
        sql.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}

pub async fn count_tables(url: &str) -> Result<i64, String> {
    let mut conn = Connection::connect(url).await.map_err(|e| e.to_string())?;
    if conn.dialect() != Dialect::Postgres {
        return Err("not PostgreSQL".into());
    }
    let n = conn
        .fetch_int(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%'",
        )
        .await
        .map_err(|e| e.to_string())?;
    conn.close().await;
    Ok(n)
}

/// What `migrate pull` reads.
pub async fn pull(url: &str) -> Result<Introspected, String> {
    let mut conn = Connection::connect(url).await.map_err(|e| e.to_string())?;
    let read = introspect::introspect_with_notes(&mut conn, &Options::default()).await;
    conn.close().await;
    read.map_err(|e| match e.help {
        Some(help) => format!("{} (help: {help})", e.message),
        None => e.message,
    })
}

/// The schema file loaded and validated as `migrate check` does.
pub fn check(path: &Path) -> Result<Schema, String> {
    schema::load(path).map_err(|diags| {
        let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
        for d in diags.iter() {
            *codes.entry(d.code).or_default() += 1;
        }
        let counts: Vec<String> = codes.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        let first = diags
            .iter()
            .next()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        format!(
            "{} error(s) ({}); first: {first}",
            diags.len(),
            counts.join(", ")
        )
    })
}

/// The pulled schema, as written, must load back as what was read.
pub fn same_as_read(read: &Schema, loaded: &Schema) -> Result<(), String> {
    if loaded == read {
        return Ok(());
    }
    let d = migrate_core::diff::diff(read, loaded);
    let first = d
        .changes
        .first()
        .map_or("they differ field by field".to_string(), |c| c.describe());
    Err(format!(
        "the pulled schema loads back as a different one: {first}"
    ))
}

/// What `migrate generate` writes into an empty migration directory.
pub fn generate(schema_path: &Path, migrations: &Path) -> Result<(), String> {
    match generate::generate(Dialect::Postgres, schema_path, migrations, None) {
        Ok(_) => Ok(()),
        Err(GenerateError::Schema(diags)) => Err(diags.to_string()),
        Err(GenerateError::Refused(refused)) => Err(format!(
            "{} change(s) refused; first: {}",
            refused.len(),
            refused.first().map(plain).unwrap_or_default()
        )),
        Err(e) => Err(plain(&e)),
    }
}

/// What `migrate up` does with the directory.
pub async fn apply(url: &str, migrations: &Path) -> Result<(), String> {
    let (_, sources) = runner::load_dir(migrations, &[]).map_err(|e| plain(&e))?;
    let mut conn = Connection::connect(url).await.map_err(|e| e.to_string())?;
    let result = runner::up(
        &mut conn,
        &sources,
        &runner::Options::default(),
        &mut |_| {},
    )
    .await;
    conn.close().await;
    result.map(drop).map_err(|e| match e.help() {
        Some(help) => format!("{e} (help: {help})"),
        None => e.to_string(),
    })
}

/// What `migrate diff --exit-code` finds between the database at `url` and `declared`.
pub async fn diff_against(url: &str, declared: &Schema) -> Result<(), String> {
    let mut conn = Connection::connect(url).await.map_err(|e| e.to_string())?;
    let live = introspect::introspect_with_notes(&mut conn, &Options::default())
        .await
        .map_err(|e| e.message);
    let mut wanted = introspect::represent(Dialect::Postgres, declared);
    introspect::canonical_literals(&mut conn, &mut wanted).await;
    conn.close().await;
    let live = live?;
    let (target, undeclared) = introspect::keep_undeclared(&live.schema, &wanted);
    let plan = generate::plan(Dialect::Postgres, &live.schema, &target, None);
    let kept: Vec<&str> = undeclared
        .iter()
        .filter(|u| !u.dropped)
        .map(|u| u.object.as_str())
        .collect();
    if plan.diff.is_empty() && kept.is_empty() {
        return Ok(());
    }
    let mut what = Vec::new();
    if let Some(first) = plan.diff.changes.first() {
        what.push(format!(
            "{} change(s), first: {}",
            plan.diff.changes.len(),
            first.describe()
        ));
    }
    if let Some(first) = kept.first() {
        what.push(format!(
            "{} undeclared object(s), first: {first}",
            kept.len()
        ));
    }
    Err(what.join("; "))
}
