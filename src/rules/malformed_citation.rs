//! CIT014 `malformed-citation`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// A marker that cannot be read.
pub const RULE: Rule = Rule {
    code: "CIT014",
    name: "malformed-citation",
    default_severity: Severity::Error,
    default_enabled: true,
    summary: "A citation marker cannot be read: backwards range, [0], empty item",
    doc: r#"## What it does
Finds markers that look like citations but cannot be read as one: a range
that runs backwards (`[5–3]`), reference `[0]`, an empty item (`[3,,4]`), or a
range over 50 references (`[1–99]`, usually a typo).

## Why it matters
The reader cannot tell which sources are meant, and no tool can check them.

## Example
```text
As shown before.[5–3]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for marker in &ctx.doc.malformed {
        out.push(
            RULE.diagnostic(
                marker.span,
                format!("malformed citation {}: {}", marker.text, marker.problem),
            )
            .with_help("write the numbers of the entries meant, e.g. [3], [3, 5] or [3–5]"),
        );
    }
}
