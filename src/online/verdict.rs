//! Pure decisions: what a chain of responses means, how long to wait before
//! retrying, what `Retry-After` says.

use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

/// What a check concluded about a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// It answers with the page.
    Alive,
    /// 404, 410, a name that does not exist, a redirect to the site's root or
    /// a page that says it is not found.
    Dead,
    /// Could not tell: timeouts, 429, 5xx, refused or reset connections,
    /// loops. Never reported as dead.
    Unknown,
}

impl Verdict {
    /// `alive`, `dead` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Alive => "alive",
            Verdict::Dead => "dead",
            Verdict::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "alive" => Some(Verdict::Alive),
            "dead" => Some(Verdict::Dead),
            "unknown" => Some(Verdict::Unknown),
            _ => None,
        }
    }
}

/// Reads `Retry-After`: delta seconds or an HTTP-date (IMF-fixdate, RFC 850
/// and asctime forms are tried through RFC 2822 parsing of the first).
pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let left = when.as_millisecond() - now.as_millisecond();
    Some(Duration::from_millis(left.max(0) as u64))
}

/// Exponential backoff with "equal jitter": half the delay fixed, half random.
pub(crate) fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    let full = base.saturating_mul(1u32 << attempt.min(16)).min(cap);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// Whether a HEAD answer should be asked again with GET: servers that refuse
/// or mishandle HEAD answer 400, 403, 404, 405, 406 or 501 to it.
pub(crate) fn head_is_ambiguous(status: u16) -> bool {
    matches!(status, 400..=428 | 430..=499 | 501)
}

/// The path is the site's root: `/` with no query.
pub(crate) fn is_root(url: &Url) -> bool {
    matches!(url.path(), "" | "/") && url.query().is_none_or(str::is_empty)
}

/// The URL is a site's home page under another name: the root, or a single
/// path segment `index.*`, `default.*`, `home` or `home.*`, with no query.
/// A home page that redirects to the root is not a dead link.
pub(crate) fn is_home_page(url: &Url) -> bool {
    if !url.query().is_none_or(str::is_empty) {
        return false;
    }
    let path = url.path().trim_matches('/').to_ascii_lowercase();
    if path.is_empty() {
        return true;
    }
    if path.contains('/') {
        return false;
    }
    let stem = path.split_once('.').map_or(path.as_str(), |(stem, _)| stem);
    matches!(stem, "index" | "default" | "home")
}

/// Whether two URLs are on the same site: the same host once a leading
/// `www.` is dropped, or the same registrable domain (approximated as the
/// last two labels, or three when the second-level label looks like a
/// public suffix such as `co.uk` or `com.au`).
pub(crate) fn same_site(a: &Url, b: &Url) -> bool {
    let (Some(a), Some(b)) = (a.host_str(), b.host_str()) else {
        return false;
    };
    let a = a.trim_end_matches('.').to_ascii_lowercase();
    let b = b.trim_end_matches('.').to_ascii_lowercase();
    let strip = |h: &str| {
        h.strip_prefix("www.")
            .map(str::to_owned)
            .unwrap_or(h.to_owned())
    };
    let (a, b) = (strip(&a), strip(&b));
    if a == b {
        return true;
    }
    let is_ip = |h: &str| h.parse::<std::net::IpAddr>().is_ok() || h.starts_with('[');
    if is_ip(&a) || is_ip(&b) {
        return false;
    }
    registrable(&a).is_some_and(|r| Some(r) == registrable(&b))
}

/// The registrable domain of a host name, approximately.
fn registrable(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let n = labels.len();
    let second = labels[n - 2];
    let public_second_level = labels[n - 1].len() == 2
        && matches!(
            second,
            "co" | "com" | "net" | "org" | "gov" | "edu" | "ac" | "or" | "ne" | "go" | "gob"
        );
    let keep = if public_second_level { 3 } else { 2 };
    if n < keep {
        return None;
    }
    let skip: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    Some(&host[skip..])
}

/// A page that answers 200 but says it is not there: a redirect that ends
/// at an error page (judged by the final URL's last path segment or its
/// query), or a page whose title is a "not found" phrase.
/// The final URL is looked at only when the link was redirected.
pub(crate) fn is_soft_404(final_url: &Url, redirected: bool, body: Option<&str>) -> bool {
    if redirected && url_says_not_found(final_url) {
        return true;
    }
    body.and_then(title_of)
        .is_some_and(|title| title_says_not_found(&title))
}

