//! A fresh SQLite database file per test.

use std::path::PathBuf;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqlitePoolOptions};
use tempfile::TempDir;

/// A database file of its own for one test, in a temporary directory of its own that is removed
/// (with the file and its `-wal`/`-shm`/`-journal` companions) when this handle drops.
///
/// The file does not exist until something connects to `url` (which creates it) or writes
/// `path`.
#[derive(Debug)]
pub struct TestFile {
    /// The database file, e.g. `/tmp/migrate-test-sqlite-XXXX/test.db`.
    pub path: PathBuf,
    /// A connection URL for it that creates the file if missing: `sqlite://<path>?mode=rwc`.
    pub url: String,
    dir: TempDir,
}

impl TestFile {
    /// A new, not yet created, database file in a fresh temporary directory.
    ///
    /// # Panics
    /// When the temporary directory cannot be created, or its path is not UTF-8.
    pub fn new() -> TestFile {
        let dir = tempfile::Builder::new()
            .prefix("migrate-test-sqlite-")
            .tempdir()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot create a temporary directory in {}: {e}",
                    std::env::temp_dir().display()
                )
            });
        let path = dir.path().join("test.db");
        let Some(text) = path.to_str() else {
            panic!("the temporary path {} is not UTF-8", path.display());
        };
        // The URL's path is percent-decoded: escape what would be misread.
        let escaped = text
            .replace('%', "%25")
            .replace('?', "%3F")
            .replace('#', "%23");
        let url = format!("sqlite://{escaped}?mode=rwc");
        TestFile { path, url, dir }
    }

    /// The temporary directory holding the file, for tests that need more files beside it.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// A new connection pool for this file (created if missing).
    ///
    /// # Panics
    /// When the file cannot be opened.
    pub async fn pool(&self) -> SqlitePool {
        SqlitePoolOptions::new()
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.path.display()))
    }

    /// A single new connection to this file (created if missing).
    ///
    /// # Panics
    /// When the file cannot be opened.
    pub async fn connect(&self) -> SqliteConnection {
        SqliteConnection::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.path.display()))
    }
}

impl Default for TestFile {
    fn default() -> Self {
        Self::new()
    }
}
