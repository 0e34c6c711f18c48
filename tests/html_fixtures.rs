//! The HTML fixtures give exactly the findings they were written to show.

use citelint::{Format, Settings, SourceFile, lint};

/// One finding: rule code, key, 1-based line.
type Finding = (String, Option<String>, usize);

/// Lints a fixture and returns its findings, body citations and references.
fn findings(name: &str) -> (Vec<Finding>, usize, usize) {
    let path = format!("{}/fixtures/html/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let report = lint(
        &SourceFile::from_text(format!("fixtures/html/{name}"), text),
        &Settings::default(),
    );
    assert_eq!(report.format, Format::Html);
    let found = report
        .diagnostics
        .iter()
        .map(|d| (d.code.to_owned(), d.key.clone(), d.start.line))
        .collect();
    (found, report.citations, report.references)
}

fn expected(items: &[(&str, Option<&str>, usize)]) -> Vec<Finding> {
    items
        .iter()
        .map(|(code, key, line)| ((*code).to_owned(), key.map(str::to_owned), *line))
        .collect()
}

/// Nine body markers (seven references, two notes; the note's own `[2]` is a
/// use from the list), six references. The external autonumber `[1]`, the
/// `[edit]` links, `[1987]`, script/style text, the `[2]` under External links
/// and the navbox's `[7]` are not citations; MediaWiki's shared id counter
/// (`cite_note-5` is printed as 4) does not confuse the keys.
#[test]
fn rendered_page() {
    let (found, citations, references) = findings("rendered-page.html");
    assert_eq!(
        found,
        expected(&[
            // `[citation needed]` after "the nearby Corn Exchange."
            ("CIT012", None, 21),
            // reference 3 shows `^ a b` but is cited once
            ("CIT005", Some("3"), 41),
        ])
    );
    assert_eq!(citations, 9);
    assert_eq!(references, 6);
}

/// Six markers (`[1]`, `[2][3]`, `&#91;4&#93;`, `<sup>[2]</sup>`, `[5]`), four
/// entries keyed by position; `[sic]`, `[1921 figures…]`, the code sample and
/// the Further reading list are ignored.
#[test]
fn draft() {
    let (found, citations, references) = findings("draft.html");
    assert_eq!(found, expected(&[("CIT001", Some("5"), 19)]));
    assert_eq!(citations, 6);
    assert_eq!(references, 4);
}