/// The last path segment names an error page (`404`, `404.html`,
/// `error404.php`, `not-found`, `page-not-found`…), or the query carries a
/// 404 marker (`error=404`, `status=404`, IIS's `?404;http://…`).
fn url_says_not_found(url: &Url) -> bool {
    let last = url
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let stem = match last.rsplit_once('.') {
        Some((stem, "html" | "htm" | "shtml" | "php" | "asp" | "aspx" | "jsp" | "cfm")) => stem,
        _ => last.as_str(),
    };
    let names_error_page = matches!(
        stem,
        "404"
            | "not-found"
            | "notfound"
            | "not_found"
            | "page-not-found"
            | "pagenotfound"
            | "page_not_found"
            | "404-not-found"
            | "404-error"
            | "error-404"
            | "error_404"
    ) || stem.starts_with("error404");
    if names_error_page {
        return true;
    }
    let Some(query) = url.query() else {
        return false;
    };
    let query = query.to_ascii_lowercase();
    query.starts_with("404;")
        || query.split('&').any(|pair| {
            pair.split_once('=').is_some_and(|(key, value)| {
                matches!(key, "error" | "err" | "status" | "code" | "errorcode")
                    && matches!(value, "404" | "not-found" | "notfound")
            })
        })
}

/// Phrases that, as a whole title or title part, say the page is missing.
const NOT_FOUND_TITLES: &[&str] = &[
    "404",
    "error 404",
    "http 404",
    "404 error",
    "404 page",
    "404 not found",
    "error 404 not found",
    "404 page not found",
    "not found",
    "page not found",
    "file not found",
    "error: page not found",
    "page cannot be found",
    "the page cannot be found",
    "page could not be found",
    "the page could not be found",
    "page does not exist",
    "page doesn't exist",
    "this page does not exist",
    "this page doesn't exist",
    "page no longer available",
    "this page is no longer available",
    "page no longer exists",
    "this page no longer exists",
];

/// Nouns that make a short `<noun> not found` title an error page.
const NOT_FOUND_NOUNS: &[&str] = &[
    "page", "article", "document", "file", "content", "resource", "story", "post", "item", "url",
    "entry",
];

/// Whether a page title says the page is not found. The title is split at
/// the usual site-name separators (` - `, ` | `, ` – `, ` — `, ` :: `, ` · `)
/// and each part is compared as a whole phrase: it is, or starts with
/// (followed by punctuation), one of [`NOT_FOUND_TITLES`], or it is a short
/// `<noun> not found` ("Article not found"). A headline that merely contains
/// "not found" or "404" ("Missing climber not found, police say") is not.
pub(crate) fn title_says_not_found(title: &str) -> bool {
    let title = title.trim().to_lowercase();
    let mut parts = vec![title.as_str()];
    for sep in [" - ", " | ", " – ", " — ", " :: ", " · "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    parts.into_iter().any(|part| {
        let mut part = part.trim().trim_end_matches(['.', '!']);
        for lead in [
            "sorry, ", "sorry! ", "oops! ", "oops, ", "oops. ", "whoops! ",
        ] {
            part = part.strip_prefix(lead).unwrap_or(part);
        }
        let phrase = NOT_FOUND_TITLES.iter().any(|phrase| {
            part.strip_prefix(phrase).is_some_and(|rest| {
                rest.chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() && !c.is_whitespace())
            })
        });
        phrase || {
            let words: Vec<&str> = part.split_whitespace().collect();
            words.len() <= 4
                && words.ends_with(&["not", "found"])
                && words.len() >= 3
                && NOT_FOUND_NOUNS.contains(&words[words.len() - 3])
        }
    })
}

/// The text of an HTML document's `<title>`.
fn title_of(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    Some(body.get(start..end)?.trim().to_owned())
}

