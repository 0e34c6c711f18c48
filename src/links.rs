//! Reference links, offline: the URLs an entry gives, what each one is (the
//! original source, or an archived copy of it), and the dates the entry
//! states for them.
//!
//! Parsers fill [`Entry::links`](crate::model::Entry::links) with every URL
//! written in an entry and the byte span where it is written. This module
//! reads them:
//!
//! - [`classify`] tells an original from an archive URL and takes an archive
//!   URL apart: its service ([`ArchiveService`]), capture timestamp, Wayback
//!   flag and the original it wraps;
//! - [`normalise`] makes two spellings of one address compare equal;
//! - [`parse_date`] reads `3 June 2016`, `3 Jun 2016`, `June 3, 2016` and
//!   `2016-06-03`;
//! - [`entry_links`] (one entry) and [`document_links`] (every entry) put it
//!   together: each link classified, and the entry's stated archive and
//!   access dates ("Archived from the original on 3 June 2016", "Retrieved
//!   28 April 2014", `|archive-date=`, `|access-date=`) with their spans.
//!
//! The offline rules (`archive-date-mismatch`, `malformed-archive-url`,
//! `archive-target-mismatch`, `archived-without-link`) and the online pass
//! both work from [`EntryLinks`].
//!
//! ```
//! use citelint::links::{self, ArchiveService, LinkKind};
//!
//! let LinkKind::Archive(archive) =
//!     links::classify("https://web.archive.org/web/20160603123456id_/http://example.org/a")
//! else {
//!     panic!("a Wayback URL is an archive");
//! };
//! assert_eq!(archive.service, ArchiveService::Wayback);
//! assert_eq!(archive.timestamp.as_deref(), Some("20160603123456"));
//! assert_eq!(archive.flag.as_deref(), Some("id_"));
//! assert_eq!(archive.original.as_deref(), Some("http://example.org/a"));
//! assert_eq!(archive.capture_date, Some(jiff::civil::date(2016, 6, 3)));
//! assert_eq!(links::normalise("HTTPS://www.Example.org:443/a/#top"), "example.org/a");
//! ```

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use jiff::civil::Date;
use memchr::memmem;
use regex::Regex;

use crate::model::{Document, EntryId, Link};
use crate::source::Span;

// ---------------------------------------------------------------------------
// Finding URLs in text
// ---------------------------------------------------------------------------

/// How the input writes characters inside a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escapes {
    /// Plain text: the URL is exactly what is written.
    None,
    /// HTML and wikitext: character references such as `&amp;`.
    Entities,
    /// Markdown: character references and backslash escapes (`\_`).
    Markdown,
}

static SCHEME_FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("://"));
static WWW_FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("www."));

/// Byte ranges of the web addresses written in `text`: `http://…`,
/// `https://…` and `www.…`, without trailing punctuation, an unbalanced
/// closing parenthesis or the markup that ends them (`]`, `|`, `}`, `<`,
/// quotes, white space).
///
/// Text with neither `://` nor `www.` costs two byte searches.
pub fn find_urls(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    find_urls_in(text, true)
}

/// [`find_urls`], saying whether `|` ends a URL: it does in wikitext, where
/// it separates template parameters, and is part of the URL elsewhere
/// (`css?family=A|B`).
pub fn find_urls_in(text: &str, pipe_ends: bool) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut next_scheme = SCHEME_FINDER.find(bytes);
    let mut next_www = WWW_FINDER.find(bytes);
    std::iter::from_fn(move || {
        loop {
            if next_scheme.is_some_and(|i| i < at) {
                next_scheme = SCHEME_FINDER.find(&bytes[at..]).map(|i| at + i);
            }
            if next_www.is_some_and(|i| i < at) {
                next_www = WWW_FINDER.find(&bytes[at..]).map(|i| at + i);
            }
            let (found_at, candidate) = match (next_scheme, next_www) {
                (None, None) => return None,
                (Some(s), Some(w)) if w < s => (w, url_at_www(text, w)),
                (Some(s), _) => (s, url_at_scheme(text, s)),
                (None, Some(w)) => (w, url_at_www(text, w)),
            };
            if let Some((start, host)) = candidate {
                let end = url_end(text, host, pipe_ends);
                if end > host {
                    at = end;
                    return Some(start..end);
                }
            }
            at = found_at + 1;
        }
    })
}

