//! The persistent cache: SQLite in WAL mode, one transaction per batch of
//! results, so a run killed at any moment leaves a consistent file and the
//! next run resumes where it stopped.
//!
//! Per URL it keeps the verdict, status, final URL, redirect chain and
//! when it was checked, and a history of failed checks. Unknown results are
//! recorded in the history only, never as a verdict.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Capture, Hop, Outcome, Verdict};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY,
    verdict TEXT NOT NULL,
    status TEXT NOT NULL,
    final_url TEXT,
    chain TEXT NOT NULL,
    nearest TEXT,
    checked_at INTEGER NOT NULL,
    alive_at INTEGER
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT NOT NULL,
    at INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_url ON failures(url, at);
CREATE TABLE IF NOT EXISTS captures (
    url TEXT NOT NULL,
    before TEXT NOT NULL,
    capture_url TEXT,
    timestamp TEXT,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (url, before)
);
";

/// An error of the cache file.
#[derive(Debug, thiserror::Error)]
#[error("cache {path}: {source}")]
pub struct CacheError {
    path: PathBuf,
    source: Problem,
}

/// What went wrong with the cache file.
#[derive(Debug, thiserror::Error)]
enum Problem {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A sound SQLite database that belongs to another program.
    #[error("an SQLite database of another program ({0})")]
    Foreign(String),
}

/// `PRAGMA application_id` of a citelint cache ("CTL1"), so that another
/// program's database is recognised and never written to.
const APPLICATION_ID: i32 = 0x4354_4c31;

impl CacheError {
    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What went wrong, without the path (`file is not a database`).
    pub fn reason(&self) -> String {
        self.source.to_string()
    }

    /// The file is not a citelint cache at all: not an SQLite database, a
    /// damaged one, or another program's database ([`Self::is_foreign`]).
    pub fn is_not_a_cache(&self) -> bool {
        self.is_foreign() || self.is_unreadable_database()
    }

    /// The file is not an SQLite database, or a damaged one: it can only be
    /// deleted and started afresh.
    pub fn is_unreadable_database(&self) -> bool {
        matches!(
            &self.source,
            Problem::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt
                )
        )
    }

    /// The file is a sound SQLite database of another program: it is never
    /// written to, and never deleted by `cache clear`.
    pub fn is_foreign(&self) -> bool {
        matches!(self.source, Problem::Foreign(_))
    }
}

/// What `citelint cache stats` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// URLs with a verdict.
    pub links: u64,
    /// Of which alive.
    pub alive: u64,
    /// Of which dead.
    pub dead: u64,
    /// Failed checks in the history.
    pub failures: u64,
    /// Archive look-ups remembered.
    pub captures: u64,
    /// Size of the file (with its WAL) in bytes.
    pub bytes: u64,
}

/// One cached verdict with its failure history.
#[derive(Clone, Debug)]
pub(crate) struct Cached {
    pub outcome: Outcome,
    /// Unix seconds of the dead checks since the link was last seen alive.
    pub dead_checks: Vec<i64>,
}

/// The cache file.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// Why the database open on `conn` belongs to another program, or `None`
/// when it is a citelint cache: stamped with citelint's application id,
/// empty, or (from before the id was set) holding only citelint's tables
/// with citelint's columns. A table merely named `links` is not enough.
fn foreign_owner(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if id == APPLICATION_ID {
        return Ok(None);
    }
    if id != 0 {
        return Ok(Some(format!("application id {id:#010x}")));
    }
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if tables.is_empty() {
        return Ok(None);
    }
    let links_columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('links') ORDER BY cid")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let ours = ["captures", "failures", "links"];
    let citelint_links = [
        "url",
        "verdict",
        "status",
        "final_url",
        "chain",
        "nearest",
        "checked_at",
        "alive_at",
    ];
    if tables.iter().all(|t| ours.contains(&t.as_str())) && links_columns == citelint_links {
        return Ok(None);
    }
    Ok(Some(format!("tables {}", tables.join(", "))))
}