/// The 14-digit (or shorter) timestamp of a Wayback replay URL
/// `…/web/20160603000000/http://…` (modifiers such as `id_` dropped).
pub fn wayback_timestamp(url: &str) -> Option<&str> {
    let at = url.find("/web/")? + 5;
    let rest = &url[at..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (4..=14).contains(&digits).then(|| &rest[..digits])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now: jiff::Timestamp = "2024-03-01T12:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 12:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff(base, attempt, Duration::from_secs(10));
            let full = base * (1 << attempt);
            assert!(d >= full / 2 && d <= full, "{d:?}");
        }
        assert!(backoff(base, 30, Duration::from_secs(1)) <= Duration::from_secs(1));
    }

    #[test]
    fn soft_404s_roots_and_timestamps() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(is_soft_404(
            &url("https://x.org/errors/404.html"),
            true,
            None
        ));
        assert!(is_soft_404(
            &url("https://x.org/page-not-found"),
            true,
            None
        ));
        assert!(is_soft_404(
            &url("https://x.org/a"),
            false,
            Some("<html><head><TITLE> Page Not Found </TITLE>")
        ));
        assert!(!is_soft_404(
            &url("https://x.org/a"),
            false,
            Some("<title>Annual report 2004</title>")
        ));
        assert!(!is_soft_404(&url("https://x.org/404"), false, None));
        // Whole phrases only, never a headline that contains "not found".
        assert!(!is_soft_404(
            &url("https://x.org/a"),
            true,
            Some("<title>Missing climber not found, police say - BBC News</title>")
        ));
        // A path segment that merely contains 404 is no error page.
        assert!(!is_soft_404(
            &url("https://x.org/route-404-reopens"),
            true,
            None
        ));
        assert!(!is_soft_404(&url("https://x.org/404/news"), true, None));
        assert!(is_root(&url("https://x.org/")));
        assert!(!is_root(&url("https://x.org/?p=1")));
        assert_eq!(
            wayback_timestamp("https://web.archive.org/web/20160603123456id_/http://x.org/"),
            Some("20160603123456")
        );
        assert_eq!(wayback_timestamp("https://x.org/web/a"), None);
    }

    #[test]
    fn not_found_titles_are_whole_phrases() {
        for title in [
            "404",
            "404 Not Found",
            "404: Page not found",
            "Error 404",
            "Error 404 - Example News",
            "Page Not Found | Example",
            "Example | Page not found",
            "Not Found",
            "File not found.",
            "Sorry, page not found",
            "Oops! Page not found – Example",
            "The page cannot be found",
            "Article not found - Example",
            "Page no longer available",
        ] {
            assert!(title_says_not_found(title), "{title}");
        }
        for title in [
            "Missing climber not found, police say",
            "Missing climber not found, police say - BBC News",
            "404 days in captivity",
            "Annual report 2004",
            "Route 404 reopens",
            "Why the Higgs was not found earlier",
            "Not Found Records | Home",
            "Climber not found",
        ] {
            assert!(!title_says_not_found(title), "{title}");
        }
    }

    #[test]
    fn error_pages_by_last_segment_and_query() {
        let url = |s: &str| Url::parse(s).unwrap();
        for u in [
            "https://x.org/404",
            "https://x.org/404/",
            "https://x.org/errors/404.htm",
            "https://x.org/404.php",
            "https://x.org/404.aspx",
            "https://x.org/error404",
            "https://x.org/error404.html",
            "https://x.org/not-found",
            "https://x.org/notfound",
            "https://x.org/page-not-found/",
            "https://x.org/error?code=404",
            "https://x.org/error.aspx?404;https://x.org/a",
        ] {
            assert!(url_says_not_found(&url(u)), "{u}");
        }
        for u in [
            "https://x.org/route-404-reopens",
            "https://x.org/404-days",
            "https://x.org/404/story",
            "https://x.org/not-found-anywhere-else",
            "https://x.org/a?page=404",
        ] {
            assert!(!url_says_not_found(&url(u)), "{u}");
        }
    }

    #[test]
    fn home_pages_and_sites() {
        let url = |s: &str| Url::parse(s).unwrap();
        for u in [
            "https://x.org",
            "https://x.org/",
            "https://x.org/index.html",
            "https://x.org/index.php",
            "https://x.org/default.aspx",
            "https://x.org/home",
            "https://x.org/Home.html",
        ] {
            assert!(is_home_page(&url(u)), "{u}");
        }
        for u in [
            "https://x.org/news/index.html",
            "https://x.org/?p=12",
            "https://x.org/index.php?id=5",
            "https://x.org/homes-for-sale",
        ] {
            assert!(!is_home_page(&url(u)), "{u}");
        }
        let same = |a: &str, b: &str| same_site(&url(a), &url(b));
        assert!(same("http://www.x.org/a", "https://x.org/"));
        assert!(same("https://blog.x.org/a", "https://www.x.org/"));
        assert!(same("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/"));
        assert!(!same("https://bit.ly/x", "https://other.org/"));
        assert!(!same("https://a.co.uk/x", "https://b.co.uk/"));
        assert!(!same("http://127.0.0.1:8/x", "http://127.0.0.2:8/"));
        assert!(same("http://127.0.0.1:8/x", "http://127.0.0.1:9/"));
    }
}