/// A URL whose `://` is at `i`: its start and where its host starts.
fn url_at_scheme(text: &str, i: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut s = i;
    while s > 0 && i - s < 5 && bytes[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    let scheme = &text[s..i];
    let boundary = s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
    (boundary && (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")))
        .then_some((s, i + 3))
}

/// A URL starting `www.` at `i`, when it is not part of a longer word or URL.
fn url_at_www(text: &str, i: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let standalone = i == 0
        || !(bytes[i - 1].is_ascii_alphanumeric()
            || matches!(bytes[i - 1], b'.' | b'/' | b'-' | b'@'));
    let host_follows = bytes.get(i + 4).is_some_and(u8::is_ascii_alphanumeric);
    (standalone && host_follows).then_some((i, i))
}

/// Where a URL whose host starts at `from` ends.
fn url_end(text: &str, from: usize, pipe_ends: bool) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    // An IPv6 literal host: `http://[::1]:8080/`.
    if bytes.get(from) == Some(&b'[') {
        let literal = bytes[from + 1..]
            .iter()
            .take(48)
            .position(|&b| !(b.is_ascii_hexdigit() || matches!(b, b':' | b'.')));
        match literal {
            Some(len) if len > 0 && bytes.get(from + 1 + len) == Some(&b']') => {
                i = from + len + 2;
            }
            _ => return from,
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            match b {
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => break,
                b'|' if pipe_ends => break,
                b'<' | b'>' | b'"' | b'`' | b'{' | b'}' | b'[' | b']' => break,
                _ if b.is_ascii_whitespace() || b.is_ascii_control() => break,
                _ => {}
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().expect("at a char boundary");
            if c.is_whitespace()
                || matches!(c, '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '\u{feff}')
            {
                break;
            }
            i += c.len_utf8();
        }
    }
    // Sentence punctuation after a URL is not part of it.
    let trimmed = text[from..i].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*']);
    from + trimmed.len()
}

/// The links in `region` of `text`, skipping any that start inside one of
/// `masked` (sorted, non-overlapping spans: comments, code). For parsers.
pub fn links_in(text: &str, region: Span, escapes: Escapes, masked: &[Span]) -> Vec<Link> {
    let slice = &text[region.range()];
    // Only wikitext (the format with entities and no Markdown escapes)
    // separates template parameters with `|`.
    find_urls_in(slice, escapes == Escapes::Entities)
        .map(|range| Span::new(region.start + range.start, region.start + range.end))
        .filter(|span| {
            let i = masked.partition_point(|m| m.end <= span.start);
            masked.get(i).is_none_or(|m| m.start > span.start)
        })
        .map(|span| Link {
            url: absolute(decode(&text[span.range()], escapes)),
            span,
        })
        .collect()
}

/// A link read from an HTML `href` (already decoded by the tokenizer) at
/// `span`, when it leads off the page: `http(s)://…` or `//…`. In-page
/// anchors and site-relative links give `None`.
pub fn href_link(href: &str, span: Span) -> Option<Link> {
    let href = href.trim();
    let url = if href.starts_with("//") {
        format!("https:{href}")
    } else {
        let (scheme, rest) = href.split_once("://")?;
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
            || rest.is_empty()
        {
            return None;
        }
        href.to_owned()
    };
    Some(Link { url, span })
}

fn absolute(url: Cow<'_, str>) -> String {
    if url.len() >= 4 && url[..4].eq_ignore_ascii_case("www.") {
        format!("http://{url}")
    } else {
        url.into_owned()
    }
}

/// Decodes character references (`&amp;`, `&#38;`, `&#x26;`) and, for
/// Markdown, backslash escapes.
pub fn decode(written: &str, escapes: Escapes) -> Cow<'_, str> {
    let special: &[char] = match escapes {
        Escapes::None => return Cow::Borrowed(written),
        Escapes::Entities => &['&'],
        Escapes::Markdown => &['&', '\\'],
    };
    if !written.contains(special) {
        return Cow::Borrowed(written);
    }
    let mut out = String::with_capacity(written.len());
    let mut rest = written;
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix('\\') {
            match after.chars().next() {
                Some(c) if c.is_ascii_punctuation() => {
                    out.push(c);
                    rest = &after[1..];
                }
                _ => {
                    out.push('\\');
                    rest = after;
                }
            }
            continue;
        }
        match entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference at the start of `s` stands for, and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(..12.min(s.len()))?.find(';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(value)?
        }
    };
    Some((c, end + 1))
}

// ---------------------------------------------------------------------------
// Classifying URLs
// ---------------------------------------------------------------------------

/// The archive hosts recognised unless configured otherwise
/// (`RuleOptions::archive_hosts`). An entry is a host (which also covers its
/// subdomains) or a host and a path prefix (`archive.org/web`).
pub const DEFAULT_ARCHIVE_HOSTS: &[&str] = &[
    // The Internet Archive's Wayback Machine.
    "web.archive.org",
    "wayback.archive.org",
    "liveweb.archive.org",
    "archive.org/web",
    // archive.today and its mirrors.
    "archive.today",
    "archive.ph",
    "archive.is",
    "archive.li",
    "archive.vn",
    "archive.md",
    "archive.fo",
    // WebCite.
    "webcitation.org",
    // Other public web archives.
    "ghostarchive.org",
    "perma.cc",
    "webarchive.nationalarchives.gov.uk",
    "arquivo.pt",
    "webarchive.loc.gov",
    "wayback.archive-it.org",
    "webarchive.org.uk",
    "archive.wikiwix.com",
    "vefsafn.is",
];

/// [`DEFAULT_ARCHIVE_HOSTS`] as owned strings.
pub fn default_archive_hosts() -> Vec<String> {
    DEFAULT_ARCHIVE_HOSTS
        .iter()
        .map(|&h| h.to_owned())
        .collect()
}

/// The Wayback flags that select how a capture is replayed: `id_` (the page
/// as captured), `if_` (in a frame), `im_`, `js_`, `cs_` (images, scripts,
/// styles), `oe_` (embeds), `fw_` (frames), `mp_` (without the banner).
pub const WAYBACK_FLAGS: &[&str] = &["id_", "if_", "im_", "js_", "cs_", "oe_", "fw_", "mp_"];

/// The archiving service behind an archive URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArchiveService {
    /// The Internet Archive's Wayback Machine (`web.archive.org`).
    Wayback,
    /// archive.today and its mirrors (`archive.ph`, `.is`, `.li`, `.vn`, `.md`, `.fo`).
    ArchiveToday,
    /// WebCite (`webcitation.org`).
    WebCite,
    /// Another configured archive host, named by its host.
    Other(String),
}

impl ArchiveService {
    /// The service's name for messages: `the Wayback Machine`, `archive.today`…
    pub fn name(&self) -> &str {
        match self {
            ArchiveService::Wayback => "the Wayback Machine",
            ArchiveService::ArchiveToday => "archive.today",
            ArchiveService::WebCite => "WebCite",
            ArchiveService::Other(host) => host,
        }
    }
}

/// What an archive URL says about the capture it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    /// Who keeps the copy.
    pub service: ArchiveService,
    /// The URL's host, lowercased (`web.archive.org`).
    pub host: String,
    /// The capture timestamp as written, digits only (`20160603123456`;
    /// archive.today's `2016.06.03-123456` gives the same). Fourteen digits
    /// when well formed; Wayback URLs may carry fewer.
    pub timestamp: Option<String>,
    /// What follows the Wayback timestamp: a replay flag such as `id_`, or
    /// `*` for a list of captures.
    pub flag: Option<String>,
    /// For Wayback URLs, the path before the timestamp: `web` normally,
    /// `save` for a request to capture, empty for the old form without it.
    pub wayback_path: Option<String>,
    /// The short id of the capture (`archive.ph/AbC12`, WebCite's
    /// `5eWaHRbn4`, `perma.cc/ABCD-1234`).
    pub id: Option<String>,
    /// The original URL the archive wraps, when the archive URL contains
    /// it (a scheme added when missing).
    pub original: Option<String>,
    /// The day of the capture, from the timestamp (at least eight digits),
    /// a WebCite id or its `date=` parameter.
    pub capture_date: Option<Date>,
}

