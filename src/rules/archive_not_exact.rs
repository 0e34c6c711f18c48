//! CIT032 `archive-not-exact`: found by the online pass (`check --online`), never in
//! a document (see [`crate::online`]).

use crate::diagnostic::Severity;
use crate::rules::{Rule, online_pass_only};

/// CIT032: a Wayback link redirects to another capture.
pub const RULE: Rule = Rule {
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
