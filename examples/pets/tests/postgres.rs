//! The example's models on PostgreSQL: the same schema, generated for the `postgres` dialect,
//! round-trips typed rows through a real server — the `pet_type` enum as the database's own enum
//! type (a label with a space included, as a value, a parameter and an array), dates, uuids and
//! the `type` column (a Rust keyword).
//!
//! The database is the test harness's (`MIGRATE_TEST_DATABASE_URL`, or a throwaway cluster).

use std::path::Path;

use migrate_core::Table;
use migrate_core::config::Dialect;
use migrate_core::generate::plan;
use migrate_core::schema::{self, Schema};
use sqlx::types::chrono::NaiveDate;

migrate_macros::schema!("schema", dialect = "postgres");

fn select_all<T: Table>() -> String {
    let columns: Vec<String> = T::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    format!("SELECT {} FROM \"{}\"", columns.join(", "), T::TABLE_NAME)
}

#[tokio::test(flavor = "current_thread")]
async fn typed_rows_round_trip() {
    let db = migrate_tests::pg::TestDb::new().await;
    let pool = db.pool().await;
    let declared =
        schema::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")).expect("the schema");
    for file in plan(Dialect::Postgres, &Schema::default(), &declared, None).files {
        sqlx::raw_sql(&file.content)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.name));
    }

    let id = uuid::Uuid::new_v4();
    let birthday = NaiveDate::from_ymd_opt(2020, 2, 29);
    sqlx::query("INSERT INTO pets (id, type, name, birthday) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(PetType::GuineaPig)
        .bind("Biscuit")
        .bind(birthday)
        .execute(&pool)
        .await
        .expect("insert a pet");
    sqlx::query("INSERT INTO cats (id, pet_id, likes_catnip) VALUES ($1, $2, $3)")
        .bind(uuid::Uuid::new_v4())
        .bind(id)
        .bind(false)
        .execute(&pool)
        .await
        .expect("insert a cat");

    let pets: Vec<Pet> = sqlx::query_as(&format!("{} WHERE type = $1", select_all::<Pet>()))
        .bind(PetType::GuineaPig)
        .fetch_all(&pool)
        .await
        .expect("select pets");
    assert_eq!(pets.len(), 1);
    let pet = &pets[0];
    assert_eq!(
        (
            pet.id,
            pet.r#type,
            pet.name.as_str(),
            pet.birthday,
            pet.bio.as_deref()
        ),
        (id, PetType::GuineaPig, "Biscuit", birthday, None)
    );
    let stored: String = sqlx::query_scalar("SELECT type::text FROM pets")
        .fetch_one(&pool)
        .await
        .expect("the stored label");
    assert_eq!(stored, "GUINEA PIG");

    let cat: Cat = sqlx::query_as(&select_all::<Cat>())
        .fetch_one(&pool)
        .await
        .expect("select the cat");
    assert_eq!((cat.pet_id, cat.likes_catnip), (id, Some(false)));

    let all: Vec<PetType> = sqlx::query_scalar("SELECT enum_range(NULL::pet_type)")
        .fetch_one(&pool)
        .await
        .expect("an array of the enum");
    assert_eq!(all, PetType::ALL);
    let echoed: Vec<PetType> = sqlx::query_scalar("SELECT $1")
        .bind(vec![PetType::Cat, PetType::GuineaPig])
        .fetch_one(&pool)
        .await
        .expect("an array parameter");
    assert_eq!(echoed, [PetType::Cat, PetType::GuineaPig]);
    pool.close().await;
}
