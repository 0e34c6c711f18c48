//! Property tests of the library.
//!
//! 1. On any input — arbitrary strings, arbitrary bytes and citation-flavoured
//!    token soup — and with every input format forced, linting does not panic,
//!    every span (findings, entry links, stated dates) lies within the text
//!    on char boundaries, every position is
//!    1-based, and every renderer runs (the JSON one producing valid JSON).
//! 2. A generated, *consistent* Wikipedia plain-text article (every key cited
//!    and listed, backlink labels matching the use counts) has no error and no
//!    warning under the default settings.
//!
//! Case counts are kept modest so the suite stays fast; raise them with
//! `PROPTEST_CASES=10000 cargo test --test properties` when hunting.

use citelint::links;
use citelint::parse::backlinks;
use citelint::render::{self, OutputFormat, RenderOptions};
use citelint::settings::{RuleSet, Selection};
use citelint::{Diagnostic, Format, Settings, Severity, SourceFile};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// `cases` cases, unless `PROPTEST_CASES` asks for another number.
fn config(cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(cases)
    }
}

// ---------------------------------------------------------------------------
// Robustness.

/// Default rules, and every rule.
fn rule_sets() -> [RuleSet; 2] {
    let all = RuleSet::from_selection(&Selection {
        select: Some(vec!["ALL".to_owned()]),
        ..Selection::default()
    })
    .expect("ALL is a selector");
    [RuleSet::default(), all]
}

fn check_span(text: &str, start: usize, end: usize, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(start <= end, "{what}: start {start} after end {end}");
    prop_assert!(
        end <= text.len(),
        "{what}: end {end} past the text ({} bytes)",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} is not on char boundaries"
    );
    Ok(())
}

fn check_diagnostic(text: &str, d: &Diagnostic) -> Result<(), TestCaseError> {
    let what = format!("{} {:?}", d.code, d.message);
    check_span(text, d.span.start, d.span.end, &what)?;
    prop_assert!(
        d.start.line >= 1 && d.start.column >= 1,
        "{what}: start {:?}",
        d.start
    );
    prop_assert!(
        d.end.line >= 1 && d.end.column >= 1,
        "{what}: end {:?}",
        d.end
    );
    prop_assert!(d.start.column_utf16 >= 1 && d.start.column_byte >= 1);
    prop_assert!(
        d.start <= d.end,
        "{what}: start {:?} after end {:?}",
        d.start,
        d.end
    );
    prop_assert_eq!(d.start.offset, d.span.start, "{}: start offset", &what);
    prop_assert_eq!(d.end.offset, d.span.end, "{}: end offset", &what);
    prop_assert!(!d.message.is_empty(), "{what}: empty message");
    for r in &d.related {
        check_span(text, r.span.start, r.span.end, &format!("{what} related"))?;
        prop_assert!(
            r.start.line >= 1 && r.start.column >= 1,
            "{what}: related {:?}",
            r.start
        );
        prop_assert_eq!(r.start.offset, r.span.start, "{}: related offset", &what);
    }
    Ok(())
}

/// Lints `source` with every format and rule set and checks the invariants.
fn check_source(source: &SourceFile) -> Result<(), TestCaseError> {
    let text = source.text();
    for format in Format::ALL {
        for rules in rule_sets() {
            let settings = Settings {
                rules,
                input_format: Some(format),
                ..Settings::default()
            };
            // Links and stated dates: inside their entry, on char boundaries.
            let doc = citelint::parse::parse(source, format, &settings.parse);
            for entry in &doc.entries {
                for link in &entry.links {
                    check_span(text, link.span.start, link.span.end, "link")?;
                    prop_assert!(!link.url.is_empty());
                }
            }
            for el in links::document_links(&doc, text, links::DEFAULT_ARCHIVE_HOSTS) {
                for date in [el.archive_date, el.access_date].into_iter().flatten() {
                    check_span(text, date.span.start, date.span.end, "stated date")?;
                }
                if let Some(note) = el.archived_note {
                    check_span(text, note.start, note.end, "archived note")?;
                }
            }
            let mut report = citelint::lint(source, &settings);
            prop_assert_eq!(report.format, format);
            for d in &report.diagnostics {
                check_diagnostic(text, d)?;
            }
            prop_assert!(
                report
                    .diagnostics
                    .windows(2)
                    .all(|w| w[0].span.start <= w[1].span.start),
                "diagnostics are sorted by position"
            );
            report.text = Some(text.into());
            let reports = [report];
            for output in OutputFormat::ALL {
                for graphics in [true, false] {
                    let options = RenderOptions {
                        graphics,
                        ..RenderOptions::default()
                    };
                    let mut out = Vec::new();
                    render::render(output, &reports, &options, &mut out)
                        .map_err(|e| TestCaseError::fail(format!("{output}: {e}")))?;
                    let out = String::from_utf8(out)
                        .map_err(|_| TestCaseError::fail(format!("{output}: not UTF-8")))?;
                    if matches!(
                        output,
                        OutputFormat::Json
                            | OutputFormat::Sarif
                            | OutputFormat::Gitlab
                            | OutputFormat::Rdjson
                    ) {
                        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&out);
                        prop_assert!(parsed.is_ok(), "invalid JSON ({output}): {out}");
                    }
                    if matches!(output, OutputFormat::Junit | OutputFormat::Checkstyle) {
                        let mut reader = quick_xml::Reader::from_str(&out);
                        loop {
                            match reader.read_event() {
                                Ok(quick_xml::events::Event::Eof) => break,
                                Ok(_) => {}
                                Err(e) => prop_assert!(false, "invalid XML ({output}): {e}: {out}"),
                            }
                        }
                    }
                    if output == OutputFormat::JsonLines {
                        for line in out.lines() {
                            let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
                            prop_assert!(parsed.is_ok(), "invalid JSON line: {line}");
                        }
                    }
                    if output != OutputFormat::Full {
                        break; // graphics only matter to the full format
                    }
                }
            }
        }
    }
    Ok(())
}

