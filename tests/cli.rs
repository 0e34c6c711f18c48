//! Integration tests of the `citelint` binary.
//!
//! Following ripgrep's habit, every test runs the real binary in a fresh
//! temporary directory with a clean environment: the variables that change the
//! output (`NO_COLOR`, `NO_GRAPHICS`, `CITELINT_OUTPUT_FORMAT`, `COLUMNS`) are
//! removed unless the test sets them. Fixtures are copied into the directory
//! so reported paths are short and stable.
//!
//! Only the Wikipedia plain-text format is checked for findings here; the
//! Markdown, HTML and paper parsers are only required not to fail.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde::Deserialize;
use tempfile::TempDir;

mod support {
    pub mod server;
}
#[path = "support/json_report.rs"]
mod json_report;
use json_report::{DIAGNOSTIC_KEYS, JsonDiagnostic, ONLINE_KEYS};

/// Variables that change citelint's output; removed from every run.
const OUTPUT_ENV: &[&str] = &[
    "NO_COLOR",
    "NO_GRAPHICS",
    "CITELINT_OUTPUT_FORMAT",
    "COLUMNS",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "GITHUB_STEP_SUMMARY",
];

const SAMPLE: &str = "khojaly-massacre.txt";

fn fixture_path(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    if name == SAMPLE {
        root.join(name)
    } else {
        root.join("cli").join(name)
    }
}

fn fixture_text(name: &str) -> String {
    fs::read_to_string(fixture_path(name)).expect("fixture is readable")
}

/// A fresh temporary directory to run citelint in.
struct Dir {
    root: TempDir,
}

impl Dir {
    fn new() -> Self {
        Dir {
            root: tempfile::Builder::new()
                .prefix("citelint-cli-")
                .tempdir()
                .expect("a temporary directory"),
        }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    /// Writes `contents` to `rel`, creating parent directories.
    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, contents).unwrap();
    }

    /// Copies a fixture into the directory under the same name.
    fn fixture(&self, name: &str) {
        self.write(name, fs::read(fixture_path(name)).unwrap());
    }

    /// `citelint` run from the directory, with the output variables removed.
    fn cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("citelint"));
        cmd.current_dir(self.path());
        for var in OUTPUT_ENV {
            cmd.env_remove(var);
        }
        cmd
    }

    /// `citelint check <args>`.
    fn check(&self, args: &[&str]) -> Command {
        let mut cmd = self.cmd();
        cmd.arg("check").args(args);
        cmd
    }
}

/// Runs `cmd`, expects `code`, returns stdout.
fn run(cmd: &mut Command, code: i32) -> String {
    let output = cmd.output().expect("citelint runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "unexpected exit status\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    stdout
}

// ---------------------------------------------------------------------------
// The JSON report, mirrored strictly.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    version: u32,
    tool: Tool,
    files: Vec<JsonFile>,
    summary: Summary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile {
    path: String,
    format: String,
    citations: usize,
    references: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// Parses a JSON report strictly and checks its invariants.
fn parse_report(stdout: &str) -> Report {
    let raw: serde_json::Value = serde_json::from_str(stdout).expect("stdout is one JSON document");
    for file in raw["files"].as_array().expect("files is an array") {
        for d in file["diagnostics"].as_array().expect("diagnostics") {
            let keys: Vec<&str> = d
                .as_object()
                .expect("a diagnostic is an object")
                .keys()
                .map(String::as_str)
                .collect();
            let mut expected = DIAGNOSTIC_KEYS.to_vec();
            if d["code"].as_str().is_some_and(|c| c >= "CIT030") {
                expected.extend_from_slice(ONLINE_KEYS);
            }
            expected.sort_unstable();
            let mut keys = keys;
            keys.sort_unstable();
            assert_eq!(keys, expected, "diagnostic keys");
        }
    }
    let report: Report =
        serde_json::from_str(stdout).expect("stdout matches the documented schema");
    assert_eq!(report.version, 1);
    assert_eq!(report.tool.name, "citelint");
    assert_eq!(report.tool.version, env!("CARGO_PKG_VERSION"));
    let mut summary = Summary {
        files: report.files.len(),
        errors: 0,
        warnings: 0,
        infos: 0,
    };
    for file in &report.files {
        for d in &file.diagnostics {
            // The online keys come together, and only on online findings.
            let online = d.code.as_str() >= "CIT030";
            assert_eq!(d.url.is_some(), online, "{}", d.code);
            assert_eq!(d.status.is_some(), online, "{}", d.code);
            assert_eq!(d.verdict.is_some(), online, "{}", d.code);
            if !online {
                assert!(d.suggestion.is_none());
            }
        }
        let mut fingerprints: Vec<&str> = file
            .diagnostics
            .iter()
            .map(|d| d.fingerprint.as_str())
            .collect();
        assert!(
            fingerprints
                .iter()
                .all(|f| f.len() == 16 && f.bytes().all(|b| b.is_ascii_hexdigit()))
        );
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(
            fingerprints.len(),
            file.diagnostics.len(),
            "fingerprints are unique per file"
        );
        assert!(
            ["wikipedia-text", "markdown", "html", "paper", "wikitext"]
                .contains(&file.format.as_str()),
            "format {}",
            file.format
        );
        for d in &file.diagnostics {
            match d.severity.as_str() {
                "error" => summary.errors += 1,
                "warning" => summary.warnings += 1,
                "info" => summary.infos += 1,
                other => panic!("unknown severity {other}"),
            }
            assert!(d.code.starts_with("CIT") && d.code.len() == 6, "{}", d.code);
            assert!(!d.rule.is_empty() && !d.message.is_empty());
            assert!(d.line >= 1 && d.column >= 1 && d.end_line >= d.line && d.end_column >= 1);
            assert!(d.byte_start <= d.byte_end);
            if let Some(group) = &d.group {
                assert!(group == "default" || group == "notes", "group {group}");
            }
            if let Some(help) = &d.help {
                assert!(!help.is_empty());
            }
            for r in &d.related {
                assert!(r.line >= 1 && r.column >= 1 && !r.message.is_empty());
            }
        }
    }
    assert_eq!(report.summary, summary, "summary counts the findings");
    report
}

fn json(dir: &Dir, args: &[&str], code: i32) -> Report {
    let mut cmd = dir.check(args);
    cmd.args(["--format", "json"]);
    parse_report(&run(&mut cmd, code))
}

/// `(path, code)` of every finding, from concise output.
fn concise_codes(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .map(|line| {
            let mut parts = line.splitn(4, ':');
            let path = parts.next().unwrap().to_owned();
            let rest = parts.nth(2).expect("path:line:col: rest");
            let code = rest.split_whitespace().next().unwrap().to_owned();
            (path, code)
        })
        .collect()
}

fn codes(stdout: &str) -> Vec<String> {
    concise_codes(stdout).into_iter().map(|(_, c)| c).collect()
}

/// Replaces the tool version so snapshots survive a version bump.
fn redact_version(json: &str) -> String {
    json.replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[VERSION]\"",
    )
}

// ---------------------------------------------------------------------------
// Exit codes.

#[test]
fn clean_file_exits_0() {
    let dir = Dir::new();
    dir.fixture("clean.txt");
    dir.check(&["clean.txt"])
        .assert()
        .code(0)
        .stdout("All checks passed (1 file checked).\n")
        .stderr("");
    let report = json(&dir, &["clean.txt"], 0);
    assert_eq!(report.files[0].format, "wikipedia-text");
    assert_eq!(report.files[0].citations, 3);
    assert_eq!(report.files[0].references, 2);
    assert!(report.files[0].diagnostics.is_empty());
}

#[test]
fn warnings_only_exit_0() {
    let dir = Dir::new();
    dir.fixture("warnings.txt");
    let out = run(&mut dir.check(&["warnings.txt", "--format", "concise"]), 0);
    assert_eq!(
        out,
        "warnings.txt:5:3: CIT002 [warning] entry 2 is never cited\n"
    );
}

#[test]
fn errors_exit_1() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    let out = run(&mut dir.check(&["errors.txt", "--format", "concise"]), 1);
    assert_eq!(codes(&out), ["CIT001", "CIT002"]);
    assert!(out.starts_with("errors.txt:1:73: CIT001 [error] reference [3] is cited"));
}

