//! Integration with other tools: shell completions and man pages, from the
//! built binary; the GitHub Action (action.yml, its script, the dog-food
//! workflow) and the pre-commit hooks (.pre-commit-hooks.yaml).

use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;
use yaml_rust2::{Yaml, YamlLoader};

fn citelint() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("citelint"));
    cmd.env_remove("CITELINT_OUTPUT_FORMAT");
    cmd
}

/// Runs citelint with `args`, expects exit 0, returns stdout.
fn stdout_of(args: &[&str]) -> String {
    let output = citelint().args(args).output().expect("citelint runs");
    assert!(
        output.status.success(),
        "citelint {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Whether `program` can be started.
fn have(program: &str) -> bool {
    StdCommand::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

// ---------------------------------------------------------------------------
// Completions and man pages.

#[test]
fn completions_for_every_shell_know_check_and_its_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("check"), "{shell}: no `check` subcommand");
        // fish names long options as `-l format`; the others spell `--format`.
        let format = if shell == "fish" {
            "-l format"
        } else {
            "--format"
        };
        assert!(script.contains(format), "{shell}: no {format}");
        assert!(script.contains("select"), "{shell}: no --select");
    }
}

#[test]
fn bash_completion_script_is_valid_bash() {
    if !have("bash") {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("citelint.bash");
    fs::write(&path, stdout_of(&["completions", "bash"])).unwrap();
    let status = StdCommand::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n rejects the completion script");
}

#[test]
fn unknown_shell_is_a_usage_error() {
    citelint()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("");
}

/// The lines of a roff page that are requests (start with `.`), by name.
fn requests(page: &str) -> Vec<&str> {
    page.lines()
        .filter_map(|l| l.strip_prefix('.'))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect()
}

fn assert_roff_page(page: &str, name: &str) {
    // clap_mangen puts two string definitions for the apostrophe before the
    // title; the title is the first request after them.
    let requests = requests(page);
    let first = requests
        .iter()
        .position(|r| *r != "ie" && *r != "el")
        .expect("a request after the preamble");
    assert_eq!(requests[first], "TH", "the page starts with .TH");
    assert!(
        page.lines()
            .any(|l| l.starts_with(&format!(".TH {name} 1"))),
        "no `.TH {name} 1` title"
    );
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION"] {
        assert!(
            page.contains(&format!(".SH {section}")),
            "{name}: no {section} section"
        );
    }
    // Only the man macros clap_mangen uses, nothing stray.
    for request in requests {
        assert!(
            [
                "ie", "el", "TH", "SH", "TP", "IP", "PP", "RS", "RE", "br", "sp", "B", "I"
            ]
            .contains(&request),
            "{name}: unexpected request .{request}"
        );
    }
}

