//! CIT011 `empty-reference`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// An entry with no text.
pub const RULE: Rule = Rule {
    code: "CIT011",
    name: "empty-reference",
    default_severity: Severity::Error,
    default_enabled: true,
    summary: "A reference entry has no text",
    doc: r#"## What it does
Finds list entries that have a number (and perhaps backlinks) but no text.

## Why it matters
Every marker that cites the entry points at nothing a reader can follow.
Empty entries appear when a citation template failed to render or its text
was lost in copying.

## Example
```text
  3. ^ a b
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for entry in &ctx.doc.entries {
        if entry.text.chars().any(char::is_alphanumeric) {
            continue;
        }
        out.push(
            RULE.diagnostic(
                ctx.entry_head(entry),
                format!("{} has no text", ctx.entry_name(entry)),
            )
            .with_key(&entry.key, entry.group)
            .with_help("fill in the source, or remove the entry and the markers that cite it"),
        );
    }
}