#[test]
fn deny_warnings_makes_warnings_fail() {
    let dir = Dir::new();
    dir.fixture("warnings.txt");
    dir.fixture("clean.txt");
    run(&mut dir.check(&["warnings.txt", "--deny", "warnings"]), 1);
    run(&mut dir.check(&["clean.txt", "--deny", "warnings"]), 0);
}

#[test]
fn exit_zero_ignores_errors_but_not_trouble() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    let out = run(
        &mut dir.check(&["errors.txt", "--exit-zero", "--format", "concise"]),
        0,
    );
    assert_eq!(codes(&out), ["CIT001", "CIT002"]);
    run(
        &mut dir.check(&["errors.txt", "--exit-zero", "--deny", "warnings"]),
        0,
    );
    // An unreadable path still exits 2.
    run(
        &mut dir.check(&["errors.txt", "missing.txt", "--exit-zero"]),
        2,
    );
}

#[test]
fn unknown_rule_in_select_exits_2() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    for flag in ["--select", "--ignore", "--extend-select"] {
        dir.check(&["errors.txt", flag, "CIT999"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("unknown rule `CIT999`"));
    }
    dir.check(&["errors.txt", "--select", "CIT001,no-such-rule"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"));
}

#[test]
fn unknown_format_exits_2() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.check(&["errors.txt", "--format", "xml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown output format `xml`"))
        .stderr(predicate::str::contains(
            "full, concise, json, sarif, github, gitlab, rdjson, junit, checkstyle, markdown, json-lines",
        ));
    dir.check(&["errors.txt"])
        .env("CITELINT_OUTPUT_FORMAT", "yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown output format `yaml`"));
    dir.check(&["errors.txt", "--input-format", "latex"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown input format `latex`"));
}

// ---------------------------------------------------------------------------
// The machine-readable formats (their content is checked finding by finding
// in tests/formats.rs; here: the built binary, the flags and the variables).

/// Every format but `full`, which the snapshots below cover.
const FORMATS: &[&str] = &[
    "concise",
    "json",
    "sarif",
    "github",
    "gitlab",
    "rdjson",
    "junit",
    "checkstyle",
    "markdown",
    "json-lines",
];

/// Checks that `out` is a well-formed report in `format` with `findings`
/// findings (a light check; tests/formats.rs parses each strictly).
fn check_report(format: &str, out: &str, findings: usize) {
    let json = |text: &str| -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{format}: {e}\n{text}"))
    };
    let count = match format {
        "concise" => out.lines().count(),
        "json" => parse_report(out)
            .files
            .iter()
            .map(|f| f.diagnostics.len())
            .sum(),
        "sarif" => json(out)["runs"][0]["results"].as_array().unwrap().len(),
        "gitlab" => json(out).as_array().unwrap().len(),
        "rdjson" => json(out)["diagnostics"].as_array().unwrap().len(),
        "json-lines" => out.lines().filter(|l| json(l).is_object()).count(),
        "github" => out.lines().filter(|l| l.starts_with("::")).count(),
        "junit" => out.matches("<failure ").count(),
        "checkstyle" => out.matches("<error ").count(),
        // Finding rows start with `| line:column |`.
        "markdown" => out
            .lines()
            .filter_map(|l| l.strip_prefix("| ")?.split(' ').next())
            .filter(|cell| {
                cell.contains(':') && cell.bytes().all(|b| b.is_ascii_digit() || b == b':')
            })
            .count(),
        other => panic!("unknown format {other}"),
    };
    assert_eq!(count, findings, "{format}:\n{out}");
    if matches!(format, "junit" | "checkstyle") {
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    }
}

#[test]
fn every_format_keeps_the_exit_codes() {
    let dir = Dir::new();
    for name in ["errors.txt", "warnings.txt", "clean.txt"] {
        dir.fixture(name);
    }
    for format in FORMATS {
        let args = |file: &'static str| vec![file, "--format", format];
        check_report(format, &run(&mut dir.check(&args("errors.txt")), 1), 2);
        check_report(format, &run(&mut dir.check(&args("warnings.txt")), 0), 1);
        check_report(format, &run(&mut dir.check(&args("clean.txt")), 0), 0);
        let mut deny = args("warnings.txt");
        deny.extend(["--deny", "warnings"]);
        run(&mut dir.check(&deny), 1);
        let mut zero = args("errors.txt");
        zero.push("--exit-zero");
        run(&mut dir.check(&zero), 0);
        let mut missing = args("errors.txt");
        missing.push("missing.txt");
        check_report(format, &run(&mut dir.check(&missing), 2), 2);
    }
}

#[test]
fn output_format_comes_from_the_environment_too() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    for format in FORMATS {
        let by_flag = run(&mut dir.check(&["errors.txt", "--format", format]), 1);
        let by_env = run(
            dir.check(&["errors.txt"])
                .env("CITELINT_OUTPUT_FORMAT", format),
            1,
        );
        assert_eq!(by_flag, by_env, "{format}");
    }
    // The flag wins over the variable.
    let out = run(
        dir.check(&["errors.txt", "--format", "concise"])
            .env("CITELINT_OUTPUT_FORMAT", "sarif"),
        1,
    );
    assert!(out.starts_with("errors.txt:1:73: CIT001"));
}