/// Whether a URL is an original source or an archived copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// The source itself.
    Original,
    /// An archived copy.
    Archive(Archive),
}

impl LinkKind {
    /// The archive, when this is one.
    pub fn archive(&self) -> Option<&Archive> {
        match self {
            LinkKind::Original => None,
            LinkKind::Archive(archive) => Some(archive),
        }
    }
}

/// A URL split into the parts classification needs.
struct Parts<'u> {
    host: String,
    port: Option<&'u str>,
    /// From the first `/` after the host (may be empty), fragment included.
    rest: &'u str,
}

fn split(url: &str) -> Option<Parts<'_>> {
    let url = url.trim();
    let after = match url.split_once("://") {
        Some((scheme, rest))
            if scheme.len() <= 5 && scheme.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => url.strip_prefix("//").unwrap_or(url),
    };
    let authority_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..authority_end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        _ => (authority, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(Parts {
        host: host.to_ascii_lowercase(),
        port,
        rest: &after[authority_end..],
    })
}

/// Whether `host` is `domain` or one of its subdomains (`www.a.org` is
/// within `a.org`; `xa.org` is not). Case-insensitive.
pub fn host_within(host: &str, domain: &str) -> bool {
    host.eq_ignore_ascii_case(domain)
        || (host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain))
}

/// Classifies `url` with the [`DEFAULT_ARCHIVE_HOSTS`].
pub fn classify(url: &str) -> LinkKind {
    classify_with(url, DEFAULT_ARCHIVE_HOSTS)
}

/// Classifies `url`: an original, or an archive URL of one of
/// `archive_hosts` (see [`DEFAULT_ARCHIVE_HOSTS`] for the form of an entry)
/// taken apart.
pub fn classify_with<H: AsRef<str>>(url: &str, archive_hosts: &[H]) -> LinkKind {
    let Some(parts) = split(url) else {
        return LinkKind::Original;
    };
    let host = parts.host.strip_prefix("www.").unwrap_or(&parts.host);
    // Compared in place: lowercasing each entry per URL cost an allocation
    // per host per link.
    let matched = archive_hosts.iter().find_map(|entry| {
        let entry = entry.as_ref().trim().trim_end_matches('/');
        let (entry_host, entry_path) = entry.split_once('/').unwrap_or((entry, ""));
        if !host_within(host, entry_host) {
            return None;
        }
        if entry_path.is_empty() {
            return Some((entry_host, 0));
        }
        let path = parts.rest.strip_prefix('/')?;
        // The entry's path, lowercased, must start the URL's path.
        let prefix = path.as_bytes().get(..entry_path.len())?;
        if !prefix
            .iter()
            .zip(entry_path.bytes())
            .all(|(&p, e)| p == e.to_ascii_lowercase())
        {
            return None;
        }
        let after = &path[entry_path.len()..];
        (after.is_empty() || after.starts_with('/')).then_some((entry_host, 1 + entry_path.len()))
    });
    let Some((entry_host, path_skip)) = matched else {
        return LinkKind::Original;
    };
    let entry_host = entry_host.to_ascii_lowercase();
    let rest = &parts.rest[path_skip..];
    let archive = match entry_host.as_str() {
        "web.archive.org" | "wayback.archive.org" | "liveweb.archive.org" | "archive.org" => {
            wayback(&parts.host, rest, path_skip > 0)
        }
        "archive.today" | "archive.ph" | "archive.is" | "archive.li" | "archive.vn"
        | "archive.md" | "archive.fo" => archive_today(&parts.host, rest),
        "webcitation.org" => webcite(&parts.host, rest),
        _ => other(&parts.host, rest),
    };
    LinkKind::Archive(archive)
}

