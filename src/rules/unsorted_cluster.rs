//! CIT008 `unsorted-cluster`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;
use crate::rules::{Context, Rule};

/// Markers of a cluster not in ascending order.
pub const RULE: Rule = Rule {
    code: "CIT008",
    name: "unsorted-cluster",
    default_severity: Severity::Info,
    default_enabled: false,
    summary: "Adjacent markers are not in ascending order",
    doc: r#"## What it does
Finds clusters of numbered markers that are not in ascending order, such as
`[6][3]`. Off by default: many styles order markers by importance.

## Why it matters
House styles such as IEEE and Vancouver list the numbers of one claim in
ascending order, which makes ranges easy to spot.

## Example
```text
A claim.[6][3]
```
Write `[3][6]`.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &ctx.doc.clusters {
        let numbers: Vec<u32> = cluster
            .citations
            .iter()
            .map(|&c| &ctx.doc.citations[c])
            .filter(|c| c.group == Group::Default)
            .filter_map(|c| c.key.number())
            .collect();
        if numbers.windows(2).any(|w| w[0] > w[1]) {
            let mut sorted = numbers.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let written: Vec<String> = sorted.iter().map(|n| format!("[{n}]")).collect();
            out.push(
                RULE.diagnostic(
                    cluster.span,
                    "the markers of this cluster are not in ascending order",
                )
                .with_help(format!("write {}", written.concat())),
            );
        }
    }
}