/// Files in `dir` other than `keep`.
fn stray_files(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

#[test]
fn output_file_replaces_the_report_atomically() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.write("reports/old.txt", "");
    dir.write("reports/citelint.sarif", "an older report");
    for format in FORMATS {
        let expected = run(&mut dir.check(&["errors.txt", "--format", format]), 1);
        for flag in ["-o", "--output-file"] {
            let stdout = run(
                &mut dir.check(&[
                    "errors.txt",
                    "--format",
                    format,
                    flag,
                    "reports/citelint.sarif",
                ]),
                1,
            );
            assert_eq!(stdout, "", "{format}: the report goes to the file only");
            let written = fs::read_to_string(dir.path().join("reports/citelint.sarif")).unwrap();
            assert_eq!(written, expected, "{format}");
            assert!(
                stray_files(&dir.path().join("reports"), &["old.txt", "citelint.sarif"]).is_empty(),
                "no temporary file is left behind"
            );
        }
    }
    // Problems still go to standard error; the report is still written.
    dir.check(&[
        "errors.txt",
        "missing.txt",
        "-o",
        "report.json",
        "--format",
        "json",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains("missing.txt"));
    let report = parse_report(&fs::read_to_string(dir.path().join("report.json")).unwrap());
    assert_eq!(report.files.len(), 1);
    // A report never gets colours, even when asked for auto colours.
    run(&mut dir.check(&["errors.txt", "-o", "full.txt"]), 1);
    let full = fs::read_to_string(dir.path().join("full.txt")).unwrap();
    assert!(!full.contains('\u{1b}') && full.contains("CIT001"));
}

#[cfg(unix)]
#[test]
fn output_file_is_an_ordinary_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    dir.fixture("clean.txt");
    run(&mut dir.check(&["clean.txt", "-o", "report.txt"]), 0);
    let mode = fs::metadata(dir.path().join("report.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(
        mode & 0o044,
        0,
        "readable by others as the umask allows: {mode:o}"
    );
}

#[test]
fn output_file_in_a_missing_directory_exits_2() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.check(&[
        "errors.txt",
        "-o",
        "no/such/dir/report.sarif",
        "--format",
        "sarif",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains(
        "cannot write no/such/dir/report.sarif",
    ));
    assert_eq!(
        stray_files(dir.path(), &["errors.txt"]),
        Vec::<String>::new()
    );
}

#[test]
fn github_format_appends_the_markdown_report_to_the_job_summary() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.fixture("warnings.txt");
    dir.write("summary.md", "# Earlier step\n");
    let markdown = run(
        &mut dir.check(&["errors.txt", "warnings.txt", "--format", "markdown"]),
        1,
    );
    assert!(markdown.starts_with("## citelint\n"));
    let annotations = run(
        dir.check(&["errors.txt", "warnings.txt", "--format", "github"])
            .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md")),
        1,
    );
    assert!(annotations.starts_with("::error file=errors.txt,line=1,col=73,"));
    let summary = fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert_eq!(summary, format!("# Earlier step\n{markdown}"));
    // Other formats leave the summary alone; an empty variable is ignored.
    run(
        dir.check(&["errors.txt", "--format", "sarif"])
            .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md")),
        1,
    );
    run(
        dir.check(&["errors.txt", "--format", "github"])
            .env("GITHUB_STEP_SUMMARY", ""),
        1,
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("summary.md")).unwrap(),
        summary
    );
    // A summary that cannot be written is a warning, not a failure.
    dir.check(&["warnings.txt", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", dir.path().join("no/such/summary.md"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "warning: could not write the job summary",
        ));
}

#[test]
fn machine_formats_name_paths_relative_to_the_working_directory() {
    let dir = Dir::new();
    dir.write(
        "docs/non-ascii.txt",
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/formats/non-ascii.txt"))
            .unwrap(),
    );
    let absolute = dir.path().join("docs/non-ascii.txt");
    let absolute = absolute.to_str().unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&mut dir.check(&[absolute, "--format", "sarif"]), 1)).unwrap();
    let run0 = &sarif["runs"][0];
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let location = &run0["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "docs/non-ascii.txt");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startColumn"], 63, "UTF-16 code units");

    let rdjson: serde_json::Value = serde_json::from_str(&run(
        &mut dir.check(&["./docs/non-ascii.txt", "--format", "rdjson"]),
        1,
    ))
    .unwrap();
    let location = &rdjson["diagnostics"][0]["location"];
    assert_eq!(location["path"], "docs/non-ascii.txt");
    assert_eq!(location["range"]["start"]["column"], 70, "UTF-8 bytes");

    let gitlab: serde_json::Value =
        serde_json::from_str(&run(&mut dir.check(&[absolute, "--format", "gitlab"]), 1)).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "docs/non-ascii.txt");
    let github = run(&mut dir.check(&[absolute, "--format", "github"]), 1);
    assert!(github.starts_with("::error file=docs/non-ascii.txt,line=1,col=63,"));
    let concise = run(
        &mut dir.check(&["docs/non-ascii.txt", "--format", "concise"]),
        1,
    );
    assert!(
        concise.starts_with("docs/non-ascii.txt:1:62: CIT001"),
        "code points"
    );
}

