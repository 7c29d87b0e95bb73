//! `migrate` over TLS, as a deploy runs it: an environment whose URL says
//! `sslmode=verify-full&sslrootcert=...`, against the harness's PostgreSQL cluster with
//! `ssl = on`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_core::migration::{MigrationDir, Version};
use migrate_tests::pg::{TestDb, tls_files};
use tempfile::TempDir;

fn project(url: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("migrate.toml"),
        format!(
            "dialect = \"postgres\"\nschema = \"schema.toml\"\nmigrations = \"migrations\"\n\
             [environments.prod]\ndatabase_url = {}\n",
            migrate_core::schema::print::string(url)
        ),
    )
    .expect("config");
    fs::write(dir.path().join("schema.toml"), "").expect("schema");
    let mut md = MigrationDir::create(dir.path().join("migrations")).expect("dir");
    let sql = "CREATE TABLE seen (ssl boolean);\n\
               INSERT INTO seen SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\n";
    md.add_at(
        "record_ssl",
        sql,
        Version::parse("20240101000000").expect("version"),
    )
    .expect("migration");
    dir
}

fn migrate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .current_dir(dir)
        .args(args)
        .args(["--env", "prod"])
        .env_remove("DATABASE_URL")
        .env_remove("PGSSLMODE")
        .env_remove("PGSSLROOTCERT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("migrate runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "current_thread")]
async fn up_runs_over_verified_tls_and_refuses_an_unknown_authority() {
    let db = TestDb::new_tls().await;
    let files = tls_files().expect("TLS cluster");
    // The cluster trusts local connections: any password is accepted, and must never show.
    let base = db
        .url
        .replacen("postgres@127.0.0.1", "postgres:Tls-S3cret@localhost", 1);

    let wrong = format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        files.wrong_root_cert.display()
    );
    let p = project(&wrong);
    let o = migrate(p.path(), &["up"]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(
        all.contains("not signed by a trusted certificate authority"),
        "{all}"
    );
    assert!(!all.contains("Tls-S3cret"), "{all}");

    let right = format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        files.root_cert.display()
    );
    let p = project(&right);
    let o = migrate(p.path(), &["up"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("Tls-S3cret"));
    let pool = db.pool().await;
    let seen: bool = sqlx::query_scalar("SELECT ssl FROM seen")
        .fetch_one(&pool)
        .await
        .expect("the migration ran");
    assert!(seen, "the migration's session was encrypted");
    pool.close().await;
    db.close().await.expect("drop");
}
