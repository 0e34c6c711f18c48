//! The online pass: checks the links of reference entries over the network.
//!
//! The pass takes its own input type, [`CitedEntry`] (an entry's key, group
//! and links, each link with its span, its access date and, for an archive
//! URL, what it wraps), so it depends on nothing but the model's spans. The
//! caller collects the entries of every file, hands them to
//! [`Checker::run`] once (every unique URL across the run is checked once),
//! then asks [`Results::findings`] for each entry's diagnostics (CIT030–034).
//!
//! ```text
//! entries of all files ─► unique URLs ─► cache ─► fresh? answer from cache
//!                                              └► per-host queue (semaphore + token bucket + pause)
//!                                                 ─► global limit ─► HEAD (GET fallback), hop by hop, guarded
//!                      ─► dead originals without archive ─► CDX `closest` (availability, replay redirect fallbacks)
//! ─► Results ─► findings per entry
//! ```
//!
//! The library never prints: progress goes through [`Progress`]; the binary
//! owns the runtime and the progress bar.

mod cache;
mod client;
mod findings;
mod hosts;
mod settings;
mod verdict;
mod wayback;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

pub use cache::{Cache, CacheError, CacheStats};
pub use client::{Failure, USER_AGENT, is_public};
pub use settings::{
    DEFAULT_AVAILABILITY_URL, DEFAULT_CACHE_PATH, DEFAULT_CDX_URL, DEFAULT_WAYBACK_URL,
    OnlineSettings,
};
pub use verdict::{Verdict, parse_retry_after, wayback_timestamp};

use client::{Http, Method, Response};
use hosts::{HostClass, Hosts};

use crate::model::Group;
use crate::source::Span;

/// One reference entry as the online pass sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedEntry {
    /// The entry's key (`12`, `smith`), for the findings.
    pub key: Option<String>,
    /// The entry's group.
    pub group: Group,
    /// The entry's links in order.
    pub links: Vec<CitedLink>,
}

/// One link of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedLink {
    /// The URL as it is to be requested.
    pub url: String,
    /// Where the URL is written in the file.
    pub span: Span,
    /// Set when the URL is an archive capture.
    pub archive: Option<ArchiveRef>,
    /// When the citer read the page (`Retrieved 3 May 2016`), if stated.
    pub access_date: Option<jiff::civil::Date>,
}

/// What an archive URL is a capture of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveRef {
    /// Which archive.
    pub service: ArchiveService,
    /// The wrapped original URL, when the archive URL shows it.
    pub original: Option<String>,
    /// The capture's timestamp (`20160603123456`), when the URL shows it.
    pub timestamp: Option<String>,
}

/// Archives the pass knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveService {
    /// The Internet Archive's Wayback Machine.
    Wayback,
    /// archive.today (archive.ph, archive.is…).
    ArchiveToday,
    /// WebCite.
    WebCite,
    /// Another archive.
    Other,
}

/// One redirect: the URL requested and the status that sent us on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Its 3xx status.
    pub status: u16,
}

/// The result of checking one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The URL checked.
    pub url: String,
    /// Alive, dead or unknown.
    pub verdict: Verdict,
    /// The HTTP status that decided (`"404"`), or why there was none or why a
    /// 200 is dead (`"timeout"`, `"nxdomain"`, `"redirect-to-root"`,
    /// `"soft-404"`; see [`Failure::kind`]).
    pub status: String,
    /// Where the redirects ended.
    pub final_url: Option<String>,
    /// Every redirect followed.
    pub chain: Vec<Hop>,
    /// For an archive URL that redirects to another capture: that capture.
    pub nearest: Option<String>,
    /// When it was checked (Unix seconds).
    pub checked_at: i64,
    /// For a dead link: confirmed by enough failed checks far enough apart.
    pub confirmed: bool,
    /// For a dead link: failed checks counted so far (this one included).
    pub dead_checks: u32,
    /// Answered from the cache without a request.
    pub from_cache: bool,
}

