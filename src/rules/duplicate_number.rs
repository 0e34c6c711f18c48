//! CIT003 `duplicate-number`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// Two entries carry the same number or label.
pub const RULE: Rule = Rule {
    code: "CIT003",
    name: "duplicate-number",
    default_severity: Severity::Error,
    default_enabled: true,
    summary: "Two entries in one list carry the same number or label",
    doc: r#"## What it does
Finds reference entries that share a number (or a footnote label) within one
group.

## Why it matters
A marker with that number is ambiguous: the reader cannot tell which source
supports the claim. It usually comes from merging two lists by hand.

## Example
```text
  4. ^ Smith (2004).
  4. ^ Jones (2010).
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (group, key, uses) in ctx.index.iter() {
        let [first, rest @ ..] = uses.entries.as_slice() else {
            continue;
        };
        let first_entry = &ctx.doc.entries[*first];
        for &other in rest {
            let entry = &ctx.doc.entries[other];
            let span = entry.label_span.unwrap_or_else(|| ctx.entry_head(entry));
            out.push(
                RULE.diagnostic(
                    span,
                    format!(
                        "{} appears more than once in the list",
                        ctx.entry_name(entry)
                    ),
                )
                .with_key(key, group)
                .with_related(
                    first_entry
                        .label_span
                        .unwrap_or_else(|| ctx.entry_head(first_entry)),
                    "first defined here",
                )
                .with_help("renumber one of the entries and update the markers that cite it"),
            );
        }
    }
}
