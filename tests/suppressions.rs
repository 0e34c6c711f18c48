//! Suppression comments in every format that has comments: which findings
//! they hide, and `unused-suppression` for the ones that hide nothing.

use std::path::Path;

use citelint::{Settings, SourceFile};

fn findings(name: &str) -> Vec<(&'static str, usize)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/suppressions")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture readable");
    let source = SourceFile::from_bytes(name, &bytes);
    citelint::lint(&source, &Settings::default())
        .diagnostics
        .iter()
        .map(|d| (d.code, d.start.line))
        .collect()
}

#[test]
fn markdown_regions_lines_and_file() {
    assert_eq!(
        findings("regions.md"),
        [
            // [4] on line 7 is hidden by `disable-next-line`.
            ("CIT001", 8),
            // [6] on line 11 is inside `disable CIT001` … `enable CIT001`.
            ("CIT001", 13),
            // [8] on line 16 is inside a bare `disable`; `enable
            // missing-reference` turns just that rule back on for [9].
            ("CIT001", 18),
            // A comment in a code span or fence is text, not a directive.
            ("CIT001", 21),
            // The numbering gap 1 → 3 (CIT006) is hidden file-wide.
            ("CIT002", 30),
        ]
    );
}

#[test]
fn html_comments() {
    assert_eq!(
        findings("comments.html"),
        [("CIT001", 6), ("CIT017", 6)],
        "[2] on line 5 is hidden; the disable-line for CIT002 hides nothing"
    );
}

#[test]
fn wikitext_comments() {
    assert_eq!(
        findings("comments.wiki"),
        [("CIT012", 4), ("CIT017", 6)],
        "line 3's tag is hidden; a comment inside <nowiki> is not a directive"
    );
}

#[test]
fn unused_suppression_can_be_turned_off_and_does_not_unhide() {
    let text = "Claim.[2]\n<!-- citelint-disable-next-line CIT009 -->\nMore.[1]\n\n## References\n\n1. A.\n2. B.\n";
    let source = SourceFile::from_text("a.md", text);
    let settings = Settings {
        rules: citelint::settings::RuleSet::from_selection(&citelint::settings::Selection {
            ignore: vec!["unused-suppression".into()],
            ..Default::default()
        })
        .unwrap(),
        ..Settings::default()
    };
    assert!(citelint::lint(&source, &settings).diagnostics.is_empty());
    // With the defaults, CIT009 is off, so the comment is reported as naming
    // a rule that is not enabled.
    let report = citelint::lint(&source, &Settings::default());
    let messages: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("not enabled"), "{messages:?}");
}

#[test]
fn plain_text_has_no_comment_syntax() {
    // The same comment in copied plain text is just text: nothing is hidden.
    let text = "<!-- citelint-disable-file -->\nClaim.[3]\n\nReferences\n  1. ^ A.\n";
    let source = SourceFile::from_text("a.txt", text);
    let codes: Vec<_> = citelint::lint(&source, &Settings::default())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect();
    assert!(codes.contains(&"CIT001"), "{codes:?}");
}
