//! Every output format over one shared set of diagnostics: each rendering is
//! snapshot-tested (`tests/snapshots/formats__*.snap`) and parsed back into
//! strict types (`deny_unknown_fields`; XML through quick-xml's serde
//! support, Markdown through pulldown-cmark, GitHub's workflow commands
//! through a small parser), so a field added, renamed or dropped fails here.
//!
//! The shared set lints five fixtures under report paths chosen to exercise
//! path handling: a clean file, the CLI's error and mixed fixtures (one of
//! them named by an absolute path under the root), a list whose entries are
//! cited only from other entries (info-level findings), and
//! `fixtures/formats/non-ascii.txt` under a name with a space and a
//! non-ASCII letter. That fixture's first finding sits after `Ångström’s
//! café` and a `𝄞`, so its column differs in every unit: 62 code points, 63
//! UTF-16 code units, byte 70.

use std::collections::BTreeMap;
use std::path::Path;

use citelint::render::{ColumnUnit, OutputFormat, RenderOptions, Renderer};
use citelint::{FileReport, Settings, SourceFile};
use serde::Deserialize;

#[path = "support/json_report.rs"]
mod json_report;
use json_report::{DIAGNOSTIC_KEYS, JsonDiagnostic};

/// The working directory the renderers are given.
const ROOT: &str = "/work/repo";
/// The non-ASCII fixture's report path.
const NON_ASCII: &str = "articles/non-ascii café.txt";

/// `(report path, fixture under fixtures/)`, in the order the binary would
/// write them (sorted by path).
const FILES: &[(&str, &str)] = &[
    ("/work/repo/articles/mixed.txt", "cli/mixed.txt"),
    ("articles/clean.txt", "cli/clean.txt"),
    ("articles/errors.txt", "cli/errors.txt"),
    (
        "articles/in-list-only.txt",
        "wikipedia-text/in-list-only.txt",
    ),
    (NON_ASCII, "formats/non-ascii.txt"),
];

fn lint(path: &str, fixture: &str) -> FileReport {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(fixture);
    let bytes = std::fs::read(file).expect("fixture is readable");
    citelint::lint(&SourceFile::from_bytes(path, &bytes), &Settings::default())
}

fn shared() -> Vec<FileReport> {
    FILES
        .iter()
        .map(|(path, fixture)| lint(path, fixture))
        .collect()
}

/// Renders `reports` the way the binary does: batch by batch, with a root.
fn render_batches(format: OutputFormat, batches: &[&[FileReport]]) -> String {
    let mut renderer = Renderer::new(format, RenderOptions::default()).with_root(ROOT);
    let mut out = Vec::new();
    renderer.begin(&mut out).unwrap();
    for batch in batches {
        renderer.files(batch, &mut out).unwrap();
    }
    renderer.finish(&mut out).unwrap();
    String::from_utf8(out).expect("UTF-8 output")
}

fn render(format: OutputFormat, reports: &[FileReport]) -> String {
    render_batches(format, &[reports])
}

/// Renders the shared set in `format` and checks it against the snapshot
/// `name` (the tool version redacted).
fn snapshot(format: OutputFormat, name: &str) -> (Vec<FileReport>, String) {
    let reports = shared();
    let out = render(format, &reports);
    insta::assert_snapshot!(name, redact_version(&out));
    (reports, out)
}

/// Replaces the tool version so snapshots survive a version bump.
fn redact_version(text: &str) -> String {
    text.replace(
        &format!("\"semanticVersion\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"semanticVersion\": \"[VERSION]\"",
    )
}

fn all_diagnostics(reports: &[FileReport]) -> Vec<(&str, &citelint::Diagnostic)> {
    reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (r.path.as_str(), d)))
        .collect()
}

/// The non-ASCII fixture's first finding, whose columns differ in every unit.
fn non_ascii_finding(reports: &[FileReport]) -> &citelint::Diagnostic {
    let report = reports.iter().find(|r| r.path == NON_ASCII).unwrap();
    &report.diagnostics[0]
}

