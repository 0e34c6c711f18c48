//! CIT013 `citation-overkill`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// Too many citations on one claim.
pub const RULE: Rule = Rule {
    code: "CIT013",
    name: "citation-overkill",
    default_severity: Severity::Info,
    default_enabled: false,
    summary: "One claim carries more citations than the configured maximum",
    doc: r#"## What it does
Finds clusters that cite more than `citation-overkill.max` references
(default 3) for one claim. Off by default.

## Why it matters
A long run of markers (WP:OVERKILL) is hard to read and usually means the
strongest source has not been chosen; it can also hide that none of them
supports the claim.

## Example
```text
The event was widely reported.[3][6][7][5][8]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let max = ctx.options.overkill_max;
    for cluster in ctx.doc.clusters.iter().filter(|c| c.in_entry.is_none()) {
        let count = cluster.citations.len();
        if count > max {
            out.push(
                RULE.diagnostic(
                    cluster.span,
                    format!("{count} citations on one claim (the maximum is {max})"),
                )
                .with_help("keep the strongest sources, or bundle them into one note"),
            );
        }
    }
}
