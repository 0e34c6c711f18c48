//! CIT023 `archived-without-link`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// The entry says it was archived but gives no archive URL.
pub const RULE: Rule = Rule {
    code: "CIT023",
    name: "archived-without-link",
    default_severity: Severity::Info,
    default_enabled: true,
    summary: "An entry says \"Archived from the original\" but has no archive URL",
    doc: r#"## What it does
Finds entries whose text says they were archived ("Archived from the
original on 3 June 2016", "Archived 3 June 2016 at the Wayback Machine")
but that contain no archive URL.

When the file has no links at all — text copied from a rendered page keeps
the words and loses every link — the rule reports once for the whole file
instead of once per entry.

## Why it matters
The note promises the reader a backup copy of the source. Without the link
the promise cannot be kept: the link was lost in copying, or the note was
copied from another citation. It is only information because copied plain
text always loses links; lint the page's wikitext or HTML to check them.

## Example
```text
  7. ^ "Airport history". Example News. Archived from the original on
     3 June 2016. Retrieved 28 April 2014.
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let unlinked: Vec<_> = ctx
        .entry_links()
        .iter()
        .filter(|el| el.archives().next().is_none())
        .filter_map(|el| el.archived_note.map(|span| (el.entry, span)))
        .collect();
    let Some(&(first, first_span)) = unlinked.first() else {
        return;
    };
    let file_has_links = ctx.doc.entries.iter().any(|e| !e.links.is_empty());
    if !file_has_links {
        let entry = &ctx.doc.entries[first];
        let subject = if unlinked.len() == 1 {
            format!("{} says it was", ctx.entry_name(entry))
        } else {
            format!("{} entries say they were", unlinked.len())
        };
        out.push(
            RULE.diagnostic(
                first_span,
                format!("{subject} archived, but the file has no links at all"),
            )
            .with_keys(
                unlinked
                    .iter()
                    .map(|&(id, _)| ctx.doc.entries[id].key.to_string())
                    .collect(),
                entry.group,
            )
            .with_help(
                "text copied from a rendered page loses its links; \
                 lint the page's wikitext or HTML to check the archive links",
            ),
        );
        return;
    }
    for (id, span) in unlinked {
        let entry = &ctx.doc.entries[id];
        out.push(
            RULE.diagnostic(
                span,
                format!(
                    "{} says it was archived, but gives no archive URL",
                    ctx.entry_name(entry)
                ),
            )
            .with_key(&entry.key, entry.group)
            .with_help(
                "add the archive URL (|archive-url= in a citation template), \
                 or remove the note if there is no archived copy",
            ),
        );
    }
}
