//! The paper fixtures: each is linted with the default settings and must give
//! exactly the findings it was written to show.

use citelint::{Format, Settings, SourceFile, lint};

struct Expected {
    citations: usize,
    references: usize,
    /// (code, key, line) of every finding, in report order.
    findings: &'static [(&'static str, &'static str, usize)],
}

fn check(name: &str, expected: Expected) {
    let path = format!("{}/fixtures/paper/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let source = SourceFile::from_text(format!("fixtures/paper/{name}"), text);
    let report = lint(&source, &Settings::default());
    assert_eq!(report.format, Format::Paper, "{name}: detected format");
    let found: Vec<(&str, String, usize)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.key.clone().unwrap_or_default(), d.start.line))
        .collect();
    let want: Vec<(&str, String, usize)> = expected
        .findings
        .iter()
        .map(|&(code, key, line)| (code, key.to_owned(), line))
        .collect();
    assert_eq!(found, want, "{name}: findings {:#?}", report.diagnostics);
    assert_eq!(report.citations, expected.citations, "{name}: citations");
    assert_eq!(report.references, expected.references, "{name}: references");
}

#[test]
fn ieee() {
    check(
        "ieee.txt",
        Expected {
            citations: 35,
            references: 31,
            findings: &[("CIT002", "24", 95)],
        },
    );
}

#[test]
fn vancouver() {
    check(
        "vancouver.txt",
        Expected {
            citations: 8,
            references: 7,
            findings: &[("CIT001", "9", 22), ("CIT006", "7", 45)],
        },
    );
}

#[test]
fn bullets_and_bibliography() {
    check(
        "bullets-and-bibliography.txt",
        Expected {
            citations: 5,
            references: 4,
            findings: &[],
        },
    );
}
