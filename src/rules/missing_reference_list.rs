//! CIT015 `missing-reference-list`.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;
use crate::rules::{Context, Rule};

/// Citations but no list.
pub const RULE: Rule = Rule {
    code: "CIT015",
    name: "missing-reference-list",
    default_severity: Severity::Error,
    default_enabled: true,
    summary: "The text cites references but has no reference list",
    doc: r#"## What it does
Reports a text (or a notes group) that has citation markers but no list at
all. One finding for the whole group, not one per marker.

## Why it matters
Every marker points nowhere. The list was usually cut off when the text was
copied, or the References section was deleted.

## Example
```text
The town had an airport.[1] It was shelled daily.[2]
```
(and no list follows)
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut per_group: BTreeMap<Group, Vec<usize>> = BTreeMap::new();
    for (i, citation) in ctx.doc.citations.iter().enumerate() {
        per_group.entry(citation.group).or_default().push(i);
    }
    for (group, uses) in per_group {
        if ctx.index.has_list(group) {
            continue;
        }
        let first = &ctx.doc.citations[uses[0]];
        let (what, list) = match group {
            Group::Default => ("citation", "reference list"),
            Group::Notes => ("note marker", "notes list"),
        };
        let count = uses.len();
        let s = if count == 1 { "" } else { "s" };
        out.push(
            RULE.diagnostic(first.span, format!("{count} {what}{s} but no {list}"))
                .with_keys(
                    {
                        let mut keys: Vec<String> = uses
                            .iter()
                            .map(|&u| ctx.doc.citations[u].key.to_string())
                            .collect();
                        keys.dedup();
                        keys
                    },
                    group,
                )
                .with_help(format!(
                    "add the {list}; if it exists, check that it was copied with its numbers or carets (`1. ^ …`)"
                )),
        );
    }
}
