//! The online checker against local servers only: verdicts, retries and
//! pauses, timeouts, resets, redirects, the address guard, per-host limits,
//! archives, CDX and availability look-ups, and the cache.

mod support {
    pub mod server;
}

use std::sync::Arc;
use std::time::{Duration, Instant};

use citelint::model::Group;
use citelint::online::{
    ArchiveRef, ArchiveService, Checker, CitedEntry, CitedLink, NoProgress, OnlineSettings,
    Results, Verdict,
};
use citelint::settings::RuleSet;
use citelint::source::Span;
use support::server::{Action, Reply, TestServer};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn settings() -> OnlineSettings {
    OnlineSettings {
        enabled: true,
        cache: false,
        allow_private: true,
        timeout: 2.0,
        connect_timeout: 1.0,
        retries: 2,
        retry_base_delay: 0.02,
        host_rate: 1000.0,
        archive_rate: 1000.0,
        cdx_rate: 1000.0,
        host_concurrency: 8,
        availability_url: String::new(),
        ..OnlineSettings::default()
    }
}

fn link(url: &str) -> CitedLink {
    CitedLink {
        url: url.to_owned(),
        span: Span::new(0, 1),
        archive: None,
        access_date: None,
    }
}

fn wayback(url: &str, timestamp: &str, original: &str) -> CitedLink {
    CitedLink {
        archive: Some(ArchiveRef {
            service: ArchiveService::Wayback,
            original: Some(original.to_owned()),
            timestamp: Some(timestamp.to_owned()),
        }),
        ..link(url)
    }
}

fn entry(links: Vec<CitedLink>) -> CitedEntry {
    CitedEntry {
        key: Some("1".into()),
        group: Group::Default,
        links,
    }
}

/// One entry per path, each citing that path on `server`.
fn one_entry_per_path(server: &TestServer, paths: &[&str]) -> Vec<CitedEntry> {
    paths
        .iter()
        .map(|p| entry(vec![link(&server.url(p))]))
        .collect()
}

async fn run(settings: OnlineSettings, entries: &[CitedEntry]) -> Results {
    let checker = Checker::new(settings).expect("valid settings");
    let refs: Vec<&CitedEntry> = entries.iter().collect();
    let results = checker.run(&refs, Arc::new(NoProgress)).await;
    assert!(results.cache_problems.is_empty(), "cache works");
    results
}

