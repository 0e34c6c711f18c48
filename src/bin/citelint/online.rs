//! The online pass in the binary: the glue from the document model to the
//! library's [`CitedEntry`], the tokio runtime, the progress bar, and the
//! `cache` subcommand.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use citelint::model::{Directive, Document};
use citelint::online::{
    ArchiveRef, ArchiveService, Cache, Checker, CitedEntry, CitedLink, OnlineSettings, Progress,
};
use citelint::settings::RuleSet;
use citelint::source::SourceFile;
use citelint::{FileReport, Severity, checker, links};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::CacheAction;

/// A linted file held until the online pass has run.
pub struct Held {
    pub report: FileReport,
    /// The least severe finding that fails the run for this file.
    pub fail_on: Severity,
    /// The file's rules (from its configuration and the command line).
    pub rules: RuleSet,
    /// The source and its entries' links, for files that have links.
    pub links: Option<(SourceFile, Vec<CitedEntry>)>,
    /// The file's suppression comments, applied to its online findings.
    pub directives: Vec<Directive>,
}

/// The entries with links of a document, as the online pass takes them:
/// `Entry::links` classified by [`links::entry_links`] (archive hosts,
/// wrapped originals, timestamps, the stated access date). A capture under
/// the configured `--wayback-url` (a local stand-in in tests) counts as a
/// Wayback capture too.
pub fn cited_entries(
    doc: &Document,
    text: &str,
    wayback_url: &str,
    archive_hosts: &[String],
) -> Vec<CitedEntry> {
    let wayback_base = wayback_url.trim_end_matches('/');
    doc.entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| !entry.links.is_empty())
        .map(|(id, entry)| {
            let found = links::entry_links(doc, id, text, archive_hosts);
            let access_date = found.access_date.map(|d| d.date);
            CitedEntry {
                key: Some(entry.key.to_string()),
                group: entry.group,
                links: found
                    .links
                    .iter()
                    .map(|link| CitedLink {
                        url: link.url.clone(),
                        span: link.span,
                        archive: configured_wayback(&link.url, wayback_base)
                            .or_else(|| link.kind.archive().map(archive_ref)),
                        access_date,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn archive_ref(archive: &links::Archive) -> ArchiveRef {
    ArchiveRef {
        service: match archive.service {
            links::ArchiveService::Wayback => ArchiveService::Wayback,
            links::ArchiveService::ArchiveToday => ArchiveService::ArchiveToday,
            links::ArchiveService::WebCite => ArchiveService::WebCite,
            links::ArchiveService::Other(_) => ArchiveService::Other,
        },
        original: archive.original.clone(),
        timestamp: archive.timestamp.clone(),
    }
}

/// `<base>/web/<timestamp>[flag]/<original>` under the configured base.
fn configured_wayback(url: &str, wayback_base: &str) -> Option<ArchiveRef> {
    let prefix = format!("{wayback_base}/web/");
    let rest = url
        .get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(&prefix))
        .map(|_| &url[prefix.len()..])?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = rest[digits..].find('/').map(|i| &rest[digits + i + 1..]);
    Some(ArchiveRef {
        service: ArchiveService::Wayback,
        original: after.filter(|o| o.starts_with("http")).map(str::to_owned),
        timestamp: (digits >= 4).then(|| rest[..digits].to_owned()),
    })
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
        let results = checker.run(&entries, Arc::new(Bar(bar.clone()))).await;
        ticker.abort();
        results
    });
    bar.finish_and_clear();
    for problem in &results.cache_problems {
        let hint = if problem.is_foreign() {
            " (it is not a citelint cache, and citelint never writes to it; choose another --cache-path)"
        } else if problem.is_not_a_cache() {
            " (it is not a citelint cache; `citelint cache clear` deletes it and starts a new one)"
        } else {
            ""
        };
        eprintln!(
            "citelint: warning: {problem}{hint}; the online pass went on without the cache, so nothing was read from or saved to it from then on"
        );
    }
    let findings: Vec<Vec<_>> = held
        .iter()
        .map(|h| match &h.links {
            Some((_, entries)) => entries
                .iter()
                .flat_map(|e| results.findings(e, &h.rules))
                .collect(),
            None => Vec::new(),
        })
        .collect();
    for (h, extra) in held.iter_mut().zip(findings) {
        if let Some((source, _)) = &h.links {
            checker::add_findings(source, &h.directives, &mut h.report.diagnostics, extra);
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
        // `clear` on a file that is not a cache (not a database, damaged):
        // delete it and start a new one.
        // Another program's database is never deleted.
        Err(err) if err.is_foreign() => {
            eprintln!(
                "citelint: error: {} is not a citelint cache: it is {}; citelint leaves it alone (choose another --cache-path)",
                path.display(),
                err.reason()
            );
            return Ok(2);
        }
        Err(err) if err.is_not_a_cache() && action == CacheAction::Clear => {
            match Cache::recreate(path) {
                Ok(_) => {
                    writeln!(
                        io::stdout().lock(),
                        "cleared {}: it was not a citelint cache ({}), so it was deleted and a new, empty cache created",
                        path.display(),
                        err.reason()
                    )?;
                    return Ok(0);
                }
                Err(err) => {
                    eprintln!("citelint: error: {err}");
                    return Ok(2);
                }
            }
        }
        Err(err) if err.is_not_a_cache() => {
            eprintln!(
                "citelint: error: {} is not a citelint cache ({}); `citelint cache clear` deletes it and starts a new one",
                path.display(),
                err.reason()
            );
            return Ok(2);
        }
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
        let entries = cited_entries(
            &doc,
            text,
            "http://127.0.0.1:9",
            &links::default_archive_hosts(),
        );
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
        let local = configured_wayback(
            "http://127.0.0.1:9/web/20190101000000id_/https://x.org/",
            "http://127.0.0.1:9",
        )
        .unwrap();
        assert_eq!(local.timestamp.as_deref(), Some("20190101000000"));
        assert_eq!(local.original.as_deref(), Some("https://x.org/"));
    }
}