/// Renders `page` with `man -l` (when man is installed) and returns the text.
fn render_with_man(page: &Path) -> Option<String> {
    if !have("man") {
        eprintln!("skipped rendering: man is not installed");
        return None;
    }
    let output = StdCommand::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("man runs");
    assert!(
        output.status.success(),
        "man -l {} failed: {}",
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn man_prints_citelint_1() {
    let page = stdout_of(&["man"]);
    assert_roff_page(&page, "citelint");
    assert!(
        page.contains("citelint\\-check(1)"),
        "subcommands are listed"
    );
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("citelint.1");
    fs::write(&path, &page).unwrap();
    if let Some(text) = render_with_man(&path) {
        assert!(text.contains("SYNOPSIS"), "{text}");
        assert!(text.contains("citelint-check(1)"), "{text}");
    }
}

#[test]
fn man_output_writes_one_page_per_subcommand() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("man1");
    citelint()
        .args(["man", "--output"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let pages = [
        ("citelint.1", "citelint"),
        ("citelint-check.1", "citelint-check"),
        ("citelint-rules.1", "citelint-rules"),
        ("citelint-rule.1", "citelint-rule"),
        ("citelint-completions.1", "citelint-completions"),
        ("citelint-man.1", "citelint-man"),
        ("citelint-config.1", "citelint-config"),
        ("citelint-cache.1", "citelint-cache"),
        ("citelint-cache-stats.1", "citelint-cache-stats"),
        ("citelint-cache-prune.1", "citelint-cache-prune"),
        ("citelint-cache-clear.1", "citelint-cache-clear"),
    ];
    for (file, name) in pages {
        let page = fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_roff_page(&page, name);
        let footer = format!("\"citelint {}\"", env!("CARGO_PKG_VERSION"));
        assert!(page.contains(&footer), "{file}: version in the footer");
    }
    assert_eq!(
        fs::read_dir(&out).unwrap().count(),
        pages.len(),
        "one page per subcommand, none for `help`"
    );
    let check = fs::read_to_string(out.join("citelint-check.1")).unwrap();
    assert!(
        check.contains("\\-\\-format"),
        "check's options are documented"
    );
    if let Some(text) = render_with_man(&out.join("citelint-check.1")) {
        assert!(text.contains("--format"), "{text}");
        assert!(text.contains("--stdin-filename"), "{text}");
    }
}

// ---------------------------------------------------------------------------
// The GitHub Action and the pre-commit hooks: the YAML files parse, declare
// what the README documents, and agree with each other.

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_yaml(rel: &str) -> Yaml {
    let text = fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(docs.len(), 1, "{rel}: one YAML document");
    docs.remove(0)
}

fn str_of<'a>(yaml: &'a Yaml, key: &str) -> &'a str {
    yaml[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {yaml:?}"))
}

/// The keys of a mapping, in order.
fn keys(yaml: &Yaml) -> Vec<&str> {
    yaml.as_hash()
        .unwrap_or_else(|| panic!("not a mapping: {yaml:?}"))
        .keys()
        .map(|k| k.as_str().expect("string keys"))
        .collect()
}

/// The names `prefix.NAME` refers to in `text` (`inputs.`, `outputs.`).
fn references<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.match_indices(prefix)
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

const ACTION_INPUTS: &[&str] = &[
    "paths",
    "args",
    "format",
    "fail-on",
    "sarif-file",
    "fail-step",
];
const ACTION_OUTPUTS: &[&str] = &["exit-code", "sarif-file"];

fn readme_section(heading: &str) -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    let body = &readme[start + heading.len() + 5..];
    body[..body.find("\n## ").unwrap_or(body.len())].to_owned()
}

#[test]
fn action_declares_its_inputs_and_outputs() {
    let action = load_yaml("action.yml");
    assert_eq!(str_of(&action, "name"), "citelint");
    assert!(!str_of(&action, "description").is_empty());
    assert_eq!(keys(&action["inputs"]), ACTION_INPUTS);
    for input in ACTION_INPUTS {
        let spec = &action["inputs"][*input];
        assert!(!str_of(spec, "description").is_empty(), "{input}");
        assert!(spec["default"].as_str().is_some(), "{input} has a default");
    }
    assert_eq!(str_of(&action["inputs"]["format"], "default"), "github");
    assert_eq!(str_of(&action["inputs"]["paths"], "default"), ".");
    assert_eq!(str_of(&action["inputs"]["fail-step"], "default"), "true");
    assert_eq!(keys(&action["outputs"]), ACTION_OUTPUTS);

    let runs = &action["runs"];
    assert_eq!(str_of(runs, "using"), "composite");
    let steps = runs["steps"].as_vec().expect("steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    for output in ACTION_OUTPUTS {
        let value = str_of(&action["outputs"][*output], "value");
        assert_eq!(value, format!("${{{{ steps.run.outputs.{output} }}}}"));
    }
    assert!(ids.contains(&"run"));
    for step in steps {
        if let Some(script) = step["run"].as_str() {
            assert_eq!(str_of(step, "shell"), "bash", "{script}");
            assert!(
                !script.contains("${{"),
                "inputs reach scripts through env: {script}"
            );
        }
    }
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("the binary is cached with actions/cache");
    assert!(str_of(&cache["with"], "path").ends_with("/bin/citelint"));
    let build = steps
        .iter()
        .find(|s| s["name"].as_str() == Some("Build citelint"))
        .expect("a build step");
    assert!(str_of(build, "run").contains("github-action.sh\" install"));

    // Every `inputs.X` the action reads is declared, and every input is read.
    let text = fs::read_to_string(root().join("action.yml")).unwrap();
    let used = references(&text, "inputs.");
    for name in &used {
        assert!(
            ACTION_INPUTS.contains(name),
            "inputs.{name} is not declared"
        );
    }
    for input in ACTION_INPUTS {
        assert!(used.contains(input), "input {input} is never used");
    }
    for id in references(&text, "steps.") {
        assert!(ids.contains(&id), "steps.{id} is not a step id");
    }
    // The script the steps call is there.
    assert!(root().join("scripts/github-action.sh").is_file());
}

#[test]
fn dog_food_workflow_uses_the_action_as_declared() {
    let workflow = load_yaml(".github/workflows/citelint.yml");
    let text = fs::read_to_string(root().join(".github/workflows/citelint.yml")).unwrap();
    let mut local_ids = Vec::new();
    for (job, spec) in workflow["jobs"].as_hash().expect("jobs") {
        for step in spec["steps"].as_vec().expect("steps") {
            if step["uses"].as_str() != Some("./") {
                continue;
            }
            local_ids.push(str_of(step, "id"));
            for key in keys(&step["with"]) {
                assert!(ACTION_INPUTS.contains(&key), "{job:?}: unknown input {key}");
            }
            for path in str_of(&step["with"], "paths").split_whitespace() {
                assert!(root().join(path).exists(), "{path} does not exist");
            }
        }
    }
    assert!(!local_ids.is_empty(), "the workflow uses `./`");
    for (at, _) in text.match_indices("steps.") {
        let rest = &text[at + "steps.".len()..];
        let (id, rest) = rest.split_once('.').expect("steps.ID.outputs.NAME");
        assert!(local_ids.contains(&id), "steps.{id} is not a `./` step");
        let name = references(rest, "outputs.")[0];
        assert!(
            ACTION_OUTPUTS.contains(&name),
            "outputs.{name} is not declared"
        );
    }
    // The clean run must exit 0.
    assert!(text.contains("test \"$EXIT_CODE\" = 0"));
}

#[test]
fn clean_fixtures_have_no_findings_in_any_format() {
    let output = citelint()
        .current_dir(root())
        .args(["check", "--format", "json", "fixtures/clean"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary = &report["summary"];
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["infos"]),
        (&0.into(), &0.into(), &0.into()),
        "{report:#}"
    );
    let mut formats: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    formats.sort_unstable();
    assert_eq!(
        formats,
        ["html", "markdown", "paper", "wikipedia-text", "wikitext"]
    );
}

#[test]
fn readme_documents_the_action() {
    let section = readme_section("GitHub Action");
    for name in ACTION_INPUTS.iter().chain(ACTION_OUTPUTS) {
        assert!(section.contains(&format!("`{name}`")), "README: `{name}`");
    }
    assert!(section.contains("github/codeql-action/upload-sarif"));
}

#[test]
fn pre_commit_hooks_lint_what_a_directory_walk_lints() {
    let hooks = load_yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_vec().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| str_of(h, "id")).collect();
    assert_eq!(ids, ["citelint", "citelint-system"]);
    let readme = readme_section("pre-commit");
    for (hook, language) in hooks.iter().zip(["rust", "system"]) {
        let id = str_of(hook, "id");
        assert_eq!(str_of(hook, "language"), language, "{id}");
        assert_eq!(str_of(hook, "entry"), "citelint check", "{id}");
        assert!(readme.contains(&format!("id: {id}")), "README: {id}");
        let files = regex::Regex::new(str_of(hook, "files")).expect("a valid regex");
        for name in [
            "a.txt",
            "b/c.md",
            "d.markdown",
            "e.html",
            "f.htm",
            "g.wiki",
            "H.MD",
            "i.HTML",
        ] {
            assert!(files.is_match(name), "{id}: {name} is linted");
        }
        for name in ["a.rs", "b.yml", "c.txt.bak", "md", "d.json"] {
            assert!(!files.is_match(name), "{id}: {name} is not linted");
        }
    }
}

