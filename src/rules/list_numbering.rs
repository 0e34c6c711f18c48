//! CIT006 `list-numbering`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// Printed numbers skip or go backwards.
pub const RULE: Rule = Rule {
    code: "CIT006",
    name: "list-numbering",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "The printed numbers of a reference list skip or go backwards",
    doc: r#"## What it does
Walks each numbered list and reports where the printed numbers do not run
1, 2, 3…: a gap (9 is followed by 11), a step backwards, or a list that does
not start at 1. Repeated numbers are left to `duplicate-number`.

## Why it matters
A gap usually means an entry was lost; markers that cite the missing number
then point nowhere, and markers after it may point at the wrong source.

## Example
```text
  9. ^ Smith (2004).
 11. ^ Jones (2010).
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (list_id, list) in ctx.doc.lists.iter().enumerate() {
        if !list.numbered {
            continue;
        }
        let mut previous: Option<u32> = None;
        for entry in ctx.doc.entries.iter().filter(|e| e.list == list_id) {
            let Some(n) = entry.key.number() else {
                continue;
            };
            let span = entry.label_span.unwrap_or_else(|| ctx.entry_head(entry));
            let finding = match previous {
                None if n != 1 => Some((
                    format!("the list starts at {n} instead of 1"),
                    "check whether the first entries were lost".to_owned(),
                )),
                Some(p) if n > p + 1 => {
                    let missing = if n == p + 2 {
                        format!("entry {} is missing", p + 1)
                    } else {
                        format!("entries {}–{} are missing", p + 1, n - 1)
                    };
                    Some((
                        format!("the numbering skips from {p} to {n}"),
                        format!("{missing}; restore it or renumber the list and its markers"),
                    ))
                }
                Some(p) if n < p => Some((
                    format!("the numbering goes backwards: {n} follows {p}"),
                    "put the entries in order, or correct the number".to_owned(),
                )),
                _ => None,
            };
            if let Some((message, help)) = finding {
                out.push(
                    RULE.diagnostic(span, message)
                        .with_key(&entry.key, entry.group)
                        .with_help(help),
                );
            }
            previous = Some(previous.map_or(n, |p| p.max(n)));
        }
    }
}