#[test]
fn junit_clean_run_is_one_passing_case() {
    let dir = Dir::new();
    dir.fixture("clean.txt");
    let out = run(&mut dir.check(&["clean.txt", "--format", "junit"]), 0);
    assert!(
        out.contains("tests=\"1\" skipped=\"0\" failures=\"0\" errors=\"0\""),
        "{out}"
    );
    assert!(out.contains("<testcase name=\"no findings in 1 file\" classname=\"citelint\"/>"));
}

#[test]
fn missing_path_exits_2_and_good_files_are_still_reported() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.fixture("warnings.txt");
    let output = dir
        .check(&[
            "errors.txt",
            "missing.txt",
            "warnings.txt",
            "--format",
            "concise",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "missing.txt: no such file or directory",
        ))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(output).unwrap();
    assert_eq!(
        concise_codes(&out),
        [
            ("errors.txt".into(), "CIT001".into()),
            ("errors.txt".into(), "CIT002".into()),
            ("warnings.txt".into(), "CIT002".into()),
        ]
    );
    let output = dir
        .check(&["missing.txt", "warnings.txt", "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let report = parse_report(&String::from_utf8(output).unwrap());
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].path, "warnings.txt");
}

#[test]
fn binary_file_exits_2_and_other_files_are_linted() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    dir.write(
        "binary.txt",
        b"Body.[1]\0\x01\x02\n\n  1. ^ A.\n  2. ^ B.\n",
    );
    let output = dir
        .check(&["binary.txt", "errors.txt", "--format", "concise"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "binary.txt: binary file (contains NUL bytes), skipped",
        ))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(output).unwrap();
    assert_eq!(codes(&out), ["CIT001", "CIT002"]);
    assert!(!out.contains("binary.txt"));
}

#[test]
fn binary_file_found_by_a_walk_is_skipped() {
    let dir = Dir::new();
    dir.write("corpus/clean.txt", "Body.[1]\n\n  1. ^ A.\n");
    dir.write("corpus/blob.txt", b"\0\x01\x02 not text");
    let report = json(&dir, &["corpus"], 0);
    let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["corpus/clean.txt"]);
}

#[test]
fn a_file_named_twice_is_linted_once() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    let report = json(&dir, &["errors.txt", "./errors.txt", "."], 1);
    assert_eq!(report.files.len(), 1);
    assert!(report.files[0].path.ends_with("errors.txt"));
}

#[test]
fn empty_file_has_no_findings() {
    let dir = Dir::new();
    dir.write("empty.txt", "");
    dir.check(&["empty.txt"])
        .assert()
        .code(0)
        .stdout("All checks passed (1 file checked).\n")
        .stderr("");
    let report = json(&dir, &["empty.txt"], 0);
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].path, "empty.txt");
    assert_eq!(report.files[0].citations, 0);
    assert_eq!(report.files[0].references, 0);
    assert!(report.files[0].diagnostics.is_empty());
    run(&mut dir.check(&["empty.txt", "--format", "concise"]), 0);
}

#[test]
fn invalid_utf8_is_linted_with_an_input_problem_warning() {
    let dir = Dir::new();
    // Two invalid sequences in the body; the citations stay readable.
    dir.write(
        "latin1.txt",
        b"Caf\xe9 culture grew.[1] It spread \xff widely.[2]\n\n  1. ^ Smith (2004).\n  2. ^ Jones (2010).\n",
    );
    let report = json(&dir, &["latin1.txt"], 0);
    let file = &report.files[0];
    assert_eq!(file.format, "wikipedia-text");
    assert_eq!(file.citations, 2);
    assert_eq!(file.references, 2);
    assert_eq!(file.diagnostics.len(), 1, "{:#?}", file.diagnostics);
    let d = &file.diagnostics[0];
    assert_eq!(
        (d.code.as_str(), d.rule.as_str()),
        ("CIT016", "input-problem")
    );
    assert_eq!(d.severity, "warning");
    assert_eq!((d.line, d.column), (1, 4));
    assert!(
        d.message.contains("2 invalid byte sequence(s)"),
        "{}",
        d.message
    );
    // Exit code follows the findings: a warning fails only under --deny.
    run(&mut dir.check(&["latin1.txt", "--deny", "warnings"]), 1);

    // Invalid UTF-8 plus a real error: exit 1, both reported.
    dir.write(
        "broken.txt",
        b"Caf\xe9.[1][5]\n\n  1. ^ Smith (2004).\n  2. ^ Jones (2010).\n",
    );
    let out = run(&mut dir.check(&["broken.txt", "--format", "concise"]), 1);
    let found = codes(&out);
    assert!(found.contains(&"CIT016".to_owned()) && found.contains(&"CIT001".to_owned()));
}

