//! The config file, suppression comments and baselines, through the built
//! binary. Every test runs in a fresh temporary directory that is its own
//! repository root (it holds `.git`), so no config file above it applies.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

struct Repo {
    root: TempDir,
}

/// An article with one missing reference ([2]) and one unused entry (1),
/// in copied-Wikipedia plain text.
const BROKEN: &str = "It had an airport.[2]\n\nReferences\n  1. ^ Smith (2004).\n";
/// A consistent article.
const CLEAN: &str = "It had an airport.[1]\n\nReferences\n  1. ^ Smith (2004).\n";

impl Repo {
    fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("citelint-config-")
            .tempdir()
            .expect("a temporary directory");
        fs::create_dir(root.path().join(".git")).expect("a .git marker");
        Repo { root }
    }

    fn write(&self, path: &str, text: &str) -> &Self {
        let path = self.root.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    fn path(&self, path: &str) -> std::path::PathBuf {
        self.root.path().join(path)
    }

    /// Runs citelint in the repository; returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in("", args, None)
    }

    /// Runs citelint in a directory of the repository, with optional input.
    fn run_in(&self, dir: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let output = Command::cargo_bin("citelint")
            .unwrap()
            .current_dir(self.root.path().join(dir))
            .write_stdin(stdin.unwrap_or(""))
            .env_remove("CITELINT_OUTPUT_FORMAT")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .args(args)
            .output()
            .expect("citelint runs");
        (
            output.status.code().expect("an exit code"),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    /// `code path:line` of each finding of a concise run.
    fn findings(&self, args: &[&str]) -> (i32, Vec<String>) {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = self.run(&all);
        assert!(code != 2, "unexpected trouble: {stderr}");
        let findings = stdout
            .lines()
            .map(|line| {
                let mut parts = line.split(": ");
                let place = parts.next().unwrap();
                let code = parts.next().unwrap().split(' ').next().unwrap();
                let place = place.rsplit_once(':').unwrap().0;
                format!("{code} {}", place.trim_start_matches("./"))
            })
            .collect();
        (code, findings)
    }
}

#[test]
fn closest_config_applies_with_severity_fail_on_and_per_file_ignores() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "fail-on = \"warning\"\n[severity]\nunused-reference = \"info\"\n\
         [per-file-ignores]\n\"legacy/**\" = [\"missing-reference\"]\n",
    )
    .write("a.txt", BROKEN)
    .write("legacy/old.txt", BROKEN)
    // A nested config wins for its own directory and below.
    .write(
        "strict/.citelint.toml",
        "[severity]\nunused-reference = \"error\"\n",
    )
    .write("strict/b.txt", BROKEN);
    let (code, findings) = repo.findings(&[]);
    assert_eq!(
        findings,
        [
            "CIT001 a.txt:1",
            "CIT002 a.txt:4",
            "CIT002 legacy/old.txt:4",
            "CIT001 strict/b.txt:1",
            "CIT002 strict/b.txt:4",
        ]
    );
    assert_eq!(code, 1);
    let (_, stdout, _) = repo.run(&["check", "--format", "json", "legacy/old.txt"]);
    assert!(stdout.contains("\"severity\": \"info\""), "{stdout}");

    // Only infos left: `fail-on = "warning"` passes, `--fail-on info` fails.
    repo.write(
        "a.txt",
        "It had an airport.\n\nReferences\n  1. ^ Smith (2004).\n",
    );
    let (code, _) = repo.findings(&["a.txt"]);
    assert_eq!(code, 0);
    let (code, _) = repo.findings(&["--fail-on", "info", "a.txt"]);
    assert_eq!(code, 1);
}

