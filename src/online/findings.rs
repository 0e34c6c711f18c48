//! From outcomes to diagnostics: CIT030–034 for one entry.

use crate::diagnostic::{Diagnostic, OnlineFinding, Severity};
use crate::rules::{
    self, Rule, archive_available, archive_not_exact, broken_archive, dead_link, link_unknown,
};
use crate::settings::RuleSet;

use super::{Capture, CitedEntry, CitedLink, Outcome, Results, Verdict, wanted_date};

/// The archive look-up a link needs, if any: a dead original in an entry
/// without a working archive link, or a broken archive link's original.
pub(super) fn wanted_capture(
    entry: &CitedEntry,
    link: &CitedLink,
    results: &Results,
) -> Option<(String, Option<jiff::civil::Date>)> {
    let outcome = results.get(&link.url)?;
    if outcome.verdict != Verdict::Dead {
        return None;
    }
    match &link.archive {
        None if !has_working_archive(entry, results) => Some((link.url.clone(), wanted_date(link))),
        None => None,
        Some(archive) => Some((archive.original.clone()?, wanted_date(link))),
    }
}

fn has_working_archive(entry: &CitedEntry, results: &Results) -> bool {
    entry.links.iter().any(|l| {
        l.archive.is_some()
            && results
                .get(&l.url)
                .is_some_and(|o| o.verdict == Verdict::Alive)
    })
}

fn reason(outcome: &Outcome) -> String {
    match outcome.status.as_str() {
        "404" => "404 Not Found".into(),
        "410" => "410 Gone".into(),
        "nxdomain" => "the host name does not exist".into(),
        "redirect-to-root" => format!(
            "it redirects to the site's home page{}",
            outcome
                .final_url
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default()
        ),
        "soft-404" => "the page it leads to says it is not found".into(),
        "timeout" => "the server did not answer in time".into(),
        "429" => "the server kept answering 429 Too Many Requests".into(),
        "retry-after-too-long" => {
            "the server asked (Retry-After) to wait longer than max-retry-wait; the host was not asked again this run".into()
        }
        "private-address" => "it resolves to a private address (see --allow-private)".into(),
        other if other.parse::<u16>().is_ok() => format!("the server answered {other}"),
        other => other.replace('-', " "),
    }
}

fn finding(
    rule: &'static Rule,
    entry: &CitedEntry,
    link: &CitedLink,
    outcome: &Outcome,
    message: String,
    suggestion: Option<&str>,
) -> Diagnostic {
    let mut d = rule
        .diagnostic(link.span, message)
        .with_online(OnlineFinding {
            url: link.url.clone(),
            status: outcome.status.clone(),
            verdict: outcome.verdict,
            suggestion: suggestion.map(str::to_owned),
        });
    if let Some(key) = &entry.key {
        d = d.with_key(key, entry.group);
    }
    d
}

/// The text to add for a capture: a template form and a plain one.
fn replacement(link: &CitedLink, capture: &Capture) -> String {
    let date = capture.date().unwrap_or_default();
    format!(
        "in a citation template add `|archive-url={} |archive-date={date} |url-status=dead`; in plain text, replace `{}` with `{}`",
        capture.url, link.url, capture.url
    )
}

impl Results {
    /// The online findings of one entry (CIT030–034), at the severities
    /// `rules` gives them; rules it turns off are left out.
    pub fn findings(&self, entry: &CitedEntry, rules: &RuleSet) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let working_archive = has_working_archive(entry, self);
        for link in &entry.links {
            let Some(outcome) = self.get(&link.url) else {
                continue;
            };
            match (&link.archive, outcome.verdict) {
                (_, Verdict::Unknown) => out.push(finding(
                    &link_unknown::RULE,
                    entry,
                    link,
                    outcome,
                    format!("could not check the link: {}", reason(outcome)),
                    None,
                )),
                (None, Verdict::Dead) if !working_archive => {
                    let capture = self.capture(&link.url, super::wanted_date(link));
                    let mut message = format!("the link is dead: {}", reason(outcome));
                    let severity = if outcome.confirmed {
                        if outcome.dead_checks > 1 {
                            message.push_str(&format!(
                                " (confirmed by {} failed checks)",
                                outcome.dead_checks
                            ));
                        }
                        Severity::Error
                    } else {
                        message.push_str(&format!(
                            " (failed {} check{}; confirmed after {} checks at least {} days apart)",
                            outcome.dead_checks.max(1),
                            if outcome.dead_checks > 1 { "s" } else { "" },
                            self.confirm_checks,
                            self.confirm_days
                        ));
                        Severity::Warning
                    };
                    let help = match capture {
                        Some(c) => format!(
                            "an archived copy from {} exists: {}",
                            c.date().unwrap_or_default(),
                            c.url
                        ),
                        None => "no archived copy was found: look for the page's new address or another source".into(),
                    };
                    out.push(
                        finding(
                            &dead_link::RULE,
                            entry,
                            link,
                            outcome,
                            message,
                            capture.map(|c| c.url.as_str()),
                        )
                        .with_severity(severity)
                        .with_help(help),
                    );
                    if let Some(c) = capture {
                        out.push(
                            finding(
                                &archive_available::RULE,
                                entry,
                                link,
                                outcome,
                                format!(
                                    "an archived copy of the dead link exists, captured {}",
                                    c.date().unwrap_or_default()
                                ),
                                Some(&c.url),
                            )
                            .with_help(replacement(link, c)),
                        );
                    }
                }
                (None, _) => {}
                (Some(archive), Verdict::Dead) => {
                    let capture = archive
                        .original
                        .as_deref()
                        .and_then(|o| self.capture(o, super::wanted_date(link)));
                    let help = match capture {
                        Some(c) => format!(
                            "cite a capture that exists: {} (captured {})",
                            c.url,
                            c.date().unwrap_or_default()
                        ),
                        None => {
                            "the archive has no such capture, and no other capture was found".into()
                        }
                    };
                    out.push(
                        finding(
                            &broken_archive::RULE,
                            entry,
                            link,
                            outcome,
                            format!("the archive link has no capture: {}", reason(outcome)),
                            capture.map(|c| c.url.as_str()),
                        )
                        .with_help(help),
                    );
                }
                (Some(archive), Verdict::Alive) => {
                    if let Some(nearest) = &outcome.nearest {
                        let cited = archive.timestamp.as_deref().unwrap_or("?");
                        let got = super::wayback_timestamp(nearest).unwrap_or("?");
                        out.push(
                            finding(
                                &archive_not_exact::RULE,
                                entry,
                                link,
                                outcome,
                                format!(
                                    "the cited capture {cited} does not exist; the archive redirects to the capture of {got}"
                                ),
                                Some(nearest),
                            )
                            .with_help(format!("cite the capture that exists: {nearest}")),
                        );
                    }
                }
            }
        }
        out.retain_mut(|d| {
            let Some(rule) = rules::find(d.code) else {
                return false;
            };
            match rules.severity_at(rules::position(rule)) {
                None => false,
                Some(severity) => {
                    if let Some(forced) = severity.forced() {
                        d.severity = forced;
                    }
                    true
                }
            }
        });
        out
    }
}
