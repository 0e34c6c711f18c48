//! The Markdown fixtures in `fixtures/markdown/`, linted with the default
//! settings: exact findings (code, key, line) and counts.

use citelint::{Format, Settings, SourceFile, lint};

struct Expected {
    findings: &'static [(&'static str, Option<&'static str>, usize)],
    citations: usize,
    references: usize,
}

fn check(name: &str, expected: Expected) {
    let path = format!("{}/fixtures/markdown/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let report = lint(&SourceFile::from_text(&path, text), &Settings::default());
    assert_eq!(report.format, Format::Markdown, "{name}");
    let findings: Vec<(&str, Option<&str>, usize)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.key.as_deref(), d.start.line))
        .collect();
    assert_eq!(
        findings, expected.findings,
        "{name}: {:#?}",
        report.diagnostics
    );
    assert_eq!(report.citations, expected.citations, "{name}: citations");
    assert_eq!(report.references, expected.references, "{name}: references");
}

#[test]
fn wikipedia_copy() {
    // Notes [a] and [b] are their own group; [5] is also cited from note a,
    // which its two backlinks count. The one defect: [7] has no entry.
    check(
        "wikipedia-copy.md",
        Expected {
            findings: &[("CIT001", Some("7"), 9)],
            citations: 11,
            references: 6,
        },
    );
}

#[test]
fn draft_numbered() {
    check(
        "draft-numbered.md",
        Expected {
            findings: &[("CIT012", None, 9), ("CIT002", Some("4"), 16)],
            citations: 5,
            references: 5,
        },
    );
}

#[test]
fn draft_bracketed() {
    // `[3]: https://…` under References is an entry, not a link definition;
    // `[W]hen` is prose.
    check(
        "draft-bracketed.md",
        Expected {
            findings: &[("CIT001", Some("6"), 8)],
            citations: 6,
            references: 5,
        },
    );
}

#[test]
fn footnotes() {
    check(
        "footnotes.md",
        Expected {
            findings: &[
                ("CIT001", Some("census"), 10),
                ("CIT002", Some("unused"), 17),
            ],
            citations: 4,
            references: 3,
        },
    );
}

#[test]
fn code_and_links() {
    // Only [1], [2] and [1] outside code; page links and External links
    // bullets are not citations, and both entries are used.
    check(
        "code-and-links.md",
        Expected {
            findings: &[],
            citations: 3,
            references: 2,
        },
    );
}

#[test]
fn a_wikipedia_copy_saved_as_txt_is_detected_as_markdown() {
    let path = format!(
        "{}/fixtures/markdown/wikipedia-copy.md",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).expect("fixture exists");
    let report = lint(
        &SourceFile::from_text("lake.txt", text),
        &Settings::default(),
    );
    assert_eq!(report.format, Format::Markdown);
    assert_eq!(report.citations, 11);
}
