//! Wikitext source: refs defined inline, reused by name, list-defined refs,
//! notes and maintenance templates.

use citelint::{Format, Settings, SourceFile};

#[test]
fn wikitext_source_with_named_and_list_defined_refs() {
    let path = format!(
        "{}/fixtures/wikitext/article.wiki",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    let report = citelint::lint(
        &SourceFile::from_text("article.wiki", text),
        &Settings::default(),
    );
    assert_eq!(report.format, Format::Wikitext);
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.key.clone().unwrap_or_default(), d.start.line))
        .collect();
    assert_eq!(
        found,
        [
            ("CIT004", String::new(), 4),
            ("CIT001", "survey".to_owned(), 6),
            ("CIT012", String::new(), 6),
            ("CIT003", "charter".to_owned(), 8),
            ("CIT002", "unused".to_owned(), 16),
        ],
        "{:#?}",
        report.diagnostics
    );
    // atlas ×2, charter ×2, survey, atlas2, archive, and the efn note.
    assert_eq!(report.citations, 8);
    // atlas, charter (twice), atlas2, archive, unused
    assert_eq!(report.references, 6);
}