#[test]
fn search_stops_at_the_repository_root() {
    let repo = Repo::new();
    repo.write("citelint.toml", "ignore = [\"CIT001\"]\n")
        .write("sub/.git/HEAD", "")
        .write("sub/a.txt", BROKEN);
    let (_, findings) = repo.findings(&["sub/a.txt"]);
    assert!(
        findings.contains(&"CIT001 sub/a.txt:1".to_owned()),
        "{findings:?}"
    );
    let (_, findings) = repo.findings(&["--config", "citelint.toml", "sub/a.txt"]);
    assert!(
        !findings.iter().any(|f| f.starts_with("CIT001")),
        "{findings:?}"
    );
}

#[test]
fn command_line_overrides_and_isolated() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "select = [\"CIT002\"]\nfail-on = \"warning\"\n",
    )
    .write("a.txt", BROKEN);
    let (code, findings) = repo.findings(&[]);
    assert_eq!((code, findings), (1, vec!["CIT002 a.txt:4".to_owned()]));
    let (code, findings) = repo.findings(&["--select", "CIT001"]);
    assert_eq!((code, findings), (1, vec!["CIT001 a.txt:1".to_owned()]));
    let (code, _) = repo.findings(&["--fail-on", "error"]);
    assert_eq!(code, 0, "the warning no longer fails the run");
    let (code, findings) = repo.findings(&["--isolated"]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 2, "the defaults: {findings:?}");
}

#[test]
fn config_errors_point_at_the_key_and_other_files_are_still_linted() {
    let repo = Repo::new();
    repo.write("good/a.txt", BROKEN)
        .write(
            "bad/citelint.toml",
            "ignore = [\"CIT001\"]\nselct = [\"ALL\"]\n",
        )
        .write("bad/b.txt", BROKEN);
    let (code, stdout, stderr) = repo.run(&["check", "--format", "concise"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.contains("good/a.txt"), "{stdout}");
    assert!(!stdout.contains("bad/b.txt"), "{stdout}");
    assert!(stderr.contains("citelint.toml"), "{stderr}");
    assert!(stderr.contains("unknown field `selct`"), "{stderr}");
    assert!(
        stderr.contains("2 │ selct = [\"ALL\"]"),
        "the snippet: {stderr}"
    );

    repo.write("bad/citelint.toml", "[severity]\nCIT001 = \"loud\"\n");
    let (code, _, stderr) = repo.run(&["check", "bad"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown variant `loud`"), "{stderr}");
    repo.write("bad/citelint.toml", "ignore = [\"CIT999\"]\n");
    let (code, _, stderr) = repo.run(&["check", "bad"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule `CIT999`"), "{stderr}");
    let (code, _, stderr) = repo.run(&["check", "--config", "missing.toml", "good"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.toml"), "{stderr}");
}

#[test]
fn include_exclude_and_input_format_globs() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "include = [\"*.txt\", \"*.rst\"]\nexclude = [\"drafts/**\"]\n\
         [input-format]\n\"papers/*.txt\" = \"paper\"\n",
    )
    .write("a.rst", BROKEN)
    .write("b.md", BROKEN)
    .write("drafts/c.txt", BROKEN)
    .write(
        "papers/d.txt",
        "A claim [2].\n\nReferences\n[1] Smith, J. A book. 2004.\n",
    );
    let (_, stdout, _) = repo.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let files: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_owned(),
                f["format"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("a.rst".to_owned(), "wikipedia-text".to_owned()),
            ("papers/d.txt".to_owned(), "paper".to_owned()),
        ]
    );
    // Excluded files stay excluded when named (pre-commit names files).
    let (code, stdout, stderr) = repo.run(&["check", "drafts/c.txt"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("no files to lint"), "{stderr}");
}

#[test]
fn rule_options_from_the_file() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "extend-select = [\"citation-overkill\"]\n[citation-overkill]\nmax = 4\n\
         [maintenance-tag]\ntags = [\"needs copy edit\"]\n",
    )
    .write(
        "a.txt",
        "A claim.[1][2][3][4] Another.[1][2][3][4][1][needs copy edit] Third.[citation needed]\n\n\
         References\n  1. ^ a b c A.\n  2. ^ a b c B.\n  3. ^ a b C.\n  4. ^ a b D.\n",
    );
    let (_, findings) = repo.findings(&[]);
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "CIT013").count(),
        1,
        "only the five-citation claim: {findings:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "CIT012").count(),
        1,
        "only the configured tag: {findings:?}"
    );
}

#[test]
fn config_show_and_schema() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "fail-on = \"info\"\n[severity]\nCIT002 = \"error\"\n[per-file-ignores]\n\"legacy/**\" = [\"CIT006\"]\n",
    )
    .write("legacy/a.txt", CLEAN);
    let (code, stdout, _) = repo.run(&["config", "--show", "legacy/a.txt"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("citelint.toml"), "{stdout}");
    assert!(stdout.contains("fail-on: info"), "{stdout}");
    assert!(
        stdout.contains("\"legacy/**\" = [\"CIT006\"] (matches)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CIT002  unused-reference         error (configured)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CIT006  list-numbering           off"),
        "{stdout}"
    );

    let (code, schema, _) = repo.run(&["config", "--schema"]);
    assert_eq!(code, 0);
    let checked_in =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("citelint.schema.json"))
            .unwrap();
    assert_eq!(
        schema, checked_in,
        "citelint.schema.json is stale: run `cargo run -- config --schema > citelint.schema.json`"
    );
    let parsed: serde_json::Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(
        parsed["additionalProperties"], false,
        "unknown keys are rejected"
    );
    for key in [
        "select",
        "extend-select",
        "ignore",
        "severity",
        "per-file-ignores",
        "include",
        "exclude",
        "input-format",
        "fail-on",
        "citation-overkill",
        "maintenance-tag",
        "online",
        "archive-hosts",
        "extend-archive-hosts",
    ] {
        assert!(
            parsed["properties"].get(key).is_some(),
            "schema lacks {key}"
        );
    }
}