fn empty_archive(service: ArchiveService, host: &str) -> Archive {
    Archive {
        service,
        host: host.to_owned(),
        timestamp: None,
        flag: None,
        wayback_path: None,
        id: None,
        original: None,
        capture_date: None,
    }
}

/// `http:/example.org` (a slash lost on the way) and `example.org` become
/// `http://example.org`.
fn repair_original(original: &str) -> Option<String> {
    let original = original.trim();
    if original.is_empty() {
        return None;
    }
    // `/web/2016…/https%3A%2F%2Fx.org%2Fd`: an original encoded whole.
    let lower = original.get(..8).unwrap_or(original).to_ascii_lowercase();
    if lower.starts_with("http%3a") || lower.starts_with("https%3a") {
        return repair_original(&percent_decode(original));
    }
    if let Some((scheme, rest)) = original.split_once(':')
        && (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
    {
        let rest = rest.trim_start_matches('/');
        return (!rest.is_empty()).then(|| format!("{}://{rest}", scheme.to_ascii_lowercase()));
    }
    let host_end = original.find('/').unwrap_or(original.len());
    original[..host_end]
        .contains('.')
        .then(|| format!("http://{original}"))
}

/// The day a timestamp of at least eight digits names.
pub fn timestamp_date(timestamp: &str) -> Option<Date> {
    if timestamp.len() < 8 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = timestamp[..4].parse().ok()?;
    let month = timestamp[4..6].parse().ok()?;
    let day = timestamp[6..8].parse().ok()?;
    Date::new(year, month, day).ok()
}

/// `/web/20160603123456id_/http://…`, `/web/*/…`, `/save/…`, `/2016…/…`.
fn wayback(host: &str, rest: &str, under_web: bool) -> Archive {
    let mut archive = empty_archive(ArchiveService::Wayback, host);
    let path = rest.strip_prefix('/').unwrap_or(rest);
    let (prefix, after) = if under_web {
        ("web", path)
    } else {
        // CS1: the path up to the first digit (or `*`) is `web/`, `save/` or nothing.
        let cut = path
            .find(|c: char| c.is_ascii_digit() || c == '*')
            .filter(|&i| i == 0 || path[..i].ends_with('/'))
            .unwrap_or(0);
        let prefix = path[..cut].trim_end_matches('/');
        if prefix.is_empty() && path.starts_with("save/") {
            ("save", &path[5..])
        } else if prefix.is_empty() && path.starts_with("web/") {
            ("web", &path[4..])
        } else {
            (prefix, &path[cut..])
        }
    };
    archive.wayback_path = Some(prefix.to_owned());
    let (segment, tail) = after.split_once('/').unwrap_or((after, ""));
    let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 || segment.starts_with('*') {
        archive.timestamp = (digits > 0).then(|| segment[..digits].to_owned());
        let flag = &segment[digits..];
        archive.flag = (!flag.is_empty()).then(|| flag.to_owned());
        archive.original = repair_original(tail);
    } else {
        // No timestamp: the rest is the original (`/web/http://…`).
        archive.original = repair_original(after);
    }
    archive.capture_date = archive.timestamp.as_deref().and_then(timestamp_date);
    archive
}

/// `archive.ph/AbC12`, `archive.ph/2016.06.03-123456/http://…`,
/// `archive.ph/20160603123456/http://…`, `archive.ph/newest/http://…`,
/// `archive.ph/o/AbC12/http://…`, `archive.ph/http://…`.
fn archive_today(host: &str, rest: &str) -> Archive {
    let mut archive = empty_archive(ArchiveService::ArchiveToday, host);
    let path = rest.strip_prefix('/').unwrap_or(rest);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let (segment, tail) = path.split_once('/').unwrap_or((path, ""));
    let digits: String = segment.chars().filter(char::is_ascii_digit).collect();
    let timestamp_like = !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && digits.len() >= 8;
    if timestamp_like {
        archive.capture_date = timestamp_date(&digits);
        archive.timestamp = Some(digits);
        archive.original = repair_original(tail);
    } else if matches!(segment, "newest" | "oldest" | "timegate" | "timemap") {
        archive.original = repair_original(tail);
    } else if segment == "o" {
        let (id, tail) = tail.split_once('/').unwrap_or((tail, ""));
        archive.id = Some(id.to_owned()).filter(|id| !id.is_empty());
        archive.original = repair_original(tail);
    } else if segment.eq_ignore_ascii_case("http:") || segment.eq_ignore_ascii_case("https:") {
        archive.original = repair_original(path);
    } else if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
        archive.id = Some(segment.to_owned());
    }
    archive
}

/// `webcitation.org/5eWaHRbn4`, `…/5eWaHRbn4?url=http://…`,
/// `…/query?url=http://…&date=2009-11-04`.
fn webcite(host: &str, rest: &str) -> Archive {
    let mut archive = empty_archive(ArchiveService::WebCite, host);
    let path = rest.strip_prefix('/').unwrap_or(rest);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.trim_end_matches('/');
    let query = query.split('#').next().unwrap_or("");
    for (name, value) in query.split('&').filter_map(|p| p.split_once('=')) {
        match name {
            "url" => archive.original = repair_original(&percent_decode(value)),
            "date" => archive.capture_date = parse_date(value).map(|(d, _)| d),
            "id" if archive.id.is_none() => archive.id = Some(value.to_owned()),
            _ => {}
        }
    }
    if !matches!(
        path,
        "" | "query" | "getfile" | "mainframe.php" | "topframe.php"
    ) {
        archive.id = Some(path.to_owned());
    }
    if archive.capture_date.is_none() {
        archive.capture_date = archive.id.as_deref().and_then(webcite_id_date);
    }
    archive
}

