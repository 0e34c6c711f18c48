//! CIT021 `malformed-archive-url`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::links::{ArchiveProblem, WAYBACK_FLAGS};
use crate::rules::archive_date_mismatch::long_date;
use crate::rules::{Context, Rule};

/// A Wayback Machine URL that does not name one capture.
pub const RULE: Rule = Rule {
    code: "CIT021",
    name: "malformed-archive-url",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A Wayback Machine URL does not point at one dated capture",
    doc: r#"## What it does
Checks Wayback Machine URLs the way Wikipedia's citation templates check
`|archive-url=`. A capture address is
`web.archive.org/web/YYYYMMDDhhmmss/<original URL>`, optionally with a
replay flag after the timestamp (`id_`, `if_`, `im_`, `js_`, `cs_`, `oe_`,
`fw_`, `mp_`). Reported, as errors:
- `web.archive.org/save/…`, a request to capture the page anew;
- `web/*/…` or a timestamp ending in `*`, a list of captures;
- `liveweb.archive.org`, a retired live proxy.

And as warnings:
- no timestamp, or one that is not 14 digits (the Wayback Machine then picks
  a capture itself, so the link cannot be checked against the archive date);
- a timestamp that is not a date, from before 1996 (the first captures) or
  after today;
- an unknown flag, a flag on the old form without `web/`, or another path
  element before the timestamp.

## Why it matters
An archive link should show the page as the editor saw it. A `save/` link
makes every reader's click capture the page as it is now — perhaps dead or
changed — and a link without a full timestamp lets the archive choose a
capture that may be years away from the one the citation means.

## Example
```text
  2. ^ https://web.archive.org/save/https://example.org/report
  3. ^ https://web.archive.org/web/2016/https://example.org/report
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let today = ctx.options.today();
    for el in ctx.entry_links() {
        for (link, archive) in el.archives() {
            let Some(problem) = archive.wayback_problem(today) else {
                continue;
            };
            let entry = &ctx.doc.entries[el.entry];
            let timestamp = archive.timestamp.as_deref().unwrap_or("");
            let (severity, message) = match &problem {
                ArchiveProblem::Save => (
                    Severity::Error,
                    "this Wayback Machine link asks the archive to capture the page now \
                     (`/save/`); it does not point at a saved copy"
                        .to_owned(),
                ),
                ArchiveProblem::Liveweb => (
                    Severity::Error,
                    "liveweb.archive.org was a live proxy that the Internet Archive retired; \
                     it never pointed at a saved copy"
                        .to_owned(),
                ),
                ArchiveProblem::Wildcard => (
                    Severity::Error,
                    "this Wayback Machine link lists every capture of the page (`*`) \
                     instead of pointing at one"
                        .to_owned(),
                ),
                ArchiveProblem::NoTimestamp => (
                    Severity::Warning,
                    "this Wayback Machine link has no timestamp, so it opens whichever capture \
                     is newest"
                        .to_owned(),
                ),
                ArchiveProblem::TimestampLength(digits) => (
                    Severity::Warning,
                    format!(
                        "the Wayback timestamp `{timestamp}` has {digits} digits; \
                         a capture is named by 14 (YYYYMMDDhhmmss)"
                    ),
                ),
                ArchiveProblem::NotADate => (
                    Severity::Warning,
                    format!("the Wayback timestamp `{timestamp}` is not a date and time"),
                ),
                ArchiveProblem::TooEarly(year) => (
                    Severity::Warning,
                    format!(
                        "the Wayback timestamp `{timestamp}` is from {year}, before the \
                         Wayback Machine's first captures in 1996"
                    ),
                ),
                ArchiveProblem::Future(date) => (
                    Severity::Warning,
                    format!(
                        "the Wayback timestamp `{timestamp}` is {}, a date in the future",
                        long_date(*date)
                    ),
                ),
                ArchiveProblem::UnknownFlag(flag) => (
                    Severity::Warning,
                    format!(
                        "`{flag}` after the Wayback timestamp is not a replay flag the Wayback \
                         Machine knows ({})",
                        WAYBACK_FLAGS.join(", ")
                    ),
                ),
                ArchiveProblem::UnexpectedPath(path) => (
                    Severity::Warning,
                    format!(
                        "`/{path}/` before the Wayback timestamp is not part of a capture address"
                    ),
                ),
                ArchiveProblem::FlagWithoutWebPath(flag) => (
                    Severity::Warning,
                    format!("the replay flag `{flag}` is only valid after `/web/` in the address"),
                ),
            };
            let original = archive.original.as_deref().unwrap_or("<original URL>");
            let help = match problem {
                ArchiveProblem::UnknownFlag(_) => {
                    "remove the flag, or use `id_` to show the page exactly as captured".to_owned()
                }
                ArchiveProblem::UnexpectedPath(_) | ArchiveProblem::FlagWithoutWebPath(_) => {
                    format!("write it as web.archive.org/web/{timestamp}/{original}")
                }
                ArchiveProblem::TooEarly(_)
                | ArchiveProblem::Future(_)
                | ArchiveProblem::NotADate => {
                    "copy the capture's address again from the Wayback Machine; \
                     the timestamp was mistyped"
                        .to_owned()
                }
                _ => format!(
                    "open web.archive.org/web/*/{original}, pick the capture nearest the date \
                     you read the page, and use its full address \
                     (web.archive.org/web/YYYYMMDDhhmmss/…)"
                ),
            };
            out.push(
                RULE.diagnostic(link.span, message)
                    .with_severity(severity)
                    .with_key(&entry.key, entry.group)
                    .with_help(help),
            );
        }
    }
}
