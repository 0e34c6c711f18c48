//! CIT022 `archive-target-mismatch`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::links;
use crate::rules::{Context, Rule};

/// The archive URL wraps a different page than the entry cites.
pub const RULE: Rule = Rule {
    code: "CIT022",
    name: "archive-target-mismatch",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "An archive URL is a copy of a different page than the one the entry cites",
    doc: r#"## What it does
Takes the original address out of each archive URL
(`web.archive.org/web/20160603000000/http://example.org/a` archives
`http://example.org/a`) and compares it with the addresses the entry cites.
Addresses are compared after normalisation: `http` and `https`, `www.`, a
trailing slash, default ports, the fragment, the case of the host and
escaped letters (`%7E` for `~`) do not count as differences. Entries that
cite no original address, and archive URLs that do not show their original
(`archive.ph/AbC12`), are not checked.

## Why it matters
An archive link is the reader's way back to the source when the original
disappears. If it archives another page — usually because a citation was
copied and only one of its links updated — the claim loses its backup
without anyone noticing.

## Example
```text
  5. ^ "Census 2010". https://example.org/census/2010 Archived from the
     original: https://web.archive.org/web/20160603000000/https://example.org/census/2000
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for el in ctx.entry_links() {
        let Some(first_original) = el.originals().next() else {
            continue;
        };
        for (link, archive) in el.archives() {
            let Some(wrapped) = archive.original.as_deref() else {
                continue;
            };
            if el.original_of(archive).is_some() {
                continue;
            }
            let entry = &ctx.doc.entries[el.entry];
            out.push(
                RULE.diagnostic(
                    link.span,
                    format!(
                        "the archive URL is a copy of {}, but {} cites {}",
                        links::normalise(wrapped),
                        ctx.entry_name(entry),
                        links::normalise(&first_original.url)
                    ),
                )
                .with_key(&entry.key, entry.group)
                .with_related(first_original.span, "the page the entry cites")
                .with_help(
                    "replace the archive URL with a capture of the page the entry cites, \
                     or correct the cited URL if the archived page is the right one",
                ),
            );
        }
    }
}