#[test]
fn directory_walk_honours_gitignore_and_default_extensions() {
    let dir = Dir::new();
    let wiki = fixture_text("errors.txt");
    let prose = "Nothing is cited here.\n";
    dir.write("corpus/a.txt", &wiki);
    dir.write("corpus/b.md", prose);
    dir.write("corpus/c.markdown", prose);
    dir.write("corpus/d.html", "<p>Nothing is cited here.</p>\n");
    dir.write("corpus/e.htm", "<p>Nothing is cited here.</p>\n");
    dir.write("corpus/f.wiki", &wiki);
    dir.write("corpus/nested/deeper/g.txt", &wiki);
    dir.write("corpus/UPPER.TXT", &wiki);
    // Not taken: other extensions, no extension, ignored files and directories.
    dir.write("corpus/h.rst", &wiki);
    dir.write("corpus/README", &wiki);
    dir.write("corpus/i.txt.bak", &wiki);
    dir.write("corpus/.gitignore", "ignored/\n*.skip.txt\n");
    dir.write("corpus/ignored/j.txt", &wiki);
    dir.write("corpus/k.skip.txt", &wiki);
    dir.write("corpus/nested/.gitignore", "l.txt\n");
    dir.write("corpus/nested/l.txt", &wiki);

    let report = json(&dir, &["corpus", "--exit-zero"], 0);
    let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "corpus/UPPER.TXT",
            "corpus/a.txt",
            "corpus/b.md",
            "corpus/c.markdown",
            "corpus/d.html",
            "corpus/e.htm",
            "corpus/f.wiki",
            "corpus/nested/deeper/g.txt",
        ]
    );
    let formats: BTreeMap<&str, &str> = report
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.format.as_str()))
        .collect();
    assert_eq!(formats["corpus/a.txt"], "wikipedia-text");
    assert_eq!(formats["corpus/b.md"], "markdown");
    assert_eq!(formats["corpus/c.markdown"], "markdown");
    assert_eq!(formats["corpus/d.html"], "html");
    assert_eq!(formats["corpus/e.htm"], "html");
    assert_eq!(formats["corpus/f.wiki"], "wikipedia-text");

    // With no path, the current directory is walked.
    let here = Dir::new();
    here.write("x.txt", &wiki);
    here.write("sub/y.wiki", &wiki);
    here.write("z.rst", &wiki);
    let report = json(&here, &[], 1);
    let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["./sub/y.wiki", "./x.txt"]);
}

#[test]
fn explicit_file_with_another_extension_is_taken() {
    let dir = Dir::new();
    dir.write("article.rst", fixture_text("errors.txt"));
    dir.write("noext", fixture_text("errors.txt"));
    // Even a file the walk would skip because of .gitignore.
    dir.write(".gitignore", "article.rst\n");
    let out = run(
        &mut dir.check(&["article.rst", "noext", "--format", "concise"]),
        1,
    );
    assert_eq!(
        concise_codes(&out),
        [
            ("article.rst".into(), "CIT001".into()),
            ("article.rst".into(), "CIT002".into()),
            ("noext".into(), "CIT001".into()),
            ("noext".into(), "CIT002".into()),
        ]
    );
}

#[test]
fn stdin_with_stdin_filename() {
    let dir = Dir::new();
    let errors = fixture_text("errors.txt");
    let out = run(
        dir.check(&["-", "--stdin-filename", "piped.txt", "--format", "concise"])
            .write_stdin(errors.clone()),
        1,
    );
    assert_eq!(
        concise_codes(&out),
        [
            ("piped.txt".into(), "CIT001".into()),
            ("piped.txt".into(), "CIT002".into()),
        ]
    );
    assert!(out.starts_with("piped.txt:1:73: CIT001"));

    // Without a name, stdin is reported as `-`.
    let out = run(
        dir.check(&["-", "--format", "concise"])
            .write_stdin(errors.clone()),
        1,
    );
    assert!(out.starts_with("-:1:73: CIT001"), "{out}");

    // The name picks the format, as a file name would.
    let report = parse_report(&run(
        dir.check(&["-", "--stdin-filename", "draft.md", "--format", "json"])
            .write_stdin("Nothing cited.\n"),
        0,
    ));
    assert_eq!(report.files[0].path, "draft.md");
    assert_eq!(report.files[0].format, "markdown");

    // Stdin comes first, then files sorted by path.
    dir.fixture("warnings.txt");
    let out = run(
        dir.check(&[
            "warnings.txt",
            "-",
            "--stdin-filename",
            "zz.txt",
            "--format",
            "concise",
        ])
        .write_stdin(errors),
        1,
    );
    let paths: Vec<String> = concise_codes(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["zz.txt", "zz.txt", "warnings.txt"]);
}

#[test]
fn output_is_sorted_by_path_across_files_linted_in_parallel() {
    let dir = Dir::new();
    let errors = fixture_text("errors.txt");
    let clean = fixture_text("clean.txt");
    let mut expected = Vec::new();
    // Created in a scrambled order, with clean files in between.
    for i in (0..60).map(|i| (i * 37) % 60) {
        let rel = format!("tree/d{}/s{}/file{:02}.txt", i % 3, i % 5, i);
        if i % 4 == 0 {
            dir.write(&rel, &clean);
        } else {
            dir.write(&rel, &errors);
        }
        expected.push(PathBuf::from(rel));
    }
    expected.sort();
    let expected: Vec<String> = expected
        .iter()
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();

    for _ in 0..3 {
        let report = json(&dir, &["tree"], 1);
        let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, expected);
        assert_eq!(report.summary.errors, 45);
    }

    // Explicit files given in reverse order come out sorted too.
    let mut reversed = expected.clone();
    reversed.reverse();
    let args: Vec<&str> = reversed
        .iter()
        .map(String::as_str)
        .chain(["--format", "concise"])
        .collect();
    let out = run(&mut dir.check(&args), 1);
    let mut seen: Vec<String> = concise_codes(&out).into_iter().map(|(p, _)| p).collect();
    seen.dedup();
    let with_findings: Vec<String> = expected
        .iter()
        .filter(|p| {
            !fs::read_to_string(dir.path().join(p))
                .unwrap()
                .contains("Both still")
        })
        .cloned()
        .collect();
    assert_eq!(seen, with_findings);
}

// ---------------------------------------------------------------------------
// Output formats, on the sample article.

#[test]
fn sample_full_output() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let out = run(&mut dir.check(&[SAMPLE]), 1);
    assert!(out.contains("CIT001(missing-reference)"));
    assert!(out.ends_with("Found 1 error, 3 warnings and 4 infos in 1 file.\n"));
    insta::assert_snapshot!("sample_full", out);
}

#[test]
fn sample_concise_output() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let out = run(&mut dir.check(&[SAMPLE, "--format", "concise"]), 1);
    assert_eq!(out.lines().count(), 8);
    insta::assert_snapshot!("sample_concise", out);
}

#[test]
fn sample_json_output() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let out = run(&mut dir.check(&[SAMPLE, "--format", "json"]), 1);
    parse_report(&out);
    insta::assert_snapshot!("sample_json", redact_version(&out));
}

