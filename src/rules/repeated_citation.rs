//! CIT007 `repeated-citation`.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Group, Key};
use crate::rules::{Context, Rule};

/// The same key twice in one cluster.
pub const RULE: Rule = Rule {
    code: "CIT007",
    name: "repeated-citation",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "The same reference is cited twice in one cluster",
    doc: r#"## What it does
Finds a key cited twice in one run of adjacent markers, such as `[3][3]` or
`[2, 5, 2]`.

## Why it matters
The second marker adds nothing and inflates the entry's use count; it is
usually a slip when markers were merged.

## Example
```text
The town had an airport.[3][3]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for cluster in &ctx.doc.clusters {
        // key -> (first repeat, times cited), in order of first repeat.
        let mut seen: HashMap<(Group, &Key), (Option<usize>, usize)> = HashMap::new();
        let mut repeated: Vec<(Group, &Key)> = Vec::new();
        for &c in &cluster.citations {
            let citation = &ctx.doc.citations[c];
            let slot = seen
                .entry((citation.group, &citation.key))
                .or_insert((None, 0));
            slot.1 += 1;
            if slot.1 == 2 {
                slot.0 = Some(c);
                repeated.push((citation.group, &citation.key));
            }
        }
        for key in repeated {
            let (Some(first_repeat), times) = seen[&key] else {
                continue;
            };
            let citation = &ctx.doc.citations[first_repeat];
            let how_often = if times == 2 {
                "twice".to_owned()
            } else {
                format!("{times} times")
            };
            out.push(
                RULE.diagnostic(
                    citation.span,
                    format!(
                        "{} is cited {how_often} in the same cluster",
                        citation.key.marker()
                    ),
                )
                .with_key(&citation.key, citation.group)
                .with_related(cluster.span, "in this cluster")
                .with_help("remove the repeated marker"),
            );
        }
    }
}
