//! The pet registry: the example application of the migrate toolkit.
//!
//! `schema/schema.toml` is the single source of truth. From it, `build.rs` writes the next
//! migration into `migrations/` whenever the schema changes, `schema!()` generates the `Pet` and
//! `Cat` structs and the `PetType` enum, and `embed_migrations!()` puts the migrations into this
//! binary; `#[derive(Model)]` checks a hand-written struct against the schema. Running it applies
//! the migrations to a SQLite file (once and only once), then inserts and reads typed rows:
//!
//! ```text
//! cargo run -p pets                              # examples/pets/pets.db
//! DATABASE_URL=sqlite://other.db?mode=rwc cargo run -p pets
//! ```

use std::error::Error;

use migrate_core::{Migrator, Table};
use sqlx::SqlitePool;
use sqlx::types::chrono::NaiveDate;

migrate_macros::schema!();

static MIGRATOR: Migrator = migrate_macros::embed_migrations!();

/// A hand-written view of `pets`: `#[derive(Model)]` checks at compile time that each field is a
/// column of the table, of the right type.
#[derive(Debug, migrate_macros::Model, sqlx::FromRow)]
#[model(table = "pets")]
struct PetName {
    name: String,
    #[model(column = "type")]
    #[sqlx(rename = "type")]
    kind: PetType,
}

/// `SELECT <every column> FROM <table>`, from the model's `Table` impl.
fn select_all<T: Table>() -> String {
    let columns: Vec<String> = T::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect();
    format!("SELECT {} FROM \"{}\"", columns.join(", "), T::TABLE_NAME)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/pets.db?mode=rwc", env!("CARGO_MANIFEST_DIR")));
    let pool = SqlitePool::connect(&url).await?;

    let summary = MIGRATOR.run(&pool).await?;
    if summary.applied.is_empty() {
        println!(
            "migrations: up to date ({} embedded)",
            MIGRATOR.migrations.len()
        );
    }
    for (version, name, ms) in &summary.applied {
        println!("migrations: applied {version}_{name} ({ms} ms)");
    }

    // A pet, and the cat it is.
    let pet_id = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO pets (id, type, name, birthday, gotcha_day, bio, weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(pet_id)
    .bind(PetType::Cat)
    .bind("Mittens")
    .bind(NaiveDate::from_ymd_opt(2021, 4, 1))
    .bind(None::<NaiveDate>)
    .bind("Sleeps on the keyboard.")
    .bind(4)
    .execute(&pool)
    .await?;
    sqlx::query("INSERT INTO cats (id, pet_id, likes_catnip) VALUES (?, ?, ?)")
        .bind(uuid::Uuid::new_v4())
        .bind(pet_id)
        .bind(true)
        .execute(&pool)
        .await?;
    // A label with a space in it, stored exactly as declared.
    sqlx::query("INSERT INTO pets (id, type, name) VALUES (?, ?, ?)")
        .bind(uuid::Uuid::new_v4())
        .bind(PetType::GuineaPig)
        .bind("Biscuit")
        .execute(&pool)
        .await?;

    let pets: Vec<Pet> = sqlx::query_as(&format!(
        "{} ORDER BY created_at, name",
        select_all::<Pet>()
    ))
    .fetch_all(&pool)
    .await?;
    println!("{} pets:", pets.len());
    for pet in &pets {
        let birthday = pet
            .birthday
            .map_or("unknown".to_string(), |d| d.to_string());
        println!(
            "  {} the {} ({}), born {birthday}",
            pet.name, pet.r#type, pet.id
        );
    }
    let cats: Vec<Cat> = sqlx::query_as(&select_all::<Cat>())
        .fetch_all(&pool)
        .await?;
    for cat in &cats {
        let name = pets
            .iter()
            .find(|p| p.id == cat.pet_id)
            .map_or("?", |p| p.name.as_str());
        println!(
            "  {name} is a cat that {} catnip",
            match cat.likes_catnip {
                Some(true) => "likes",
                Some(false) => "does not like",
                None => "may or may not like",
            }
        );
    }
    let names: Vec<PetName> = sqlx::query_as(&select_all::<PetName>())
        .fetch_all(&pool)
        .await?;
    let names: Vec<String> = names
        .iter()
        .map(|p| format!("{} ({})", p.name, p.kind))
        .collect();
    println!("names: {}", names.join(", "));
    pool.close().await;
    Ok(())
}