/// A WebCite snapshot id is the capture time in microseconds since 1970,
/// written in base 62 (`0-9A-Za-z`): `5eWaHRbn4` is 12 February 2009.
pub fn webcite_id_date(id: &str) -> Option<Date> {
    if !(8..=10).contains(&id.len()) {
        return None;
    }
    let mut micros: i64 = 0;
    for b in id.bytes() {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        micros = micros.checked_mul(62)?.checked_add(i64::from(digit))?;
    }
    let timestamp = jiff::Timestamp::from_microsecond(micros).ok()?;
    let date = jiff::tz::Offset::UTC.to_datetime(timestamp).date();
    // WebCite captured from 1998 to 2019.
    (1997..=2020).contains(&date.year()).then_some(date)
}

/// Any other archive: a Wayback-style `/<timestamp>[flag]/<original>` anywhere
/// in the path (the UK Government Web Archive, arquivo.pt, the Library of
/// Congress, Archive-It…), else a short id (`perma.cc/ABCD-1234`).
fn other(host: &str, rest: &str) -> Archive {
    let mut archive = empty_archive(ArchiveService::Other(host.to_owned()), host);
    let path = rest.strip_prefix('/').unwrap_or(rest);
    let mut offset = 0;
    for segment in path.split('/') {
        let digits = segment.bytes().take_while(u8::is_ascii_digit).count();
        let flag = &segment[digits..];
        if (8..=14).contains(&digits) && (flag.is_empty() || flag.ends_with('_') || flag == "*") {
            archive.timestamp = Some(segment[..digits].to_owned());
            archive.flag = (!flag.is_empty()).then(|| flag.to_owned());
            archive.capture_date = timestamp_date(&segment[..digits]);
            archive.original = path
                .get(offset + segment.len() + 1..)
                .and_then(repair_original);
            return archive;
        }
        if segment.eq_ignore_ascii_case("http:") || segment.eq_ignore_ascii_case("https:") {
            archive.original = repair_original(&path[offset..]);
            return archive;
        }
        offset += segment.len() + 1;
    }
    let id = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    archive.id = (!id.is_empty()).then(|| id.to_owned());
    archive
}

fn percent_decode(value: &str) -> Cow<'_, str> {
    if !value.contains('%') {
        return Cow::Borrowed(value);
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

// ---------------------------------------------------------------------------
// Wayback problems (the CS1 checks)
// ---------------------------------------------------------------------------

/// What is wrong with a Wayback Machine URL, by the rules the Wikipedia
/// citation templates (CS1) apply to `|archive-url=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveProblem {
    /// `web.archive.org/save/…`: a request to capture the page now.
    Save,
    /// `liveweb.archive.org`: the retired live-proxy service.
    Liveweb,
    /// `web/*/…` or a timestamp ending in `*`: a list of captures, not one.
    Wildcard,
    /// No timestamp at all: the reader gets whichever capture is newest.
    NoTimestamp,
    /// A timestamp that is not fourteen digits (`YYYYMMDDhhmmss`).
    TimestampLength(usize),
    /// Fourteen digits that are not a date and time.
    NotADate,
    /// A capture year before the Wayback Machine's first captures (1996).
    TooEarly(i16),
    /// A capture date after today.
    Future(Date),
    /// A replay flag that is not one of [`WAYBACK_FLAGS`].
    UnknownFlag(String),
    /// A path element other than `web/` before the timestamp.
    UnexpectedPath(String),
    /// A replay flag on an old-form URL (no `web/` before the timestamp).
    FlagWithoutWebPath(String),
}

impl Archive {
    /// The first problem with this archive URL, if it is a Wayback URL;
    /// `today` bounds the capture date.
    pub fn wayback_problem(&self, today: Date) -> Option<ArchiveProblem> {
        if self.service != ArchiveService::Wayback {
            return None;
        }
        if self.host == "liveweb.archive.org" {
            return Some(ArchiveProblem::Liveweb);
        }
        let path = self.wayback_path.as_deref().unwrap_or("web");
        if path == "save" {
            return Some(ArchiveProblem::Save);
        }
        if self.flag.as_deref().is_some_and(|f| f.contains('*')) || path.contains('*') {
            return Some(ArchiveProblem::Wildcard);
        }
        let Some(timestamp) = self.timestamp.as_deref() else {
            return Some(ArchiveProblem::NoTimestamp);
        };
        if timestamp.len() != 14 {
            return Some(ArchiveProblem::TimestampLength(timestamp.len()));
        }
        if !path.is_empty() && path != "web" {
            return Some(ArchiveProblem::UnexpectedPath(path.to_owned()));
        }
        if let Some(flag) = &self.flag {
            if path.is_empty() {
                return Some(ArchiveProblem::FlagWithoutWebPath(flag.clone()));
            }
            if !WAYBACK_FLAGS.contains(&flag.as_str()) {
                return Some(ArchiveProblem::UnknownFlag(flag.clone()));
            }
        }
        let time_valid =
            timestamp[8..10] <= *"23" && timestamp[10..12] <= *"59" && timestamp[12..] <= *"60";
        let Some(date) = self.capture_date.filter(|_| time_valid) else {
            return Some(ArchiveProblem::NotADate);
        };
        if date.year() < 1996 {
            return Some(ArchiveProblem::TooEarly(date.year()));
        }
        if date > today {
            return Some(ArchiveProblem::Future(date));
        }
        None
    }
}

