//! `migrate hash`: re-record the manifest from the files as they are.

use migrate_core::migration::MigrationError;

use super::{Exit, load_config, open_dir};
use crate::cli::Global;
use crate::output::Output;
use crate::report::project::Rehashed;

pub fn run(global: &Global, out: &Output) -> Exit {
    let config = match load_config(global, out) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut dir = match open_dir(&config, false, out) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match dir.rehash() {
        Ok(resolved) => {
            // The files it re-recorded are the ones edited by hand: lint them.
            let touched: Vec<_> = dir
                .migrations()
                .iter()
                .filter(|m| resolved.iter().any(|p| p.path == m.path))
                .collect();
            let reports = super::lint::migration_reports(&config, &touched);
            out.emit(&Rehashed::new(&resolved, &reports));
            let versions: Vec<u64> = touched.iter().map(|m| m.version.as_u64()).collect();
            warn_applied(&config, global, &dir, &versions, out);
            super::warn_placeholders(out, touched.iter().copied());
            super::lint::exit_code(&reports)
        }
        Err(MigrationError::Unverified { problems, .. }) => {
            super::report_problems(out, &problems);
            Exit::Found
        }
        Err(e) => {
            out.explain(&e);
            Exit::Usage
        }
    }
}

/// With a database URL configured: a warning for each re-recorded migration that database has
/// applied. Its new checksum does not change what ran there: `migrate up` and `status` will call
/// it `modified`. Nothing is said when the database cannot be read (it may be elsewhere).
fn warn_applied(
    config: &migrate_core::config::Config,
    global: &Global,
    dir: &migrate_core::migration::MigrationDir,
    versions: &[u64],
    out: &Output,
) {
    use migrate_core::runner::{self, Options, State};
    if versions.is_empty() {
        return;
    }
    let Some(url) = super::configured_database_url(config, global) else {
        return;
    };
    if migrate_core::db::dialect_of(&url).ok() != Some(config.dialect) {
        return;
    }
    let resolved = super::resolve_url(&url, config);
    if super::database_file(&resolved).is_some_and(|p| !p.exists()) {
        return;
    }
    let Ok(sources) = runner::sources_from_dir(dir, &super::extra_paths(config, global)) else {
        return;
    };
    let opts = Options {
        history_table: config.history_table.clone(),
        ..Options::default()
    };
    let rows = super::block_on(async {
        let mut conn = migrate_core::db::Connection::connect(&resolved)
            .await
            .ok()?;
        let rows = runner::status(&mut conn, &sources, &opts).await.ok();
        conn.close().await;
        rows
    });
    for row in rows.unwrap_or_default() {
        if versions.contains(&row.version) && row.state == State::Modified {
            out.note(&format!(
                "warning: {}_{} was already applied on {}: its new checksum does not change what ran there, \
                 and `migrate up` will refuse it as modified; restore the file as applied and make the change \
                 a new migration (`migrate new NAME`)",
                row.version,
                row.name,
                migrate_core::redact::redact_url(&url)
            ));
        }
    }
}
