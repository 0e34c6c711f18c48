//! CIT017 `unused-suppression`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// A suppression comment that suppresses nothing. Its findings are made by
/// [`crate::suppression`] after every other rule has run, since only then is
/// it known what each comment suppressed; the check itself does nothing.
pub const RULE: Rule = Rule {
    code: "CIT017",
    name: "unused-suppression",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A citelint-disable comment suppresses nothing, or names a rule that does not exist",
    doc: r#"## What it does
Reports suppression comments (`<!-- citelint-disable … -->`,
`<!-- citelint-disable-next-line … -->`, `<!-- citelint-disable-line … -->`,
`<!-- citelint-disable-file … -->`) that hide no finding: the problem they were
written for has been fixed, the rule they name is not enabled, or the name is
not a rule at all. Each rule a comment names is checked on its own.

## Why it matters
A stale suppression is a trap: the next real problem of that kind at that
place is hidden without anyone deciding it should be. A misspelt rule name
suppresses nothing while looking as if it did.

## Example
```markdown
<!-- citelint-disable-next-line CIT001 -->
It had an airport.[1]

## References
1. Smith (2004).
```
Entry 1 exists, so there is no `missing-reference` finding to suppress:
delete the comment.
"#,
    check,
};

fn check(_ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