/// Pieces of text that exercise markers, lists, headings and encodings.
const TOKENS: &[&str] = &[
    "<!-- citelint-disable -->",
    "<!-- citelint-disable-next-line CIT001 -->",
    "<!-- citelint-enable CIT001 -->",
    "<!-- citelint-disable-line é, ALL -->",
    "<!--citelint-disable-file",
    "[",
    "]",
    "[1]",
    "[2]",
    "[3]",
    "[10]",
    "[99]",
    "[3–5]",
    "[5–3]",
    "[2, 5]",
    "[1,]",
    "[0]",
    "[a]",
    "[b]",
    "[^1]",
    "[^note]",
    "[note 1]",
    "[citation needed]",
    "[1990]",
    "[W]",
    "[]",
    "[1][2]",
    "[1][1]",
    "^",
    "^ ",
    " a b ",
    "a b c d e f g ",
    "aa ab ",
    "1.0 1.1 ",
    "  1. ^ ",
    "  2. ^ a b ",
    "  3. ^ ",
    "10. ^ ",
    "01. ^ ",
    "a. ^ ",
    "Jump up ^ ",
    "^ Jump up to: a b c ",
    "References",
    "References[edit]",
    "Notes",
    "See also",
    "Bibliography",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "  ",
    "\t",
    "\u{a0}",
    "\u{202f}",
    "é",
    "𝄞",
    "–",
    "—",
    ".",
    ",",
    ";",
    "Text",
    "word",
    "Smith, J. (2004). ",
    "ISBN 0-8147-1945-7",
    "ISBN 978-0-8147-1945-9",
    "doi:10.1000/182",
    "https://example.org/a/",
    "https://web.archive.org/web/20160603000000id_/http://x.org",
    "https://archive.ph/2016.06.03-123456/x.org",
    "www.",
    "://",
    "Archived from the original on ",
    "3 June 2016",
    "June 3, 2016",
    "Retrieved ",
    "|archive-url=",
    "|archive-date=",
    "<a href=\"https://x.org/?a=1&amp;b\">",
    "](https://x.org/(a))",
    "[http://x.org label]",
    "&#160;",
    "<li id=\"cite_note-1\">",
    "<ol class=\"references\">",
    "http://web.archive.org/web/2001/http://x.org",
    "\"A Quoted Title Of Some Length\"",
    "p. 12",
    "pp. 3–5",
    "<sup class=\"reference\">",
    "<a href=\"#cite_note-1\">",
    "</a></sup>",
    "<p>",
    "</p>",
    "<!DOCTYPE html>",
    "<ol>",
    "<li>",
    "](#cite_note-1)",
    "[^1]: ",
    "# References",
    "## Notes",
    "1. ",
    "Ã©",
    "â€“",
    "\u{FEFF}",
    "\u{FFFD}",
    "\u{200b}",
    "\u{301}",
];

fn token_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => select(TOKENS).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => (1u32..200).prop_map(|n| n.to_string()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

/// Invalid or awkward UTF-8: stray continuation and lead bytes, truncated
/// sequences, a surrogate, an overlong form, a BOM and NUL.
const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xe2\x80",
    b"\xf0\x9d\x84",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xc0\xaf",
];

fn byte_soup() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
        1 => select(BAD_BYTES).prop_map(<[u8]>::to_vec),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn arbitrary_strings_are_handled(text in any::<String>()) {
        check_source(&SourceFile::from_text("input.txt", text))?;
    }

    #[test]
    fn arbitrary_bytes_are_handled(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_source(&SourceFile::from_bytes("input.txt", &bytes))?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn citation_soup_is_handled(text in token_soup()) {
        check_source(&SourceFile::from_text("input.txt", text))?;
    }

    #[test]
    fn citation_byte_soup_is_handled(bytes in byte_soup()) {
        check_source(&SourceFile::from_bytes("input.txt", &bytes))?;
    }

    #[test]
    fn detection_picks_a_format_without_panicking(text in token_soup(), name in select(&[
        "a.txt", "a.md", "a.markdown", "a.html", "a.htm", "a.wiki", "a", "-", "a.TXT",
    ][..])) {
        let source = SourceFile::from_text(name, text);
        let report = citelint::lint(&source, &Settings::default());
        for d in &report.diagnostics {
            check_diagnostic(source.text(), d)?;
        }
    }
}