fn verdict(results: &Results, url: &str) -> (Verdict, String) {
    let o = results.get(url).unwrap_or_else(|| panic!("{url} checked"));
    (o.verdict, o.status.clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn alive_dead_and_soft_dead_pages() {
    let server = TestServer::start("127.0.0.1", |method, path, _| match path {
        "/ok" => Reply::status(200),
        "/gone" => Reply::status(410),
        "/missing" => Reply::status(404),
        "/moved" => Reply::redirect(301, "/new"),
        "/new" => Reply::status(200).body("<title>New home</title>"),
        "/old-article" => Reply::redirect(302, "/"),
        "/" => Reply::status(200),
        "/lost" => Reply::redirect(302, "/errors/404.html"),
        "/errors/404.html" => Reply::status(200),
        "/titled" => Reply::redirect(302, "/landing"),
        "/landing" => Reply::status(200).body("<html><title>Page not found</title>"),
        "/no-head" if method == "HEAD" => Reply::status(405),
        "/no-head" => Reply::status(200),
        _ => Reply::status(500),
    })
    .await;
    let paths = [
        "/ok",
        "/gone",
        "/missing",
        "/moved",
        "/old-article",
        "/lost",
        "/titled",
        "/no-head",
    ];
    let entries = one_entry_per_path(&server, &paths);
    let results = run(settings(), &entries).await;
    let v = |p: &str| verdict(&results, &server.url(p));
    assert_eq!(v("/ok"), (Verdict::Alive, "200".into()));
    assert_eq!(v("/gone"), (Verdict::Dead, "410".into()));
    assert_eq!(v("/missing"), (Verdict::Dead, "404".into()));
    assert_eq!(v("/moved"), (Verdict::Alive, "200".into()));
    assert_eq!(
        v("/old-article"),
        (Verdict::Dead, "redirect-to-root".into())
    );
    assert_eq!(v("/lost"), (Verdict::Dead, "soft-404".into()));
    assert_eq!(v("/titled"), (Verdict::Dead, "soft-404".into()));
    assert_eq!(v("/no-head"), (Verdict::Alive, "200".into()));
    let moved = results.get(&server.url("/moved")).unwrap();
    assert_eq!(moved.chain.len(), 1);
    assert_eq!(moved.chain[0].status, 301);
    assert_eq!(
        moved.final_url.as_deref(),
        Some(server.url("/new").as_str())
    );
    // HEAD answered 405, so GET was asked.
    let methods: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|s| s.path == "/no-head")
        .map(|s| s.method)
        .collect();
    assert_eq!(methods, ["HEAD", "GET"]);

    // Findings: dead links are warnings until confirmed, errors with --no-confirm-dead.
    let findings = results.findings(&entries[2], &RuleSet::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "CIT030");
    assert_eq!(findings[0].severity, citelint::Severity::Warning);
    let online = findings[0].online.as_ref().unwrap();
    assert_eq!(
        (online.status.as_str(), online.verdict),
        ("404", Verdict::Dead)
    );
    let confirmed = run(
        OnlineSettings {
            confirm_dead: false,
            ..settings()
        },
        &entries[2..3],
    )
    .await;
    let findings = confirmed.findings(&entries[2], &RuleSet::default());
    assert_eq!(findings[0].severity, citelint::Severity::Error);
}

#[tokio::test(flavor = "multi_thread")]
async fn headlines_error_like_paths_home_pages_and_shortlinks_are_not_soft_dead() {
    // Another site (127.0.0.2 is loopback too): a shortlink's target.
    let other = TestServer::start("127.0.0.2", |_, _, _| Reply::status(200)).await;
    let other_root = other.url("/");
    let server = TestServer::start("127.0.0.1", move |_, path, _| match path {
        // A news article whose headline says "not found".
        "/climber" => Reply::redirect(301, "/news/climber"),
        "/news/climber" => Reply::status(200)
            .body("<title>Missing climber not found, police say - Example News</title>"),
        // A path that merely contains 404.
        "/route-404-reopens-old" => Reply::redirect(301, "/route-404-reopens"),
        "/route-404-reopens" => Reply::status(200).body("<title>Route 404 reopens</title>"),
        // A home page under another name.
        "/index.html" => Reply::redirect(301, "/"),
        "/" => Reply::status(200).body("<title>Example</title>"),
        // A shortlink to another site's home page.
        "/x" => Reply::redirect(301, &other_root),
        // True positives still count.
        "/gone-article" => Reply::redirect(301, "/"),
        "/retired" => Reply::redirect(302, "/errors/404.php"),
        "/errors/404.php" => Reply::status(200),
        "/story" => Reply::redirect(302, "/landing"),
        "/landing" => Reply::status(200).body("<title>404 - Page Not Found | Example</title>"),
        _ => Reply::status(500),
    })
    .await;
    let paths = [
        "/climber",
        "/route-404-reopens-old",
        "/index.html",
        "/x",
        "/gone-article",
        "/retired",
        "/story",
    ];
    let entries = one_entry_per_path(&server, &paths);
    let results = run(settings(), &entries).await;
    let v = |p: &str| verdict(&results, &server.url(p));
    assert_eq!(v("/climber"), (Verdict::Alive, "200".into()));
    assert_eq!(v("/route-404-reopens-old"), (Verdict::Alive, "200".into()));
    assert_eq!(v("/index.html"), (Verdict::Alive, "200".into()));
    assert_eq!(v("/x"), (Verdict::Alive, "200".into()));
    assert_eq!(
        v("/gone-article"),
        (Verdict::Dead, "redirect-to-root".into())
    );
    assert_eq!(v("/retired"), (Verdict::Dead, "soft-404".into()));
    assert_eq!(v("/story"), (Verdict::Dead, "soft-404".into()));
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_in_seconds_pauses_the_whole_host() {
    // Whichever URL of the host goes first gets a 429 with `Retry-After: 1`;
    // nothing else may reach the host for that second. (Both answer 429 on
    // their first request, so the test holds whichever the scheduler picks.)
    let server = TestServer::start("127.0.0.1", |_, path, nth| match (path, nth) {
        ("/busy" | "/other", 0) => Reply::status(429).header("Retry-After", "1"),
        _ => Reply::status(200),
    })
    .await;
    let entries = vec![entry(vec![
        link(&server.url("/busy")),
        link(&server.url("/other")),
    ])];
    let results = run(
        OnlineSettings {
            host_concurrency: 1,
            ..settings()
        },
        &entries,
    )
    .await;
    assert_eq!(verdict(&results, &server.url("/busy")).0, Verdict::Alive);
    assert_eq!(verdict(&results, &server.url("/other")).0, Verdict::Alive);
    let mut seen: Vec<_> = server.requests().iter().map(|s| s.at).collect();
    seen.sort();
    assert_eq!(seen.len(), 4, "one 429 and one retry per URL");
    for later in &seen[1..] {
        assert!(
            *later - seen[0] >= Duration::from_millis(950),
            "a request reached the paused host after {:?}",
            *later - seen[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_over_the_cap_gives_the_host_up_for_the_run() {
    let server = TestServer::start("127.0.0.1", |_, _, _| {
        Reply::status(429).header("Retry-After", "3600")
    })
    .await;
    let other = TestServer::start("127.0.0.2", |_, _, _| Reply::status(200)).await;
    let mut links: Vec<_> = (0..6)
        .map(|i| link(&server.url(&format!("/p{i}"))))
        .collect();
    links.push(link(&other.url("/fine")));
    let entries = vec![entry(links)];
    let started = Instant::now();
    let results = run(
        OnlineSettings {
            host_concurrency: 1,
            max_retry_wait: 5.0,
            ..settings()
        },
        &entries,
    )
    .await;
    assert_eq!(
        server.requests().len(),
        1,
        "told to wait an hour, the host was asked once"
    );
    for i in 0..6 {
        assert_eq!(
            verdict(&results, &server.url(&format!("/p{i}"))),
            (Verdict::Unknown, "retry-after-too-long".into())
        );
    }
    assert_eq!(
        verdict(&results, &other.url("/fine")).0,
        Verdict::Alive,
        "other hosts are not affected"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    let findings = results.findings(&entries[0], &RuleSet::default());
    assert!(
        findings.iter().filter(|f| f.code == "CIT034").count() == 6,
        "{findings:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_as_an_http_date_and_503_then_200() {
    let when = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let date = when.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = TestServer::start("127.0.0.1", move |_, path, nth| match (path, nth) {
        ("/dated", 0) => Reply::status(429).header("Retry-After", &date),
        ("/flaky", 0) => Reply::status(503),
        _ => Reply::status(200),
    })
    .await;
    let entries = vec![entry(vec![
        link(&server.url("/dated")),
        link(&server.url("/flaky")),
    ])];
    let started = Instant::now();
    let results = run(settings(), &entries).await;
    assert_eq!(verdict(&results, &server.url("/dated")).0, Verdict::Alive);
    assert_eq!(verdict(&results, &server.url("/flaky")).0, Verdict::Alive);
    assert_eq!(server.count("/flaky"), 2);
    let seen = server.requests();
    let dated: Vec<_> = seen.iter().filter(|s| s.path == "/dated").collect();
    // The date has one-second resolution: at least one second passed.
    assert!(dated[1].at - dated[0].at >= Duration::from_millis(900));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread")]
async fn hangs_resets_loops_and_429s_are_unknown_never_dead() {
    let server = TestServer::start("127.0.0.1", |_, path, _| match path {
        "/hang" => Reply::status(200).action(Action::Hang),
        "/reset" => Reply::status(200).action(Action::Reset),
        "/loop-a" => Reply::redirect(302, "/loop-b"),
        "/loop-b" => Reply::redirect(302, "/loop-a"),
        "/limited" => Reply::status(429).header("Retry-After", "0"),
        "/down" => Reply::status(502),
        _ => Reply::status(200),
    })
    .await;
    let paths = ["/hang", "/reset", "/loop-a", "/limited", "/down"];
    let entries = one_entry_per_path(&server, &paths);
    let started = Instant::now();
    let results = run(
        OnlineSettings {
            timeout: 0.3,
            retries: 1,
            ..settings()
        },
        &entries,
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let v = |p: &str| verdict(&results, &server.url(p));
    assert_eq!(v("/hang"), (Verdict::Unknown, "timeout".into()));
    assert_eq!(v("/reset"), (Verdict::Unknown, "connection-reset".into()));
    assert_eq!(v("/loop-a"), (Verdict::Unknown, "redirect-loop".into()));
    assert_eq!(v("/limited"), (Verdict::Unknown, "429".into()));
    assert_eq!(v("/down"), (Verdict::Unknown, "502".into()));
    assert_eq!(server.count("/reset"), 2, "one retry");
    assert_eq!(server.count("/limited"), 2, "one retry");
    let findings = results.findings(&entries[0], &RuleSet::default());
    assert_eq!(findings[0].code, "CIT034");
    assert_eq!(findings[0].severity, citelint::Severity::Info);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_a_private_address_is_refused_before_connecting() {
    let private = TestServer::start("127.0.0.2", |_, _, _| Reply::status(200)).await;
    let target = private.url("/secret");
    let server = TestServer::start("127.0.0.1", move |_, _, _| Reply::redirect(302, &target)).await;
    let entries = vec![entry(vec![
        link(&server.url("/go")),
        link("http://localhost:1/by-name"),
        link("ftp://127.0.0.1/file"),
    ])];
    let results = run(
        OnlineSettings {
            allow_private: false,
            allow_addresses: vec!["127.0.0.1".parse().unwrap()],
            ..settings()
        },
        &entries,
    )
    .await;
    assert_eq!(
        verdict(&results, &server.url("/go")),
        (Verdict::Unknown, "private-address".into())
    );
    assert_eq!(
        private.requests().len(),
        0,
        "the private server was never contacted"
    );
    // A name is checked on the addresses it resolves to (localhost: ::1 is
    // refused, 127.0.0.1 is allowed here and nothing listens on port 1).
    assert_eq!(
        verdict(&results, "http://localhost:1/by-name").0,
        Verdict::Unknown
    );
    assert_eq!(
        verdict(&results, "ftp://127.0.0.1/file"),
        (Verdict::Unknown, "unsupported-scheme".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn per_host_concurrency_and_rate_are_respected() {
    let server = TestServer::start("127.0.0.1", |_, _, _| {
        Reply::status(200).delay(Duration::from_millis(30))
    })
    .await;
    let links: Vec<_> = (0..12)
        .map(|i| link(&server.url(&format!("/p{i}"))))
        .collect();
    let results = run(
        OnlineSettings {
            host_concurrency: 2,
            host_rate: 25.0,
            ..settings()
        },
        &[entry(links)],
    )
    .await;
    assert_eq!(results.requests, 12);
    assert!(server.max_in_flight() <= 2, "{}", server.max_in_flight());
    let mut times: Vec<_> = server.requests().iter().map(|s| s.at).collect();
    times.sort();
    for pair in times.windows(2) {
        // 25 per second with a burst of one: 40 ms apart (some scheduling slack).
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(35),
            "{:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn archives_are_checked_without_following_and_dead_links_get_captures() {
    let archive = MockServer::start().await;
    let base = archive.uri();
    let original = "http://example.org/report";
    Mock::given(method("HEAD"))
        .and(path(format!("/web/20160603000000/{original}")))
        .respond_with(ResponseTemplate::new(200))
        .mount(&archive)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/web/20150101000000/http://example.org/moved"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("{base}/web/20150309101010/http://example.org/moved").as_str(),
        ))
        .mount(&archive)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/web/20140101000000/http://example.org/none"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&archive)
        .await;
    Mock::given(method("GET"))
        .and(path("/cdx"))
        .and(query_param("filter", "statuscode:200"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[["timestamp","original","statuscode"],
                ["20160701000000","http://dead.example/","200"],
                ["20160420093012","http://dead.example/","200"],
                ["20160101000000","http://dead.example/","200"]]"#,
        ))
        .mount(&archive)
        .await;
    let pages = TestServer::start("127.0.0.1", |_, _, _| Reply::status(404)).await;
    let dead = pages.url("/article");
    let exact = format!("{base}/web/20160603000000/{original}");
    let moved = format!("{base}/web/20150101000000/http://example.org/moved");
    let none = format!("{base}/web/20140101000000/http://example.org/none");
    let mut dead_link = link(&dead);
    dead_link.access_date = Some(jiff::civil::date(2016, 5, 3));
    let entries = vec![
        entry(vec![wayback(&exact, "20160603000000", original)]),
        entry(vec![wayback(
            &moved,
            "20150101000000",
            "http://example.org/moved",
        )]),
        entry(vec![wayback(
            &none,
            "20140101000000",
            "http://example.org/none",
        )]),
        entry(vec![dead_link]),
    ];
    let results = run(
        OnlineSettings {
            wayback_url: base.clone(),
            cdx_url: format!("{base}/cdx"),
            ..settings()
        },
        &entries,
    )
    .await;
    let rules = RuleSet::default();
    assert!(results.findings(&entries[0], &rules).is_empty());

    let not_exact = results.findings(&entries[1], &rules);
    assert_eq!(not_exact[0].code, "CIT032");
    let online = not_exact[0].online.as_ref().unwrap();
    assert_eq!(
        online.suggestion.as_deref(),
        Some(format!("{base}/web/20150309101010/http://example.org/moved").as_str())
    );
    assert!(not_exact[0].message.contains("20150101000000"));

    let broken = results.findings(&entries[2], &rules);
    assert_eq!(broken[0].code, "CIT031");
    assert_eq!(broken[0].online.as_ref().unwrap().status, "404");

    let dead_findings = results.findings(&entries[3], &rules);
    let codes: Vec<_> = dead_findings.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["CIT030", "CIT033"]);
    // The capture closest before the access date (3 May 2016), not the latest.
    let suggestion = format!("{base}/web/20160420093012/http://dead.example/");
    for d in &dead_findings {
        assert_eq!(
            d.online.as_ref().unwrap().suggestion.as_deref(),
            Some(suggestion.as_str())
        );
    }
    let help = dead_findings[1].help.as_deref().unwrap();
    assert!(help.contains(&format!(
        "|archive-url={suggestion} |archive-date=2016-04-20 |url-status=dead"
    )));
}

#[tokio::test(flavor = "multi_thread")]
async fn availability_and_replay_redirect_when_cdx_fails() {
    let pages = TestServer::start("127.0.0.1", |_, _, _| Reply::status(410)).await;
    let first = pages.url("/x");
    let second = pages.url("/y");
    let archive = MockServer::start().await;
    let base = archive.uri();
    Mock::given(path("/cdx"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&archive)
        .await;
    let answer = format!(
        r#"{{"url":"{first}","archived_snapshots":{{"closest":{{"status":"200","available":true,"url":"http://web.archive.org/web/20120102030405/{first}","timestamp":"20120102030405"}}}}}}"#
    );
    Mock::given(path("/available"))
        .and(query_param("url", first.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(answer))
        .mount(&archive)
        .await;
    Mock::given(path("/available"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&archive)
        .await;
    Mock::given(method("HEAD"))
        .and(path(format!("/web/20100101235959/{second}")))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("/web/20091231120000/{second}").as_str()),
        )
        .mount(&archive)
        .await;
    let entries = vec![
        entry(vec![link(&first)]),
        entry(vec![CitedLink {
            access_date: Some(jiff::civil::date(2010, 1, 1)),
            ..link(&second)
        }]),
    ];
    let results = run(
        OnlineSettings {
            wayback_url: base.clone(),
            cdx_url: format!("{base}/cdx"),
            availability_url: format!("{base}/available"),
            retries: 0,
            ..settings()
        },
        &entries,
    )
    .await;
    let a = results
        .capture(&first, None)
        .expect("availability answered");
    assert_eq!(a.url, format!("{base}/web/20120102030405/{first}"));
    let b = results
        .capture(&second, Some(jiff::civil::date(2010, 1, 1)))
        .expect("the replay redirect answered");
    assert_eq!(b.timestamp, "20091231120000");
    assert_eq!(b.url, format!("{base}/web/20091231120000/{second}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_is_answered_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start("127.0.0.1", |_, path, _| match path {
        "/gone" => Reply::status(404),
        "/slow" => Reply::status(200).action(Action::Hang),
        _ => Reply::status(200),
    })
    .await;
    let entries = vec![entry(vec![
        link(&server.url("/a")),
        link(&server.url("/b")),
        link(&server.url("/gone")),
        link(&server.url("/slow")),
    ])];
    let cached = OnlineSettings {
        cache: true,
        cache_path: dir.path().join("cache.sqlite"),
        timeout: 0.3,
        retries: 0,
        ..settings()
    };
    let first = run(cached.clone(), &entries).await;
    let after_first = server.requests().len();
    assert!(first.requests >= 4);
    let second = run(cached, &entries).await;
    let again: Vec<_> = server.requests()[after_first..]
        .iter()
        .map(|s| s.path.clone())
        .collect();
    // Unknown results are not cached as verdicts: only /slow is asked again.
    assert_eq!(again, ["/slow"]);
    assert_eq!(second.cached, 3);
    assert_eq!(verdict(&second, &server.url("/gone")).0, Verdict::Dead);
    let gone = second.get(&server.url("/gone")).unwrap();
    assert!(gone.from_cache);
    assert_eq!(gone.dead_checks, 1);
}
