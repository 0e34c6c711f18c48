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
Finds claims carrying more than `citation-overkill.max` citation markers
(default 3): `[1][2][3][4]` is four markers, a range `[1–4]` one. Off by
default.

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
        // Markers as written: `[1][2][3][4]` is four, `[1–4]` is one.
        let count = cluster.markers;
        if count > max {
            out.push(
                RULE.diagnostic(
                    cluster.span,
                    format!("{count} citation markers on one claim (the maximum is {max})"),
                )
                .with_help("keep the strongest sources, or bundle them into one note"),
            );
        }
    }
}
