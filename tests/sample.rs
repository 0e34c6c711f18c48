//! The sample the project was commissioned around: plain text copied from the
//! rendered Wikipedia article "Khojaly massacre". Its real defect is `[10]`,
//! cited on lines 14 and 116 while the list jumps from 9 to 11.

use citelint::{Format, Settings, Severity, SourceFile};

fn sample() -> citelint::FileReport {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/khojaly-massacre.txt");
    let bytes = std::fs::read(path).expect("sample fixture");
    citelint::lint(
        &SourceFile::from_bytes("khojaly-massacre.txt", &bytes),
        &Settings::default(),
    )
}

#[test]
fn detected_as_wikipedia_text_with_its_counts() {
    let report = sample();
    assert_eq!(report.format, Format::WikipediaText);
    // Entries 1–9 and 11–89 are listed; 10 is missing.
    assert_eq!(report.references, 88);
    // Every body [n] marker: `head -n 158 | grep -o "\[[0-9]*\]" | wc -l`.
    assert_eq!(report.citations, 125);
}

#[test]
fn exactly_one_error_missing_reference_10() {
    let report = sample();
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let error = errors[0];
    assert_eq!(error.code, "CIT001");
    assert_eq!(error.key.as_deref(), Some("10"));
    assert_eq!(error.start.line, 14);
    let related: Vec<_> = error.related.iter().map(|r| r.start.line).collect();
    assert_eq!(related, [116]);
}

#[test]
fn the_list_gap_is_reported_at_entry_11() {
    let report = sample();
    let gap = report
        .diagnostics
        .iter()
        .find(|d| d.code == "CIT006")
        .expect("list-numbering finding");
    assert_eq!(gap.message, "the numbering skips from 9 to 11");
    assert_eq!(gap.key.as_deref(), Some("11"));
}

#[test]
fn duplicate_sources_a_careful_reader_would_group() {
    let report = sample();
    let groups: Vec<(Vec<&str>, Severity)> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "CIT004")
        .map(|d| (d.keys.iter().map(String::as_str).collect(), d.severity))
        .collect();
    assert_eq!(
        groups,
        [
            // de Waal, Black Garden (ISBN 0-8147-1945-7) at pp. 172–173, 172, 171
            (vec!["3", "30", "66"], Severity::Info),
            // HRW, Bloodshed in the Caucasus: by ISBN (10 and 13 digit) and by title
            (
                vec!["5", "18", "25", "27", "29", "33", "36", "38", "54"],
                Severity::Info
            ),
            // de Waal, The Black Garden (ISBN 0-8147-1944-9), pages 171 and 170
            (vec!["13", "21"], Severity::Info),
            // Cox & Eibner, Ethnic Cleansing in Progress
            (vec!["45", "68"], Severity::Warning),
            // Entry 60's title hides behind JavaScript debris
            (vec!["60", "62"], Severity::Warning),
        ]
    );
}

#[test]
fn backlinks_agree_everywhere_else() {
    let report = sample();
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == "CIT005" || d.code == "CIT002" || d.code == "CIT014"),
        "{:#?}",
        report.diagnostics
    );
}