/// An archived copy found for a dead URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// The replay URL to cite: `<wayback>/web/<timestamp>/<url>`.
    pub url: String,
    /// Its 14-digit timestamp.
    pub timestamp: String,
}

impl Capture {
    /// The capture's date, `YYYY-MM-DD`.
    pub fn date(&self) -> Option<String> {
        let t = self.timestamp.get(..8)?;
        Some(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..8]))
    }
}

/// Receives progress; every method has a do-nothing default.
pub trait Progress: Send + Sync {
    /// `n` more URLs (or look-ups) are to be done.
    fn add_total(&self, _n: usize) {}
    /// One finished; `cached` when answered from the cache.
    fn done(&self, _cached: bool) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Everything the run found.
#[derive(Clone, Debug, Default)]
pub struct Results {
    links: HashMap<String, Outcome>,
    captures: HashMap<(String, String), Option<Capture>>,
    confirm_checks: u32,
    confirm_days: u32,
    /// Requests sent over the network during the run.
    pub requests: u64,
    /// URLs answered from the cache.
    pub cached: u64,
    /// Problems with the cache file. The run goes on without the cache from
    /// the first one (or without it entirely when it could not be opened);
    /// the caller decides how to tell the user.
    pub cache_problems: Vec<Arc<CacheError>>,
}

impl Results {
    /// The outcome of `url`, when it was checked.
    pub fn get(&self, url: &str) -> Option<&Outcome> {
        self.links.get(url)
    }

