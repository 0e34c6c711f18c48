use super::*;

fn archive(url: &str) -> Archive {
    match classify(url) {
        LinkKind::Archive(archive) => archive,
        LinkKind::Original => panic!("{url} should be an archive URL"),
    }
}

fn date(y: i16, m: i8, d: i8) -> Date {
    jiff::civil::date(y, m, d)
}

fn urls(text: &str) -> Vec<&str> {
    find_urls(text).map(|r| &text[r]).collect()
}

#[test]
fn bare_urls_end_where_the_markup_or_sentence_does() {
    assert_eq!(
        urls("See https://example.org/a. And (http://x.org/b_(c)), <https://y.org/>."),
        [
            "https://example.org/a",
            "http://x.org/b_(c)",
            "https://y.org/"
        ]
    );
    assert_eq!(
        urls("[https://example.org/p?q=1&r=2 label] |url=http://a.org/x}} ''http://b.org''"),
        [
            "https://example.org/p?q=1&r=2",
            "http://a.org/x",
            "http://b.org"
        ]
    );
    assert_eq!(
        urls("[t](https://ex.org/a_(b)) “https://q.org/z”"),
        ["https://ex.org/a_(b)", "https://q.org/z"]
    );
    assert_eq!(
        urls("visit www.example.org/page, or ftp://no.org"),
        ["www.example.org/page"]
    );
    assert_eq!(
        urls("no links: http:// and www. and awww.x"),
        Vec::<&str>::new()
    );
    assert_eq!(
        urls("https://web.archive.org/web/20160603000000/http://example.org/"),
        ["https://web.archive.org/web/20160603000000/http://example.org/"]
    );
    assert_eq!(
        urls("https://ru.wikipedia.org/wiki/Ходжалы next"),
        ["https://ru.wikipedia.org/wiki/Ходжалы"]
    );
}

#[test]
fn links_decode_entities_and_escapes_but_keep_spans_as_written() {
    let text = "x https://a.org/?p=1&amp;q=2 www.b.org/a\\_b";
    let links = links_in(text, Span::new(0, text.len()), Escapes::Markdown, &[]);
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].url, "https://a.org/?p=1&q=2");
    assert_eq!(&text[links[0].span.range()], "https://a.org/?p=1&amp;q=2");
    assert_eq!(links[1].url, "http://www.b.org/a_b");
    let masked = links_in(
        text,
        Span::new(0, text.len()),
        Escapes::None,
        &[Span::new(0, 5)],
    );
    assert_eq!(
        masked.len(),
        1,
        "a link starting in a masked range is skipped"
    );
    assert!(href_link("#cite_ref-1", Span::default()).is_none());
    assert!(href_link("/wiki/Khojaly", Span::default()).is_none());
    assert_eq!(
        href_link("//example.org/a", Span::default()).map(|l| l.url),
        Some("https://example.org/a".to_owned())
    );
}

#[test]
fn wayback_urls() {
    let a = archive("https://web.archive.org/web/20160603123456/http://example.org/a");
    assert_eq!(a.service, ArchiveService::Wayback);
    assert_eq!(a.timestamp.as_deref(), Some("20160603123456"));
    assert_eq!(a.flag, None);
    assert_eq!(a.original.as_deref(), Some("http://example.org/a"));
    assert_eq!(a.capture_date, Some(date(2016, 6, 3)));
    assert_eq!(a.wayback_problem(date(2024, 1, 1)), None);

    let id = archive("http://web.archive.org/web/20160603123456id_/https://example.org/a");
    assert_eq!(id.flag.as_deref(), Some("id_"));
    assert_eq!(id.original.as_deref(), Some("https://example.org/a"));
    assert_eq!(id.wayback_problem(date(2024, 1, 1)), None);

    let old = archive("https://web.archive.org/20160603123456/example.org/a");
    assert_eq!(old.wayback_path.as_deref(), Some(""));
    assert_eq!(old.original.as_deref(), Some("http://example.org/a"));
    assert_eq!(old.wayback_problem(date(2024, 1, 1)), None);

    let slash_lost = archive("https://web.archive.org/web/20160603123456/http:/example.org/a");
    assert_eq!(slash_lost.original.as_deref(), Some("http://example.org/a"));

    let path = archive("https://archive.org/web/20160603123456/http://example.org/");
    assert_eq!(path.service, ArchiveService::Wayback);
    assert_eq!(path.timestamp.as_deref(), Some("20160603123456"));
    assert_eq!(
        classify("https://archive.org/details/blackgarden00waal"),
        LinkKind::Original
    );
}

