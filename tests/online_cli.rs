//! `check --online` end to end with the built binary and a local server: a
//! warm re-run answered from the cache, a run killed with SIGKILL and
//! resumed, and `citelint cache stats|prune|clear`.

mod support {
    pub mod server;
}

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use citelint::online::Cache;
use support::server::{Reply, TestServer};

/// An article citing `n` links of `base`, one per entry.
fn article(base: &str, n: usize) -> String {
    let mut text = String::from("Claims.");
    for i in 1..=n {
        text.push_str(&format!("[{i}]"));
    }
    text.push_str("\n\nReferences\n");
    for i in 1..=n {
        text.push_str(&format!("  {i}. ^ Page {i}. {base}/p{i}\n"));
    }
    text
}

fn citelint(dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("citelint"));
    cmd.current_dir(dir)
        .args([
            "check",
            "a.txt",
            "--online",
            "--allow-private",
            "--no-progress",
            "--format",
            "concise",
            "--host-rate",
            "1000",
            "--cache-path",
            "cache.sqlite",
        ])
        .args(extra)
        .env_remove("CITELINT_OUTPUT_FORMAT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn recorded(dir: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(dir.join("cache.sqlite")).unwrap();
    let mut stmt = conn.prepare("SELECT url FROM links").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warm_rerun_sends_no_request() {
    let server = TestServer::start("127.0.0.1", |_, path, _| match path {
        "/p3" => Reply::status(404),
        _ => Reply::status(200),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), article(&server.url(""), 40)).unwrap();
    // The archive endpoints are the local server too: no test leaves the machine.
    let base = server.url("");
    let cdx = server.url("/cdx");
    let endpoints = [
        "--wayback-url",
        base.as_str(),
        "--cdx-url",
        cdx.as_str(),
        "--availability-url",
        "",
    ];
    let first = citelint(dir.path(), &endpoints).output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let sent = server.requests().len();
    // 40 HEADs, a GET confirming the 404, and one CDX look-up for it.
    assert_eq!(sent, 42);
    let started = Instant::now();
    let second = citelint(dir.path(), &endpoints).output().unwrap();
    assert_eq!(second.status.code(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "warm re-run under a second"
    );
    assert_eq!(
        server.requests().len(),
        sent,
        "the second run asked nothing"
    );

    // cache stats, prune, clear
    let cache = |args: &[&str]| {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("citelint"))
            .current_dir(dir.path())
            .arg("cache")
            .args(args)
            .args(["--cache-path", "cache.sqlite"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(cache(&["stats"]).contains("links: 40 (39 alive, 1 dead)"));
    assert!(cache(&["prune", "--max-age", "7"]).contains("pruned 0 rows"));
    assert!(cache(&["clear"]).contains("cleared"));
    assert!(cache(&["stats"]).contains("links: 0 (0 alive, 0 dead)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_resumes_without_rechecking_or_corruption() {
    let server = TestServer::start("127.0.0.1", |_, _, _| {
        Reply::status(200).delay(Duration::from_millis(40))
    })
    .await;
    let n = 300;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), article(&server.url(""), n)).unwrap();
    // Four at a time, 40 ms each: the whole run would take about 3 s.
    let mut child = citelint(dir.path(), &["--host-concurrency", "4"])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests().len() < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let first_run = server.requests().len();
    assert!(first_run < n, "killed mid-run ({first_run} requests)");

    let cache = Cache::open(&dir.path().join("cache.sqlite")).unwrap();
    assert_eq!(cache.integrity_check().unwrap(), "ok");
    drop(cache);
    let done = recorded(dir.path());
    assert!(
        !done.is_empty(),
        "some batches were committed before the kill"
    );

    let out = citelint(dir.path(), &["--host-concurrency", "4"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for url in &done {
        let path = url.strip_prefix(&server.url("")).unwrap();
        assert_eq!(server.count(path), 1, "{url} was recorded, yet asked again");
    }
    assert_eq!(
        recorded(dir.path()).len(),
        n,
        "the second run finished the rest"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_cache_is_a_warning_and_every_report_is_printed() {
    let server = TestServer::start("127.0.0.1", |_, path, _| match path {
        "/p2" => Reply::status(404),
        _ => Reply::status(200),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    // Two linked entries, and a citation of an entry that does not exist
    // (CIT001, an offline error).
    let text = article(&server.url(""), 2).replace("Claims.", "Claims.[9]");
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    // Not a database: pseudo-random bytes.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let junk: Vec<u8> = (0..5000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(dir.path().join("cache.sqlite"), &junk).unwrap();
    let (base, cdx) = (server.url(""), server.url("/cdx"));
    let endpoints = [
        "--wayback-url",
        base.as_str(),
        "--cdx-url",
        cdx.as_str(),
        "--availability-url",
        "",
    ];
    let out = citelint(dir.path(), &endpoints)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit per findings\n{stderr}");
    assert!(stdout.contains("CIT001"), "offline findings:\n{stdout}");
    assert!(stdout.contains("CIT030"), "online findings:\n{stdout}");
    assert!(
        stderr.contains("warning: cache cache.sqlite: file is not a database")
            && stderr.contains("not a citelint cache"),
        "{stderr}"
    );
    assert_eq!(server.count("/p1"), 1, "the pass ran without the cache");
    assert_eq!(
        std::fs::read(dir.path().join("cache.sqlite")).unwrap(),
        junk,
        "the file was left alone"
    );

    let cache = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin!("citelint"))
            .current_dir(dir.path())
            .arg("cache")
            .args(args)
            .args(["--cache-path", "cache.sqlite"])
            .output()
            .unwrap()
    };
    let stats = cache(&["stats"]);
    assert_eq!(stats.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&stats.stderr);
    assert!(
        stderr.contains("cache.sqlite is not a citelint cache (file is not a database)"),
        "{stderr}"
    );
    let clear = cache(&["clear"]);
    assert_eq!(
        clear.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clear.stderr)
    );
    assert!(String::from_utf8_lossy(&clear.stdout).contains("was not a citelint cache"));
    let stats = cache(&["stats"]);
    assert_eq!(stats.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&stats.stdout).contains("links: 0 (0 alive, 0 dead)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn another_programs_database_is_never_written_or_deleted() {
    let server = TestServer::start("127.0.0.1", |_, _, _| Reply::status(200)).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), article(&server.url(""), 1)).unwrap();
    let theirs = dir.path().join("cache.sqlite");
    rusqlite::Connection::open(&theirs)
        .unwrap()
        .execute_batch("CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('x');")
        .unwrap();
    let before = std::fs::read(&theirs).unwrap();

    let out = citelint(dir.path(), &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("an SQLite database of another program (tables bookmarks)")
            && stderr.contains("citelint never writes to it; choose another --cache-path"),
        "{stderr}"
    );
    assert_eq!(server.count("/p1"), 1, "the pass ran without the cache");

    for action in ["stats", "clear", "prune"] {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("citelint"))
            .current_dir(dir.path())
            .args(["cache", action, "--cache-path", "cache.sqlite"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{action}: {stderr}");
        assert!(
            stderr.contains("cache.sqlite is not a citelint cache: it is an SQLite database of another program (tables bookmarks); citelint leaves it alone"),
            "{action}: {stderr}"
        );
    }
    assert_eq!(std::fs::read(&theirs).unwrap(), before, "left as it was");
}