    /// The archived copy found for `url` near `date`, when one was looked up.
    pub fn capture(&self, url: &str, date: Option<jiff::civil::Date>) -> Option<&Capture> {
        self.captures.get(&capture_key(url, date))?.as_ref()
    }
}

/// Identifies one archive look-up: the URL and the day before which a
/// capture is wanted (`latest` when no date is known).
fn capture_key(url: &str, date: Option<jiff::civil::Date>) -> (String, String) {
    (
        url.to_owned(),
        date.map_or_else(|| "latest".to_owned(), |d| d.to_string()),
    )
}

/// The date of a Wayback timestamp's first eight digits.
fn timestamp_date(timestamp: &str) -> Option<jiff::civil::Date> {
    let t = timestamp.get(..8)?;
    jiff::civil::Date::new(
        t[..4].parse().ok()?,
        t[4..6].parse().ok()?,
        t[6..8].parse().ok()?,
    )
    .ok()
}

/// The date before which a capture is wanted for a link.
fn wanted_date(link: &CitedLink) -> Option<jiff::civil::Date> {
    link.archive
        .as_ref()
        .and_then(|a| a.timestamp.as_deref())
        .and_then(timestamp_date)
        .or(link.access_date)
}

/// Whether the failed checks (Unix seconds, ascending) confirm a dead link:
/// at least `checks` of them, each `days` days after the last one counted.
pub fn confirms_dead(failures: &[i64], checks: u32, days: u32) -> bool {
    let gap = i64::from(days) * 86_400;
    let mut counted = 0u32;
    let mut last: Option<i64> = None;
    for &at in failures {
        if last.is_none_or(|l| at - l >= gap) {
            counted += 1;
            last = Some(at);
        }
    }
    counted >= checks
}

/// The online checker. Cheap to clone; clones share hosts and limits.
#[derive(Clone)]
pub struct Checker {
    inner: Arc<Inner>,
}

struct Inner {
    settings: OnlineSettings,
    http: Http,
    hosts: Hosts,
    global: Semaphore,
    archive_hosts: Vec<String>,
    requests: std::sync::atomic::AtomicU64,
}

impl Checker {
    /// A checker with `settings` (validated here).
    pub fn new(settings: OnlineSettings) -> Result<Self, String> {
        settings.validate()?;
        let http = Http::new(&settings)?;
        // Replay traffic to a known archive (host or subdomain) gets the
        // archive rate: the hosts of the offline pass's archive list.
        let mut archive_hosts: Vec<String> = crate::links::DEFAULT_ARCHIVE_HOSTS
            .iter()
            .map(|entry| entry.split('/').next().unwrap_or(entry).to_owned())
            .collect();
        archive_hosts.dedup();
        if let Some(host) = Url::parse(&settings.wayback_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
        {
            archive_hosts.push(host);
        }
        Ok(Checker {
            inner: Arc::new(Inner {
                hosts: Hosts::new(
                    settings.host_concurrency,
                    settings.host_rate,
                    settings.archive_rate,
                    settings.cdx_rate,
                ),
                global: Semaphore::new(settings.max_concurrency),
                http,
                archive_hosts,
                requests: std::sync::atomic::AtomicU64::new(0),
                settings,
            }),
        })
    }

    /// The hosts with the most queued requests (for a progress display).
    pub fn busiest_hosts(&self, n: usize) -> Vec<(String, usize)> {
        self.inner.hosts.busiest(n)
    }

    /// Checks every unique URL of `entries`, then looks up archived copies
    /// of the dead ones. Results are written to the cache (when enabled) in
    /// batches as they come, so a killed run loses at most the last batch.
    ///
    /// A cache that cannot be opened (not a database, corrupt, unwritable)
    /// or fails during the run never stops the pass: it goes on without the
    /// cache and the problem is in [`Results::cache_problems`].
    pub async fn run(&self, entries: &[&CitedEntry], progress: Arc<dyn Progress>) -> Results {
        let settings = &self.inner.settings;
        let now = jiff::Timestamp::now().as_second();
        let mut results = Results {
            confirm_checks: settings.confirm_checks,
            confirm_days: settings.confirm_days,
            ..Results::default()
        };
        let (mut reader, writer) = if settings.cache {
            let opened = Cache::open(&settings.cache_path)
                .and_then(|reader| Ok((reader, Cache::open(&settings.cache_path)?)));
            match opened {
                Ok((reader, writer)) => (Some(reader), Some(Writer::start(writer))),
                Err(problem) => {
                    results.cache_problems.push(Arc::new(problem));
                    (None, None)
                }
            }
        } else {
            (None, None)
        };

        // Phase 1: every unique URL once.
        let mut seen = HashSet::new();
        let jobs: Vec<(String, Option<ArchiveRef>)> = entries
            .iter()
            .flat_map(|e| &e.links)
            .filter(|l| seen.insert(l.url.as_str()))
            .map(|l| (l.url.clone(), l.archive.clone()))
            .collect();
        progress.add_total(jobs.len());
        let mut tasks = tokio::task::JoinSet::new();
        for (url, archive) in jobs {
            let cached = match reader.as_ref().map(|cache| cache.get(&url)) {
                Some(Ok(cached)) => cached,
                Some(Err(problem)) => {
                    results.cache_problems.push(Arc::new(problem));
                    reader = None;
                    None
                }
                None => None,
            };
            let prior = match cached {
                Some(cached) => {
                    let mut outcome = cached.outcome;
                    if outcome.verdict == Verdict::Dead {
                        outcome.confirmed = !settings.confirm_dead
                            || confirms_dead(
                                &cached.dead_checks,
                                settings.confirm_checks,
                                settings.confirm_days,
                            );
                    }
                    if self.is_fresh(&outcome, now) {
                        results.cached += 1;
                        progress.done(true);
                        results.links.insert(url, outcome);
                        continue;
                    }
                    cached.dead_checks
                }
                None => Vec::new(),
            };
            let checker = self.clone();
            let sink = writer.as_ref().map(Writer::sender);
            let progress = Arc::clone(&progress);
            tasks.spawn(async move {
                let mut outcome = checker.check_link(&url, archive.as_ref()).await;
                if let Some(sink) = sink {
                    let _ = sink.send(cache::Record::Link(outcome.clone()));
                }
                if outcome.verdict == Verdict::Dead {
                    let mut failures = prior;
                    failures.push(outcome.checked_at);
                    let s = &checker.inner.settings;
                    outcome.dead_checks = failures.len() as u32;
                    outcome.confirmed = !s.confirm_dead
                        || confirms_dead(&failures, s.confirm_checks, s.confirm_days);
                }
                progress.done(false);
                outcome
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Ok(outcome) = joined {
                results.links.insert(outcome.url.clone(), outcome);
            }
        }

        // Phase 2: archived copies of dead links.
        let mut wanted = Vec::new();
        let mut seen = HashSet::new();
        for entry in entries {
            for link in &entry.links {
                if let Some((url, date)) = findings::wanted_capture(entry, link, &results)
                    && seen.insert(capture_key(&url, date))
                {
                    wanted.push((url, date));
                }
            }
        }
        progress.add_total(wanted.len());
        let newer_than = now - i64::from(settings.max_age) * 86_400;
        let mut lookups = tokio::task::JoinSet::new();
        for (url, date) in wanted {
            let key = capture_key(&url, date);
            match reader
                .as_ref()
                .map(|cache| cache.capture(&key.0, &key.1, newer_than))
            {
                Some(Ok(Some(found))) => {
                    results.cached += 1;
                    progress.done(true);
                    results.captures.insert(key, found);
                    continue;
                }
                Some(Err(problem)) => {
                    results.cache_problems.push(Arc::new(problem));
                    reader = None;
                }
                Some(Ok(None)) | None => {}
            }
            let checker = self.clone();
            let sink = writer.as_ref().map(Writer::sender);
            let progress = Arc::clone(&progress);
            lookups.spawn(async move {
                let found = wayback::find_capture(&checker, &url, date).await;
                if let (Some(sink), Ok(capture)) = (sink, &found) {
                    let _ = sink.send(cache::Record::Capture {
                        url: key.0.clone(),
                        before: key.1.clone(),
                        capture: capture.clone(),
                        at: jiff::Timestamp::now().as_second(),
                    });
                }
                progress.done(false);
                (key, found.ok().flatten())
            });
        }
        while let Some(joined) = lookups.join_next().await {
            if let Ok((key, found)) = joined {
                results.captures.insert(key, found);
            }
        }
        if let Some(writer) = writer
            && let Err(problem) = writer.finish()
        {
            results.cache_problems.push(Arc::new(problem));
        }
        results.requests = self
            .inner
            .requests
            .load(std::sync::atomic::Ordering::Relaxed);
        results
    }

    /// Whether a cached outcome may be used without a new check.
    fn is_fresh(&self, outcome: &Outcome, now: i64) -> bool {
        let s = &self.inner.settings;
        let age = now - outcome.checked_at;
        let max_age = i64::from(s.max_age) * 86_400;
        match outcome.verdict {
            Verdict::Alive => age < max_age,
            // An unconfirmed dead link is checked again once another failure
            // would count towards confirmation.
            Verdict::Dead if s.confirm_dead && !outcome.confirmed => {
                age < i64::from(s.confirm_days) * 86_400
            }
            Verdict::Dead => age < max_age,
            Verdict::Unknown => false,
        }
    }

    fn class_of(&self, url: &Url) -> HostClass {
        let host = url.host_str().unwrap_or("");
        if self
            .inner
            .archive_hosts
            .iter()
            .any(|h| crate::links::host_within(host, h))
        {
            HostClass::Archive
        } else {
            HostClass::Page
        }
    }

    /// One request through the host's queue and the global limit, retried
    /// on 429, 5xx and transient failures. A 429 or 503 pauses the whole
    /// host for `Retry-After` (or an exponential backoff with jitter); a
    /// `Retry-After` over `max-retry-wait` gives the host up for the rest of
    /// the run ([`Failure::RetryAfterTooLong`], unknown).
    async fn request(
        &self,
        class: HostClass,
        url: &Url,
        method: Method,
        read_body: bool,
    ) -> Result<Response, Failure> {
        let s = &self.inner.settings;
        let host = self.inner.hosts.get(class, url.host_str().unwrap_or(""));
        let base = Duration::from_secs_f64(s.retry_base_delay);
        let cap = Duration::from_secs_f64(s.max_retry_wait);
        let mut attempt = 0;
        loop {
            let result = {
                let Some(_host) = host.acquire().await else {
                    return Err(Failure::RetryAfterTooLong);
                };
                let _slot = self
                    .inner
                    .global
                    .acquire()
                    .await
                    .expect("the global semaphore is never closed");
                self.inner
                    .requests
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.inner.http.once(method, url, read_body).await
            };
            let retries_left = attempt < s.retries;
            match result {
                // Told to wait longer than we will: give the host up for the
                // rest of the run rather than ask it again for every URL.
                Ok(response)
                    if matches!(response.status, 429 | 503)
                        && response.retry_after.is_some_and(|d| d > cap) =>
                {
                    host.give_up();
                    return Err(Failure::RetryAfterTooLong);
                }
                Ok(response) if matches!(response.status, 429 | 503) && retries_left => {
                    let delay = response
                        .retry_after
                        .unwrap_or_else(|| verdict::backoff(base, attempt, cap));
                    host.pause(delay);
                }
                Ok(response) if matches!(response.status, 500 | 502 | 504) && retries_left => {
                    tokio::time::sleep(verdict::backoff(base, attempt, cap)).await;
                }
                Err(failure) if failure.retryable() && retries_left => {
                    tokio::time::sleep(verdict::backoff(base, attempt, cap)).await;
                }
                other => return other,
            }
            attempt += 1;
        }
    }

    /// Follows redirects hop by hop; each hop goes through its own host's
    /// queue and the address guard.
    async fn follow(
        &self,
        url: &Url,
        method: Method,
        read_body: bool,
    ) -> (Vec<Hop>, Result<(Url, Response), Failure>) {
        let mut chain: Vec<Hop> = Vec::new();
        let mut current = url.clone();
        loop {
            let response = match self
                .request(self.class_of(&current), &current, method, read_body)
                .await
            {
                Ok(response) => response,
                Err(failure) => return (chain, Err(failure)),
            };
            let location = response.location.as_deref();
            let (300..=399, Some(location)) = (response.status, location) else {
                return (chain, Ok((current, response)));
            };
            let Ok(next) = current.join(location) else {
                return (chain, Err(Failure::BadUrl));
            };
            chain.push(Hop {
                url: current.to_string(),
                status: response.status,
            });
            if chain.len() > self.inner.settings.max_redirects {
                return (chain, Err(Failure::TooManyRedirects));
            }
            if next == current || chain.iter().any(|h| h.url == next.as_str()) {
                return (chain, Err(Failure::RedirectLoop));
            }
            current = next;
        }
    }

    async fn check_link(&self, url: &str, archive: Option<&ArchiveRef>) -> Outcome {
        let mut outcome = Outcome {
            url: url.to_owned(),
            verdict: Verdict::Unknown,
            status: String::new(),
            final_url: None,
            chain: Vec::new(),
            nearest: None,
            checked_at: jiff::Timestamp::now().as_second(),
            confirmed: false,
            dead_checks: 0,
            from_cache: false,
        };
        let Ok(parsed) = Url::parse(url) else {
            outcome.status = Failure::BadUrl.kind().to_owned();
            return outcome;
        };
        match archive {
            None => self.check_original(&parsed, &mut outcome).await,
            Some(archive) => wayback::check_archive(self, &parsed, archive, &mut outcome).await,
        }
        outcome
    }

    async fn check_original(&self, url: &Url, outcome: &mut Outcome) {
        let (mut chain, mut result) = self.follow(url, Method::Head, false).await;
        let ask_again = match &result {
            Ok((_, r)) => {
                verdict::head_is_ambiguous(r.status)
                    || (!chain.is_empty() && (200..300).contains(&r.status))
            }
            Err(_) => false,
        };
        if ask_again {
            (chain, result) = self.follow(url, Method::Get, true).await;
        }
        let redirected = !chain.is_empty();
        outcome.chain = chain;
        match result {
            Err(failure) => failure_outcome(outcome, &failure),
            Ok((final_url, response)) => {
                outcome.final_url = Some(final_url.to_string());
                outcome.status = response.status.to_string();
                outcome.verdict = match response.status {
                    200..=299 => {
                        if redirected
                            && verdict::is_root(&final_url)
                            && !verdict::is_home_page(url)
                            && verdict::same_site(url, &final_url)
                        {
                            outcome.status = "redirect-to-root".into();
                            Verdict::Dead
                        } else if verdict::is_soft_404(
                            &final_url,
                            redirected,
                            response.body.as_deref(),
                        ) {
                            outcome.status = "soft-404".into();
                            Verdict::Dead
                        } else {
                            Verdict::Alive
                        }
                    }
                    404 | 410 => Verdict::Dead,
                    _ => Verdict::Unknown,
                };
            }
        }
    }
}

/// A request that got no response: dead only when the name does not exist.
fn failure_outcome(outcome: &mut Outcome, failure: &Failure) {
    outcome.status = failure.kind().to_owned();
    outcome.verdict = if *failure == Failure::NoSuchHost {
        Verdict::Dead
    } else {
        Verdict::Unknown
    };
}

/// Writes results to the cache on its own thread, one transaction per batch
/// (64 results or a quarter of a second, whichever comes first).
struct Writer {
    sender: mpsc::Sender<cache::Record>,
    thread: std::thread::JoinHandle<Result<(), CacheError>>,
}

impl Writer {
    const BATCH: usize = 64;
    const LINGER: Duration = Duration::from_millis(250);

    fn start(mut cache: Cache) -> Self {
        let (sender, receiver) = mpsc::channel::<cache::Record>();
        let thread = std::thread::spawn(move || {
            let mut batch = Vec::new();
            loop {
                let message = if batch.is_empty() {
                    receiver
                        .recv()
                        .map_err(|_| mpsc::RecvTimeoutError::Disconnected)
                } else {
                    receiver.recv_timeout(Self::LINGER)
                };
                match message {
                    Ok(record) => {
                        batch.push(record);
                        if batch.len() >= Self::BATCH {
                            cache.write(&batch)?;
                            batch.clear();
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        cache.write(&batch)?;
                        batch.clear();
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        if !batch.is_empty() {
                            cache.write(&batch)?;
                        }
                        return Ok(());
                    }
                }
            }
        });
        Writer { sender, thread }
    }

    fn sender(&self) -> mpsc::Sender<cache::Record> {
        self.sender.clone()
    }

    fn finish(self) -> Result<(), CacheError> {
        drop(self.sender);
        self.thread.join().unwrap_or(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_needs_enough_failures_far_enough_apart() {
        let day = 86_400;
        assert!(!confirms_dead(&[0], 3, 3));
        assert!(!confirms_dead(&[0, day, 2 * day, 3 * day], 3, 3));
        assert!(confirms_dead(&[0, 3 * day, 6 * day], 3, 3));
        assert!(confirms_dead(&[0], 1, 3));
        assert!(!confirms_dead(&[], 1, 0));
    }

    #[test]
    fn capture_dates() {
        let c = Capture {
            url: "x".into(),
            timestamp: "20160603123456".into(),
        };
        assert_eq!(c.date().as_deref(), Some("2016-06-03"));
        assert_eq!(
            timestamp_date("20160603"),
            Some(jiff::civil::date(2016, 6, 3))
        );
    }
}
