//! CIT031 `broken-archive`: found by the online pass (`check --online`), never in
//! a document (see [`crate::online`]).

use crate::diagnostic::Severity;
use crate::rules::{Rule, online_pass_only};

/// CIT031: an archive link has no capture.
pub const RULE: Rule = Rule {
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