// ---------------------------------------------------------------------------
// Consistent articles have no findings.

const WORDS: &[&str] = &[
    "the", "river", "mill", "was", "built", "in", "town", "old", "bridge", "trade", "grew",
    "after", "harbour", "council", "records", "show", "that", "many", "families", "moved", "north",
    "during", "winter", "of", "and", "later", "years",
];
const SURNAMES: &[&str] = &[
    "Harlow",
    "Marsh",
    "Novak",
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Takeda",
    "Moreau",
    "Castell",
    "Iversen",
];
const HEADINGS: &[&str] = &[
    "",
    "References",
    "References[edit]",
    "Citations",
    "Notes",
    "Sources",
];

#[derive(Clone, Debug)]
struct Article {
    text: String,
    keys: usize,
    uses: usize,
}

/// A sentence: words, a punctuation mark, then a cluster of distinct keys.
fn sentence(n: usize) -> impl Strategy<Value = (Vec<&'static str>, &'static str, Vec<usize>)> {
    let keys: Vec<usize> = (1..=n).collect();
    (
        prop::collection::vec(select(WORDS), 1..10),
        select(&[".", ",", ";", ":", ""][..]),
        subsequence(keys, 1..=n.min(4)).prop_shuffle(),
    )
}

fn article() -> impl Strategy<Value = Article> {
    (2usize..=40)
        .prop_flat_map(|n| {
            (
                Just(n),
                prop::collection::vec(prop::collection::vec(sentence(n), 1..6), 1..8),
                0usize..40, // extra uses of key 1, to reach labels past `z`
                select(HEADINGS),
                any::<bool>(), // CRLF line ends
                any::<bool>(), // end with a newline
            )
        })
        .prop_map(|(n, paragraphs, extra, heading, crlf, final_newline)| {
            let mut uses = vec![0usize; n + 1];
            let mut body: Vec<String> = Vec::new();
            for paragraph in paragraphs {
                let mut line = String::new();
                for (words, punct, cluster) in paragraph {
                    let mut sentence = words.join(" ");
                    sentence[..1].make_ascii_uppercase();
                    line.push_str(&sentence);
                    line.push_str(punct);
                    for k in cluster {
                        uses[k] += 1;
                        line.push_str(&format!("[{k}]"));
                    }
                    line.push(' ');
                }
                body.push(line.trim_end().to_owned());
            }
            let mut line = String::new();
            for (k, count) in uses.iter_mut().enumerate().skip(1) {
                if *count == 0 {
                    *count = 1;
                    line.push_str(&format!("Another claim rests on it.[{k}] "));
                }
            }
            for _ in 0..extra {
                uses[1] += 1;
                line.push_str("The first source says so again.[1] ");
            }
            if !line.is_empty() {
                body.push(line.trim_end().to_owned());
            }

            let mut lines = Vec::new();
            lines.push("A generated article".to_owned());
            lines.push(String::new());
            for paragraph in body {
                lines.push(paragraph);
                lines.push(String::new());
            }
            if !heading.is_empty() {
                lines.push(heading.to_owned());
                lines.push(String::new());
            }
            for (k, &count) in uses.iter().enumerate().skip(1) {
                let labels: String = if count == 1 {
                    String::new()
                } else {
                    (0..count).map(|i| backlinks::label(i) + " ").collect()
                };
                let surname = SURNAMES[k % SURNAMES.len()];
                lines.push(format!(
                    "  {k}. ^ {labels}{surname}, Ann ({}). Collected local history, volume {k}. Riverside Press.",
                    1900 + k
                ));
            }
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(newline);
            if final_newline {
                text.push_str(newline);
            }
            Article {
                text,
                keys: n,
                uses: uses.iter().sum(),
            }
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn consistent_articles_have_no_errors_or_warnings(article in article()) {
        let source = SourceFile::from_text("article.txt", article.text.as_str());
        let report = citelint::lint(&source, &Settings::default());
        prop_assert_eq!(report.format, Format::WikipediaText);
        prop_assert_eq!(report.citations, article.uses);
        prop_assert_eq!(report.references, article.keys);
        let bad: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| format!("{}:{}: {} {}", d.start.line, d.start.column, d.code, d.message))
            .collect();
        prop_assert!(bad.is_empty(), "findings:\n{}\n--- article\n{}", bad.join("\n"), article.text);
    }
}
