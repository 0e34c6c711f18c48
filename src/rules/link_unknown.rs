//! CIT034 `link-unknown`: found by the online pass (`check --online`), never in
//! a document (see [`crate::online`]).

use crate::diagnostic::Severity;
use crate::rules::{Rule, online_pass_only};

/// CIT034: a link could not be checked.
pub const RULE: Rule = Rule {
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
