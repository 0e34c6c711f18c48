//! CIT024 `invalid-date`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};

/// An archive or access date that is no day of the calendar.
pub const RULE: Rule = Rule {
    code: "CIT024",
    name: "invalid-date",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "An archive or access date is not a real day (31 February, month 13)",
    doc: r#"## What it does
Finds archive and access dates that have the shape of a date but name no
day of the calendar: `31 February 2016`, `2016-13-01`, `June 31, 2016`. It
reads the dates the link rules read: "Archived from the original on …",
"Archived … at the Wayback Machine", `|archive-date=`, and, in entries with
links, "Retrieved …", "Accessed …" and `|access-date=`.

## Why it matters
An impossible date cannot be compared with the archive URL's timestamp
(`archive-date-mismatch`), and the online pass cannot look for the capture
closest before an access date that does not exist. Wikipedia's citation
templates flag the same dates as errors. It is usually a typo of the day or
month, or a day and month swapped (`2016-13-01` for `2016-01-13`).

## Example
```text
  7. ^ "Airport history". Example News. Archived from the original on
     31 February 2016. Retrieved 28 April 2014.
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for el in ctx.entry_links() {
        let entry = &ctx.doc.entries[el.entry];
        for invalid in &el.invalid_dates {
            let written = ctx.text[invalid.span.range()].replace('\n', " ");
            let what = if invalid.access {
                "access date"
            } else {
                "archive date"
            };
            out.push(
                RULE.diagnostic(
                    invalid.span,
                    format!(
                        "the {what} of {}, \"{written}\", is not a real day",
                        ctx.entry_name(entry)
                    ),
                )
                .with_key(&entry.key, entry.group)
                .with_help(
                    "check the day and the month (a swapped day and month is the usual slip) \
                     and write the date the source was archived or read",
                ),
            );
        }
    }
}
