//! A snapshot that does not record the migrations as they are (a hand-written one was added
//! since): `schema!` checks against it anyway and says so with a `deprecated` compiler warning
//! at the macro call, here denied.

#![deny(deprecated)]

migrate_macros::schema!("tests/fixtures/stale_snapshot");

fn main() {
    let _ = |p: Pet| (p.id, p.name);
}