#[test]
fn no_graphics_gives_narratable_output() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let out = run(dir.check(&[SAMPLE]).env("NO_GRAPHICS", "1"), 1);
    for box_drawing in ['╭', '│', '─', '╰', '×', '⚠', '☞'] {
        assert!(
            !out.contains(box_drawing),
            "{box_drawing:?} in narratable output"
        );
    }
    assert!(out.contains("reference [10] is cited (2 times) but the list has no entry 10"));
    insta::assert_snapshot!("sample_narratable", out);
}

/// Narrated labels give the real columns of the marked text, as the graphical
/// header does (`[khojaly-massacre.txt:14:173]`).
#[test]
fn narratable_label_columns_are_line_columns() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let out = run(dir.check(&[SAMPLE]).env("NO_GRAPHICS", "1"), 1);
    assert!(
        out.contains("label at line 14, columns 173 to 174"),
        "{out}"
    );
    assert!(
        out.contains("label at line 116, columns 630 to 631"),
        "{out}"
    );
}

#[test]
fn full_output_has_no_colour_when_piped() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    let out = run(&mut dir.check(&["errors.txt"]), 1);
    assert!(!out.contains('\u{1b}'), "escape codes in piped output");
    let coloured = run(&mut dir.check(&["errors.txt", "--color", "always"]), 1);
    assert!(
        coloured.contains('\u{1b}'),
        "--color always adds escape codes"
    );
    let never = run(&mut dir.check(&["errors.txt", "--color", "never"]), 1);
    assert_eq!(never, out);
}

#[test]
fn output_format_from_the_environment() {
    let dir = Dir::new();
    dir.fixture("errors.txt");
    let from_env = run(
        dir.check(&["errors.txt"])
            .env("CITELINT_OUTPUT_FORMAT", "concise"),
        1,
    );
    let from_flag = run(&mut dir.check(&["errors.txt", "--format", "concise"]), 1);
    assert_eq!(from_env, from_flag);
    assert_eq!(codes(&from_env), ["CIT001", "CIT002"]);
    // The flag wins over the variable.
    let out = run(
        dir.check(&["errors.txt", "--format", "json"])
            .env("CITELINT_OUTPUT_FORMAT", "concise"),
        1,
    );
    parse_report(&out);
}

#[test]
fn sample_json_matches_the_article() {
    let dir = Dir::new();
    dir.fixture(SAMPLE);
    let report = json(&dir, &[SAMPLE], 1);
    assert_eq!(report.files.len(), 1);
    let file = &report.files[0];
    assert_eq!(file.path, SAMPLE);
    assert_eq!(file.format, "wikipedia-text");

    // Exactly one error: [10] has no entry.
    let errors: Vec<&JsonDiagnostic> = file
        .diagnostics
        .iter()
        .filter(|d| d.severity == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors[0];
    assert_eq!(
        (e.code.as_str(), e.rule.as_str()),
        ("CIT001", "missing-reference")
    );
    assert_eq!(e.key.as_deref(), Some("10"));
    assert_eq!(e.group.as_deref(), Some("default"));
    assert_eq!(e.line, 14);
    assert_eq!(e.related.len(), 1);
    assert_eq!(e.related[0].line, 116);
    let text = fixture_text(SAMPLE);
    assert_eq!(&text[e.byte_start..e.byte_end], "10");
    assert_eq!(
        text.lines().nth(13).unwrap().chars().nth(e.column - 1),
        Some('1')
    );
    assert_eq!(report.summary.errors, 1);

    // The duplicate-source findings name their entries in `keys`, not `key`.
    let duplicates: Vec<&[String]> = file
        .diagnostics
        .iter()
        .filter(|d| d.code == "CIT004")
        .map(|d| {
            assert_eq!(d.key, None);
            d.keys.as_slice()
        })
        .collect();
    assert_eq!(duplicates.len(), 5);
    assert_eq!(duplicates[0], ["3", "30", "66"]);
    assert_eq!(duplicates[4], ["60", "62"]);

    // Counted by hand: the body (lines 1–158, before `  1. ^ a b c d e f …`)
    // has 125 `[n]` uses; the list runs 1–89 without entry 10, 88 entries.
    assert_eq!(file.citations, 125);
    assert_eq!(file.references, 88);
    // And independently of the parser, with a plain scan of the text.
    let list_start = text.find("\n  1. ^").expect("the list") + 1;
    let body = &text[..list_start];
    assert_eq!(count_numeric_markers(body), file.citations);
    let entries = text[list_start..]
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && line[digits..].starts_with(". ^")
        })
        .count();
    assert_eq!(entries, file.references);
}

/// Counts `[digits]` in `text`.
fn count_numeric_markers(text: &str) -> usize {
    let mut count = 0;
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest.as_bytes().get(digits) == Some(&b']') {
            count += 1;
        }
    }
    count
}

#[test]
fn columns_count_unicode_scalar_values() {
    let dir = Dir::new();
    dir.fixture("unicode.txt");
    let report = json(&dir, &["unicode.txt"], 1);
    let file = &report.files[0];
    let d = &file.diagnostics[0];
    assert_eq!(d.code, "CIT001");
    assert_eq!(d.key.as_deref(), Some("3"));
    // `Zoë visited Škofja Loka — “the town of 𝄞 music” — in 1911.[1][3]`:
    // the `3` is the 63rd character, the 76th byte and the 64th UTF-16 unit.
    let text = fixture_text("unicode.txt");
    let line = text.lines().next().unwrap();
    let char_column = line.chars().position(|c| c == '3').unwrap() + 1;
    assert_eq!(char_column, 63);
    assert_eq!((d.line, d.column), (1, char_column));
    assert_eq!((d.end_line, d.end_column), (1, char_column + 1));
    assert_eq!(d.byte_start, line.find('3').unwrap());
    assert_eq!(d.byte_start, 75);
    assert_eq!(&text[d.byte_start..d.byte_end], "3");
    let out = run(&mut dir.check(&["unicode.txt", "--format", "concise"]), 1);
    assert!(out.starts_with("unicode.txt:1:63: CIT001"), "{out}");
    let full = run(&mut dir.check(&["unicode.txt"]), 1);
    assert!(full.contains("[unicode.txt:1:63]"), "{full}");
}