// ---------------------------------------------------------------------------
// Normalising URLs
// ---------------------------------------------------------------------------

/// Normalises a URL so that two spellings of one address compare equal: no
/// scheme, host lowercased without `www.` and a default port (`:80`,
/// `:443`), no fragment, no trailing slash, percent-escapes of unreserved
/// characters decoded (`%7E` is `~`) and the others uppercased.
pub fn normalise(url: &str) -> String {
    let Some(parts) = split(url) else {
        return url.trim().to_ascii_lowercase();
    };
    let host = parts.host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let mut out = String::with_capacity(url.len());
    out.push_str(host);
    if let Some(port) = parts.port.filter(|p| !matches!(*p, "80" | "443" | "")) {
        out.push(':');
        out.push_str(port);
    }
    let rest = parts.rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    push_unescaped(&mut out, path.trim_end_matches('/'));
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        push_unescaped(&mut out, query);
    }
    out
}

/// Appends `s`, decoding percent-escapes of unreserved characters and
/// uppercasing the hex digits of the rest.
fn push_unescaped(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let escape = &rest[i..];
        match escape
            .get(1..3)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(byte)
                if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') =>
            {
                out.push(char::from(byte));
                rest = &escape[3..];
            }
            Some(_) => {
                out.push('%');
                out.push_str(&escape[1..3].to_ascii_uppercase());
                rest = &escape[3..];
            }
            None => {
                out.push('%');
                rest = &escape[1..];
            }
        }
    }
    out.push_str(rest);
}

/// A URL normalised for comparison with others, an archive URL standing for
/// the original it wraps (with the default archive hosts).
pub fn comparable(url: &str) -> String {
    match classify(url) {
        LinkKind::Archive(Archive {
            original: Some(original),
            ..
        }) => normalise(&original),
        _ => normalise(url),
    }
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// Reads a date at the start of `s`: `3 June 2016`, `3 Jun 2016`,
/// `June 3, 2016`, `Jun. 3 2016` or `2016-06-03`. Returns the date and the
/// bytes it took.
pub fn parse_date(s: &str) -> Option<(Date, usize)> {
    let ((year, month, day), len) = date_shape(s)?;
    let date = Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
    Some((date, len))
}

/// A date as written — year, month, day and length — whether or not it is a
/// real day (`31 February 2016` and `2016-13-01` have the shape).
fn date_shape(s: &str) -> Option<((i16, i16, i16), usize)> {
    let mut at = Cursor { s, at: 0 };
    let (year, month, day) = if let Some(year) = at.digits(4, 4).filter(|_| at.eat(b'-')) {
        let month = at.digits(2, 2)?;
        at.eat(b'-').then_some(())?;
        (year, month, at.digits(2, 2)?)
    } else if let Some(day) = at.digits(1, 2) {
        at.spaces()?;
        let month = at.month()?;
        at.eat(b'.');
        at.eat(b',');
        at.spaces()?;
        (at.digits(4, 4)?, month, day)
    } else {
        let month = at.month()?;
        at.eat(b'.');
        at.spaces()?;
        let day = at.digits(1, 2)?;
        at.eat(b',');
        at.spaces()?;
        (at.digits(4, 4)?, month, day)
    };
    // A word boundary must follow (`2016-06-03x` and `20161` are not dates).
    if s.as_bytes()
        .get(at.at)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return None;
    }
    Some(((year, month, day), at.at))
}

/// A reading position for [`parse_date`].
struct Cursor<'s> {
    s: &'s str,
    at: usize,
}

impl Cursor<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.s.as_bytes().get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    /// `min..=max` ASCII digits, as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i16> {
        let rest = &self.s.as_bytes()[self.at..];
        let n = rest
            .iter()
            .take(max + 1)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min || n > max {
            return None;
        }
        let value = rest[..n]
            .iter()
            .fold(0i16, |v, b| v * 10 + i16::from(b - b'0'));
        self.at += n;
        Some(value)
    }

    /// At least one white-space character (no-break spaces included).
    fn spaces(&mut self) -> Option<()> {
        let rest = &self.s[self.at..];
        let trimmed = rest.trim_start();
        (trimmed.len() < rest.len()).then(|| self.at += rest.len() - trimmed.len())
    }

    /// An English month name or its abbreviation (`Sept` too).
    fn month(&mut self) -> Option<i16> {
        let rest = &self.s.as_bytes()[self.at..];
        let n = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let word = std::str::from_utf8(&rest[..n]).ok()?.to_ascii_lowercase();
        let month = month_number(&word)?;
        const NAMES: [&str; 12] = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let full = NAMES[usize::try_from(month - 1).ok()?];
        let abbreviation = word.len() == 3 || (word == "sept");
        (word == full || abbreviation).then(|| {
            self.at += n;
            month
        })
    }
}

fn month_number(name: &str) -> Option<i16> {
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let i = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == prefix)?;
    Some(i as i16 + 1)
}

/// What a stated date is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateRole {
    Archive,
    Access,
}

