//! CIT030 `dead-link`: found by the online pass (`check --online`), never in
//! a document (see [`crate::online`]).

use crate::diagnostic::Severity;
use crate::rules::{Rule, online_pass_only};

/// CIT030: a reference's link is dead.
pub const RULE: Rule = Rule {
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
