//! Applying rendered migration units the way the runner does, without its history table.
//!
//! PostgreSQL: a transaction per unit, or statement by statement for a `no-transaction` unit;
//! a batched unit (`-- migrate:batch`) as one batch over the whole table, `:batch` read as `(true)`.
//! SQLite: foreign keys off, a transaction per unit with a `foreign_key_check` before it commits.

use migrate_core::config::Dialect;
use migrate_core::sql::{Unit, batch_as_whole};
use sqlx::Connection;

/// Applies `units` in order on PostgreSQL; the error names the failing statement.
pub async fn postgres(conn: &mut sqlx::PgConnection, units: &[Unit]) -> Result<(), String> {
    for u in units {
        if u.batch.is_some() {
            for s in &u.statements {
                sqlx::raw_sql(&batch_as_whole(s, Dialect::Postgres))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| format!("{s}: {e}"))?;
            }
        } else if u.no_transaction {
            for s in &u.statements {
                sqlx::raw_sql(s)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| format!("{s}: {e}"))?;
            }
        } else {
            let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
            for s in &u.statements {
                sqlx::raw_sql(s)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| format!("{s}: {e}"))?;
            }
            tx.commit().await.map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Applies `units` in order on SQLite; the error names the failing statement.
pub async fn sqlite(conn: &mut sqlx::SqliteConnection, units: &[Unit]) -> Result<(), String> {
    sqlx::raw_sql("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    for u in units {
        let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
        for s in &u.statements {
            sqlx::raw_sql(&batch_as_whole(s, Dialect::Sqlite))
                .execute(&mut *tx)
                .await
                .map_err(|e| format!("{s}: {e}"))?;
        }
        let violations = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
        if !violations.is_empty() {
            return Err(format!("{} foreign key violations", violations.len()));
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