impl Cache {
    /// Opens (creating when missing, with its directory) the cache at `path`.
    pub fn open(path: &Path) -> Result<Self, CacheError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let wrap = |source: rusqlite::Error| CacheError {
            path: path.to_owned(),
            source: Problem::from(source),
        };
        let conn = Connection::open(path).map_err(wrap)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(wrap)?;
        // Before anything is written: is this file ours (or new)?
        if let Some(owner) = foreign_owner(&conn).map_err(wrap)? {
            return Err(CacheError {
                path: path.to_owned(),
                source: Problem::Foreign(owner),
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(wrap)?;
        conn.execute_batch(SCHEMA).map_err(wrap)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(wrap)?;
        Ok(Cache {
            conn,
            path: path.to_owned(),
        })
    }

    fn wrap(&self, source: rusqlite::Error) -> CacheError {
        CacheError {
            path: self.path.clone(),
            source: source.into(),
        }
    }

    /// The cached verdict of `url`, if any.
    pub(crate) fn get(&self, url: &str) -> Result<Option<Cached>, CacheError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT verdict, status, final_url, chain, nearest, checked_at, alive_at
                 FROM links WHERE url = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([url], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.wrap(e))?;
        let Some((verdict, status, final_url, chain, nearest, checked_at, alive_at)) = row else {
            return Ok(None);
        };
        let Some(verdict) = Verdict::parse(&verdict) else {
            return Ok(None);
        };
        let dead_checks = self
            .conn
            .prepare_cached(
                "SELECT at FROM failures WHERE url = ?1 AND verdict = 'dead' AND at > ?2 ORDER BY at",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![url, alive_at.unwrap_or(i64::MIN)], |r| r.get(0))?
                    .collect::<Result<Vec<i64>, _>>()
            })
            .map_err(|e| self.wrap(e))?;
        Ok(Some(Cached {
            outcome: Outcome {
                url: url.to_owned(),
                verdict,
                status,
                final_url,
                chain: serde_json::from_str(&chain).unwrap_or_default(),
                nearest,
                checked_at,
                confirmed: false,
                dead_checks: dead_checks.len() as u32,
                from_cache: true,
            },
            dead_checks,
        }))
    }

    /// A remembered archive look-up: `Some(None)` means "no capture".
    pub(crate) fn capture(
        &self,
        url: &str,
        before: &str,
        newer_than: i64,
    ) -> Result<Option<Option<Capture>>, CacheError> {
        self.conn
            .prepare_cached(
                "SELECT capture_url, timestamp FROM captures
                 WHERE url = ?1 AND before = ?2 AND checked_at >= ?3",
            )
            .and_then(|mut stmt| {
                stmt.query_row(params![url, before, newer_than], |r| {
                    let capture_url: Option<String> = r.get(0)?;
                    let timestamp: Option<String> = r.get(1)?;
                    Ok(capture_url
                        .zip(timestamp)
                        .map(|(url, timestamp)| Capture { url, timestamp }))
                })
                .optional()
            })
            .map_err(|e| self.wrap(e))
    }

    /// Writes a batch of results in one transaction.
    pub(crate) fn write(&mut self, batch: &[Record]) -> Result<(), CacheError> {
        let path = self.path.clone();
        let wrap = |source: rusqlite::Error| CacheError {
            path: path.clone(),
            source: Problem::from(source),
        };
        let tx = self.conn.transaction().map_err(wrap)?;
        for record in batch {
            match record {
                Record::Link(outcome) => write_link(&tx, outcome).map_err(wrap)?,
                Record::Capture {
                    url,
                    before,
                    capture,
                    at,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO captures (url, before, capture_url, timestamp, checked_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            url,
                            before,
                            capture.as_ref().map(|c| &c.url),
                            capture.as_ref().map(|c| &c.timestamp),
                            at
                        ],
                    )
                    .map_err(wrap)?;
                }
            }
        }
        tx.commit().map_err(wrap)
    }

    /// Counts of what the cache holds.
    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let count = |sql: &str| -> Result<u64, CacheError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(|e| self.wrap(e))
        };
        let bytes = ["", "-wal"]
            .iter()
            .filter_map(|suffix| {
                let mut p = self.path.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(p).ok().map(|m| m.len())
            })
            .sum();
        Ok(CacheStats {
            links: count("SELECT COUNT(*) FROM links")?,
            alive: count("SELECT COUNT(*) FROM links WHERE verdict = 'alive'")?,
            dead: count("SELECT COUNT(*) FROM links WHERE verdict = 'dead'")?,
            failures: count("SELECT COUNT(*) FROM failures")?,
            captures: count("SELECT COUNT(*) FROM captures")?,
            bytes,
        })
    }

    /// Drops alive verdicts and look-ups older than `max_age_days`, and
    /// failure history older than four times that (or than the confirmation
    /// window, whichever is longer). Returns the rows removed.
    pub fn prune(
        &mut self,
        max_age_days: u32,
        keep_failures_days: u32,
    ) -> Result<usize, CacheError> {
        let now = jiff::Timestamp::now().as_second();
        let cutoff = now - i64::from(max_age_days) * 86_400;
        let failures_cutoff = now - i64::from(keep_failures_days.max(max_age_days * 4)) * 86_400;
        let path = self.path.clone();
        let wrap = |source: rusqlite::Error| CacheError {
            path: path.clone(),
            source: Problem::from(source),
        };
        let tx = self.conn.transaction().map_err(wrap)?;
        let mut removed = tx
            .execute(
                "DELETE FROM links WHERE verdict = 'alive' AND checked_at < ?1",
                [cutoff],
            )
            .map_err(wrap)?;
        removed += tx
            .execute("DELETE FROM captures WHERE checked_at < ?1", [cutoff])
            .map_err(wrap)?;
        removed += tx
            .execute("DELETE FROM failures WHERE at < ?1", [failures_cutoff])
            .map_err(wrap)?;
        tx.commit().map_err(wrap)?;
        self.conn.execute_batch("VACUUM").map_err(wrap)?;
        Ok(removed)
    }

    /// Deletes the file at `path` (with its `-wal` and `-shm` companions)
    /// and opens a new, empty cache there: for a file that is not a cache
    /// ([`CacheError::is_not_a_cache`]).
    pub fn recreate(path: &Path) -> Result<Self, CacheError> {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(CacheError {
                        path: path.to_owned(),
                        source: e.into(),
                    });
                }
            }
        }
        Cache::open(path)
    }

    /// Removes everything.
    pub fn clear(&mut self) -> Result<(), CacheError> {
        self.conn
            .execute_batch("DELETE FROM links; DELETE FROM failures; DELETE FROM captures; VACUUM;")
            .map_err(|e| self.wrap(e))
    }

    /// `PRAGMA integrity_check`: `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, CacheError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.wrap(e))
    }
}