#[test]
fn wayback_problems_follow_cs1() {
    let today = date(2024, 1, 1);
    let problem = |url: &str| archive(url).wayback_problem(today);
    assert_eq!(
        problem("https://web.archive.org/save/http://example.org/"),
        Some(ArchiveProblem::Save)
    );
    assert_eq!(
        problem("https://web.archive.org/web/*/http://example.org/"),
        Some(ArchiveProblem::Wildcard)
    );
    assert_eq!(
        problem("https://web.archive.org/web/2016*/http://example.org/"),
        Some(ArchiveProblem::Wildcard)
    );
    assert_eq!(
        problem("https://web.archive.org/web/http://example.org/"),
        Some(ArchiveProblem::NoTimestamp)
    );
    assert_eq!(
        problem("https://web.archive.org/web/2016/http://example.org/"),
        Some(ArchiveProblem::TimestampLength(4))
    );
    assert_eq!(
        problem("https://web.archive.org/web/19950101000000/http://example.org/"),
        Some(ArchiveProblem::TooEarly(1995))
    );
    assert_eq!(
        problem("https://web.archive.org/web/20250101000000/http://example.org/"),
        Some(ArchiveProblem::Future(date(2025, 1, 1)))
    );
    assert_eq!(
        problem("https://web.archive.org/web/20161345000000/http://example.org/"),
        Some(ArchiveProblem::NotADate)
    );
    assert_eq!(
        problem("https://web.archive.org/web/20160603000000xx_/http://example.org/"),
        Some(ArchiveProblem::UnknownFlag("xx_".into()))
    );
    assert_eq!(
        problem("https://web.archive.org/20160603000000id_/http://example.org/"),
        Some(ArchiveProblem::FlagWithoutWebPath("id_".into()))
    );
    assert_eq!(
        problem("https://web.archive.org/foo/20160603000000/http://example.org/"),
        Some(ArchiveProblem::UnexpectedPath("foo".into()))
    );
    assert_eq!(
        problem("https://liveweb.archive.org/http://example.org/"),
        Some(ArchiveProblem::Liveweb)
    );
    // Only the Wayback Machine is held to the CS1 rules.
    assert_eq!(
        archive("https://archive.ph/AbC12").wayback_problem(today),
        None
    );
}

#[test]
fn archive_today_short_and_long_forms() {
    let short = archive("https://archive.ph/AbC12");
    assert_eq!(short.service, ArchiveService::ArchiveToday);
    assert_eq!(short.id.as_deref(), Some("AbC12"));
    assert_eq!((short.timestamp, short.original), (None, None));

    let long = archive("http://archive.is/2016.06.03-123456/http://example.org/a");
    assert_eq!(long.service, ArchiveService::ArchiveToday);
    assert_eq!(long.timestamp.as_deref(), Some("20160603123456"));
    assert_eq!(long.capture_date, Some(date(2016, 6, 3)));
    assert_eq!(long.original.as_deref(), Some("http://example.org/a"));

    let digits = archive("https://archive.today/20190101000000/https://example.org/");
    assert_eq!(digits.capture_date, Some(date(2019, 1, 1)));
    for mirror in ["li", "vn", "md", "fo"] {
        assert_eq!(
            archive(&format!(
                "https://archive.{mirror}/o/AbC12/http://example.org/"
            ))
            .original
            .as_deref(),
            Some("http://example.org/")
        );
    }
    assert_eq!(
        archive("https://archive.ph/newest/https://example.org/x")
            .original
            .as_deref(),
        Some("https://example.org/x")
    );
}

#[test]
fn webcite_ids_and_queries() {
    let id = archive("https://www.webcitation.org/5eWaHRbn4");
    assert_eq!(id.service, ArchiveService::WebCite);
    assert_eq!(id.id.as_deref(), Some("5eWaHRbn4"));
    assert_eq!(id.capture_date, Some(date(2009, 2, 12)));

    let long = archive("http://www.webcitation.org/5eWaHRbn4?url=http://www.example.com/");
    assert_eq!(long.original.as_deref(), Some("http://www.example.com/"));

    let query =
        archive("http://webcitation.org/query?url=http%3A%2F%2Fexample.org%2Fa&date=2009-11-04");
    assert_eq!(query.original.as_deref(), Some("http://example.org/a"));
    assert_eq!(query.capture_date, Some(date(2009, 11, 4)));
    assert_eq!(query.id, None);
    assert_eq!(
        webcite_id_date("5xyz"),
        None,
        "too short to be a snapshot id"
    );
}

