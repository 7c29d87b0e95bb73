//! The README's install and quick-start blocks, followed literally.
//!
//! The install block's `cargo install --path DIR` must name the crate of the `migrate` binary (the
//! test uses the binary cargo built for it rather than installing one). The quick-start block,
//! the `sh` block after `<!-- quick start -->`, is run line by line in an empty directory:
//! `migrate ...` with this binary, `mkdir X && cd X` as said, and `$EDITOR schema/schema.toml` by
//! pasting the README's schema example (its first `toml` block after the quick start). Any other
//! line fails the test, so a step added to the README is a step this test knows how to take.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The lines of the first fenced block with info `info` after `after` (a line of the README).
fn block_after(text: &str, after: &str, info: &str) -> Vec<String> {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("README.md has no `{after}`"));
    let mut lines = text[start..]
        .lines()
        .skip_while(|l| *l != format!("```{info}"));
    assert!(lines.next().is_some(), "no ```{info} block after `{after}`");
    lines
        .take_while(|l| !l.starts_with("```"))
        .map(str::to_string)
        .collect()
}

/// A command line without its trailing `# comment`.
fn command(line: &str) -> String {
    let line = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    line.trim().to_string()
}

fn migrate(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migrate"));
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR");
    cmd
}

#[test]
fn the_install_block_names_the_crate_of_the_migrate_binary() {
    let text = readme();
    let install = block_after(&text, "## Install", "sh");
    let mut installs = 0;
    for line in install.iter().map(|l| command(l)) {
        if let Some(path) = line.strip_prefix("cargo install --path ") {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(path)
                .join("Cargo.toml");
            let manifest = fs::read_to_string(&manifest)
                .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
            assert!(
                manifest.contains("[[bin]]\nname = \"migrate\""),
                "{path} does not build `migrate`"
            );
            installs += 1;
        } else if line == "migrate --version" {
            let dir = tempfile::tempdir().expect("a directory");
            let out = migrate(dir.path()).arg("--version").assert().code(0);
            assert!(
                String::from_utf8_lossy(&out.get_output().stdout).starts_with("migrate "),
                "{:?}",
                out.get_output()
            );
        } else {
            panic!("the install block has a step this test does not know: `{line}`");
        }
    }
    assert_eq!(installs, 1);
}

#[test]
fn the_quick_start_works_as_written() {
    let text = readme();
    let steps = block_after(&text, "<!-- quick start -->", "sh");
    let schema = block_after(&text, "<!-- quick start -->", "toml").join("\n") + "\n";
    let root = tempfile::tempdir().expect("a directory");
    let mut cwd: PathBuf = root.path().to_path_buf();
    let mut ran = Vec::new();
    for line in steps.iter().map(|l| command(l)) {
        if let Some(rest) = line.strip_prefix("mkdir ") {
            let (dir, cd) = rest.split_once(" && cd ").expect("mkdir X && cd X");
            assert_eq!(dir.trim(), cd.trim(), "`{line}`");
            cwd = cwd.join(dir.trim());
            fs::create_dir(&cwd).expect("mkdir");
        } else if line == "$EDITOR schema/schema.toml" {
            let path = cwd.join("schema/schema.toml");
            let mut content = fs::read_to_string(&path).expect("the template");
            content.push_str(&schema);
            fs::write(&path, content).expect("paste the schema");
        } else if let Some(args) = line.strip_prefix("migrate ") {
            let args: Vec<&str> = args.split_whitespace().collect();
            let out = migrate(&cwd).args(&args).output().expect("migrate runs");
            assert!(
                out.status.success(),
                "`{line}` failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran.push((
                line.clone(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            ));
        } else {
            panic!("the quick start has a step this test does not know: `{line}`");
        }
    }
    let said = |cmd: &str| {
        ran.iter()
            .find(|(l, _)| l == cmd)
            .map(|(_, out)| out.clone())
            .unwrap_or_else(|| panic!("the quick start no longer runs `{cmd}`"))
    };
    assert!(said("migrate generate").contains("migrations/"), "{ran:#?}");
    let status = said("migrate status");
    assert!(
        status.contains("applied") && !status.contains("pending  "),
        "{status}"
    );
    assert!(cwd.join("dev.db").exists());
}
