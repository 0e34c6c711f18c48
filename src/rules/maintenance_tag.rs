//! CIT012 `maintenance-tag`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// A maintenance tag left in the text.
pub const RULE: Rule = Rule {
    code: "CIT012",
    name: "maintenance-tag",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "A maintenance tag such as [citation needed] is left in the text",
    doc: r#"## What it does
Finds maintenance tags in the body and in the reference list:
`[citation needed]`, `[clarification needed]`, `[which?]`, `[dead link]`,
`[failed verification]`, `[better source needed]`, `[page needed]` and the
like.

## Why it matters
Each tag marks a claim or a source that an editor found wanting. Before
publishing, each one needs a source, a fix, or the claim removed.

## Example
```text
The town was founded in 1750.[citation needed]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for tag in &ctx.doc.tags {
        let place = if tag.in_entry.is_some() {
            "in the reference list"
        } else {
            "in the text"
        };
        out.push(
            RULE.diagnostic(
                tag.span,
                format!("maintenance tag [{}] left {place}", tag.text),
            )
            .with_help(help(&tag.text)),
        );
    }
}

fn help(tag: &str) -> &'static str {
    match tag {
        "citation needed" => "add a reliable source for the claim, or remove the claim",
        "dead link" | "permanent dead link" => {
            "replace the link with an archived copy (citelint check --online can suggest one)"
        }
        "failed verification" | "not in citation given" => {
            "check the source: cite one that supports the claim, or reword the claim"
        }
        "page needed" | "pages needed" => "add the page number to the citation",
        "better source needed" | "unreliable source?" | "self-published source" => {
            "replace the source with a reliable, independent one"
        }
        _ => "resolve the problem the tag points out, then remove the tag",
    }
}