#[test]
fn the_shared_set_covers_every_severity_and_related_locations() {
    let reports = shared();
    let findings = all_diagnostics(&reports);
    for severity in [
        citelint::Severity::Error,
        citelint::Severity::Warning,
        citelint::Severity::Info,
    ] {
        assert!(findings.iter().any(|(_, d)| d.severity == severity));
    }
    assert!(findings.iter().any(|(_, d)| !d.related.is_empty()));
    assert!(reports[1].diagnostics.is_empty(), "one clean file");
    let d = non_ascii_finding(&reports);
    assert_eq!(
        (
            d.start.line,
            d.start.column,
            d.start.column_utf16,
            d.start.column_byte
        ),
        (1, 62, 63, 70),
        "the non-ASCII fixture's finding has a different column in every unit"
    );
    assert_eq!(
        (d.end.column, d.end.column_utf16, d.end.column_byte),
        (63, 64, 71)
    );
}

#[test]
fn column_units_are_as_documented() {
    use OutputFormat::*;
    for (format, unit) in [
        (Full, ColumnUnit::CodePoints),
        (Concise, ColumnUnit::CodePoints),
        (Json, ColumnUnit::CodePoints),
        (JsonLines, ColumnUnit::CodePoints),
        (Junit, ColumnUnit::CodePoints),
        (Checkstyle, ColumnUnit::CodePoints),
        (Markdown, ColumnUnit::CodePoints),
        (Sarif, ColumnUnit::Utf16),
        (Github, ColumnUnit::Utf16),
        (Rdjson, ColumnUnit::Bytes),
        (Gitlab, ColumnUnit::None),
    ] {
        assert_eq!(format.column_unit(), unit, "{format}");
    }
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifLog {
    #[serde(rename = "$schema")]
    schema: String,
    version: String,
    runs: Vec<SarifRun>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifRun {
    tool: SarifTool,
    original_uri_base_ids: BTreeMap<String, SarifBaseUri>,
    column_kind: String,
    results: Vec<SarifResult>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifBaseUri {
    uri: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifDriver {
    name: String,
    semantic_version: String,
    information_uri: String,
    rules: Vec<SarifRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifRule {
    id: String,
    name: String,
    short_description: SarifText,
    full_description: SarifText,
    help: SarifHelp,
    default_configuration: SarifConfiguration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifText {
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifHelp {
    text: String,
    markdown: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SarifConfiguration {
    level: String,
    enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: String,
    message: SarifText,
    locations: Vec<SarifLocation>,
    #[serde(default)]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifLocation {
    id: Option<usize>,
    physical_location: SarifPhysicalLocation,
    message: Option<SarifText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    uri_base_id: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[test]
fn sarif() {
    let (reports, out) = snapshot(OutputFormat::Sarif, "sarif");
    let log: SarifLog = serde_json::from_str(&out).expect("strict SARIF types");
    assert_eq!(log.schema, "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log.version, "2.1.0");
    assert_eq!(log.runs.len(), 1);
    let run = &log.runs[0];
    assert_eq!(run.column_kind, "utf16CodeUnits");
    assert_eq!(
        run.original_uri_base_ids["%SRCROOT%"].uri,
        "file:///work/repo/"
    );
    let driver = &run.tool.driver;
    assert_eq!(driver.name, "citelint");
    assert_eq!(driver.semantic_version, env!("CARGO_PKG_VERSION"));
    assert!(driver.information_uri.starts_with("https://"));
    assert_eq!(driver.rules.len(), citelint::rules::RULES.len());
    for (rule, registered) in driver.rules.iter().zip(citelint::rules::RULES) {
        assert_eq!(rule.id, registered.code);
        assert_eq!(rule.name, registered.name);
        assert_eq!(rule.short_description.text, registered.summary);
        assert!(registered.doc.contains(&rule.full_description.text));
        assert_eq!(rule.help.text, registered.doc);
        assert_eq!(rule.help.markdown, registered.doc);
        assert!(["error", "warning", "note"].contains(&rule.default_configuration.level.as_str()));
        assert_eq!(
            rule.default_configuration.enabled,
            registered.default_enabled
        );
    }

    let findings = all_diagnostics(&reports);
    assert_eq!(run.results.len(), findings.len());
    for (result, (path, d)) in run.results.iter().zip(&findings) {
        assert_eq!(result.rule_id, d.code);
        assert_eq!(driver.rules[result.rule_index].id, d.code);
        assert_eq!(result.message.text, d.message);
        let level = match d.severity {
            citelint::Severity::Error => "error",
            citelint::Severity::Warning => "warning",
            citelint::Severity::Info => "note",
        };
        assert_eq!(result.level, level);
        assert_eq!(result.partial_fingerprints["citelint/v1"], d.fingerprint);
        assert_eq!(result.partial_fingerprints.len(), 1);
        assert_eq!(result.locations.len(), 1);
        let location = &result.locations[0];
        assert!(location.id.is_none() && location.message.is_none());
        let artifact = &location.physical_location.artifact_location;
        assert_eq!(artifact.uri_base_id.as_deref(), Some("%SRCROOT%"));
        let expected_uri = match *path {
            "/work/repo/articles/mixed.txt" => "articles/mixed.txt",
            NON_ASCII => "articles/non-ascii%20caf%C3%A9.txt",
            other => other,
        };
        assert_eq!(artifact.uri, expected_uri);
        assert_eq!(
            location.physical_location.region,
            SarifRegion {
                start_line: d.start.line,
                start_column: d.start.column_utf16,
                end_line: d.end.line,
                end_column: d.end.column_utf16,
            }
        );
        assert_eq!(result.related_locations.len(), d.related.len());
        for (i, (related, r)) in result.related_locations.iter().zip(&d.related).enumerate() {
            assert_eq!(related.id, Some(i));
            assert_eq!(related.message.as_ref().unwrap().text, r.message);
            assert_eq!(
                related.physical_location.artifact_location.uri,
                expected_uri
            );
            assert_eq!(
                related.physical_location.region.start_column,
                r.start.column_utf16
            );
        }
    }
    // The non-ASCII finding: UTF-16 code units.
    let d = non_ascii_finding(&reports);
    let result = run
        .results
        .iter()
        .find(|r| r.partial_fingerprints["citelint/v1"] == d.fingerprint)
        .unwrap();
    let region = &result.locations[0].physical_location.region;
    assert_eq!((region.start_column, region.end_column), (63, 64));
}

#[test]
fn streamed_json_formats_match_a_whole_pretty_print() {
    let reports = shared();
    for format in [
        OutputFormat::Sarif,
        OutputFormat::Gitlab,
        OutputFormat::Rdjson,
    ] {
        for batches in [
            vec![&reports[..]],
            vec![&reports[..1], &reports[1..3], &reports[3..]],
            vec![&reports[1..2]],
            vec![],
        ] {
            let out = render_batches(format, &batches);
            let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            let whole = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(out, whole, "{format}");
        }
    }
}

#[test]
fn sarif_without_a_root_uses_absolute_file_uris_for_absolute_paths() {
    let reports = [lint("/abs/dir/errors.txt", "cli/errors.txt")];
    let mut out = Vec::new();
    citelint::render::render(
        OutputFormat::Sarif,
        &reports,
        &RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let run = &log["runs"][0];
    assert!(run.get("originalUriBaseIds").is_none());
    let artifact = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "file:///abs/dir/errors.txt");
    assert!(artifact.get("uriBaseId").is_none());
}

// ---------------------------------------------------------------------------
// GitHub workflow commands

/// One `::level props::message` line, unescaped.
#[derive(Debug)]
struct Command {
    level: String,
    properties: BTreeMap<String, String>,
    message: String,
}

fn unescape(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Splits github output into workflow commands and plain log lines, checking
/// every command strictly: known level, known properties, no raw `:`/`,` in
/// a property, no raw line break or `%` escape left undone.
fn parse_github(out: &str) -> (Vec<Command>, Vec<&str>) {
    let mut commands = Vec::new();
    let mut plain = Vec::new();
    for line in out.lines() {
        let Some(rest) = line.strip_prefix("::") else {
            plain.push(line);
            continue;
        };
        let (head, message) = rest.split_once("::").expect("`::level props::message`");
        let (level, props) = head.split_once(' ').expect("a level and properties");
        assert!(["error", "warning", "notice"].contains(&level), "{line}");
        let mut properties = BTreeMap::new();
        for prop in props.split(',') {
            let (key, value) = prop.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "unknown property {key}"
            );
            assert!(!value.contains(':'), "unescaped `:` in {value}");
            assert!(properties.insert(key.to_owned(), unescape(value)).is_none());
        }
        for text in [props, message] {
            assert!(
                text.split('%')
                    .skip(1)
                    .all(|s| ["25", "0D", "0A", "3A", "2C"]
                        .iter()
                        .any(|e| s.starts_with(e))),
                "a `%` left unescaped in {text}"
            );
        }
        commands.push(Command {
            level: level.to_owned(),
            properties,
            message: unescape(message),
        });
    }
    (commands, plain)
}

fn expected_github_message(d: &citelint::Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

#[test]
fn github() {
    let (reports, out) = snapshot(OutputFormat::Github, "github");
    let (commands, plain) = parse_github(&out);
    assert!(plain.is_empty(), "nothing is left out of a small run");
    let mut findings = all_diagnostics(&reports);
    findings.sort_by_key(|(_, d)| std::cmp::Reverse(d.severity));
    assert_eq!(commands.len(), findings.len());
    for (command, (path, d)) in commands.iter().zip(&findings) {
        let level = match d.severity {
            citelint::Severity::Error => "error",
            citelint::Severity::Warning => "warning",
            citelint::Severity::Info => "notice",
        };
        assert_eq!(command.level, level);
        let p = &command.properties;
        let expected_path = path.strip_prefix("/work/repo/").unwrap_or(path);
        assert_eq!(p["file"], expected_path);
        assert_eq!(p["line"], d.start.line.to_string());
        assert_eq!(p["endLine"], d.end.line.to_string());
        assert_eq!(p["col"], d.start.column_utf16.to_string());
        assert_eq!(p["endColumn"], d.end.column_utf16.to_string());
        assert_eq!(p["title"], format!("citelint ({})", d.code));
        assert_eq!(command.message, expected_github_message(d));
    }
    let d = non_ascii_finding(&reports);
    let command = commands
        .iter()
        .find(|c| c.properties["file"] == NON_ASCII && c.properties["line"] == "1")
        .unwrap();
    assert_eq!(command.properties["col"], "63");
    assert_eq!(command.properties["endColumn"], "64");
    assert_eq!(command.message, expected_github_message(d));
}

#[test]
fn github_escapes_messages_and_properties() {
    let mut reports = vec![lint("dir,with:odd%chars.txt", "cli/errors.txt")];
    reports[0].diagnostics[0].message = "50% of it,\r\nthen: more".into();
    let out = render(OutputFormat::Github, &reports);
    assert!(
        out.starts_with("::error file=dir%2Cwith%3Aodd%25chars.txt,line=1,"),
        "{out}"
    );
    assert!(
        out.contains("::50%25 of it,%0D%0Athen: more%0Ahelp: "),
        "{out}"
    );
    let (commands, _) = parse_github(&out);
    assert_eq!(commands[0].properties["file"], "dir,with:odd%chars.txt");
    assert!(
        commands[0]
            .message
            .starts_with("50% of it,\r\nthen: more\nhelp: ")
    );
}

#[test]
fn github_gives_columns_only_on_one_line() {
    let mut reports = vec![lint("a.txt", "cli/errors.txt")];
    let d = &mut reports[0].diagnostics[0];
    d.end.line = d.start.line + 2;
    let out = render(OutputFormat::Github, &reports);
    let (commands, _) = parse_github(&out);
    let p = &commands[0].properties;
    assert!(
        !p.contains_key("col") && !p.contains_key("endColumn"),
        "{out}"
    );
    assert_eq!(p["endLine"], "3");
    assert!(commands[1].properties.contains_key("col"));
}

/// An article citing `[3]` … `[14]` against a list of two entries gives 12
/// errors; 13 unused entries give 13 warnings; a marker before its
/// punctuation, repeated, gives infos when citation-spacing is on.
fn many_findings() -> FileReport {
    let mut text = String::from("Start.[1][2]\n");
    for n in 3..=14 {
        text.push_str(&format!("Claim {n}.[{n}]\n"));
    }
    text.push_str("\nReferences\n  1. ^ One.\n  2. ^ Two.\n");
    for n in 15..=27 {
        text.push_str(&format!("  {n}. ^ Source {n}.\n"));
    }
    let source = SourceFile::from_text("many.txt", text);
    citelint::lint(&source, &Settings::default())
}

#[test]
fn github_caps_annotations_at_ten_per_level_most_severe_first() {
    let report = many_findings();
    let errors = report.count(citelint::Severity::Error);
    let warnings = report.count(citelint::Severity::Warning);
    assert!(
        errors > 10 && warnings > 10,
        "{errors} errors, {warnings} warnings"
    );
    let total = report.diagnostics.len();
    let out = render(OutputFormat::Github, std::slice::from_ref(&report));
    insta::assert_snapshot!("github_capped", out);
    let (commands, plain) = parse_github(&out);
    let levels: Vec<&str> = commands.iter().map(|c| c.level.as_str()).collect();
    let shown_errors = levels.iter().filter(|l| **l == "error").count();
    let shown_warnings = levels.iter().filter(|l| **l == "warning").count();
    assert_eq!((shown_errors, shown_warnings), (10, 10));
    // Most severe first: every error before every warning.
    assert!(levels[..10].iter().all(|l| *l == "error"));
    let notice = commands.last().unwrap();
    assert_eq!(notice.level, "notice");
    assert_eq!(notice.properties["title"], "citelint");
    let left_out = total - 20;
    assert!(
        notice.message.starts_with(&format!(
            "{left_out} more findings are not shown as annotations"
        )),
        "{}",
        notice.message
    );
    // The rest follow as plain lines, most severe first.
    assert_eq!(plain.len(), left_out);
    assert!(plain[0].starts_with("  many.txt:") && plain[0].contains("[error]"));
    assert!(plain.last().unwrap().contains("[warning]"));
}

// ---------------------------------------------------------------------------
// GitLab Code Quality

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GitlabIssue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: String,
    location: GitlabLocation,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GitlabLocation {
    path: String,
    lines: GitlabLines,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GitlabLines {
    begin: usize,
}

#[test]
fn gitlab() {
    let (reports, out) = snapshot(OutputFormat::Gitlab, "gitlab");
    let issues: Vec<GitlabIssue> = serde_json::from_str(&out).expect("strict GitLab types");
    let findings = all_diagnostics(&reports);
    assert_eq!(issues.len(), findings.len());
    let mut fingerprints: Vec<&str> = issues.iter().map(|i| i.fingerprint.as_str()).collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
    for (issue, (path, d)) in issues.iter().zip(&findings) {
        assert_eq!(issue.check_name, d.code);
        assert_eq!(
            issue.description,
            format!("{} {}: {}", d.code, d.rule, d.message)
        );
        let severity = match d.severity {
            citelint::Severity::Error => "major",
            citelint::Severity::Warning => "minor",
            citelint::Severity::Info => "info",
        };
        assert_eq!(issue.severity, severity);
        assert_eq!(
            issue.location.path,
            path.strip_prefix("/work/repo/").unwrap_or(path)
        );
        assert_eq!(issue.location.lines.begin, d.start.line);
        assert!(
            issue.fingerprint.len() == 32
                && issue.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
        );
    }
}

#[test]
fn gitlab_fingerprints_differ_between_files_with_the_same_findings() {
    let reports = [
        lint("a/errors.txt", "cli/errors.txt"),
        lint("b/errors.txt", "cli/errors.txt"),
    ];
    assert_eq!(
        reports[0].diagnostics[0].fingerprint,
        reports[1].diagnostics[0].fingerprint
    );
    let issues: Vec<GitlabIssue> =
        serde_json::from_str(&render(OutputFormat::Gitlab, &reports)).unwrap();
    assert_ne!(issues[0].fingerprint, issues[2].fingerprint);
}

// ---------------------------------------------------------------------------
// reviewdog rdjson

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdResult {
    source: RdSource,
    diagnostics: Vec<RdDiagnostic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdSource {
    name: String,
    url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdDiagnostic {
    message: String,
    location: RdLocation,
    severity: String,
    code: RdCode,
    #[serde(default)]
    related_locations: Vec<RdRelated>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdCode {
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdRelated {
    message: String,
    location: RdLocation,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdLocation {
    path: String,
    range: RdRange,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RdRange {
    start: RdPosition,
    end: RdPosition,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct RdPosition {
    line: usize,
    column: usize,
}

#[test]
fn rdjson() {
    let (reports, out) = snapshot(OutputFormat::Rdjson, "rdjson");
    let result: RdResult = serde_json::from_str(&out).expect("strict rdjson types");
    assert_eq!(result.source.name, "citelint");
    assert!(result.source.url.starts_with("https://"));
    let findings = all_diagnostics(&reports);
    assert_eq!(result.diagnostics.len(), findings.len());
    for (rd, (path, d)) in result.diagnostics.iter().zip(&findings) {
        assert_eq!(rd.message, expected_github_message(d));
        assert_eq!(rd.code.value, d.code);
        assert_eq!(rd.severity, d.severity.as_str().to_uppercase());
        assert_eq!(
            rd.location.path,
            path.strip_prefix("/work/repo/").unwrap_or(path)
        );
        let position = |line, column| RdPosition { line, column };
        assert_eq!(
            rd.location.range.start,
            position(d.start.line, d.start.column_byte)
        );
        assert_eq!(
            rd.location.range.end,
            position(d.end.line, d.end.column_byte)
        );
        assert_eq!(rd.related_locations.len(), d.related.len());
        for (related, r) in rd.related_locations.iter().zip(&d.related) {
            assert_eq!(related.message, r.message);
            assert_eq!(
                related.location.range.start,
                position(r.start.line, r.start.column_byte)
            );
            assert_eq!(
                related.location.range.end,
                position(r.end.line, r.end.column_byte)
            );
        }
    }
    // The non-ASCII finding: 1-based UTF-8 byte columns, exclusive end.
    let rd = result
        .diagnostics
        .iter()
        .find(|rd| rd.location.path == NON_ASCII && rd.location.range.start.line == 1)
        .unwrap();
    assert_eq!(
        rd.location.range.start,
        RdPosition {
            line: 1,
            column: 70
        }
    );
    assert_eq!(
        rd.location.range.end,
        RdPosition {
            line: 1,
            column: 71
        }
    );
}

// ---------------------------------------------------------------------------
// JUnit XML

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSuites {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@tests")]
    tests: usize,
    #[serde(rename = "@skipped")]
    skipped: usize,
    #[serde(rename = "@failures")]
    failures: usize,
    #[serde(rename = "@errors")]
    errors: usize,
    #[serde(rename = "testsuite")]
    suites: Vec<TestSuite>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSuite {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@tests")]
    tests: usize,
    #[serde(rename = "@skipped")]
    skipped: usize,
    #[serde(rename = "@errors")]
    errors: usize,
    #[serde(rename = "@failures")]
    failures: usize,
    #[serde(rename = "testcase")]
    cases: Vec<TestCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "@classname")]
    classname: String,
    failure: Option<Failure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Failure {
    #[serde(rename = "@message")]
    message: String,
    #[serde(rename = "@type")]
    kind: String,
    #[serde(rename = "$text")]
    text: String,
}

#[test]
fn junit() {
    let (reports, out) = snapshot(OutputFormat::Junit, "junit");
    let parsed: TestSuites = quick_xml::de::from_str(&out).expect("strict JUnit types");
    let findings = all_diagnostics(&reports);
    assert_eq!(parsed.name, "citelint");
    assert_eq!(
        (parsed.tests, parsed.failures),
        (findings.len(), findings.len())
    );
    assert_eq!((parsed.skipped, parsed.errors), (0, 0));
    let with_findings: Vec<&FileReport> = reports
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .collect();
    assert_eq!(
        parsed.suites.len(),
        with_findings.len(),
        "one suite per file with findings"
    );
    for (suite, report) in parsed.suites.iter().zip(&with_findings) {
        assert_eq!(suite.name, report.path);
        assert_eq!(
            (suite.tests, suite.failures),
            (report.diagnostics.len(), report.diagnostics.len())
        );
        assert_eq!((suite.skipped, suite.errors), (0, 0));
        for (case, d) in suite.cases.iter().zip(&report.diagnostics) {
            assert_eq!(
                case.name,
                format!(
                    "{} {} ({}:{})",
                    d.code, d.rule, d.start.line, d.start.column
                )
            );
            assert_eq!(case.classname, report.path);
            let failure = case.failure.as_ref().expect("a finding is a failure");
            assert_eq!(failure.message, d.message);
            assert_eq!(failure.kind, d.severity.as_str());
            assert!(failure.text.starts_with(&format!(
                "{}:{}:{}: {}",
                report.path, d.start.line, d.start.column, d.code
            )));
        }
    }
    let suite = parsed.suites.iter().find(|s| s.name == NON_ASCII).unwrap();
    assert_eq!(suite.cases[0].name, "CIT001 missing-reference (1:62)");
}

#[test]
fn junit_clean_run_is_one_passing_case() {
    let reports = [
        lint("clean.txt", "cli/clean.txt"),
        lint("b.txt", "cli/clean.txt"),
    ];
    let out = render(OutputFormat::Junit, &reports);
    insta::assert_snapshot!("junit_clean", out);
    let parsed: TestSuites = quick_xml::de::from_str(&out).unwrap();
    assert_eq!((parsed.tests, parsed.failures), (1, 0));
    assert_eq!(parsed.suites.len(), 1);
    assert_eq!(parsed.suites[0].cases.len(), 1);
    assert!(parsed.suites[0].cases[0].failure.is_none());
    assert_eq!(parsed.suites[0].cases[0].name, "no findings in 2 files");
}

// ---------------------------------------------------------------------------
// Checkstyle XML

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkstyle {
    #[serde(rename = "@version")]
    version: String,
    #[serde(rename = "file", default)]
    files: Vec<CheckstyleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckstyleFile {
    #[serde(rename = "@name")]
    name: String,
    #[serde(rename = "error", default)]
    errors: Vec<CheckstyleError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckstyleError {
    #[serde(rename = "@line")]
    line: usize,
    #[serde(rename = "@column")]
    column: usize,
    #[serde(rename = "@severity")]
    severity: String,
    #[serde(rename = "@message")]
    message: String,
    #[serde(rename = "@source")]
    source: String,
}

#[test]
fn checkstyle() {
    let (reports, out) = snapshot(OutputFormat::Checkstyle, "checkstyle");
    let parsed: Checkstyle = quick_xml::de::from_str(&out).expect("strict Checkstyle types");
    assert_eq!(parsed.version, "4.3");
    assert_eq!(
        parsed.files.len(),
        reports.len(),
        "every file, clean ones too"
    );
    for (file, report) in parsed.files.iter().zip(&reports) {
        assert_eq!(file.name, report.path);
        assert_eq!(file.errors.len(), report.diagnostics.len());
        for (error, d) in file.errors.iter().zip(&report.diagnostics) {
            assert_eq!((error.line, error.column), (d.start.line, d.start.column));
            assert_eq!(error.severity, d.severity.as_str());
            assert_eq!(
                error.message,
                expected_github_message(d),
                "line breaks survive"
            );
            assert_eq!(error.source, format!("citelint.{}", d.code));
        }
    }
    let file = parsed.files.iter().find(|f| f.name == NON_ASCII).unwrap();
    assert_eq!(file.errors[0].column, 62);
}

// ---------------------------------------------------------------------------
// Markdown

/// The tables of a Markdown document (cells as plain text, `<br>` as a line
/// break) and its level-3 headings.
fn markdown_structure(text: &str) -> (Vec<Vec<Vec<String>>>, Vec<String>) {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut headings = Vec::new();
    let mut in_heading = false;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                tables.last_mut().unwrap().push(Vec::new());
            }
            Event::Start(Tag::TableCell) => {
                tables
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(String::new());
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H3,
                ..
            }) => {
                in_heading = true;
                headings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    headings.last_mut().unwrap().push_str(&t);
                } else if let Some(cell) = tables
                    .last_mut()
                    .and_then(|t| t.last_mut())
                    .and_then(|r| r.last_mut())
                {
                    cell.push_str(&t);
                }
            }
            Event::InlineHtml(html) => {
                assert_eq!(&*html, "<br>", "no other HTML gets through");
                let cell = tables
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap();
                cell.push('\n');
            }
            Event::Html(html) => panic!("block HTML in the report: {html}"),
            _ => {}
        }
    }
    (tables, headings)
}

#[test]
fn markdown() {
    let (reports, out) = snapshot(OutputFormat::Markdown, "markdown");
    assert!(out.starts_with("## citelint\n\n❌ 3 errors, "), "{out}");
    let (tables, headings) = markdown_structure(&out);
    let with_findings: Vec<&FileReport> = reports
        .iter()
        .filter(|r| !r.diagnostics.is_empty())
        .collect();
    assert_eq!(tables.len(), 1 + with_findings.len());
    // The summary table: one row per rule, counts adding up.
    let rule_rows = &tables[0][1..];
    let counted: usize = rule_rows
        .iter()
        .map(|row| {
            row[1..]
                .iter()
                .map(|c| c.parse::<usize>().unwrap())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(counted, all_diagnostics(&reports).len());
    for ((table, report), heading) in tables[1..].iter().zip(&with_findings).zip(&headings) {
        let n = report.diagnostics.len();
        assert_eq!(
            heading,
            &format!(
                "{} ({n} finding{})",
                report.path,
                if n == 1 { "" } else { "s" }
            )
        );
        assert_eq!(table[0], ["line:column", "severity", "rule", "message"]);
        assert_eq!(table.len() - 1, n);
        for (row, d) in table[1..].iter().zip(&report.diagnostics) {
            assert_eq!(row[0], format!("{}:{}", d.start.line, d.start.column));
            assert_eq!(row[1], d.severity.as_str());
            assert_eq!(row[2], format!("{} {}", d.code, d.rule));
            assert_eq!(row[3], expected_github_message(d), "escaping round-trips");
        }
    }
    let table = &tables[1 + with_findings
        .iter()
        .position(|r| r.path == NON_ASCII)
        .unwrap()];
    assert_eq!(table[1][0], "1:62");
}

#[test]
fn markdown_escapes_what_the_article_says() {
    let mut reports = vec![lint("a_b*c.txt", "cli/errors.txt")];
    let tricky = "a | b <script>x</script> [link](http://x) `code` *em* _u_ & ~s~ #h\nnext";
    reports[0].diagnostics[0].message = tricky.into();
    let out = render(OutputFormat::Markdown, &reports);
    let (tables, headings) = markdown_structure(&out);
    assert_eq!(headings[0], "a_b*c.txt (2 findings)");
    assert_eq!(tables[1][1].len(), 4, "a `|` does not open a cell");
    assert!(tables[1][1][3].starts_with(tricky), "{}", tables[1][1][3]);
}

#[test]
fn markdown_clean_run() {
    let reports = [lint("clean.txt", "cli/clean.txt")];
    assert_eq!(
        render(OutputFormat::Markdown, &reports),
        "## citelint\n\nNo findings in 1 file.\n"
    );
}

// ---------------------------------------------------------------------------
// JSON Lines

#[test]
fn json_lines() {
    let (reports, out) = snapshot(OutputFormat::JsonLines, "json_lines");
    let findings = all_diagnostics(&reports);
    let lines: Vec<(String, JsonDiagnostic)> = out
        .lines()
        .map(|l| {
            let mut value: serde_json::Value = serde_json::from_str(l).expect("one JSON object");
            let object = value.as_object_mut().unwrap();
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort_unstable();
            let mut expected = DIAGNOSTIC_KEYS.to_vec();
            expected.push("path");
            expected.sort_unstable();
            assert_eq!(keys, expected);
            let path = object.remove("path").unwrap().as_str().unwrap().to_owned();
            let d = serde_json::from_value(value).expect("strict JSON Lines types");
            (path, d)
        })
        .collect();
    assert!(
        out.lines().all(|l| l.starts_with("{\"path\":")),
        "path first"
    );
    assert_eq!(lines.len(), findings.len());
    for ((path, line), (expected_path, d)) in lines.iter().zip(&findings) {
        assert_eq!(path, expected_path);
        assert_eq!((line.code.as_str(), line.rule.as_str()), (d.code, d.rule));
        assert_eq!(line.severity, d.severity.as_str());
        assert_eq!(line.message, d.message);
        assert_eq!((line.line, line.column), (d.start.line, d.start.column));
        assert_eq!((line.end_line, line.end_column), (d.end.line, d.end.column));
        assert_eq!((line.byte_start, line.byte_end), (d.span.start, d.span.end));
        assert_eq!(line.key, d.key);
        assert_eq!(line.group.is_some(), d.group.is_some());
        assert_eq!(line.keys, d.keys);
        assert_eq!(line.help, d.help);
        assert_eq!(line.fingerprint, d.fingerprint);
        assert_eq!(line.related.len(), d.related.len());
        for (related, r) in line.related.iter().zip(&d.related) {
            assert_eq!(
                (related.line, related.column),
                (r.start.line, r.start.column)
            );
            assert_eq!(related.message, r.message);
        }
    }
    let (path, line) = lines
        .iter()
        .find(|(p, l)| p == NON_ASCII && l.line == 1)
        .unwrap();
    assert_eq!((path.as_str(), line.column), (NON_ASCII, 62));
    assert_eq!(
        render(OutputFormat::JsonLines, &reports[1..2]),
        "",
        "clean: no lines"
    );
}
