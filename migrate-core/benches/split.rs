//! Statement splitting throughput: `cargo bench -p migrate-core --bench split`.
//!
//! Splits files of 1, 8 and 64 MB (repeated migration-like statements: inserts with strings and
//! comments, a PL/pgSQL function in a dollar-quoted body, a SQL-standard `BEGIN ATOMIC` body,
//! a rule with two actions) and prints MB/s, the median of 5 runs. Also the lexer alone.

use std::time::Instant;

use migrate_core::config::Dialect;
use migrate_core::sql::{lex::lex, split::split};

const UNIT: &str = concat!(
    "INSERT INTO pets (id, name, note) VALUES (1, 'Rex; the dog', E'it\\'s') ON CONFLICT DO NOTHING;\n",
    "-- a comment; with a semicolon\n",
    "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n",
    "BEGIN\n  NEW.updated_at := now(); -- keep; going\n  RETURN NEW;\nEND;\n$$;\n",
    "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\n",
    "BEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN a + b ELSE b END;\nEND;\n",
    "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); DELETE FROM c);\n",
    "/* block /* nested */ comment */ ALTER TABLE pets ADD COLUMN \"weight (kg)\" numeric(6,2);\n",
);

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() {
    for mb in [1usize, 8, 64] {
        let sql = UNIT.repeat(mb * (1 << 20) / UNIT.len());
        let size = sql.len() as f64 / (1 << 20) as f64;
        let mut splits = Vec::new();
        let mut lexes = Vec::new();
        let mut statements = 0;
        for _ in 0..5 {
            let start = Instant::now();
            statements = split(&sql, Dialect::Postgres).map_or(0, |s| s.len());
            splits.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            std::hint::black_box(lex(&sql, Dialect::Postgres).count());
            lexes.push(start.elapsed().as_secs_f64());
        }
        let (split_s, lex_s) = (median(splits), median(lexes));
        println!(
            "{size:5.1} MB, {statements} statements: split {:.1} ms ({:.0} MB/s), lex {:.1} ms ({:.0} MB/s)",
            split_s * 1e3,
            size / split_s,
            lex_s * 1e3,
            size / lex_s
        );
    }
}
