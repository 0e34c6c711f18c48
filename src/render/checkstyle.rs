//! Checkstyle XML, read by Jenkins (Warnings Next Generation), reviewdog
//! (`-f=checkstyle`) and many CI dashboards. Every linted file has a `<file>`
//! element, clean ones included; each finding is an `<error>` with its line,
//! its column in Unicode scalar values, `severity` (`error`, `warning` or
//! `info`) and `source` `citelint.CODE`. Streamed file by file.

use std::io::{self, Write};

use super::message_with_help;
use crate::FileReport;

pub(super) fn begin(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n")
}

pub(super) fn file(report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    let name = escape(&report.path);
    if report.diagnostics.is_empty() {
        return writeln!(out, "  <file name=\"{name}\"/>");
    }
    writeln!(out, "  <file name=\"{name}\">")?;
    for d in &report.diagnostics {
        let message = message_with_help(d);
        writeln!(
            out,
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"citelint.{}\"/>",
            d.start.line,
            d.start.column,
            d.severity,
            escape(&message),
            d.code
        )?;
    }
    out.write_all(b"  </file>\n")
}

pub(super) fn finish(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"</checkstyle>\n")
}

/// Escapes text for an XML attribute value. Line breaks and tabs become
/// character references (attribute normalisation would turn them into
/// spaces); characters XML 1.0 cannot carry at all become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_breaks_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\nd\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;d\u{fffd}"
        );
    }
}
