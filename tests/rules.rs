//! One fixture per rule under `fixtures/rules/CITnnn_name.txt` (`.md` for
//! rules that need comments), linted with only that rule selected; the
//! rendered output is snapshot-tested.

use std::path::Path;

use citelint::render::{self, OutputFormat, RenderOptions};
use citelint::rules::RULES;
use citelint::settings::{RuleSet, Selection};
use citelint::{Format, Settings, SourceFile};

fn fixture_for(code: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut matches = std::fs::read_dir(&dir)
        .expect("fixtures/rules exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{code}_")))
        });
    matches
        .next()
        .unwrap_or_else(|| panic!("no fixture for {code} in fixtures/rules"))
}

fn lint_with_only(code: &str) -> (citelint::FileReport, String) {
    let path = fixture_for(code);
    let bytes = std::fs::read(&path).expect("fixture readable");
    let name = format!(
        "fixtures/rules/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    let source = SourceFile::from_bytes(name, &bytes);
    let settings = Settings {
        rules: RuleSet::from_selection(&Selection {
            select: Some(vec![code.to_owned()]),
            ..Selection::default()
        })
        .expect("known code"),
        // Rules never look at the format; suppression comments need one
        // with comments.
        input_format: Some(match path.extension().and_then(|e| e.to_str()) {
            Some("md") => Format::Markdown,
            _ => Format::WikipediaText,
        }),
        ..Settings::default()
    };
    let mut report = citelint::lint(&source, &settings);
    report.text = Some(source.text().into());
    let mut out = Vec::new();
    render::render(
        OutputFormat::Full,
        std::slice::from_ref(&report),
        &RenderOptions::default(),
        &mut out,
    )
    .expect("rendering to memory");
    (report, String::from_utf8(out).expect("utf-8 output"))
}

#[test]
fn every_rule_fires_on_its_fixture() {
    // The online rules find nothing in a document (tests/online*.rs).
    for rule in RULES.iter().filter(|r| !citelint::rules::is_online(r)) {
        let (report, rendered) = lint_with_only(rule.code);
        assert!(
            !report.diagnostics.is_empty(),
            "{} found nothing in its fixture",
            rule.code
        );
        assert!(
            report.diagnostics.iter().all(|d| d.code == rule.code),
            "{}: only the selected rule may report",
            rule.code
        );
        insta::assert_snapshot!(format!("{}_{}", rule.code, rule.name), rendered);
    }
}