#[test]
fn other_archives_and_configured_hosts() {
    let uk = archive(
        "https://webarchive.nationalarchives.gov.uk/ukgwa/20160603123456/https://www.gov.uk/x",
    );
    assert_eq!(
        uk.service,
        ArchiveService::Other("webarchive.nationalarchives.gov.uk".into())
    );
    assert_eq!(uk.timestamp.as_deref(), Some("20160603123456"));
    assert_eq!(uk.original.as_deref(), Some("https://www.gov.uk/x"));
    let perma = archive("https://perma.cc/ABCD-1234");
    assert_eq!(perma.id.as_deref(), Some("ABCD-1234"));
    let ghost = archive("https://ghostarchive.org/archive/AbCdE");
    assert_eq!(ghost.id.as_deref(), Some("archive/AbCdE"));

    // Hosts are configurable; a host not listed is an original.
    assert_eq!(
        classify_with("https://example.org/x", &["example.org"])
            .archive()
            .map(|a| a.host.as_str()),
        Some("example.org")
    );
    assert_eq!(
        classify_with("https://web.archive.org/web/2016/x", &["archive.ph"]),
        LinkKind::Original
    );
    assert_eq!(
        classify("https://notarchive.ph.example.com/x"),
        LinkKind::Original
    );
    assert_eq!(classify("https://myarchive.ph/x"), LinkKind::Original);
}

#[test]
fn normalisation_ignores_spelling_differences() {
    let same = [
        "http://example.org/a/b",
        "https://www.example.org/a/b/",
        "HTTPS://EXAMPLE.org:443/a/b#section",
        "http://example.org:80/%61/b",
    ];
    for url in same {
        assert_eq!(normalise(url), "example.org/a/b", "{url}");
    }
    assert_eq!(
        normalise("http://example.org/a%2fb?q=%7e"),
        "example.org/a%2Fb?q=~"
    );
    assert_eq!(normalise("http://example.org:8080/"), "example.org:8080");
    assert_ne!(
        normalise("http://example.org/A"),
        normalise("http://example.org/a")
    );
    assert_eq!(
        comparable("https://web.archive.org/web/20160603000000/http://www.example.org/a/"),
        "example.org/a"
    );
}

#[test]
fn dates_in_every_form() {
    for s in [
        "3 June 2016",
        "3 Jun 2016",
        "03 Jun. 2016",
        "June 3, 2016",
        "Jun 3 2016",
        "2016-06-03",
        "3\u{a0}June 2016",
    ] {
        assert_eq!(parse_date(s).map(|(d, _)| d), Some(date(2016, 6, 3)), "{s}");
    }
    assert_eq!(
        parse_date("3 June 2016. Retrieved").map(|(_, len)| len),
        Some(11)
    );
    assert_eq!(parse_date("31 February 2016"), None);
    assert_eq!(parse_date("2016-13-01"), None);
    assert_eq!(parse_date("June 2016"), None);
    assert_eq!(parse_date("3 Junebug 2016"), None);
}

fn dates_of(text: &str) -> Dates {
    stated_dates(text, Span::new(0, text.len()), false)
}