// ---------------------------------------------------------------------------
// The action's script, run as the action runs it, against the built binary.

struct ActionRun {
    dir: TempDir,
}

impl ActionRun {
    fn new() -> Self {
        ActionRun {
            dir: TempDir::new().unwrap(),
        }
    }

    /// Runs `github-action.sh run` with `inputs` (ACTION_* variables) from the
    /// repository root; returns the script's exit status.
    fn run(&self, inputs: &[(&str, &str)]) -> std::process::ExitStatus {
        let mut cmd = StdCommand::new("bash");
        cmd.arg(root().join("scripts/github-action.sh"))
            .arg("run")
            .current_dir(root())
            .env("CITELINT_BIN", assert_cmd::cargo::cargo_bin!("citelint"))
            .env("GITHUB_OUTPUT", self.dir.path().join("output"))
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary"))
            .env_remove("CITELINT_OUTPUT_FORMAT");
        for (name, value) in inputs {
            cmd.env(name, value);
        }
        cmd.output().expect("bash runs").status
    }

    fn file(&self, name: &str) -> String {
        fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

#[test]
fn action_script_reports_the_exit_code_and_writes_a_summary() {
    if !have("bash") {
        eprintln!("skipped: bash is not installed");
        return;
    }
    let clean = ActionRun::new();
    let status = clean.run(&[
        ("ACTION_PATHS", "fixtures/clean"),
        ("ACTION_FORMAT", "concise"),
    ]);
    assert!(status.success());
    assert_eq!(clean.file("output"), "exit-code=0\n");
    assert!(clean.file("summary").contains("exited with 0"));

    let errors = ActionRun::new();
    let status = errors.run(&[
        ("ACTION_PATHS", "fixtures/clean\n  fixtures/cli/errors.txt"),
        ("ACTION_ARGS", "--select CIT001"),
        ("ACTION_FORMAT", "concise"),
    ]);
    // The step itself succeeds: the action's last step decides on failing.
    assert!(status.success());
    assert_eq!(errors.file("output"), "exit-code=1\n");
    let summary = errors.file("summary");
    assert!(summary.contains("exited with 1"), "{summary}");
    assert!(
        summary.contains("fixtures/cli/errors.txt:1:73: CIT001 [error]"),
        "{summary}"
    );

    let unknown = ActionRun::new();
    unknown.run(&[
        ("ACTION_PATHS", "no-such-file.txt"),
        ("ACTION_FORMAT", "concise"),
    ]);
    assert_eq!(unknown.file("output"), "exit-code=2\n");
}

/// Whether the binary accepts `args` as options of `check` (some of the
/// interfaces the action is written against arrive in other branches).
fn check_accepts(args: &[&str]) -> bool {
    let dir = TempDir::new().unwrap();
    let output = citelint()
        .current_dir(dir.path())
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    output.status.code() != Some(2)
}

#[test]
fn action_script_writes_the_sarif_file() {
    if !have("bash") || !check_accepts(&["--format", "sarif", "--output-file", "probe.sarif"]) {
        eprintln!("skipped: bash or `--format sarif --output-file` is missing");
        return;
    }
    let run = ActionRun::new();
    let sarif = run.dir.path().join("reports/citelint.sarif");
    let sarif = sarif.to_str().unwrap();
    let status = run.run(&[
        ("ACTION_PATHS", "fixtures/cli/errors.txt"),
        ("ACTION_FORMAT", "concise"),
        ("ACTION_SARIF_FILE", sarif),
    ]);
    assert!(status.success());
    assert_eq!(
        run.file("output"),
        format!("sarif-file={sarif}\nexit-code=1\n")
    );
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(report["version"], "2.1.0");
}

#[test]
fn action_script_passes_fail_on() {
    if !have("bash") || !check_accepts(&["--fail-on", "warning"]) {
        eprintln!("skipped: bash or `--fail-on` is missing");
        return;
    }
    let run = ActionRun::new();
    run.run(&[
        ("ACTION_PATHS", "fixtures/cli/warnings.txt"),
        ("ACTION_FORMAT", "concise"),
        ("ACTION_FAIL_ON", "warning"),
    ]);
    assert_eq!(run.file("output"), "exit-code=1\n");
}

/// Output follows `Path::cmp` order, also for paths spelled with `./`, and a
/// file both named (`docs/./x.md`) and found by a walk keeps the name given.
#[test]
fn paths_from_several_arguments_keep_path_order_and_their_spelling() {
    let dir = TempDir::new().unwrap();
    let missing = "Claim.[2]\n\nReferences\n\n1. One.\n";
    fs::write(dir.path().join("b.md"), missing).unwrap();
    fs::write(dir.path().join("(a).md"), missing).unwrap();
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::write(dir.path().join("docs/-x.md"), missing).unwrap();
    let run = |args: &[&str]| {
        let out = citelint()
            .current_dir(dir.path())
            .args(["check", "--format", "concise", "--isolated"])
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut paths: Vec<String> = stdout
            .lines()
            .filter_map(|l| l.split(':').next().map(str::to_owned))
            .collect();
        paths.dedup();
        paths
    };
    // `Path::cmp` puts the `.` component before any name.
    assert_eq!(run(&["./b.md", "(a).md"]), ["./b.md", "(a).md"]);
    assert_eq!(run(&["docs/./-x.md", "docs"]), ["docs/./-x.md"]);
}
