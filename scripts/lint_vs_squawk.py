#!/usr/bin/env python3
"""Differential run and benchmark: `migrate lint` against the `squawk` CLI on the same files.

    npm install --prefix /tmp/squawk squawk-cli@2.66.0      # the version squawk-linter is pinned to
    cargo build --release -p migrate-cli
    scripts/lint_vs_squawk.py DIR [--squawk /tmp/squawk/node_modules/.bin/squawk] [--bench N]

For every .sql file under DIR it runs both (squawk with --assume-in-transaction, as migrate's
runner wraps each file without `-- migrate:no-transaction` in a transaction), compares the
findings as (file, line, rule) and prints the disagreements grouped by rule. With --bench N it
writes N files (the corpus repeated) to a temporary directory and times one run of each tool over
all of them, reporting the wall-time ratio.
"""
import argparse, collections, json, os, shutil, subprocess, sys, tempfile, time

def migrate_findings(migrate, files):
    out = subprocess.run([migrate, "lint", "--dialect", "postgres", "--format", "json", *files],
                         capture_output=True, text=True)
    found = set()
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o["level"] != "allowed":
            found.add((o["file"], o["line"], o["rule"]))
    return found

def squawk_findings(squawk, files):
    out = subprocess.run([squawk, "--assume-in-transaction", "--reporter", "json", *files],
                         capture_output=True, text=True)
    found = set()
    for o in json.loads(out.stdout or "[]"):
        found.add((o["file"], o["line"] + 1, o["rule_name"]))
    return found

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--squawk", default="squawk")
    ap.add_argument("--migrate", default="target/release/migrate")
    ap.add_argument("--bench", type=int, default=0)
    a = ap.parse_args()
    files = sorted(os.path.join(r, f) for r, _, fs in os.walk(a.dir) for f in fs if f.endswith(".sql"))
    m, s = migrate_findings(a.migrate, files), squawk_findings(a.squawk, files)
    print(f"{len(files)} files: migrate {len(m)} findings, squawk {len(s)}, both {len(m & s)}")
    only = collections.Counter(r for _, _, r in m - s), collections.Counter(r for _, _, r in s - m)
    for name, c in (("only migrate", only[0]), ("only squawk", only[1])):
        for rule, n in c.most_common():
            print(f"  {name}: {rule}: {n}")
    if a.bench:
        tmp = tempfile.mkdtemp()
        copies = [os.path.join(tmp, f"{i:05}_{os.path.basename(files[i % len(files)])}") for i in range(a.bench)]
        for i, c in enumerate(copies):
            shutil.copy(files[i % len(files)], c)
        size = sum(os.path.getsize(c) for c in copies)
        times = {}
        for name, cmd in (("migrate", [a.migrate, "lint", "--dialect", "postgres", "--format", "json", *copies]),
                          ("squawk", [a.squawk, "--assume-in-transaction", "--reporter", "json", *copies])):
            best = None
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run(cmd, capture_output=True)
                d = time.perf_counter() - t
                best = d if best is None else min(best, d)
            times[name] = best
        print(f"bench: {a.bench} files, {size // 1024} KiB: migrate {times['migrate']:.3f} s, "
              f"squawk {times['squawk']:.3f} s, ratio {times['migrate'] / times['squawk']:.2f}")
        shutil.rmtree(tmp)

if __name__ == "__main__":
    sys.exit(main())