#[test]
fn stated_dates_in_prose_parameters_and_markup() {
    let text = "Title. Archived from the original on 3 June 2016. Retrieved 28 April 2014.";
    let d = dates_of(text);
    assert_eq!(d.archive.map(|s| s.date), Some(date(2016, 6, 3)));
    assert_eq!(&text[d.archive.unwrap().span.range()], "3 June 2016");
    assert_eq!(d.access.map(|s| s.date), Some(date(2014, 4, 28)));
    assert_eq!(
        &text[d.phrase.unwrap().range()],
        "Archived from the original"
    );

    let pdf = dates_of("Archived (PDF) from the original on June 3, 2016. Accessed on 2014-04-28.");
    assert_eq!(pdf.archive.map(|s| s.date), Some(date(2016, 6, 3)));
    assert_eq!(pdf.access.map(|s| s.date), Some(date(2014, 4, 28)));

    let template =
        "{{cite web |url=http://x.org |archivedate=2016-06-03 |access-date = 28 April 2014}}";
    let t = dates_of(template);
    assert_eq!(t.archive.map(|s| s.date), Some(date(2016, 6, 3)));
    assert_eq!(&template[t.access.unwrap().span.range()], "28 April 2014");
    assert_eq!(t.phrase, None);
    assert_eq!(
        dates_of("|archive-date=3 Jun 2016").archive.map(|s| s.date),
        Some(date(2016, 6, 3))
    );
    assert_eq!(
        dates_of("|accessdate=June 3, 2016").access.map(|s| s.date),
        Some(date(2016, 6, 3))
    );

    let webarchive = dates_of("Archived 3 June 2016 at the Wayback Machine");
    assert_eq!(webarchive.archive.map(|s| s.date), Some(date(2016, 6, 3)));
    assert!(webarchive.phrase.is_some());
    assert_eq!(dates_of("Archived 3 June 2016 papers.").archive, None);

    let html = r#"<a href="https://web.archive.org/">Archived</a> from <a href="http://x.org">the original</a> on 3&nbsp;June 2016<span class="reference-accessdate">. Retrieved <span class="nowrap">28 April</span> 2014</span>"#;
    let h = dates_of(html);
    assert_eq!(h.archive.map(|s| s.date), Some(date(2016, 6, 3)));
    assert_eq!(&html[h.archive.unwrap().span.range()], "3&nbsp;June 2016");
    assert_eq!(h.access.map(|s| s.date), Some(date(2014, 4, 28)));
    assert_eq!(
        &html[h.access.unwrap().span.range()],
        r#"28 April</span> 2014"#
    );
    assert!(h.phrase.is_some());

    assert_eq!(dates_of("Smith (2004). Black Garden."), Dates::default());
}

#[test]
fn days_between_counts_whole_days() {
    assert_eq!(days_between(date(2016, 6, 3), date(2016, 6, 4)), 1);
    assert_eq!(days_between(date(2016, 6, 4), date(2016, 6, 3)), -1);
    assert_eq!(days_between(date(2016, 6, 3), date(2017, 6, 3)), 365);
}

#[test]
fn ipv6_literal_hosts() {
    assert_eq!(
        urls("At http://[::ffff:127.0.0.1]:8741/ok and http://[2001:db8::1]/p. Not http://[zz]/x"),
        [
            "http://[::ffff:127.0.0.1]:8741/ok",
            "http://[2001:db8::1]/p"
        ]
    );
}

#[test]
fn wayback_original_encoded_whole() {
    let capture = archive("https://web.archive.org/web/20160603000000/https%3A%2F%2Fx.org%2Fd");
    assert_eq!(capture.original.as_deref(), Some("https://x.org/d"));
    assert_eq!(
        comparable("https://web.archive.org/web/20160603000000/https%3A%2F%2Fx.org%2Fd"),
        comparable("https://x.org/d")
    );
}

#[test]
fn hosts_within_domains() {
    assert!(host_within("web.archive.org", "archive.org"));
    assert!(host_within("ARCHIVE.org", "archive.org"));
    assert!(!host_within("xarchive.org", "archive.org"));
    assert!(!host_within("org", "archive.org"));
}

#[test]
fn impossible_dates_are_kept_apart() {
    assert_eq!(parse_date("31 February 2016"), None);
    assert!(date_shape("31 February 2016").is_some());
    assert!(date_shape("2016-13-01").is_some());
    assert!(date_shape("June 31, 2016").is_some());
    assert_eq!(date_shape("the 3rd of June"), None);
    let text = "Archived from the original on 31 February 2016. Retrieved 2016-13-01.";
    let dates = stated_dates(text, Span::new(0, text.len()), false);
    let invalid: Vec<_> = dates
        .invalid
        .iter()
        .map(|d| (&text[d.span.range()], d.access))
        .collect();
    assert_eq!(invalid, [("31 February 2016", false), ("2016-13-01", true)]);
    assert_eq!((dates.archive, dates.access), (None, None));
}

#[test]
fn a_pipe_ends_urls_only_in_wikitext() {
    let text = "Font https://fonts.example.com/css?family=A|B here";
    let plain = links_in(text, Span::new(0, text.len()), Escapes::None, &[]);
    assert_eq!(plain[0].url, "https://fonts.example.com/css?family=A|B");
    let wiki = "{{cite web|url=https://a.example.org/x|title=T}}";
    let links = links_in(wiki, Span::new(0, wiki.len()), Escapes::Entities, &[]);
    assert_eq!(links[0].url, "https://a.example.org/x");
}
