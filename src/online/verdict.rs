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

/// A page that answers 200 but says it is not there.
/// The final URL's path is looked at only when the link was redirected.
pub(crate) fn is_soft_404(final_url: &Url, redirected: bool, body: Option<&str>) -> bool {
    let path = final_url.path().to_ascii_lowercase();
    let segments_say = redirected
        && (path.split(['/', '.', '-', '_']).any(|s| {
            matches!(
                s,
                "404" | "notfound" | "not_found" | "pagenotfound" | "error404"
            )
        }) || path.contains("not-found")
            || path.contains("page-not-found"));
    if segments_say {
        return true;
    }
    let Some(title) = body.and_then(title_of) else {
        return false;
    };
    let title = title.to_lowercase();
    title.contains("404")
        || title.contains("not found")
        || title.contains("page does not exist")
        || title.contains("page doesn't exist")
        || title.contains("no longer available")
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
        assert!(is_root(&url("https://x.org/")));
        assert!(!is_root(&url("https://x.org/?p=1")));
        assert_eq!(
            wayback_timestamp("https://web.archive.org/web/20160603123456id_/http://x.org/"),
            Some("20160603123456")
        );
        assert_eq!(wayback_timestamp("https://x.org/web/a"), None);
    }
}