/// Lead-ins of stated dates: of an archive date ("Archived from the
/// original on", `|archive-date=`), of an access date ("Retrieved",
/// `|access-date=`), or "Archived" directly before a date ("Archived
/// 3 June 2016 at the Wayback Machine").
static LEAD_IN: LazyLock<Regex> = LazyLock::new(|| {
    let space = r"[\s\u{a0}]";
    let aside = r"(?:[\s\u{a0}]*\([^)\n]{1,16}\))?";
    Regex::new(&format!(
        r"(?i)(?-u:\b)archived{aside}{space}+from{space}+the{space}+original{aside}(?:{space}+on)?{space}*|(?-u:\b)(?:retrieved|accessed)(?:{space}+on)?:?{space}*|\|{space}*(?:archive|access)-?date{space}*={space}*|(?-u:\b)archived{space}+"
    ))
    .expect("valid regex")
});

/// Text with markup removed, mapped back to source offsets.
struct View<'t> {
    text: Cow<'t, str>,
    /// For each byte of `text`, the source span it came from; `None` when
    /// the view is the source region itself.
    map: Option<Vec<(usize, usize)>>,
    base: usize,
}

impl<'t> View<'t> {
    /// The region with HTML tags and link markup (`[text](url)`,
    /// `[url text]`) dropped and a few character references decoded, so
    /// that `Retrieved <span>28&nbsp;April</span> 2014` and `[Archived](…)
    /// from the original` read as prose.
    fn new(text: &'t str, region: Span) -> Self {
        let slice = &text[region.range()];
        if !slice.contains(['<', '&', '[', ']']) {
            return View {
                text: Cow::Borrowed(slice),
                map: None,
                base: region.start,
            };
        }
        let mut out = String::with_capacity(slice.len());
        let mut map = Vec::with_capacity(slice.len());
        let bytes = slice.as_bytes();
        let mut i = 0;
        while i < slice.len() {
            let b = bytes[i];
            if b == b'<'
                && bytes
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, b'/' | b'!'))
                && let Some(close) = memchr::memchr(b'>', &bytes[i..])
            {
                i += close + 1;
                continue;
            }
            // Link markup: `[text](url)` keeps `text`; `[url text]` keeps `text`.
            if b == b']' && bytes.get(i + 1) == Some(&b'(') {
                // To the `)` that balances the `(`, or the line's end.
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'\n' {
                    match bytes[j] {
                        b'(' => depth += 1,
                        b')' if depth <= 1 => break,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                i = (j + 1).min(slice.len());
                continue;
            }
            if b == b'[' {
                let rest = &slice[i + 1..];
                i += 1;
                if rest.starts_with("http") || rest.starts_with("//") {
                    i += rest
                        .find(|c: char| c.is_whitespace() || c == ']')
                        .unwrap_or(rest.len());
                }
                continue;
            }
            if b == b']' {
                i += 1;
                continue;
            }
            if b == b'&'
                && let Some((c, len)) = entity(&slice[i..])
            {
                let c = if c == '\u{a0}' { ' ' } else { c };
                let mut buf = [0; 4];
                for _ in c.encode_utf8(&mut buf).bytes() {
                    map.push((region.start + i, region.start + i + len));
                }
                out.push(c);
                i += len;
                continue;
            }
            let c = slice[i..].chars().next().expect("at a char boundary");
            for k in 0..c.len_utf8() {
                map.push((region.start + i + k, region.start + i + k + 1));
            }
            out.push(c);
            i += c.len_utf8();
        }
        View {
            text: Cow::Owned(out),
            map: Some(map),
            base: region.start,
        }
    }

    /// The source span of `start..end` in the view.
    fn source_span(&self, start: usize, end: usize) -> Span {
        match &self.map {
            None => Span::new(self.base + start, self.base + end),
            Some(map) if start < end => Span::new(map[start].0, map[end - 1].1),
            Some(map) => {
                let at = map.get(start).map_or(self.base, |m| m.0);
                Span::new(at, at)
            }
        }
    }
}

/// A date the entry states, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatedDate {
    /// The day.
    pub date: Date,
    /// Where the date is written.
    pub span: Span,
}

/// A date written where an archive or access date goes that is no day of
/// the calendar: `31 February 2016`, `2016-13-01`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidDate {
    /// Where it is written.
    pub span: Span,
    /// Whether it was meant as the access date (else the archive date).
    pub access: bool,
}

/// The dates stated in `region` of `text`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Dates {
    archive: Option<StatedDate>,
    access: Option<StatedDate>,
    phrase: Option<Span>,
    invalid: Vec<InvalidDate>,
}

