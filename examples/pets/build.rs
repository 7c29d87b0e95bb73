//! Writes the next migration into `migrations/` whenever `schema/` changed (and fails the build on
//! a change that loses data until the schema acknowledges it).

fn main() {
    migrate_core::build::run();
}