// ---------------------------------------------------------------------------
// Rules and rule selection.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRule {
    code: String,
    name: String,
    severity: String,
    enabled: bool,
    summary: String,
}

fn rules_json(dir: &Dir) -> Vec<JsonRule> {
    let out = run(dir.cmd().args(["rules", "--json"]), 0);
    serde_json::from_str(&out).expect("rules --json is a JSON array of rules")
}

#[test]
fn rules_lists_every_rule() {
    let dir = Dir::new();
    let rules = rules_json(&dir);
    let codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
    let registry: Vec<&str> = citelint::rules::RULES.iter().map(|r| r.code).collect();
    assert_eq!(codes, registry, "every registered rule, in code order");
    assert!(codes.starts_with(&["CIT001", "CIT002", "CIT003"]));
    for rule in &rules {
        assert!(rule.code.starts_with("CIT") && rule.code.len() == 6);
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        );
        assert!(["error", "warning", "info"].contains(&rule.severity.as_str()));
        assert!(!rule.summary.is_empty());
    }
    assert_eq!(rules[0].name, "missing-reference");
    assert!(rules[0].enabled);
    assert!(!rules[7].enabled, "unsorted-cluster is off by default");

    let out = run(dir.cmd().arg("rules"), 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), rules.len());
    for (line, rule) in lines.iter().zip(&rules) {
        assert!(
            line.starts_with(&format!("{}  {}", rule.code, rule.name)),
            "{line}"
        );
        assert!(line.contains(&rule.summary), "{line}");
        assert_eq!(line.ends_with("(off by default)"), !rule.enabled, "{line}");
    }
}

