//! Fixtures for the plain-text-from-Wikipedia family: each variant of the
//! reference list, and the findings each fixture is written to produce.

use citelint::{Format, Settings, SourceFile};

/// (code, key, line) of every finding, in order.
fn findings(name: &str) -> (citelint::FileReport, Vec<(&'static str, String, usize)>) {
    let path = format!(
        "{}/fixtures/wikipedia-text/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).expect("fixture");
    let report = citelint::lint(&SourceFile::from_bytes(name, &bytes), &Settings::default());
    assert_eq!(report.format, Format::WikipediaText, "{name} detection");
    let found = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.key.clone().unwrap_or_default(), d.start.line))
        .collect();
    (report, found)
}

fn expect(name: &str, citations: usize, references: usize, expected: &[(&str, &str, usize)]) {
    let (report, found) = findings(name);
    let expected: Vec<_> = expected
        .iter()
        .map(|&(c, k, l)| (c, k.to_owned(), l))
        .collect();
    assert_eq!(found, expected, "{name}: {:#?}", report.diagnostics);
    assert_eq!(report.citations, citations, "{name} citations");
    assert_eq!(report.references, references, "{name} references");
}

#[test]
fn unnumbered_carets_and_jump_up_forms() {
    // `^ Jump up to: a b` claims two uses; entry 4 is cited once.
    expect("unnumbered-carets.txt", 5, 4, &[("CIT005", "4", 13)]);
}

#[test]
fn zero_padded_numbers_and_legacy_backlinks() {
    expect(
        "zero-padded-and-legacy.txt",
        4,
        3,
        &[("CIT001", "3", 1), ("CIT002", "4", 7), ("CIT006", "4", 7)],
    );
}

#[test]
fn notes_are_checked_as_their_own_group() {
    let (report, _) = findings("notes-group.txt");
    let unused = report
        .diagnostics
        .iter()
        .find(|d| d.code == "CIT002")
        .expect("note b is unused");
    assert_eq!(unused.message, "note b is never cited");
    assert_eq!(unused.group, Some(citelint::model::Group::Notes));
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
}

#[test]
fn entries_cited_only_from_inside_the_list() {
    let (report, found) = findings("in-list-only.txt");
    assert_eq!(
        found,
        [
            ("CIT002", "3".to_owned(), 7),
            ("CIT002", "4".to_owned(), 8),
            ("CIT002", "5".to_owned(), 9),
        ]
    );
    let messages: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "entry 3 is cited only from entry 2",
            "entry 4 is cited only from entry 2",
            "entry 5 is never cited",
        ]
    );
    // `* [1] Town archive` under External links is not a body citation.
    assert_eq!(report.citations, 2);
}

#[test]
fn crlf_bom_and_non_breaking_spaces() {
    expect("crlf-bom-nbsp.txt", 3, 2, &[("CIT001", "3", 2)]);
}

#[test]
fn mojibake_is_reported_once() {
    expect("mojibake.txt", 2, 2, &[("CIT016", "", 1)]);
}

#[test]
fn maintenance_tags_and_brackets_that_are_not_citations() {
    expect(
        "tags-and-prose-brackets.txt",
        3,
        2,
        &[("CIT012", "", 1), ("CIT012", "", 2), ("CIT012", "", 7)],
    );
}
