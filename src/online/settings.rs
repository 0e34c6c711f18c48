//! [`OnlineSettings`]: every knob of the online pass, with defaults that stay
//! below the Internet Archive's published limits.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The default replay base of the Wayback Machine.
pub const DEFAULT_WAYBACK_URL: &str = "https://web.archive.org";
/// The default Wayback CDX endpoint.
pub const DEFAULT_CDX_URL: &str = "https://web.archive.org/cdx/search/cdx";
/// The default Wayback availability endpoint (a fallback when CDX fails).
pub const DEFAULT_AVAILABILITY_URL: &str = "https://archive.org/wayback/available";
/// The default cache file, relative to the working directory.
pub const DEFAULT_CACHE_PATH: &str = ".citelint/cache.sqlite";

/// Settings of the online pass. Embeddable as the `[online]` table of a
/// configuration file: keys are kebab-case (`host-concurrency = 2`), unknown
/// keys are refused, and every key is optional.
#[derive(Clone, Debug, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct OnlineSettings {
    /// Run the online pass at all (`check --online`).
    pub enabled: bool,
    /// Use the persistent cache (`--no-cache` turns it off).
    pub cache: bool,
    /// Where the cache lives.
    pub cache_path: PathBuf,
    /// Total time one request may take, in seconds (`--timeout`).
    pub timeout: f64,
    /// Time to establish a connection, in seconds (`--connect-timeout`).
    pub connect_timeout: f64,
    /// Requests in flight at once, over all hosts.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    pub host_concurrency: usize,
    /// Requests per second to one ordinary host (token bucket, burst 1).
    pub host_rate: f64,
    /// Requests per second to an archive's replay host (Wayback, archive.today…).
    pub archive_rate: f64,
    /// Requests per second to the CDX and availability APIs.
    pub cdx_rate: f64,
    /// Retries after a 429, a 5xx, a timeout or a reset connection.
    pub retries: u32,
    /// The first backoff delay in seconds; it doubles per retry, with jitter.
    pub retry_base_delay: f64,
    /// A `Retry-After` longer than this many seconds gives up on the URL
    /// (reported as unknown) instead of waiting.
    pub max_retry_wait: f64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Most bytes of a response body ever read.
    pub body_limit: usize,
    /// Check links that resolve to private, loopback, link-local or multicast
    /// addresses (refused by default).
    pub allow_private: bool,
    /// Single addresses allowed even though they are private.
    pub allow_addresses: Vec<IpAddr>,
    /// Report a dead link as confirmed only after `confirm_checks` failed
    /// checks at least `confirm_days` days apart (`--no-confirm-dead`:
    /// confirmed at the first failure).
    pub confirm_dead: bool,
    /// Failed checks needed to confirm a dead link.
    pub confirm_checks: u32,
    /// Days between counted failed checks.
    pub confirm_days: u32,
    /// Days an alive (or confirmed dead) result is trusted before rechecking.
    pub max_age: u32,
    /// Replay base of the Wayback Machine; captures are `<base>/web/<timestamp>/<url>`.
    pub wayback_url: String,
    /// The Wayback CDX endpoint.
    pub cdx_url: String,
    /// The Wayback availability endpoint; empty turns that fallback off.
    pub availability_url: String,
}

impl Default for OnlineSettings {
    fn default() -> Self {
        OnlineSettings {
            enabled: false,
            cache: true,
            cache_path: PathBuf::from(DEFAULT_CACHE_PATH),
            timeout: 20.0,
            connect_timeout: 10.0,
            max_concurrency: 64,
            host_concurrency: 2,
            host_rate: 10.0,
            archive_rate: 8.0,
            cdx_rate: 0.8,
            retries: 3,
            retry_base_delay: 1.0,
            max_retry_wait: 120.0,
            max_redirects: 10,
            body_limit: 64 * 1024,
            allow_private: false,
            allow_addresses: Vec::new(),
            confirm_dead: true,
            confirm_checks: 3,
            confirm_days: 3,
            max_age: 7,
            wayback_url: DEFAULT_WAYBACK_URL.to_owned(),
            cdx_url: DEFAULT_CDX_URL.to_owned(),
            availability_url: DEFAULT_AVAILABILITY_URL.to_owned(),
        }
    }
}

impl OnlineSettings {
    /// Checks the values make sense; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("`{name}` must be a positive number, not {v}"))
            }
        };
        positive("timeout", self.timeout)?;
        positive("connect-timeout", self.connect_timeout)?;
        positive("host-rate", self.host_rate)?;
        positive("archive-rate", self.archive_rate)?;
        positive("cdx-rate", self.cdx_rate)?;
        positive("max-retry-wait", self.max_retry_wait)?;
        if !(self.retry_base_delay.is_finite() && self.retry_base_delay >= 0.0) {
            return Err("`retry-base-delay` must be zero or more".into());
        }
        if self.max_concurrency == 0 || self.host_concurrency == 0 {
            return Err("`max-concurrency` and `host-concurrency` must be at least 1".into());
        }
        for (name, url) in [
            ("wayback-url", &self.wayback_url),
            ("cdx-url", &self.cdx_url),
        ] {
            match reqwest::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {}
                _ => return Err(format!("`{name}` must be an http(s) URL, not `{url}`")),
            }
        }
        Ok(())
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_secs_f64(self.connect_timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialises_kebab_case_and_refuses_unknown_keys() {
        let s: OnlineSettings = serde_json::from_str(
            r#"{"enabled": true, "host-concurrency": 4, "wayback-url": "http://127.0.0.1:9"}"#,
        )
        .unwrap();
        assert!(s.enabled);
        assert_eq!(s.host_concurrency, 4);
        assert_eq!(s.wayback_url, "http://127.0.0.1:9");
        assert_eq!(s.cdx_rate, 0.8);
        assert!(serde_json::from_str::<OnlineSettings>(r#"{"host_rate": 1}"#).is_err());
        assert!(OnlineSettings::default().validate().is_ok());
        let bad = OnlineSettings {
            host_rate: 0.0,
            ..OnlineSettings::default()
        };
        assert!(bad.validate().unwrap_err().contains("host-rate"));
    }
}
