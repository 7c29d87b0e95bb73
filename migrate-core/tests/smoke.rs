use std::path::Path;

#[test]
fn example_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/pets/schema");
    let s = migrate_core::schema::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.tables.len(), 2);
    println!("{s:#?}");
}

#[test]
fn broken_reports_all() {
    let src = r#"
[enums.kind]
values = []

[tables.pets]
modle = "Pet"

[tables.pets.columns]
id = { type = "uuid", primary_key = true, nullable = true }
owner = { type = "integr", references = "owners.id" }
w = { type = "integer" }

[[tables.pets.checks]]
name = "c"
expr = "wieght > 0"
"#;
    let e = migrate_core::schema::load_str("s.toml", src).unwrap_err();
    for d in e.iter() {
        println!("{}", d.render(false));
    }
    assert!(e.len() >= 5, "{e}");
}