/// `citelint rules` pads the name and severity columns so summaries line up.
#[test]
fn rules_columns_line_up() {
    let dir = Dir::new();
    let out = run(dir.cmd().arg("rules"), 0);
    let rules = rules_json(&dir);
    let starts: Vec<usize> = out
        .lines()
        .zip(&rules)
        .map(|(line, rule)| line.find(&rule.summary).unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn rule_explains_by_code_and_by_name() {
    let dir = Dir::new();
    let by_code = run(dir.cmd().args(["rule", "CIT001"]), 0);
    assert!(by_code.starts_with("# missing-reference (CIT001)\n"));
    assert!(by_code.contains("Default severity: error (on by default)"));
    for section in ["## What it does", "## Why it matters", "## Example"] {
        assert!(by_code.contains(section), "{section}");
    }
    let by_name = run(dir.cmd().args(["rule", "missing-reference"]), 0);
    assert_eq!(by_code, by_name);
    let lower = run(dir.cmd().args(["rule", "cit001"]), 0);
    assert_eq!(by_code, lower);
    let off = run(dir.cmd().args(["rule", "unsorted-cluster"]), 0);
    assert!(off.contains("(off by default)"));
}

#[test]
fn rule_unknown_exits_2() {
    let dir = Dir::new();
    dir.cmd()
        .args(["rule", "nope"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown rule `nope`"));
}

/// Codes found in `mixed.txt` with extra arguments.
fn mixed_codes(dir: &Dir, extra: &[&str], code: i32) -> Vec<String> {
    let mut args = vec!["mixed.txt", "--format", "concise"];
    args.extend_from_slice(extra);
    codes(&run(&mut dir.check(&args), code))
}

#[test]
fn select_ignore_and_extend_select() {
    let dir = Dir::new();
    dir.fixture("mixed.txt");
    let defaults = ["CIT001", "CIT012", "CIT002", "CIT006"];
    assert_eq!(mixed_codes(&dir, &[], 1), defaults);

    // --select by code, name and prefix; comma-separated and repeated.
    assert_eq!(mixed_codes(&dir, &["--select", "CIT001"], 1), ["CIT001"]);
    assert_eq!(mixed_codes(&dir, &["--select", "cit001"], 1), ["CIT001"]);
    assert_eq!(
        mixed_codes(&dir, &["--select", "missing-reference"], 1),
        ["CIT001"]
    );
    assert_eq!(
        mixed_codes(&dir, &["--select", "unused-reference,CIT006"], 0),
        ["CIT002", "CIT006"]
    );
    assert_eq!(
        mixed_codes(&dir, &["--select", "CIT002", "--select", "CIT012"], 0),
        ["CIT012", "CIT002"]
    );
    // A prefix selects every matching rule, even those off by default.
    assert_eq!(
        mixed_codes(&dir, &["--select", "CIT00"], 1),
        ["CIT008", "CIT009", "CIT001", "CIT002", "CIT006"]
    );
    assert_eq!(mixed_codes(&dir, &["--select", "CIT01"], 0), ["CIT012"]);
    assert_eq!(
        mixed_codes(&dir, &["--select", "ALL"], 1),
        ["CIT008", "CIT009", "CIT001", "CIT012", "CIT002", "CIT006"]
    );

    // --ignore by code, name and prefix.
    assert_eq!(
        mixed_codes(&dir, &["--ignore", "CIT001"], 0),
        ["CIT012", "CIT002", "CIT006"]
    );
    assert_eq!(
        mixed_codes(&dir, &["--ignore", "maintenance-tag,list-numbering"], 1),
        ["CIT001", "CIT002"]
    );
    assert_eq!(mixed_codes(&dir, &["--ignore", "CIT00"], 0), ["CIT012"]);
    assert_eq!(
        mixed_codes(&dir, &["--select", "ALL", "--ignore", "CIT00"], 0),
        ["CIT012"]
    );

    // --extend-select adds to the defaults, by code, name and prefix.
    assert_eq!(
        mixed_codes(&dir, &["--extend-select", "CIT008"], 1),
        ["CIT008", "CIT001", "CIT012", "CIT002", "CIT006"]
    );
    assert_eq!(
        mixed_codes(&dir, &["--extend-select", "first-use-order"], 1),
        ["CIT009", "CIT001", "CIT012", "CIT002", "CIT006"]
    );
    assert_eq!(
        mixed_codes(&dir, &["--extend-select", "CIT00"], 1),
        ["CIT008", "CIT009", "CIT001", "CIT012", "CIT002", "CIT006"]
    );
    assert_eq!(
        mixed_codes(
            &dir,
            &["--select", "CIT001", "--extend-select", "unsorted-cluster"],
            1
        ),
        ["CIT008", "CIT001"]
    );
    // --ignore wins over --extend-select.
    assert_eq!(
        mixed_codes(
            &dir,
            &["--extend-select", "CIT008", "--ignore", "unsorted-cluster"],
            1
        ),
        defaults
    );
}

#[test]
fn other_formats_do_not_fail() {
    // The Markdown, HTML and paper parsers are being written elsewhere: only
    // check that citelint reads such files and reports them.
    let dir = Dir::new();
    let sample = fixture_text(SAMPLE);
    dir.write("a.md", "Claim.[^1]\n\n[^1]: Source.\n");
    dir.write(
        "b.html",
        "<!DOCTYPE html><p>Claim.<sup class=\"reference\"><a href=\"#cite_note-1\">[1]</a></sup></p>\n",
    );
    dir.write(
        "c.txt",
        "Claim [1].\n\nReferences\n[1] A. Author. Title. 2004.\n",
    );
    dir.write("d.md", &sample);
    dir.write("e.html", &sample);
    let output = dir
        .check(&["--format", "json", "."])
        .assert()
        .code(predicate::in_iter([0, 1]))
        .get_output()
        .stdout
        .clone();
    let report = parse_report(&String::from_utf8(output).unwrap());
    assert_eq!(report.files.len(), 5);
    for format in ["markdown", "html", "paper"] {
        for path in ["a.md", "b.html", "c.txt"] {
            dir.check(&[path, "--input-format", format])
                .assert()
                .code(predicate::in_iter([0, 1]));
        }
    }
}

#[test]
fn crlf_line_ends_and_a_bom_do_not_move_positions() {
    let dir = Dir::new();
    let errors = fixture_text("errors.txt");
    dir.write("crlf.txt", errors.replace('\n', "\r\n"));
    dir.write("bom.txt", format!("\u{feff}{errors}"));
    dir.write("cr.txt", errors.replace('\n', "\r"));
    let expected = |name: &str| {
        format!(
            "{name}:1:73: CIT001 [error] reference [3] is cited but the list has no entry 3\n\
             {name}:5:3: CIT002 [warning] entry 2 is never cited\n"
        )
    };
    for name in ["crlf.txt", "bom.txt"] {
        let out = run(&mut dir.check(&[name, "--format", "concise"]), 1);
        assert_eq!(out, expected(name));
    }
    // Lone carriage returns end lines too (once the format is known; see
    // `lone_cr_file_is_detected_as_wikipedia_text`).
    let out = run(
        &mut dir.check(&[
            "cr.txt",
            "--input-format",
            "wikipedia-text",
            "--format",
            "concise",
        ]),
        1,
    );
    assert_eq!(out, expected("cr.txt"));
}

/// Detection reads lines with `str::lines`, which does not split at a lone
/// `\r`, so an old-Mac file is one line, has no list, and is read as a paper.
#[test]
fn lone_cr_file_is_detected_as_wikipedia_text() {
    let dir = Dir::new();
    dir.write("cr.txt", fixture_text("errors.txt").replace('\n', "\r"));
    let report = json(&dir, &["cr.txt"], 1);
    assert_eq!(report.files[0].format, "wikipedia-text");
}

/// A list of one entry is still a Wikipedia list: `looks_like` wants two
/// caret lines, so this file is read as a paper and `[2]` goes unreported.
#[test]
fn one_entry_list_is_detected_as_wikipedia_text() {
    let dir = Dir::new();
    dir.write("one.txt", "Body.[1][2]\n\n  1. ^ Source.\n");
    let report = json(&dir, &["one.txt"], 1);
    assert_eq!(report.files[0].format, "wikipedia-text");
}

// ---------------------------------------------------------------------------
// The online pass (more in tests/online.rs and tests/online_cli.rs).

#[test]
fn online_findings_carry_url_status_verdict_and_suggestion() {
    use support::server::{Reply, TestServer};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start("127.0.0.1", |_, path, _| match path {
        "/ok" => Reply::status(200),
        "/gone" => Reply::status(404),
        "/limited" => Reply::status(429).header("Retry-After", "0"),
        p if p.starts_with("/cdx?") => Reply::status(200).body(
            r#"[["timestamp","original","statuscode"],["20160101000000","http://x.example/","200"]]"#,
        ),
        _ => Reply::status(500),
    }));
    let base = server.url("");
    let dir = Dir::new();
    dir.write(
        "a.txt",
        format!(
            "One.[1] Two.[2] Three.[3]\n\nReferences\n  1. ^ Alive. {base}/ok\n  2. ^ Dead. Retrieved 3 May 2016. {base}/gone\n  3. ^ Busy. {base}/limited\n"
        ),
    );
    let cdx = format!("{base}/cdx");
    let stdout = run(
        &mut dir.check(&[
            "a.txt",
            "--format",
            "json",
            "--online",
            "--allow-private",
            "--no-progress",
            "--retries",
            "0",
            "--cdx-rate",
            "100",
            "--availability-url",
            "",
            "--wayback-url",
            &base,
            "--cdx-url",
            &cdx,
        ]),
        0,
    );
    let report = parse_report(&stdout);
    let found: Vec<_> = report.files[0]
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.url.clone().unwrap_or_default(),
                d.status.clone().unwrap_or_default(),
                d.verdict.clone().unwrap_or_default(),
                d.suggestion.clone(),
            )
        })
        .collect();
    let capture = format!("{base}/web/20160101000000/http://x.example/");
    assert_eq!(
        found,
        [
            (
                "CIT030",
                format!("{base}/gone"),
                "404".into(),
                "dead".into(),
                Some(capture.clone())
            ),
            (
                "CIT033",
                format!("{base}/gone"),
                "404".into(),
                "dead".into(),
                Some(capture)
            ),
            (
                "CIT034",
                format!("{base}/limited"),
                "429".into(),
                "unknown".into(),
                None
            ),
        ]
    );
    let dead = &report.files[0].diagnostics[0];
    assert_eq!((dead.severity.as_str(), dead.line), ("warning", 5));
    assert!(dir.path().join(".citelint/cache.sqlite").exists());
}
