//! Decodes arbitrary bytes and lints them as every input format with every
//! rule enabled, then renders the report in every output format. Any panic
//! or span outside the text is a bug.
#![no_main]

use citelint::render::{self, OutputFormat, RenderOptions};
use citelint::settings::{RuleSet, Selection};
use citelint::{Format, Settings, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = SourceFile::from_bytes("fuzz.txt", data);
    let text = source.text();
    let all = RuleSet::from_selection(&Selection {
        select: Some(vec!["ALL".to_owned()]),
        ..Selection::default()
    })
    .expect("ALL selects every rule");

    // Detection from the content, with the default rules.
    let _ = citelint::lint(&source, &Settings::default());

    for format in Format::ALL {
        let settings = Settings {
            rules: all.clone(),
            input_format: Some(format),
            ..Settings::default()
        };
        let mut report = citelint::lint(&source, &settings);
        for d in &report.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            assert!(d.start.line >= 1 && d.start.column >= 1);
            for r in &d.related {
                assert!(r.span.start <= r.span.end && r.span.end <= text.len());
                assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
            }
        }
        report.text = Some(text.into());
        let reports = [report];
        for output in OutputFormat::ALL {
            for graphics in [true, false] {
                let options = RenderOptions {
                    graphics,
                    ..RenderOptions::default()
                };
                let mut out = Vec::new();
                render::render(output, &reports, &options, &mut out).expect("rendering succeeds");
            }
        }
    }
});
