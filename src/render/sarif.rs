//! SARIF 2.1.0, the format GitHub code scanning reads
//! (`github/codeql-action/upload-sarif`).
//!
//! One run; `tool.driver.rules` lists every rule (enabled or not) in
//! registry order, and each result's `ruleIndex` points into it. Columns are
//! UTF-16 code units, declared as `columnKind: "utf16CodeUnits"` (SARIF's own
//! default, and how GitHub and editors written in JavaScript or .NET index a
//! line); ends are exclusive, as SARIF defines them. Artifact URIs are
//! relative to `%SRCROOT%`, the run's working directory, percent-encoded with
//! forward slashes; a path outside it becomes an absolute `file:` URI.
//! `partialFingerprints["citelint/v1"]` is the finding's fingerprint (rule,
//! key and normalised context, never line numbers), so code scanning keeps
//! an alert's identity when unrelated lines move.
//!
//! The document is streamed: the driver and rules first, then each result as
//! its file is done, byte-identical to pretty-printing it whole.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::Serialize;

use super::json::StreamedArray;
use super::{HOMEPAGE, repo_path};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RULES, Rule};
use crate::source::Position;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` of every artifact location.
const SRCROOT: &str = "%SRCROOT%";
/// The key of `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "citelint/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, BaseUri>>,
    column_kind: &'static str,
    /// Always empty here: results are streamed in.
    results: [(); 0],
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: &'a ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl Region {
    fn new(start: &Position, end: &Position) -> Self {
        Region {
            start_line: start.line,
            start_column: start.column_utf16,
            end_line: end.line,
            end_column: end.column_utf16,
        }
    }
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &'static Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: rule.code,
        name: rule.name,
        short_description: Text { text: rule.summary },
        full_description: Text {
            text: what_it_does(rule),
        },
        help: Help {
            text: rule.doc,
            markdown: rule.doc,
        },
        default_configuration: Configuration {
            level: level(rule.default_severity),
            enabled: rule.default_enabled,
        },
    }
}

/// The doc text's "What it does" paragraph, or the summary.
fn what_it_does(rule: &'static Rule) -> &'static str {
    rule.doc
        .strip_prefix("## What it does\n")
        .and_then(|rest| rest.split("\n\n").next())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(rule.summary)
}

/// Opens the document: the tool, its rules and the base URI, up to the
/// results array.
pub(super) fn stream(root: Option<&Path>) -> io::Result<StreamedArray> {
    let original_uri_base_ids = root.map(|root| {
        let mut uri = file_uri(&root.to_string_lossy());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        BTreeMap::from([(SRCROOT, BaseUri { uri })])
    });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: HOMEPAGE,
                    rules: RULES.iter().copied().map(descriptor).collect(),
                },
            },
            original_uri_base_ids,
            column_kind: "utf16CodeUnits",
            results: [],
        }],
    };
    StreamedArray::new(&log, "\"results\": []")
}

pub(super) fn result<'a>(d: &'a Diagnostic, artifact: &'a ArtifactLocation) -> SarifResult<'a> {
    let rule_index = rules::find(d.code).map_or(0, rules::position);
    SarifResult {
        rule_id: d.code,
        rule_index,
        level: level(d.severity),
        message: Text { text: &d.message },
        locations: [Location {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: artifact,
                region: Region::new(&d.start, &d.end),
            },
            message: None,
        }],
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| Location {
                id: Some(id),
                physical_location: PhysicalLocation {
                    artifact_location: artifact,
                    region: Region::new(&r.start, &r.end),
                },
                message: Some(Text { text: &r.message }),
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, d.fingerprint.as_str())]),
    }
}

/// The artifact location of a reported path: relative to `%SRCROOT%` when
/// it can be, else an absolute `file:` URI.
pub(super) fn artifact_location(path: &str, root: Option<&Path>) -> ArtifactLocation {
    let path = repo_path(path, root);
    if Path::new(path.as_ref()).is_absolute() {
        ArtifactLocation {
            uri: file_uri(&path),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(&path),
            uri_base_id: root.map(|_| SRCROOT),
        }
    }
}

/// An absolute path as a `file:` URI (`/a b` → `file:///a%20b`,
/// `C:\a` → `file:///C:/a`).
fn file_uri(path: &str) -> String {
    let path = if cfg!(windows) {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    // A Windows drive (`C:`) keeps its colon.
    let bytes = path.as_bytes();
    let drive = if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        2
    } else {
        0
    };
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!(
        "file://{slash}{}{}",
        &path[..drive],
        percent_encode(&path[drive..])
    )
}

/// Percent-encodes every byte but RFC 3986's unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_relative_under_the_root() {
        let root = Path::new("/home/me/repo");
        let at = |p: &str| {
            let a = artifact_location(p, Some(root));
            (a.uri, a.uri_base_id)
        };
        assert_eq!(at("docs/a b.txt"), ("docs/a%20b.txt".into(), Some(SRCROOT)));
        assert_eq!(
            at("./Ångström.md"),
            ("%C3%85ngstr%C3%B6m.md".into(), Some(SRCROOT))
        );
        assert_eq!(
            at("/home/me/repo/x/100%.txt"),
            ("x/100%25.txt".into(), Some(SRCROOT))
        );
        assert_eq!(at("/tmp/a:b.txt"), ("file:///tmp/a%3Ab.txt".into(), None));
        assert_eq!(at("a:b.txt").0, "a%3Ab.txt");
        assert_eq!(file_uri("C:/x y"), "file:///C:/x%20y");
    }

    #[test]
    fn full_descriptions_are_the_first_paragraph() {
        for rule in RULES {
            let text = what_it_does(rule);
            assert!(!text.is_empty() && !text.contains("##"), "{}", rule.code);
        }
    }
}
