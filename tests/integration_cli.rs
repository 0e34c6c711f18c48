//! Integration with other tools: shell completions and man pages, from the
//! built binary.

use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use tempfile::TempDir;

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
    for (file, name) in [
        ("citelint.1", "citelint"),
        ("citelint-check.1", "citelint-check"),
        ("citelint-rules.1", "citelint-rules"),
        ("citelint-rule.1", "citelint-rule"),
        ("citelint-completions.1", "citelint-completions"),
        ("citelint-man.1", "citelint-man"),
    ] {
        let page = fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_roff_page(&page, name);
        let footer = format!("\"citelint {}\"", env!("CARGO_PKG_VERSION"));
        assert!(page.contains(&footer), "{file}: version in the footer");
    }
    assert_eq!(fs::read_dir(&out).unwrap().count(), 6, "no page for `help`");
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
