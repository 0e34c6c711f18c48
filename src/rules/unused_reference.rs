//! CIT002 `unused-reference`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// An entry nothing cites.
pub const RULE: Rule = Rule {
    code: "CIT002",
    name: "unused-reference",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A reference in the list is never cited",
    doc: r#"## What it does
Finds list entries that no marker cites. An entry cited only from inside
another entry (a note that bundles `[92][98][99]`) is reported separately, at
info level, naming the entry that cites it.

## Why it matters
An uncited entry supports nothing: the claim it backed was removed or its
marker was lost in an edit. Either restore the marker or drop the entry.

## Example
```text
A claim.[1]

  1. ^ Smith (2004).
  2. ^ Jones (2010).
```
Entry 2 is never cited.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let doc = ctx.doc;
    for (group, key, uses) in ctx.index.iter() {
        // Entries sharing a number are duplicate-number's business.
        let [entry_id] = uses.entries.as_slice() else {
            continue;
        };
        let entry = &doc.entries[*entry_id];
        let name = ctx.entry_name(entry);
        if uses.uses.is_empty() {
            out.push(
                RULE.diagnostic(ctx.entry_head(entry), format!("{name} is never cited"))
                    .with_key(key, group)
                    .with_help(format!(
                        "cite it with {} where it supports a claim, or remove it from the list",
                        key.marker()
                    )),
            );
            continue;
        }
        let from_body = uses
            .uses
            .iter()
            .any(|&u| doc.citations[u].in_entry.is_none());
        if from_body {
            continue;
        }
        let mut citing: Vec<String> = uses
            .uses
            .iter()
            .filter_map(|&u| doc.citations[u].in_entry)
            .map(|e| ctx.entry_name(&doc.entries[e]))
            .collect();
        citing.dedup();
        let mut diagnostic = RULE
            .diagnostic(
                ctx.entry_head(entry),
                format!("{name} is cited only from {}", citing.join(", ")),
            )
            .with_severity(Severity::Info)
            .with_key(key, group)
            .with_help("the body never cites it directly; check that this is intended");
        for &u in &uses.uses {
            diagnostic =
                diagnostic.with_related(doc.citations[u].span, "cited from inside the list here");
        }
        out.push(diagnostic);
    }
}
