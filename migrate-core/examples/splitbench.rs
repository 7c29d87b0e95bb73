use migrate_core::config::Dialect;
use std::time::Instant;
fn main() {
    let unit = concat!(
        "INSERT INTO t VALUES (1, 'a;b', E'c\\'d');\n-- note; here\n",
        "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT $1 $f$ $$ ; $fn$ LANGUAGE sql;\n",
        "SELECT 1 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- 2;\n",
        "/* a /* b */ c */ SELECT 'x'\n'y'\n'z';\n",
    );
    for mb in [1usize, 2, 4, 8, 16, 32] {
        let sql = unit.repeat(mb * (1 << 20) / unit.len());
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let n = migrate_core::sql::split::split(&sql, Dialect::Postgres)
                .unwrap()
                .len();
            std::hint::black_box(n);
            best = best.min(t.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        let n = migrate_core::sql::lex::lex(&sql, Dialect::Postgres).count();
        let lex = t.elapsed().as_secs_f64();
        println!(
            "{mb} MB: split {:.1} ms ({:.0} MB/s), lex only {:.1} ms, {n} tokens",
            best * 1e3,
            mb as f64 / best,
            lex * 1e3
        );
    }
}
