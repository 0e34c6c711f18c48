//! CIT010 `citation-spacing`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// A space before a marker, or a marker before the punctuation it follows.
pub const RULE: Rule = Rule {
    code: "CIT010",
    name: "citation-spacing",
    default_severity: Severity::Info,
    default_enabled: false,
    summary: "A space before a marker, or a marker placed before punctuation",
    doc: r#"## What it does
Finds markers with a space before them (`claim [3]`) and markers written
before the punctuation that ends the phrase (`claim[3].`). Off by default:
some styles (IEEE) put a space before the marker and the marker before the
full stop.

## Why it matters
Wikipedia's style (WP:REFPUNCT) places markers directly after the punctuation,
with no space: `claim.[3]`. A stray space can also let the marker wrap onto
the next line on its own.

## Example
```text
The town had an airport [3].
```
Write `The town had an airport.[3]`.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in ctx.doc.clusters.iter().filter(|c| c.in_entry.is_none()) {
        if cluster.space_before {
            out.push(
                RULE.diagnostic(cluster.span, "space before the citation marker")
                    .with_help("remove the space so the marker follows the text directly"),
            );
        }
        if let Some(punctuation) = cluster.punctuation_after {
            out.push(
                RULE.diagnostic(
                    cluster.span,
                    format!("the marker stands before `{punctuation}`"),
                )
                .with_help(format!("move `{punctuation}` before the marker")),
            );
        }
    }
}