static DATE_FINDERS: LazyLock<[memmem::Finder<'static>; 3]> =
    LazyLock::new(|| ["rchive", "etrieved", "ccess"].map(memmem::Finder::new));

/// The dates and archive note of `region`. With `archive_only`, only
/// "Archived …" lead-ins are looked for: an entry without links has no use
/// for an access date, and "Retrieved …" is in most entries of a copied page.
fn stated_dates(text: &str, region: Span, archive_only: bool) -> Dates {
    let mut dates = Dates::default();
    let bytes = &text.as_bytes()[region.range()];
    let finders = if archive_only {
        &DATE_FINDERS[..1]
    } else {
        &DATE_FINDERS[..]
    };
    let Some(first) = finders.iter().filter_map(|f| f.find(bytes)).min() else {
        return dates;
    };
    // Lead-ins start a few bytes before their keyword (`| archive-date`):
    // the text before that cannot hold one.
    let from = crate::parse::floor_char_boundary(text, region.start + first.saturating_sub(24));
    let view = View::new(text, Span::new(from, region.end));
    for whole in LEAD_IN.find_iter(&view.text) {
        // Which alternative matched, from its text (cheaper than captures).
        let lead = whole.as_str().to_ascii_lowercase();
        let short = lead.starts_with("archived") && !lead.contains("original");
        if let Some(original) = lead.find("original")
            && dates.phrase.is_none()
        {
            let end = whole.start() + original + "original".len();
            dates.phrase = Some(view.source_span(whole.start(), end));
        }
        let role = if lead.contains("access") || lead.contains("retrieved") {
            DateRole::Access
        } else {
            DateRole::Archive
        };
        let Some((date, len)) = parse_date(&view.text[whole.end()..]) else {
            if let Some((_, len)) = date_shape(&view.text[whole.end()..]) {
                dates.invalid.push(InvalidDate {
                    span: view.source_span(whole.end(), whole.end() + len),
                    access: role == DateRole::Access,
                });
            }
            continue;
        };
        let after = &view.text[whole.end() + len..];
        if short {
            // "Archived 3 June 2016 at the Wayback Machine" ({{webarchive}}).
            let at = after.trim_start();
            if !at
                .strip_prefix("at")
                .is_some_and(|rest| rest.starts_with(char::is_whitespace))
            {
                continue;
            }
            if dates.phrase.is_none() {
                dates.phrase = Some(view.source_span(whole.start(), whole.end() + len));
            }
        }
        let stated = StatedDate {
            date,
            span: view.source_span(whole.end(), whole.end() + len),
        };
        let slot = match role {
            DateRole::Archive => &mut dates.archive,
            DateRole::Access => &mut dates.access,
        };
        if slot.is_none() {
            *slot = Some(stated);
        }
    }
    dates
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i32 {
    a.until(b).map_or(i32::MAX, |span| span.get_days())
}

// ---------------------------------------------------------------------------
// Per entry
// ---------------------------------------------------------------------------

/// One link of an entry, classified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassifiedLink {
    /// The URL (entities decoded).
    pub url: String,
    /// Where it is written.
    pub span: Span,
    /// Original or archive.
    pub kind: LinkKind,
}

/// Everything an entry says about its links: what the online pass checks
/// and what the offline rules compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryLinks {
    /// The entry.
    pub entry: EntryId,
    /// Every link of the entry, in source order.
    pub links: Vec<ClassifiedLink>,
    /// The archive date the entry states ("Archived from the original on
    /// 3 June 2016", `|archive-date=`), the first when there are several.
    pub archive_date: Option<StatedDate>,
    /// The access date the entry states ("Retrieved 28 April 2014",
    /// "Accessed …", `|access-date=`). Looked for only in entries with
    /// links (it dates a link), so it may be `None` in an entry without.
    pub access_date: Option<StatedDate>,
    /// Archive or access dates written as no real day (`31 February 2016`).
    pub invalid_dates: Vec<InvalidDate>,
    /// Where the entry says it was archived ("Archived from the original",
    /// "Archived 3 June 2016 at …"), link or no link.
    pub archived_note: Option<Span>,
}

impl EntryLinks {
    /// The links to original sources.
    pub fn originals(&self) -> impl Iterator<Item = &ClassifiedLink> {
        self.links.iter().filter(|l| l.kind == LinkKind::Original)
    }

    /// The archive links, each with what it says about its capture.
    pub fn archives(&self) -> impl Iterator<Item = (&ClassifiedLink, &Archive)> {
        self.links
            .iter()
            .filter_map(|l| l.kind.archive().map(|archive| (l, archive)))
    }

    /// The entry's original link that `archive` is a copy of (equal after
    /// [`normalise`]), if the entry gives it.
    pub fn original_of(&self, archive: &Archive) -> Option<&ClassifiedLink> {
        let wrapped = normalise(archive.original.as_deref()?);
        self.originals().find(|l| normalise(&l.url) == wrapped)
    }

    /// True when the entry has no links and states no dates.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
            && self.archive_date.is_none()
            && self.access_date.is_none()
            && self.archived_note.is_none()
    }
}

/// The links and stated dates of entry `entry` of `doc`, whose source is
/// `text`; archive URLs are recognised by `archive_hosts` (see
/// [`DEFAULT_ARCHIVE_HOSTS`]).
pub fn entry_links<H: AsRef<str>>(
    doc: &Document,
    entry: EntryId,
    text: &str,
    archive_hosts: &[H],
) -> EntryLinks {
    let e = &doc.entries[entry];
    let dates = stated_dates(text, e.span, e.links.is_empty());
    EntryLinks {
        entry,
        links: e
            .links
            .iter()
            .map(|link| ClassifiedLink {
                url: link.url.clone(),
                span: link.span,
                kind: classify_with(&link.url, archive_hosts),
            })
            .collect(),
        archive_date: dates.archive,
        access_date: dates.access,
        invalid_dates: dates.invalid,
        archived_note: dates.phrase,
    }
}

/// [`entry_links`] of every entry, indexed by [`EntryId`].
pub fn document_links<H: AsRef<str>>(
    doc: &Document,
    text: &str,
    archive_hosts: &[H],
) -> Vec<EntryLinks> {
    (0..doc.entries.len())
        .map(|id| entry_links(doc, id, text, archive_hosts))
        .collect()
}

#[cfg(test)]
mod tests;
