//! GitHub Actions workflow commands: each finding becomes an annotation,
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=citelint (CODE)::message`.
//!
//! Severities map to `error`, `warning` and `notice`. Columns are UTF-16 code
//! units (GitHub's pages index lines as JavaScript strings), the end is
//! exclusive, and `col`/`endColumn` are given only when the finding is on
//! one line. Text is escaped as GitHub's toolkit does: `%`, CR and LF in the
//! message; `:` and `,` as well in properties.
//!
//! GitHub shows at most 10 annotations of each level per step, so the
//! findings are sorted most severe first (path order within a level), at
//! most 10 of each level become annotations, and when any are left out a
//! notice says how many and they follow as plain log lines. The binary also
//! writes the Markdown report to the job summary (`GITHUB_STEP_SUMMARY`).

use std::io::{self, Write};
use std::path::Path;

use super::{concise, message_with_help, repo_path};
use crate::FileReport;
use crate::diagnostic::{Diagnostic, Severity};

/// Annotations GitHub shows per level and step.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub(super) fn render(
    reports: &[FileReport],
    root: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut findings: Vec<(std::borrow::Cow<'_, str>, &Diagnostic)> = Vec::new();
    for report in reports {
        let path = repo_path(&report.path, root);
        findings.extend(report.diagnostics.iter().map(|d| (path.clone(), d)));
    }
    // Stable: path and position order is kept within a level.
    findings.sort_by_key(|(_, d)| std::cmp::Reverse(d.severity));

    let count = |s: Severity| findings.iter().filter(|(_, d)| d.severity == s).count();
    let truncated = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .any(|s| count(s) > ANNOTATIONS_PER_LEVEL);
    let cap = |s: Severity| {
        // The closing notice takes one of the notice level's places.
        if truncated && s == Severity::Info {
            ANNOTATIONS_PER_LEVEL - 1
        } else {
            ANNOTATIONS_PER_LEVEL
        }
    };
    let mut shown = [0usize; 3];
    let mut left_out = Vec::new();
    for (path, d) in &findings {
        let slot = &mut shown[d.severity as usize];
        if *slot < cap(d.severity) {
            *slot += 1;
            annotation(path, d, out)?;
        } else {
            left_out.push((path, *d));
        }
    }
    if !left_out.is_empty() {
        let n = left_out.len();
        let what = if n == 1 { "finding is" } else { "findings are" };
        writeln!(
            out,
            "::notice title=citelint::{}",
            escape_data(&format!(
                "{n} more {what} not shown as annotations (GitHub shows at most \
                 {ANNOTATIONS_PER_LEVEL} of each level per step); they are listed \
                 below and in the job summary"
            ))
        )?;
        for (path, d) in left_out {
            out.write_all(b"  ")?;
            concise::line(path, d, out)?;
        }
    }
    Ok(())
}

fn annotation(path: &str, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "::{} file={},line={}",
        command(d.severity),
        escape_property(path),
        d.start.line
    )?;
    if d.start.line == d.end.line {
        write!(
            out,
            ",col={},endLine={},endColumn={}",
            d.start.column_utf16, d.end.line, d.end.column_utf16
        )?;
    } else {
        write!(out, ",endLine={}", d.end.line)?;
    }
    writeln!(
        out,
        ",title={}::{}",
        escape_property(&format!("citelint ({})", d.code)),
        escape_data(&message_with_help(d))
    )
}

/// Escapes a command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
