//! The online pass in the binary: the glue from the document model to the
//! library's [`CitedEntry`], the tokio runtime, the progress bar, and the
//! `cache` subcommand.

use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use citelint::model::Document;
use citelint::online::{
    ArchiveRef, ArchiveService, Cache, Checker, CitedEntry, CitedLink, OnlineSettings, Progress,
};
use citelint::settings::RuleSet;
use citelint::source::{SourceFile, Span};
use citelint::{FileReport, checker};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use regex::Regex;

use crate::args::CacheAction;

/// A linted file held until the online pass has run.
pub struct Held {
    pub report: FileReport,
    /// The source and its entries' links, for files that have links.
    pub links: Option<(SourceFile, Vec<CitedEntry>)>,
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\bhttps?://[^\s<>"\]|{}]+"#).expect("valid regex"));
static ARCHIVE_TODAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^https?://archive\.(?:today|ph|is|li|vn|md|fo)/(?:(\d{14})/)?(https?://.+)?")
        .expect("valid regex")
});
static ACCESS_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:retrieved|accessed|access-?date\s*=)\s*(?:on\s+)?(\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})",
    )
    .expect("valid regex")
});

/// TEMPORARY GLUE until the `links` branch lands (it adds `Entry::links`,
/// `links::classify` and per-entry access and archive dates): reads each
/// reference entry's URLs from the file's text with a plain pattern, tells
/// Wayback (the configured replay base and web.archive.org), archive.today
/// and WebCite captures apart, and takes the first `Retrieved …` /
/// `access-date=` date. Replace its body with a mapping from `entry.links`.
pub fn cited_entries_from_model(doc: &Document, text: &str, wayback_url: &str) -> Vec<CitedEntry> {
    let wayback_base = wayback_url.trim_end_matches('/');
    doc.entries
        .iter()
        .filter_map(|entry| {
            let region = text.get(entry.span.start..entry.span.end)?;
            let access_date = ACCESS_DATE
                .captures(region)
                .and_then(|c| parse_date(c.get(1)?.as_str()));
            let links: Vec<CitedLink> = URL
                .find_iter(region)
                .map(|m| {
                    let url = m.as_str().trim_end_matches(['.', ',', ';', ':', ')', '\'']);
                    let start = entry.span.start + m.start();
                    CitedLink {
                        url: url.to_owned(),
                        span: Span::new(start, start + url.len()),
                        archive: classify_archive(url, wayback_base),
                        access_date,
                    }
                })
                .collect();
            (!links.is_empty()).then(|| CitedEntry {
                key: Some(entry.key.to_string()),
                group: entry.group,
                links,
            })
        })
        .collect()
}

/// Wayback: `<base>/web/<timestamp>[modifier]/<original>`, for the configured
/// base and for the public hosts.
fn classify_archive(url: &str, wayback_base: &str) -> Option<ArchiveRef> {
    let lower = url.to_ascii_lowercase();
    let wayback_prefix = [
        format!("{}/web/", wayback_base.to_ascii_lowercase()),
        "https://web.archive.org/web/".into(),
        "http://web.archive.org/web/".into(),
        "https://wayback.archive.org/web/".into(),
    ]
    .into_iter()
    .find(|p| lower.starts_with(p.as_str()));
    if let Some(prefix) = wayback_prefix {
        let rest = &url[prefix.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = rest[digits..].find('/').map(|i| &rest[digits + i + 1..]);
        return Some(ArchiveRef {
            service: ArchiveService::Wayback,
            original: after.filter(|o| o.starts_with("http")).map(str::to_owned),
            timestamp: (digits >= 4).then(|| rest[..digits].to_owned()),
        });
    }
    if let Some(c) = ARCHIVE_TODAY.captures(url) {
        return Some(ArchiveRef {
            service: ArchiveService::ArchiveToday,
            original: c.get(2).map(|m| m.as_str().to_owned()),
            timestamp: c.get(1).map(|m| m.as_str().to_owned()),
        });
    }
    if lower.contains("webcitation.org/") {
        return Some(ArchiveRef {
            service: ArchiveService::WebCite,
            original: None,
            timestamp: None,
        });
    }
    None
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    ["%Y-%m-%d", "%d %B %Y", "%B %d, %Y"]
        .iter()
        .find_map(|f| jiff::civil::Date::strptime(f, s).ok())
}

/// The progress bar: URLs done / total, rate, the busiest hosts' queues.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn add_total(&self, n: usize) {
        self.0.inc_length(n as u64);
    }
    fn done(&self, _cached: bool) {
        self.0.inc(1);
    }
}

