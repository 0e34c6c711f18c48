//! CIT001 `missing-reference`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Group, Key};
use crate::rules::{Context, Rule};

/// A key is cited but no entry carries it.
pub const RULE: Rule = Rule {
    code: "CIT001",
    name: "missing-reference",
    default_severity: Severity::Error,
    default_enabled: true,
    summary: "A citation points to a reference that is not in the list",
    doc: r#"## What it does
Finds citation markers whose number or label has no entry in the reference
list. One finding per key: it points at the first use and lists every other
use.

## Why it matters
A reader who follows the marker finds nothing, or finds the wrong source when
the list has been renumbered. It usually means an entry was deleted, or a
marker was copied from another article.

## Example
```text
The town had an airport.[10]

  9. ^ Smith (2004).
 11. ^ Jones (2010).
```
`[10]` is cited but the list jumps from 9 to 11. Restore entry 10, or point
the marker at the right entry.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Entry numbers per group, sorted once, to name a missing key's neighbours.
    let mut numbers: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
    for entry in &ctx.doc.entries {
        if let Some(n) = entry.key.number() {
            numbers[group_slot(entry.group)].push(n);
        }
    }
    for list in &mut numbers {
        list.sort_unstable();
        list.dedup();
    }
    for (group, key, uses) in ctx.index.iter() {
        if !uses.entries.is_empty() || uses.uses.is_empty() || !ctx.index.has_list(group) {
            continue;
        }
        let citations = &ctx.doc.citations;
        let first = &citations[uses.uses[0]];
        let what = match group {
            Group::Default => "reference",
            Group::Notes => "note",
        };
        let times = match uses.uses.len() {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let mut diagnostic = RULE
            .diagnostic(
                first.span,
                format!(
                    "{what} {} is cited{times} but the list has no entry {}",
                    key.marker(),
                    key.entry_name()
                ),
            )
            .with_key(key, group)
            .with_help(help(&numbers[group_slot(group)], key));
        for &other in &uses.uses[1..] {
            diagnostic = diagnostic.with_related(
                citations[other].span,
                format!("{} is also cited here", key.marker()),
            );
        }
        out.push(diagnostic);
    }
}

fn group_slot(group: Group) -> usize {
    match group {
        Group::Default => 0,
        Group::Notes => 1,
    }
}

/// Names the neighbours so the editor sees the gap: "the list jumps from 9 to 11".
fn help(numbers: &[u32], key: &Key) -> String {
    let Some(n) = key.number() else {
        return format!(
            "add an entry for {} to the list, or correct the marker",
            key.entry_name()
        );
    };
    let at = numbers.partition_point(|&m| m < n);
    let below = at.checked_sub(1).map(|i| numbers[i]);
    let above = numbers.get(at).copied();
    match (below, above) {
        (Some(b), Some(a)) => format!(
            "the list jumps from {b} to {a}: restore entry {n}, or point the marker at the entry it means"
        ),
        (Some(b), None) => format!(
            "the list ends at {b}: add entry {n}, or point the marker at the entry it means"
        ),
        _ => format!("add entry {n} to the list, or point the marker at the entry it means"),
    }
}