/// One result to write.
#[derive(Clone, Debug)]
pub(crate) enum Record {
    Link(Outcome),
    Capture {
        url: String,
        before: String,
        capture: Option<Capture>,
        at: i64,
    },
}

fn write_link(tx: &rusqlite::Transaction<'_>, outcome: &Outcome) -> rusqlite::Result<()> {
    if outcome.verdict != Verdict::Alive {
        tx.execute(
            "INSERT INTO failures (url, at, verdict, status) VALUES (?1, ?2, ?3, ?4)",
            params![
                outcome.url,
                outcome.checked_at,
                outcome.verdict.as_str(),
                outcome.status
            ],
        )?;
    }
    if outcome.verdict == Verdict::Unknown {
        // Unknown is never cached as a verdict: the next run checks again.
        return Ok(());
    }
    let chain = serde_json::to_string::<[Hop]>(&outcome.chain).unwrap_or_else(|_| "[]".into());
    let alive_at = (outcome.verdict == Verdict::Alive).then_some(outcome.checked_at);
    tx.execute(
        "INSERT INTO links (url, verdict, status, final_url, chain, nearest, checked_at, alive_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(url) DO UPDATE SET verdict = excluded.verdict, status = excluded.status,
             final_url = excluded.final_url, chain = excluded.chain, nearest = excluded.nearest,
             checked_at = excluded.checked_at, alive_at = COALESCE(excluded.alive_at, links.alive_at)",
        params![
            outcome.url,
            outcome.verdict.as_str(),
            outcome.status,
            outcome.final_url,
            chain,
            outcome.nearest,
            outcome.checked_at,
            alive_at
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(url: &str, verdict: Verdict, at: i64) -> Outcome {
        Outcome {
            url: url.into(),
            verdict,
            status: if verdict == Verdict::Alive {
                "200"
            } else {
                "404"
            }
            .into(),
            final_url: Some(url.into()),
            chain: vec![Hop {
                url: url.into(),
                status: 301,
            }],
            nearest: None,
            checked_at: at,
            confirmed: false,
            dead_checks: 0,
            from_cache: false,
        }
    }

    #[test]
    fn another_programs_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("theirs.sqlite");
        let conn = Connection::open(&theirs).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
        drop(conn);
        let before = std::fs::read(&theirs).unwrap();
        let err = Cache::open(&theirs).err().expect("refused");
        assert!(err.is_foreign() && err.is_not_a_cache());
        assert!(!err.is_unreadable_database());
        assert_eq!(
            err.reason(),
            "an SQLite database of another program (tables notes)"
        );
        assert_eq!(std::fs::read(&theirs).unwrap(), before, "nothing written");

        let stamped = dir.path().join("stamped.sqlite");
        Connection::open(&stamped)
            .unwrap()
            .pragma_update(None, "application_id", 0x1234_5678)
            .unwrap();
        let err = Cache::open(&stamped).err().expect("refused");
        assert_eq!(
            err.reason(),
            "an SQLite database of another program (application id 0x12345678)"
        );
    }

    #[test]
    fn a_table_named_links_does_not_make_a_database_a_cache() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("bookmarks.sqlite");
        Connection::open(&theirs)
            .unwrap()
            .execute_batch(
                "CREATE TABLE links (href TEXT); CREATE TABLE pages (id); INSERT INTO links VALUES ('a');",
            )
            .unwrap();
        let before = std::fs::read(&theirs).unwrap();
        let err = Cache::open(&theirs).err().expect("refused");
        assert_eq!(
            err.reason(),
            "an SQLite database of another program (tables links, pages)"
        );
        assert_eq!(std::fs::read(&theirs).unwrap(), before, "nothing written");
        // Only citelint's table names, but not citelint's columns.
        let lookalike = dir.path().join("lookalike.sqlite");
        Connection::open(&lookalike)
            .unwrap()
            .execute_batch("CREATE TABLE links (href TEXT);")
            .unwrap();
        assert!(Cache::open(&lookalike).err().expect("refused").is_foreign());
    }

    #[test]
    fn a_cache_from_before_the_application_id_still_opens_and_is_stamped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        Connection::open(&path)
            .unwrap()
            .execute_batch(SCHEMA)
            .unwrap();
        drop(Cache::open(&path).unwrap());
        let id: i32 = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
        // And a new cache opens again.
        drop(Cache::open(&path).unwrap());
    }

    #[test]
    fn verdicts_and_failure_history_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.sqlite");
        let mut cache = Cache::open(&path).unwrap();
        cache
            .write(&[
                Record::Link(outcome("http://a/", Verdict::Alive, 100)),
                Record::Link(outcome("http://d/", Verdict::Dead, 100)),
                Record::Link(outcome("http://d/", Verdict::Dead, 500_000)),
                Record::Link(outcome("http://u/", Verdict::Unknown, 100)),
                Record::Capture {
                    url: "http://d/".into(),
                    before: "2016-01-01".into(),
                    capture: None,
                    at: 100,
                },
            ])
            .unwrap();
        let alive = cache.get("http://a/").unwrap().unwrap();
        assert_eq!(alive.outcome.verdict, Verdict::Alive);
        assert_eq!(alive.outcome.chain.len(), 1);
        let dead = cache.get("http://d/").unwrap().unwrap();
        assert_eq!(dead.dead_checks, [100, 500_000]);
        assert!(
            cache.get("http://u/").unwrap().is_none(),
            "unknown is no verdict"
        );
        assert_eq!(
            cache.capture("http://d/", "2016-01-01", 0).unwrap(),
            Some(None)
        );
        // Seen alive again: earlier dead checks no longer count.
        cache
            .write(&[Record::Link(outcome("http://d/", Verdict::Alive, 600_000))])
            .unwrap();
        assert!(
            cache
                .get("http://d/")
                .unwrap()
                .unwrap()
                .dead_checks
                .is_empty()
        );
        let stats = cache.stats().unwrap();
        assert_eq!((stats.links, stats.alive, stats.failures), (2, 2, 3));
        assert_eq!(cache.integrity_check().unwrap(), "ok");
        cache.clear().unwrap();
        assert_eq!(cache.stats().unwrap().links, 0);
    }
}