fn progress_bar(show: bool) -> ProgressBar {
    let visible = show && io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} links {pos}/{len} [{bar:30}] {per_sec} {elapsed} {wide_msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

/// Runs the online pass over the held files and adds its findings to them.
pub fn run_pass(
    held: &mut [Held],
    settings: OnlineSettings,
    rules: &RuleSet,
    show_progress: bool,
) -> Result<(), String> {
    let checker = Checker::new(settings)?;
    let entries: Vec<&CitedEntry> = held
        .iter()
        .filter_map(|h| h.links.as_ref())
        .flat_map(|(_, entries)| entries)
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let bar = progress_bar(show_progress);
    let results = runtime.block_on(async {
        let ticker = {
            let bar = bar.clone();
            let checker = checker.clone();
            tokio::spawn(async move {
                loop {
                    let queues = checker.busiest_hosts(3);
                    let text: Vec<String> = queues
                        .iter()
                        .map(|(h, n)| format!("{h}: {n} queued"))
                        .collect();
                    bar.set_message(text.join(", "));
                    bar.tick();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        };
        let results = checker
            .run(&entries, Arc::new(Bar(bar.clone())))
            .await
            .map_err(|e| e.to_string());
        ticker.abort();
        results
    })?;
    bar.finish_and_clear();
    let findings: Vec<Vec<_>> = held
        .iter()
        .map(|h| match &h.links {
            Some((_, entries)) => entries
                .iter()
                .flat_map(|e| results.findings(e, rules))
                .collect(),
            None => Vec::new(),
        })
        .collect();
    for (h, extra) in held.iter_mut().zip(findings) {
        if let Some((source, _)) = &h.links {
            checker::add_findings(source, &mut h.report.diagnostics, extra);
        }
    }
    Ok(())
}

/// `citelint cache stats|prune|clear`.
pub fn cache_command(action: CacheAction, path: &std::path::Path) -> io::Result<u8> {
    if action == CacheAction::Stats && !path.exists() {
        println!("no cache at {}", path.display());
        return Ok(0);
    }
    let mut cache = match Cache::open(path) {
        Ok(cache) => cache,
        Err(err) => {
            eprintln!("citelint: error: {err}");
            return Ok(2);
        }
    };
    let mut out = io::stdout().lock();
    let result = match action {
        CacheAction::Stats => cache.stats().map(|s| {
            format!(
                "{}\nlinks: {} ({} alive, {} dead)\nfailed checks recorded: {}\narchive look-ups: {}\nsize: {} bytes",
                path.display(),
                s.links,
                s.alive,
                s.dead,
                s.failures,
                s.captures,
                s.bytes
            )
        }),
        CacheAction::Prune { max_age } => cache
            .prune(max_age, 30)
            .map(|n| format!("pruned {n} rows from {}", path.display())),
        CacheAction::Clear => cache
            .clear()
            .map(|()| format!("cleared {}", path.display())),
    };
    match result {
        Ok(text) => {
            writeln!(out, "{text}")?;
            Ok(0)
        }
        Err(err) => {
            eprintln!("citelint: error: {err}");
            Ok(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_adapter_reads_links_archives_and_access_dates() {
        let text = "Claim.[1][2]\n\nReferences\n  1. ^ Report. Retrieved 3 May 2016. https://example.org/a.\n  2. ^ Copy https://web.archive.org/web/20160603000000/https://example.org/b (archived).\n";
        let source = SourceFile::from_text("a.txt", text);
        let (_, doc) = citelint::lint_document(&source, &citelint::Settings::default());
        let entries = cited_entries_from_model(&doc, text, "https://web.archive.org");
        assert_eq!(entries.len(), 2);
        let first = &entries[0].links[0];
        assert_eq!(first.url, "https://example.org/a");
        assert_eq!(
            &text[first.span.start..first.span.end],
            "https://example.org/a"
        );
        assert_eq!(first.access_date, Some(jiff::civil::date(2016, 5, 3)));
        let archive = entries[1].links[0].archive.as_ref().unwrap();
        assert_eq!(archive.service, ArchiveService::Wayback);
        assert_eq!(archive.timestamp.as_deref(), Some("20160603000000"));
        assert_eq!(archive.original.as_deref(), Some("https://example.org/b"));
        assert_eq!(
            classify_archive("https://archive.ph/20190101000000/https://x.org/", "")
                .unwrap()
                .service,
            ArchiveService::ArchiveToday
        );
    }
}
