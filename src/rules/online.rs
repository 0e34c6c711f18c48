//! CIT030–034: the online rules. They are registered like every rule (so
//! `citelint rules`, `citelint rule CIT030`, `--select` and `--ignore` know
//! them) but find nothing in a document: their findings come from the online
//! pass ([`crate::online`]), which runs only with `check --online`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// The online rules do nothing offline.
fn online_pass_only(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}

/// CIT030: a reference's link is dead.
pub const DEAD_LINK: Rule = Rule {
    code: "CIT030",
    name: "dead-link",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A reference's link is dead (online pass only: `check --online`)",
    doc: r#"## What it does
Online pass only (`citelint check --online`).
Requests every link in the reference entries (HEAD, then GET when HEAD is
refused or ambiguous, following redirects) and reports the ones that are
dead: 404 Not Found, 410 Gone, a host name that does not exist, a redirect
to the site's home page, or a page that answers but says it is not found
(a "soft 404"). A link that could not be checked (timeouts, 429, server
errors) is never reported here; see `link-unknown`.

A dead link is a warning until it is confirmed: failed at least 3 checks at
least 3 days apart (`--no-confirm-dead` confirms at the first failure).
Confirmed dead links are errors. A dead link whose entry also carries a
working archive link is not reported: readers already have the copy.

## Why it matters
Links rot: a reader who follows a dead link cannot verify the claim. One
failed request is not proof — sites go down for a day — so the finding
becomes an error only when it has been seen repeatedly.

## Example
```text
  4. ^ "Annual report". Example Ltd. Retrieved 3 May 2016. https://example.org/report-2015
```
`https://example.org/report-2015` answers 404. When the Wayback Machine has
a capture from before 3 May 2016, `archive-available` suggests it.
"#,
    check: online_pass_only,
};

/// CIT031: an archive link has no capture.
pub const BROKEN_ARCHIVE: Rule = Rule {
    code: "CIT031",
    name: "broken-archive",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "An archive link points at no capture (online pass only)",
    doc: r#"## What it does
Online pass only (`citelint check --online`).
Requests every archive link (Wayback Machine, archive.today, WebCite…)
without following redirects and reports the ones the archive answers with
404 or 410: there is no such capture. When the wrapped original has another
capture near the cited date, it is suggested.

## Why it matters
An archive link is the fallback for when the original dies; a broken one
leaves the claim with no working source at all, and nobody notices until
the original is gone too.

## Example
```text
  7. ^ Smith (2016). https://web.archive.org/web/20160603000000/https://example.org/a
```
The Wayback Machine answers 404 for that capture.
"#,
    check: online_pass_only,
};

/// CIT032: a Wayback link redirects to another capture.
pub const ARCHIVE_NOT_EXACT: Rule = Rule {
    code: "CIT032",
    name: "archive-not-exact",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A Wayback link's capture does not exist; the archive redirects to another (online pass only)",
    doc: r#"## What it does
Online pass only (`citelint check --online`).
Reports Wayback Machine links whose timestamp names no capture: the archive
redirects them to the nearest capture at another time. The finding names
that capture, to cite instead.

## Why it matters
The page may have changed between the cited moment and the capture readers
are sent to, so the archived text may no longer support the claim. Citing
the capture that exists makes the link say what it means.

## Example
```text
  9. ^ https://web.archive.org/web/20160603000000/https://example.org/a
```
The archive redirects to `/web/20160611084512/https://example.org/a`.
"#,
    check: online_pass_only,
};

/// CIT033: a dead link has an archived copy.
pub const ARCHIVE_AVAILABLE: Rule = Rule {
    code: "CIT033",
    name: "archive-available",
    default_severity: Severity::Info,
    default_enabled: true,
    summary: "A dead link has an archived copy to cite (online pass only)",
    doc: r#"## What it does
Online pass only (`citelint check --online`).
For a dead link whose entry has no archive link, asks the Wayback Machine
(CDX API, status-200 captures only) for the capture closest before the
entry's access date (or the latest one when the entry states none) and
suggests it, with the exact text to add. The JSON output carries it as
`suggestion`.

## Why it matters
An archived copy from when the source was read restores the reader's
ability to check the claim without changing the source.

## Example
```text
  4. ^ "Annual report". Retrieved 3 May 2016. https://example.org/report-2015
```
Suggests `https://web.archive.org/web/20160428093012/https://example.org/report-2015`
(in a citation template: `|archive-url=… |archive-date=2016-04-28 |url-status=dead`).
"#,
    check: online_pass_only,
};

/// CIT034: a link could not be checked.
pub const LINK_UNKNOWN: Rule = Rule {
    code: "CIT034",
    name: "link-unknown",
    default_severity: Severity::Info,
    default_enabled: true,
    summary: "A link could not be checked: timeout, 429, server error… (online pass only)",
    doc: r#"## What it does
Online pass only (`citelint check --online`).
Reports links whose state could not be told after retries: timeouts, 429
Too Many Requests, 5xx server errors, refused or reset connections,
redirect loops, 401/403 answers, and addresses refused because they are
private (see `--allow-private`).

## Why it matters
"Unknown" is not "dead": these links may well work for a reader. They are
listed so an auditor knows what was not verified; they never fail a run.

## Example
```text
  2. ^ https://slow.example.org/report
```
The server did not answer within the timeout.
"#,
    check: online_pass_only,
};
