//! reviewdog's Diagnostic Format as one JSON document (`reviewdog
//! -f=rdjson`). Columns are 1-based UTF-8 byte counts and ends are
//! exclusive, as the format defines them. Related locations go in
//! `related_locations`; the help text follows the message.

use std::io;

use serde::Serialize;

use super::json::StreamedArray;
use super::{HOMEPAGE, message_with_help};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Position;

#[derive(Serialize)]
struct DiagnosticResult {
    source: Source,
    /// Always empty here: diagnostics are streamed in.
    diagnostics: [(); 0],
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
pub(super) struct RdDiagnostic<'a> {
    message: String,
    location: Location<'a>,
    severity: &'static str,
    code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
}

#[derive(Serialize)]
struct Code {
    value: &'static str,
}

#[derive(Serialize)]
struct RelatedLocation<'a> {
    message: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: RdPosition,
    end: RdPosition,
}

#[derive(Serialize)]
struct RdPosition {
    line: usize,
    column: usize,
}

impl Range {
    fn new(start: &Position, end: &Position) -> Self {
        Range {
            start: RdPosition {
                line: start.line,
                column: start.column_byte,
            },
            end: RdPosition {
                line: end.line,
                column: end.column_byte,
            },
        }
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

pub(super) fn stream() -> io::Result<StreamedArray> {
    let result = DiagnosticResult {
        source: Source {
            name: env!("CARGO_PKG_NAME"),
            url: HOMEPAGE,
        },
        diagnostics: [],
    };
    StreamedArray::new(&result, "\"diagnostics\": []")
}

pub(super) fn diagnostic<'a>(d: &'a Diagnostic, path: &'a str) -> RdDiagnostic<'a> {
    RdDiagnostic {
        message: message_with_help(d),
        location: Location {
            path,
            range: Range::new(&d.start, &d.end),
        },
        severity: severity(d.severity),
        code: Code { value: d.code },
        related_locations: d
            .related
            .iter()
            .map(|r| RelatedLocation {
                message: &r.message,
                location: Location {
                    path,
                    range: Range::new(&r.start, &r.end),
                },
            })
            .collect(),
    }
}
