//! Link extraction in every input format: `fixtures/links/` holds one
//! fixture per family; each test lists what every entry yields — the URL,
//! the text its span covers, its kind (with timestamp and wrapped original
//! for archives) and the stated archive and access dates.

use citelint::links::{self, DEFAULT_ARCHIVE_HOSTS, LinkKind};
use citelint::parse::{self, ParseOptions};
use citelint::{Format, SourceFile};

fn describe(name: &str, format: Format) -> Vec<String> {
    let path = format!("{}/fixtures/links/{name}", env!("CARGO_MANIFEST_DIR"));
    let source = SourceFile::from_bytes(name, &std::fs::read(&path).expect("fixture"));
    let text = source.text();
    let doc = parse::parse(&source, format, &ParseOptions::default());
    let mut lines = Vec::new();
    for el in links::document_links(&doc, text, DEFAULT_ARCHIVE_HOSTS) {
        let key = &doc.entries[el.entry].key;
        for link in &el.links {
            let written = &text[link.span.range()];
            let kind = match &link.kind {
                LinkKind::Original => "original".to_owned(),
                LinkKind::Archive(a) => format!(
                    "archive {} ts={} flag={} id={} of={} on={}",
                    a.service.name(),
                    a.timestamp.as_deref().unwrap_or("-"),
                    a.flag.as_deref().unwrap_or("-"),
                    a.id.as_deref().unwrap_or("-"),
                    a.original.as_deref().unwrap_or("-"),
                    a.capture_date.map_or("-".to_owned(), |d| d.to_string()),
                ),
            };
            if written == link.url {
                lines.push(format!("{key}: {written} {kind}"));
            } else {
                lines.push(format!("{key}: {written} => {} {kind}", link.url));
            }
        }
        for (what, date) in [("archived", el.archive_date), ("accessed", el.access_date)] {
            if let Some(date) = date {
                let written = text[date.span.range()].replace('\n', " ");
                lines.push(format!("{key}: {what} {} ({written})", date.date));
            }
        }
    }
    lines
}

#[test]
fn wikipedia_text_bare_urls_and_prose_dates() {
    assert_eq!(
        describe("wikipedia-text.txt", Format::WikipediaText),
        [
            "1: https://example.org/airport?id=1&lang=en original",
            "1: https://web.archive.org/web/20160603123456/https://example.org/airport?id=1&lang=en archive the Wayback Machine ts=20160603123456 flag=- id=- of=https://example.org/airport?id=1&lang=en on=2016-06-03",
            "1: archived 2016-06-03 (3 June 2016)",
            "1: accessed 2014-04-28 (28 April 2014)",
            "2: www.example.net/report => http://www.example.net/report original",
            "2: https://archive.ph/AbC12 archive archive.today ts=- flag=- id=AbC12 of=- on=-",
            "2: archived 2016-06-04 (4 June 2016)",
            "2: accessed 2016-06-05 (June 5, 2016)",
            // Entry 3 has no link, so its access date dates nothing and is
            // not read.
        ]
    );
}

#[test]
fn markdown_links_autolinks_escapes_and_code() {
    assert_eq!(
        describe("markdown.md", Format::Markdown),
        [
            "airport: https://example.org/airport_(old) original",
            "airport: https://web.archive.org/web/20160603123456id_/https://example.org/airport_(old) archive the Wayback Machine ts=20160603123456 flag=id_ id=- of=https://example.org/airport_(old) on=2016-06-03",
            "airport: archived 2016-06-03 (3 June 2016)",
            "airport: accessed 2014-04-28 (28 April 2014)",
            "shelling: https://example.net/shelling?a=1&amp;b=2 => https://example.net/shelling?a=1&b=2 original",
            "shelling: https://example.net/a\\_b => https://example.net/a_b original",
            "census: https://stats.example.org/census original",
            "census: archived 2016-06-03 (June 3, 2016)",
        ]
    );
}

#[test]
fn html_hrefs_without_backlinks_or_site_links() {
    assert_eq!(
        describe("html.html", Format::Html),
        [
            "1: https://web.archive.org/web/20160603123456/http://example.org/airport?id=1&amp;lang=en => https://web.archive.org/web/20160603123456/http://example.org/airport?id=1&lang=en archive the Wayback Machine ts=20160603123456 flag=- id=- of=http://example.org/airport?id=1&lang=en on=2016-06-03",
            "1: http://example.org/airport?id=1&amp;lang=en => http://example.org/airport?id=1&lang=en original",
            "1: archived 2016-06-03 (3&#160;June 2016)",
            "1: accessed 2014-04-28 (28 April</span> 2014)",
            "2: //example.net/report => https://example.net/report original",
        ]
    );
}

#[test]
fn wikitext_parameters_external_links_and_comments() {
    assert_eq!(
        describe("wikitext.wiki", Format::Wikitext),
        [
            "airport: https://example.org/airport?id=1&amp;lang=en => https://example.org/airport?id=1&lang=en original",
            "airport: https://web.archive.org/web/20160603123456/https://example.org/airport?id=1&amp;lang=en => https://web.archive.org/web/20160603123456/https://example.org/airport?id=1&lang=en archive the Wayback Machine ts=20160603123456 flag=- id=- of=https://example.org/airport?id=1&lang=en on=2016-06-03",
            "airport: archived 2016-06-03 (3 June 2016)",
            "airport: accessed 2014-04-28 (28 April 2014)",
            "2: http://example.net/book/ch1 original",
            "2: accessed 2016-06-03 (June 3, 2016)",
            "3: http://stats.example.org/census original",
            "3: http://stats.example.org/2000 original",
        ]
    );
}

#[test]
fn paper_urls_and_ieee_access_dates() {
    assert_eq!(
        describe("paper.txt", Format::Paper),
        [
            "1: https://example.org/papers/link-rot.pdf original",
            "1: accessed 2016-06-03 (Jun. 3, 2016)",
            "2: http://www.webcitation.org/5eWaHRbn4?url=http://example.org/archives archive WebCite ts=- flag=- id=5eWaHRbn4 of=http://example.org/archives on=2009-02-12",
        ]
    );
}

/// Every link's span covers the URL as written: decoding entities and
/// escapes (and adding `http://` to `www.`) is the only difference.
#[test]
fn spans_cover_the_url_as_written() {
    for (name, format) in [
        ("wikipedia-text.txt", Format::WikipediaText),
        ("markdown.md", Format::Markdown),
        ("html.html", Format::Html),
        ("wikitext.wiki", Format::Wikitext),
        ("paper.txt", Format::Paper),
    ] {
        let path = format!("{}/fixtures/links/{name}", env!("CARGO_MANIFEST_DIR"));
        let source = SourceFile::from_bytes(name, &std::fs::read(&path).expect("fixture"));
        let doc = parse::parse(&source, format, &ParseOptions::default());
        let mut count = 0;
        for entry in &doc.entries {
            for link in &entry.links {
                count += 1;
                let written = &source.text()[link.span.range()];
                let decoded = links::decode(written, links::Escapes::Markdown);
                let decoded = decoded.trim_start_matches("//");
                assert!(
                    link.url.ends_with(decoded),
                    "{name}: {written:?} is not {:?}",
                    link.url
                );
                assert!(entry.span.start <= link.span.start && link.span.end <= entry.span.end);
            }
        }
        assert!(count >= 2, "{name}: {count} links");
    }
}
