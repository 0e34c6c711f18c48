//! The stable JSON report, `version: 1`. Lines and columns are 1-based;
//! columns count Unicode scalar values.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    format: &'static str,
    citations: usize,
    references: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
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
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    line: usize,
    column: usize,
    message: &'a str,
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
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
    }
}

pub(super) fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let report = Report {
        version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        files: reports
            .iter()
            .map(|r| File {
                path: &r.path,
                format: r.format.name(),
                citations: r.citations,
                references: r.references,
                diagnostics: r.diagnostics.iter().map(diagnostic).collect(),
            })
            .collect(),
        summary: Summary::of(reports),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