#[test]
fn baseline_hides_old_findings_and_reports_new_ones() {
    let repo = Repo::new();
    repo.write("a.txt", BROKEN);
    let (code, _, stderr) = repo.run(&["check", "--write-baseline", "baseline.json"]);
    assert_eq!(code, 0, "writing a baseline accepts the findings: {stderr}");
    assert!(
        stderr.contains("recorded 2 findings in baseline.json"),
        "{stderr}"
    );
    let baseline: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(repo.path("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);

    let (code, stdout, stderr) = repo.run(&["check", "--baseline", "baseline.json"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stderr.contains("2 findings hidden by the baseline"),
        "{stderr}"
    );

    // Edits elsewhere keep the old findings hidden; a new one is reported.
    repo.write(
        "a.txt",
        "An added opening paragraph.\n\nA new claim.[5]\n\nIt had an airport.[2]\n\nReferences\n  1. ^ Smith (2004).\n",
    );
    let (code, findings) = repo.findings(&["--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(findings, ["CIT001 a.txt:3"]);

    repo.write("broken.json", "{\"version\": 1}");
    let (code, _, stderr) = repo.run(&["check", "--baseline", "broken.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("broken.json: not a citelint baseline"),
        "{stderr}"
    );
}

#[test]
fn suppression_comments_through_the_cli() {
    let repo = Repo::new();
    repo.write(
        "a.md",
        "Claim.[1][2]\n<!-- citelint-disable-next-line CIT001 -->\nHidden.[3]\n\
         <!-- citelint-disable-line CIT010 -->\n\n## References\n\n1. Smith.\n2. Jones.\n",
    );
    let (code, findings) = repo.findings(&[]);
    assert_eq!(code, 0);
    assert_eq!(findings, ["CIT017 a.md:4"], "CIT010 is off by default");
    let (code, findings) = repo.findings(&["--ignore", "unused-suppression"]);
    assert_eq!((code, findings.len()), (0, 0));
}

#[test]
fn online_table_turns_the_pass_on_and_flags_override_it() {
    let repo = Repo::new();
    // Port 9 (discard) on loopback refuses connections: the link is
    // unknown, which proves the pass ran without any network.
    repo.write(
        "citelint.toml",
        "[online]\nenabled = true\nallow-private = true\ncache = false\ntimeout = 2\nretries = 0\n",
    )
    .write(
        "a.txt",
        "Claim.[1]\n\nReferences\n  1. ^ \"T\". http://127.0.0.1:9/page. Retrieved 3 June 2016.\n",
    );
    let (code, findings) = repo.findings(&["--no-progress"]);
    assert_eq!((code, findings), (0, vec!["CIT034 a.txt:4".to_owned()]));
    // Without the table the pass is off.
    let (_, findings) = repo.findings(&["--isolated"]);
    assert!(findings.is_empty(), "{findings:?}");
    // Suppression comments hide online findings too, and a directive naming
    // an online rule is not reported as unused offline.
    repo.write(
        "b.md",
        "Claim.[1]\n\n## References\n\n<!-- citelint-disable-next-line link-unknown -->\n\
         1. \"T\". <http://127.0.0.1:9/page>. Retrieved 3 June 2016.\n\
         2. \"U\". <http://127.0.0.1:9/other>. Retrieved 3 June 2016.\n",
    );
    let (_, findings) = repo.findings(&["--no-progress", "b.md"]);
    assert_eq!(findings, ["CIT002 b.md:7", "CIT034 b.md:7"]);
    let (_, findings) = repo.findings(&["--isolated", "b.md"]);
    assert_eq!(findings, ["CIT002 b.md:7"]);
    // A bad value points into the table.
    repo.write("citelint.toml", "[online]\nhost-concurrency = 0\n");
    let (code, _, stderr) = repo.run(&["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[online]: "), "{stderr}");
    repo.write("citelint.toml", "[online]\nhost-concurency = 1\n");
    let (code, _, stderr) = repo.run(&["check", "a.txt"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown field `host-concurency`"),
        "{stderr}"
    );
}

#[test]
fn paths_are_compared_whatever_their_spelling() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "exclude = [\"drafts\"]\n[per-file-ignores]\n\"sub/deep/**\" = [\"CIT002\"]\n",
    )
    .write("sub/deep/a.txt", BROKEN)
    .write("drafts/d.txt", BROKEN)
    .write("b.txt", BROKEN);

    // A directory named without `/**` is excluded with what is in it, also
    // for standard input named after an excluded file.
    let (_, findings) = repo.findings(&[]);
    assert_eq!(
        findings,
        [
            "CIT001 b.txt:1",
            "CIT002 b.txt:4",
            "CIT001 sub/deep/a.txt:1"
        ]
    );
    let (code, stdout, _) = repo.run_in(
        "",
        &["check", "--stdin-filename", "drafts/d.txt", "-"],
        Some(BROKEN),
    );
    assert_eq!((code, stdout.contains("CIT001")), (0, false), "{stdout}");

    // `--config ..` from a subdirectory still anchors globs at the config.
    let (_, stdout, _) = repo.run_in(
        "sub",
        &[
            "check",
            "--format",
            "concise",
            "--config",
            "../citelint.toml",
            "deep/a.txt",
        ],
        None,
    );
    assert!(!stdout.contains("CIT002"), "{stdout}");

    // One file named three ways is linted once.
    let absolute = repo.path("b.txt").display().to_string();
    let (_, findings) = repo.findings(&["b.txt", "./b.txt", &absolute]);
    assert_eq!(findings.len(), 2, "{findings:?}");

    // A baseline written at the top matches when run from a subdirectory.
    let (code, _, _) = repo.run(&["check", "--write-baseline", "base.json", "sub"]);
    assert_eq!(code, 0);
    let (code, stdout, stderr) = repo.run_in(
        "sub",
        &[
            "check",
            "--format",
            "concise",
            "--baseline",
            "../base.json",
            "deep/a.txt",
        ],
        None,
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stderr.contains("1 finding hidden"), "{stderr}");
}

#[test]
fn deny_warnings_never_loosens_fail_on() {
    let repo = Repo::new();
    repo.write(
        "citelint.toml",
        "fail-on = \"info\"\nselect = [\"CIT002\"]\n[severity]\nCIT002 = \"info\"\n",
    )
    .write("a.txt", BROKEN);
    assert_eq!(repo.findings(&[]).0, 1);
    assert_eq!(repo.findings(&["--deny", "warnings"]).0, 1);
    assert_eq!(repo.findings(&["--fail-on", "warning"]).0, 0);
}

#[test]
fn archive_hosts_are_configurable() {
    let repo = Repo::new();
    // A capture on a local archive host wraps another page than the entry
    // cites: with the host configured, archive-target-mismatch sees it.
    let article = "Claim.[1]\n\nReferences\n  1. ^ \"T\". https://news.example.org/story. \
                   Archived at https://archive.example.net/20160603000000/https://other.example.org/x.\n";
    repo.write("a.txt", article);
    let (_, findings) = repo.findings(&[]);
    assert!(
        !findings.iter().any(|f| f.starts_with("CIT022")),
        "{findings:?}"
    );
    repo.write(
        "citelint.toml",
        "extend-archive-hosts = [\"archive.example.net\"]\n",
    );
    let (_, findings) = repo.findings(&[]);
    assert!(
        findings.iter().any(|f| f.starts_with("CIT022")),
        "{findings:?}"
    );
}

#[test]
fn the_readme_example_config_is_valid() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```toml\n# citelint.toml\n")
        .expect("the README has the example config");
    let body = &readme[start + "```toml\n".len()..];
    let example = &body[..body.find("```").unwrap()];
    let repo = Repo::new();
    repo.write("citelint.toml", example).write("a.txt", CLEAN);
    let (code, stdout, stderr) = repo.run(&["config", "--show", "a.txt"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("fail-on: warning"), "{stdout}");
}

#[test]
fn every_suppression_form_through_the_binary() {
    // The fixtures of tests/suppressions.rs (disable/enable regions, bare
    // disable with a single-rule enable, disable-line, disable-next-line,
    // disable-file, comments in code), run through the built binary.
    let output = Command::cargo_bin("citelint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--isolated",
            "--format",
            "concise",
            "fixtures/suppressions",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let found: Vec<String> = stdout
        .lines()
        .map(|line| {
            let (place, rest) = line.split_once(": ").unwrap();
            let code = rest.split(' ').next().unwrap();
            format!("{code} {}", place.rsplit_once(':').unwrap().0)
        })
        .collect();
    assert_eq!(
        found,
        [
            "CIT001 fixtures/suppressions/comments.html:6",
            "CIT017 fixtures/suppressions/comments.html:6",
            "CIT012 fixtures/suppressions/comments.wiki:4",
            "CIT017 fixtures/suppressions/comments.wiki:6",
            "CIT001 fixtures/suppressions/regions.md:8",
            "CIT001 fixtures/suppressions/regions.md:13",
            "CIT001 fixtures/suppressions/regions.md:18",
            "CIT001 fixtures/suppressions/regions.md:21",
            "CIT002 fixtures/suppressions/regions.md:30",
        ]
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn unwritable_baseline_and_bare_config_are_usage_errors() {
    let repo = Repo::new();
    repo.write("a.txt", BROKEN);
    let (code, _, stderr) = repo.run(&["check", "--write-baseline", "no/such/dir/b.json", "a.txt"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot write the baseline"), "{stderr}");
    let (code, _, stderr) = repo.run(&["config"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--show"), "{stderr}");
}
