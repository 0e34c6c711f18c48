//! CIT005 `backlink-mismatch`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::backlinks;
use crate::rules::{Context, Rule};

/// The list's backlinks disagree with the number of uses.
pub const RULE: Rule = Rule {
    code: "CIT005",
    name: "backlink-mismatch",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "An entry's backlinks count a different number of uses than the text has",
    doc: r#"## What it does
Compares the backlinks a rendered list shows for an entry (`^` is one use,
`^ a b c` three) with the number of times the entry is actually cited, in the
body and inside other entries.

## Why it matters
The backlinks were generated from the article when it was rendered. When the
copy you are checking cites an entry fewer or more times, markers were lost or
added by hand after the copy was made, and some claim may have lost its
source.

## Example
```text
A claim.[1]

  1. ^ a b c Smith (2004).
```
The backlinks say entry 1 is cited three times; the text cites it once.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (group, key, uses) in ctx.index.iter() {
        let [entry_id] = uses.entries.as_slice() else {
            continue;
        };
        let entry = &ctx.doc.entries[*entry_id];
        let Some(claimed) = entry.backlinks else {
            continue;
        };
        let found = uses.uses.len() as u32;
        // Never cited is unused-reference's finding.
        if found == 0 || found == claimed {
            continue;
        }
        let shown = if claimed == 1 {
            "^".to_owned()
        } else {
            let labels: Vec<String> = (0..claimed.min(6) as usize).map(backlinks::label).collect();
            let more = if claimed > 6 { " …" } else { "" };
            format!("^ {}{more}", labels.join(" "))
        };
        let mut diagnostic = RULE
            .diagnostic(
                ctx.entry_head(entry),
                format!(
                    "{}'s backlinks show {claimed} use{} (`{shown}`) but it is cited {found} time{}",
                    ctx.entry_name(entry),
                    plural(claimed),
                    plural(found)
                ),
            )
            .with_key(key, group)
            .with_help(if found < claimed {
                "a marker was probably lost when the text was edited or copied; find the claim that lost its citation"
            } else {
                "markers were added after the list was rendered; check that they cite the right entry"
            });
        for &u in &uses.uses {
            diagnostic = diagnostic.with_related(ctx.doc.citations[u].span, "cited here");
        }
        out.push(diagnostic);
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
