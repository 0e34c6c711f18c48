//! Markdown for GitHub job summaries and pull-request comments: a heading,
//! the totals, a table of findings per rule and level, then a table of
//! findings for each file with findings. Columns count Unicode scalar
//! values. Text from the article is escaped so it cannot open links, code,
//! emphasis, HTML or table cells.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Summary;
use crate::FileReport;
use crate::diagnostic::Severity;

pub(super) fn render(
    reports: &[FileReport],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "## citelint\n")?;
    let findings = summary.errors + summary.warnings + summary.infos;
    if findings == 0 {
        return writeln!(out, "No findings in {}.", summary.files_phrase());
    }
    let mark = if summary.errors > 0 { "❌" } else { "⚠️" };
    writeln!(out, "{mark} {}.\n", summary.sentence())?;

    // code → (name, [infos, warnings, errors])
    let mut by_rule: BTreeMap<&str, (&str, [usize; 3])> = BTreeMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        by_rule.entry(d.code).or_insert((d.rule, [0; 3])).1[d.severity as usize] += 1;
    }
    writeln!(out, "| rule | errors | warnings | infos |")?;
    writeln!(out, "| --- | ---: | ---: | ---: |")?;
    for (code, (name, counts)) in &by_rule {
        writeln!(
            out,
            "| `{code}` {name} | {} | {} | {} |",
            counts[Severity::Error as usize],
            counts[Severity::Warning as usize],
            counts[Severity::Info as usize]
        )?;
    }

    for report in reports {
        let n = report.diagnostics.len();
        writeln!(
            out,
            "\n### {} ({n} finding{})\n",
            escape(&report.path),
            if n == 1 { "" } else { "s" }
        )?;
        writeln!(out, "| line:column | severity | rule | message |")?;
        writeln!(out, "| ---: | --- | --- | --- |")?;
        for d in &report.diagnostics {
            let mut message = escape(&d.message);
            if let Some(help) = &d.help {
                message.push_str("<br>help: ");
                message.push_str(&escape(help));
            }
            writeln!(
                out,
                "| {}:{} | {} | `{}` {} | {message} |",
                d.start.line, d.start.column, d.severity, d.code, d.rule
            )?;
        }
    }
    Ok(())
}

/// Escapes text for a table cell or heading: Markdown punctuation is
/// backslash-escaped, `&` becomes `&amp;` and line breaks `<br>`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("[10] a|b <i> *x* & `c`\nd"),
            "\\[10\\] a\\|b \\<i\\> \\*x\\* &amp; \\`c\\`<br>d"
        );
    }
}
