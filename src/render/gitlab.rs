//! GitLab Code Quality: a JSON array of issues, for
//! `artifacts: reports: codequality`. GitLab reads lines only, no columns.
//!
//! `fingerprint` must be unique across the report: it is a hash of the
//! repository-relative path and the finding's own fingerprint (unique within
//! its file and stable across edits elsewhere), so an issue keeps its
//! identity between pipelines. Severities use GitLab's scale: error →
//! `major`, warning → `minor`, info → `info`.

use std::io;

use serde::Serialize;

use super::json::StreamedArray;
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
pub(super) struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub(super) fn stream() -> io::Result<StreamedArray> {
    StreamedArray::new(&[(); 0], "[]")
}

pub(super) fn issue<'a>(d: &Diagnostic, path: &'a str) -> Issue<'a> {
    Issue {
        description: format!("{} {}: {}", d.code, d.rule, d.message),
        check_name: d.code,
        fingerprint: fingerprint(path, &d.fingerprint),
        severity: severity(d.severity),
        location: Location {
            path,
            lines: Lines {
                begin: d.start.line,
            },
        },
    }
}

/// 32 hex digits from the path and the per-file fingerprint.
fn fingerprint(path: &str, fingerprint: &str) -> String {
    let mut bytes = Vec::with_capacity(path.len() + 1 + fingerprint.len());
    bytes.extend_from_slice(path.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(fingerprint.as_bytes());
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes))
}
