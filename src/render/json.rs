//! The stable JSON report, `version: 1`. Lines and columns are 1-based;
//! columns count Unicode scalar values.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    format: &'static str,
    citations: usize,
    references: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
    key: Option<&'a str>,
    group: Option<Group>,
    keys: &'a [String],
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
    fingerprint: &'a str,
    /// `url`, `status`, `verdict`, `suggestion`: online findings only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    online: Option<&'a crate::diagnostic::OnlineFinding>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    line: usize,
    column: usize,
    message: &'a str,
}

pub(super) fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: d.code,
        rule: d.rule,
        severity: d.severity,
        message: &d.message,
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        byte_start: d.span.start,
        byte_end: d.span.end,
        key: d.key.as_deref(),
        group: d.group,
        keys: &d.keys,
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                line: r.start.line,
                column: r.start.column,
                message: &r.message,
            })
            .collect(),
        help: d.help.as_deref(),
        fingerprint: &d.fingerprint,
        online: d.online.as_deref(),
    }
}

/// The document is written piece by piece but comes out exactly as
/// `serde_json`'s pretty printer would write it whole.
pub(super) fn begin(out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": 1,\n  \"tool\": {{\n    \"name\": {},\n    \"version\": {}\n  }},\n  \"files\": [",
        serde_json::to_string(env!("CARGO_PKG_NAME"))?,
        serde_json::to_string(env!("CARGO_PKG_VERSION"))?
    )
}

pub(super) fn file(report: &FileReport, first: bool, out: &mut dyn Write) -> io::Result<()> {
    let file = File {
        path: &report.path,
        format: report.format.name(),
        citations: report.citations,
        references: report.references,
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
    };
    out.write_all(if first { b"\n" } else { b",\n" })?;
    write_indented(&serde_json::to_string_pretty(&file)?, "    ", out)
}

pub(super) fn finish(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if summary.files > 0 {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let summary = serde_json::to_string_pretty(summary)?;
    let mut lines = summary.lines();
    if let Some(first) = lines.next() {
        out.write_all(first.as_bytes())?;
    }
    for line in lines {
        write!(out, "\n  {line}")?;
    }
    out.write_all(b"\n}\n")
}

/// A pretty-printed JSON document with one array written element by element,
/// coming out exactly as `serde_json`'s pretty printer would write it whole.
/// Made from a skeleton of the document in which that array is empty and is
/// the last empty array (SARIF's `results`, rdjson's `diagnostics`, GitLab's
/// top-level array).
#[derive(Debug)]
pub(super) struct StreamedArray {
    /// The document up to and including the array's `[`.
    head: String,
    /// From the array's `]` to the end, with a final line break.
    tail: String,
    /// The indent of the line holding the `[`.
    indent: String,
    /// The indent of the elements.
    item_indent: String,
    /// Elements written so far.
    len: usize,
}

impl StreamedArray {
    /// Splits the pretty-printed `skeleton` at its last `marker` (`"key": []`
    /// or `[]`).
    pub(super) fn new(skeleton: &impl Serialize, marker: &str) -> io::Result<Self> {
        let text = serde_json::to_string_pretty(skeleton)?;
        let at = text
            .rfind(marker)
            .ok_or_else(|| io::Error::other("the skeleton has no empty array to stream into"))?;
        let close = at + marker.len() - 1;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent = text[line_start..]
            .bytes()
            .take_while(|&b| b == b' ')
            .count();
        Ok(StreamedArray {
            head: text[..close].to_owned(),
            tail: format!("{}\n", &text[close..]),
            indent: " ".repeat(indent),
            item_indent: " ".repeat(indent + 2),
            len: 0,
        })
    }

    pub(super) fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.head.as_bytes())
    }

    /// Writes one element.
    pub(super) fn push(&mut self, value: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.len == 0 { b"\n" } else { b",\n" })?;
        write_indented(
            &serde_json::to_string_pretty(value)?,
            &self.item_indent,
            out,
        )?;
        self.len += 1;
        Ok(())
    }

    /// Writes each element of `values`.
    pub(super) fn extend<T: Serialize>(
        &mut self,
        values: impl IntoIterator<Item = T>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        for value in values {
            self.push(&value, out)?;
        }
        Ok(())
    }

    pub(super) fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        if self.len > 0 {
            write!(out, "\n{}", self.indent)?;
        }
        out.write_all(self.tail.as_bytes())
    }
}

/// Writes `text` with every line indented (the first included). Pretty JSON
/// escapes line breaks inside strings, so every `\n` ends a line; copying
/// the bytes between them is much cheaper than formatting line by line.
fn write_indented(text: &str, indent: &str, out: &mut dyn Write) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let mut rest = text.as_bytes();
    out.write_all(indent.as_bytes())?;
    while let Some(n) = memchr::memchr(b'\n', rest) {
        out.write_all(&rest[..=n])?;
        out.write_all(indent.as_bytes())?;
        rest = &rest[n + 1..];
    }
    out.write_all(rest)
}

#[cfg(test)]
mod tests {
    use crate::render::{OutputFormat, RenderOptions, render};
    use crate::{Settings, SourceFile, lint};

    fn streamed(texts: &[&str]) -> String {
        let reports: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                lint(
                    &SourceFile::from_text(format!("f{i}.txt"), *t),
                    &Settings::default(),
                )
            })
            .collect();
        let mut out = Vec::new();
        render(
            OutputFormat::Json,
            &reports,
            &RenderOptions::default(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streamed_output_matches_a_whole_pretty_print() {
        for texts in [
            &[][..],
            &["Claim.[1][2]\n\n  1. ^ One.\n  2. ^ a b Two.\n"][..],
            &["A.[3]\n\n  1. ^ X.\n  2. ^ Y.\n", "", "B [1].\n"][..],
        ] {
            let text = streamed(texts);
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let whole = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(text, whole);
        }
    }
}
