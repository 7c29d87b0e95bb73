//! The representative schema of the expansion snapshots compiles: every column type, enums mapped
//! for both dialects, keyword and non-snake_case column names, composite and missing keys.

use std::str::FromStr;

use migrate_core::Table;

migrate_macros::schema!("tests/expand/schema.toml");

fn main() {
    assert_eq!(
        PetType::ALL,
        [PetType::Cat, PetType::Dog, PetType::GuineaPig]
    );
    assert_eq!(PetType::GuineaPig.as_str(), "GUINEA PIG");
    assert_eq!(PetType::GuineaPig.to_string(), "GUINEA PIG");
    assert_eq!(PetType::from_str("GUINEA PIG"), Ok(PetType::GuineaPig));
    let err = PetType::from_str("Guinea Pig").unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"Guinea Pig\" is not a label of enum `pet_type`: expected one of \"CAT\", \"DOG\", \"GUINEA PIG\""
    );
    assert_eq!(Mood::TYPE_NAME, "Mood");
    assert_eq!(Mood::LABELS, ["happy", "so-so", "inProgress", "1st"]);
    assert_eq!(Mood::V1st.as_str(), "1st");

    assert_eq!(Pet::TABLE_NAME, "pets");
    assert_eq!(
        Pet::COLUMNS,
        ["id", "type", "name", "Display Name", "self", "moods"]
    );
    assert_eq!(Visit::PRIMARY_KEY, ["pet_id", "day"]);
    let _: fn(<Visit as Table>::PrimaryKey) -> (sqlx::types::Uuid, sqlx::types::chrono::NaiveDate) =
        |k| k;
    let _: <LogLine as Table>::PrimaryKey = ();
    let pet = Pet {
        id: sqlx::types::Uuid::nil(),
        r#type: PetType::Dog,
        name: "Rex".into(),
        display_name: None,
        self_: true,
        moods: Some(vec![Mood::Happy, Mood::SoSo]),
    };
    assert_eq!(pet.clone(), pet);

    // `Pet` has an array column, which sqlx decodes on PostgreSQL only (SQLite holds arrays as
    // JSON text); `Visit` decodes on both.
    fn is_row<T, R: sqlx::Row>()
    where
        for<'r> T: sqlx::FromRow<'r, R>,
    {
    }
    is_row::<Pet, sqlx::postgres::PgRow>();
    is_row::<EveryType, sqlx::postgres::PgRow>();
    is_row::<Visit, sqlx::postgres::PgRow>();
    is_row::<Visit, sqlx::sqlite::SqliteRow>();
    fn is_pg_type<
        T: sqlx::Type<sqlx::Postgres>
            + for<'q> sqlx::Encode<'q, sqlx::Postgres>
            + for<'r> sqlx::Decode<'r, sqlx::Postgres>,
    >() {
    }
    is_pg_type::<Vec<Mood>>();
}
