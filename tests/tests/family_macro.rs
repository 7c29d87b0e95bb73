//! `schema!` on a table family: the struct of a member's rows, the member pattern, and the
//! helpers that create a member at run time on the application's own sqlx connection, run on a
//! real PostgreSQL database and a real SQLite file, with a hostile key.

use migrate_tests::pg::TestDb;
use migrate_tests::sqlite::TestFile;

migrate_macros::schema!("fixtures/families/schema.toml");

const HOSTILE: &str = "x\"y'; DROP TABLE t; --";

#[test]
fn the_family_is_described_by_constants() {
    assert_eq!(AudienceData::FAMILY, "audience_data");
    assert_eq!(AudienceData::PATTERN, "audience_data_{app}");
    assert_eq!(AudienceData::COLUMNS, ["id", "name", "updated_at"]);
    assert_eq!(AudienceData::member_table("42"), "audience_data_42");
    let sql = AudienceData::create_member_sql_postgres(HOSTILE);
    assert!(
        sql.contains("CREATE TABLE \"audience_data_x\"\"y'; DROP TABLE t; --\""),
        "{sql}"
    );
    assert!(sql.contains("_name_idx"), "{sql}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_member_is_created_at_run_time_on_postgres_and_its_rows_read() {
    let db = TestDb::new().await;
    let mut conn = db.connect().await;
    for key in ["42", HOSTILE] {
        AudienceData::create_member_postgres(&mut conn, key)
            .await
            .expect("create member");
        let table = AudienceData::member_table(key).replace('"', "\"\"");
        sqlx::query(&format!(
            "INSERT INTO \"{table}\" (id, name) VALUES (1, 'ann')"
        ))
        .execute(&mut conn)
        .await
        .expect("insert");
        let row: AudienceData = sqlx::query_as(&format!("SELECT * FROM \"{table}\""))
            .fetch_one(&mut conn)
            .await
            .expect("read");
        assert_eq!(
            (row.id, row.name.as_str(), row.updated_at),
            (1, "ann", None)
        );
    }
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'audience\\_data\\_%'",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert_eq!(n, 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_member_is_created_at_run_time_on_sqlite_and_its_rows_read() {
    use sqlx::Connection as _;
    let f = TestFile::new();
    let mut conn = sqlx::SqliteConnection::connect(&f.url)
        .await
        .expect("connect");
    AudienceData::create_member_sqlite(&mut conn, HOSTILE)
        .await
        .expect("create member");
    let table = AudienceData::member_table(HOSTILE).replace('"', "\"\"");
    sqlx::query(&format!(
        "INSERT INTO \"{table}\" (id, name, updated_at) VALUES (7, 'bo', 'now')"
    ))
    .execute(&mut conn)
    .await
    .expect("insert");
    let row: AudienceData = sqlx::query_as(&format!("SELECT * FROM \"{table}\""))
        .fetch_one(&mut conn)
        .await
        .expect("read");
    assert_eq!(row.updated_at.as_deref(), Some("now"));
    assert_eq!(row.name, "bo");
}
