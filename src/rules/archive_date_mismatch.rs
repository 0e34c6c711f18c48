//! CIT020 `archive-date-mismatch`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::links::{self, ClassifiedLink};
use crate::rules::{Context, Rule};

/// The stated archive date differs from the archive URL's capture date.
pub const RULE: Rule = Rule {
    code: "CIT020",
    name: "archive-date-mismatch",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "The archive date an entry states differs from the date in its archive URL",
    doc: r#"## What it does
Compares the archive date an entry states ("Archived from the original on
3 June 2016", `|archive-date=`) with the capture date its archive URL
carries: the Wayback Machine's 14-digit timestamp, archive.today's long form
(`archive.ph/2016.06.03-123456/…`), a WebCite snapshot id or `date=`
parameter, or the timestamp of another Wayback-style archive. A capture on
the stated day, or one day either side (time zones), is fine.

## Why it matters
The archive date tells the reader which version of the page supported the
claim. When it disagrees with the link, one of the two was copied from
another citation or edited without the other, and the reader cannot tell
which version the editor actually checked.

## Example
```text
  4. ^ "Airport history". https://example.org/airport Archived from the
     original on 3 June 2016:
     https://web.archive.org/web/20170101000000/https://example.org/airport
```
The URL's timestamp is 2017-01-01; the entry says 3 June 2016.
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for el in ctx.entry_links() {
        let Some(stated) = el.archive_date else {
            continue;
        };
        let dated: Vec<(&ClassifiedLink, jiff::civil::Date, bool)> = el
            .archives()
            .filter_map(|(link, archive)| {
                archive
                    .capture_date
                    .map(|date| (link, date, archive.timestamp.is_some()))
            })
            .collect();
        let close = |date| links::days_between(stated.date, date).abs() <= 1;
        if dated.iter().any(|&(_, date, _)| close(date)) {
            continue;
        }
        let Some(&(link, captured, has_timestamp)) = dated.first() else {
            continue;
        };
        let entry = &ctx.doc.entries[el.entry];
        let what = if has_timestamp {
            "the archive URL's timestamp is"
        } else {
            "the archive URL dates its copy to"
        };
        out.push(
            RULE.diagnostic(
                stated.span,
                format!(
                    "{what} {captured} but {} says it was archived on {}",
                    ctx.entry_name(entry),
                    long_date(stated.date)
                ),
            )
            .with_key(&entry.key, entry.group)
            .with_related(
                link.span,
                format!("this archive copy was captured on {captured}"),
            )
            .with_help(format!(
                "if the link is the copy you checked, change the archive date to {}; \
                 otherwise replace the archive URL with the capture from {}",
                long_date(captured),
                long_date(stated.date)
            )),
        );
    }
}

/// `3 June 2016`.
pub(crate) fn long_date(date: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[usize::try_from(date.month() - 1).unwrap_or(0)];
    format!("{} {month} {}", date.day(), date.year())
}
