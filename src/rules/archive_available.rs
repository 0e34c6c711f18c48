//! CIT033 `archive-available`: found by the online pass (`check --online`), never in
//! a document (see [`crate::online`]).

use crate::diagnostic::Severity;
use crate::rules::{Rule, online_pass_only};

/// CIT033: a dead link has an archived copy.
pub const RULE: Rule = Rule {
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
