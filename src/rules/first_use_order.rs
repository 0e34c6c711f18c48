//! CIT009 `first-use-order`.

use std::collections::{BTreeSet, HashSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;
use crate::rules::{Context, Rule};

/// Keys not numbered in order of first use.
pub const RULE: Rule = Rule {
    code: "CIT009",
    name: "first-use-order",
    default_severity: Severity::Warning,
    default_enabled: false,
    summary: "References are not numbered in the order they are first cited",
    doc: r#"## What it does
Checks that numbered references are first cited in numeric order: the first
marker in the text is [1], the next new one [2], and so on. Reports each key
first cited while a lower-numbered key has not yet been cited. Off by default:
only citation-order styles (IEEE, Vancouver) require it.

## Why it matters
In citation-order styles the numbers are assigned by first use; an
out-of-order first use means the list was not renumbered after an edit.

## Example
```text
First claim.[2] Second claim.[1]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut waiting: BTreeSet<u32> = ctx
        .doc
        .entries
        .iter()
        .filter(|e| e.group == Group::Default)
        .filter_map(|e| e.key.number())
        .collect();
    let mut seen = HashSet::new();
    for citation in &ctx.doc.citations {
        if citation.group != Group::Default || citation.in_entry.is_some() {
            continue;
        }
        let Some(n) = citation.key.number() else {
            continue;
        };
        if !seen.insert(n) {
            continue;
        }
        if let Some(&lowest) = waiting.first()
            && n > lowest
        {
            out.push(
                RULE.diagnostic(
                    citation.span,
                    format!("[{n}] is first cited before [{lowest}]"),
                )
                .with_key(n, Group::Default)
                .with_help("in citation-order styles, renumber the list by order of first use"),
            );
        }
        waiting.remove(&n);
    }
}
