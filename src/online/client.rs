//! One HTTP exchange at a time, never following redirects (the caller walks
//! them hop by hop so each hop passes the host limits and the address guard),
//! with a resolver that refuses private addresses and a body cap.

use std::error::Error as StdError;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::OnlineSettings;

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "citelint/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_REPOSITORY"),
    ")"
);

/// Why a request got no HTTP response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The request took longer than the timeout.
    #[error("timed out")]
    Timeout,
    /// The connection was reset or closed before a response.
    #[error("connection reset")]
    Reset,
    /// Nothing listens at the address.
    #[error("connection refused")]
    Refused,
    /// Some other connection problem.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The host name does not exist (NXDOMAIN).
    #[error("no such host")]
    NoSuchHost,
    /// Name resolution failed for another reason (may be temporary).
    #[error("name resolution failed: {0}")]
    Dns(String),
    /// The address is private, loopback, link-local or multicast.
    #[error("refused: {0} is a private address")]
    Private(IpAddr),
    /// Not an http or https URL.
    #[error("unsupported URL scheme `{0}`")]
    Scheme(String),
    /// Not a URL at all.
    #[error("not a valid URL")]
    BadUrl,
    /// A redirect leads back to a URL already visited.
    #[error("redirect loop")]
    RedirectLoop,
    /// More redirects than allowed.
    #[error("too many redirects")]
    TooManyRedirects,
    /// A TLS problem (certificate, handshake).
    #[error("TLS error: {0}")]
    Tls(String),
    /// The host asked (`Retry-After`) to wait longer than `max-retry-wait`:
    /// it is given up for the rest of the run.
    #[error("the server asked to wait longer than max-retry-wait")]
    RetryAfterTooLong,
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl Failure {
    /// A short kebab-case name: the `status` of a finding without a response.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Reset => "connection-reset",
            Failure::Refused => "connection-refused",
            Failure::Connect(_) => "connect-error",
            Failure::NoSuchHost => "nxdomain",
            Failure::Dns(_) => "dns-error",
            Failure::Private(_) => "private-address",
            Failure::Scheme(_) => "unsupported-scheme",
            Failure::BadUrl => "bad-url",
            Failure::RedirectLoop => "redirect-loop",
            Failure::TooManyRedirects => "too-many-redirects",
            Failure::Tls(_) => "tls-error",
            Failure::RetryAfterTooLong => "retry-after-too-long",
            Failure::Other(_) => "error",
        }
    }

    /// Whether trying again may help.
    pub(crate) fn retryable(&self) -> bool {
        matches!(
            self,
            Failure::Timeout
                | Failure::Reset
                | Failure::Refused
                | Failure::Connect(_)
                | Failure::Dns(_)
                | Failure::Other(_)
        )
    }
}

/// Which addresses may be contacted.
#[derive(Clone, Debug)]
pub(crate) struct AddressGuard {
    allow_private: bool,
    allow: Vec<IpAddr>,
}

impl AddressGuard {
    pub(crate) fn new(settings: &OnlineSettings) -> Self {
        AddressGuard {
            allow_private: settings.allow_private,
            allow: settings.allow_addresses.clone(),
        }
    }

    pub(crate) fn check(&self, ip: IpAddr) -> Result<(), Failure> {
        if self.allow_private || self.allow.contains(&ip) || is_public(ip) {
            Ok(())
        } else {
            Err(Failure::Private(ip))
        }
    }

    /// Checks a URL's scheme and, when its host is an address, the address.
    /// Names are checked on the resolved addresses by the resolver.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), Failure> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failure::Scheme(url.scheme().to_owned()));
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.check(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.check(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err(Failure::BadUrl),
        }
    }
}

/// Whether an address is on the public internet: not private, loopback,
/// link-local, multicast, unspecified, shared (CGNAT), documentation or
/// unique-local.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Resolves with the system resolver, then drops refused addresses.
struct GuardedResolver(Arc<AddressGuard>);

/// The resolver's error, found again in the error chain of a failed request.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ResolveError(Failure);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = Arc::clone(&self.0);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<_> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(ResolveError(dns_failure(&e))) as Box<_>)?
                .collect();
            let mut refused = None;
            let allowed: Vec<_> = found
                .into_iter()
                .filter(|addr| match guard.check(addr.ip()) {
                    Ok(()) => true,
                    Err(failure) => {
                        refused.get_or_insert(failure);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let failure = refused.unwrap_or(Failure::NoSuchHost);
                return Err(Box::new(ResolveError(failure)) as Box<_>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// NXDOMAIN (the name does not exist) is told apart from temporary failures
/// by getaddrinfo's message: `EAI_NONAME` and `EAI_NODATA` versus `EAI_AGAIN`.
pub(crate) fn dns_failure(error: &std::io::Error) -> Failure {
    let message = error.to_string();
    let lower = message.to_ascii_lowercase();
    if lower.contains("not known")
        || lower.contains("no address associated")
        || lower.contains("nodename nor servname")
        || lower.contains("no such host")
    {
        Failure::NoSuchHost
    } else {
        Failure::Dns(message)
    }
}

/// Sorts a reqwest error into a [`Failure`] by walking its causes.
fn classify(error: &reqwest::Error) -> Failure {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    let mut text = String::new();
    while let Some(e) = source {
        if let Some(resolve) = e.downcast_ref::<ResolveError>() {
            return resolve.0.clone();
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            match io.kind() {
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                    return Failure::Reset;
                }
                K::ConnectionRefused => return Failure::Refused,
                K::TimedOut => return Failure::Timeout,
                _ => {}
            }
        }
        if e.downcast_ref::<rustls::Error>().is_some() {
            return Failure::Tls(e.to_string());
        }
        text.push_str(&e.to_string());
        text.push_str(": ");
        source = e.source();
    }
    if error.is_timeout() {
        return Failure::Timeout;
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("connection closed") || lower.contains("reset") {
        Failure::Reset
    } else if error.is_connect() {
        Failure::Connect(text.trim_end_matches([':', ' ']).to_owned())
    } else {
        Failure::Other(text.trim_end_matches([':', ' ']).to_owned())
    }
}

/// HEAD or GET.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Head,
    Get,
}

/// One response, its body read only up to the cap and only when asked.
#[derive(Clone, Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Option<String>,
}

/// The HTTP client: rustls, no redirects, guarded resolver, timeouts.
pub(crate) struct Http {
    client: reqwest::Client,
    pub(crate) guard: Arc<AddressGuard>,
    body_limit: usize,
}

impl Http {
    pub(crate) fn new(settings: &OnlineSettings) -> Result<Self, String> {
        // reqwest is built without a bundled crypto provider; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let guard = Arc::new(AddressGuard::new(settings));
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout())
            .connect_timeout(settings.connect_timeout())
            .pool_max_idle_per_host(settings.host_concurrency)
            .no_proxy()
            .dns_resolver(GuardedResolver(Arc::clone(&guard)))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Http {
            client,
            guard,
            body_limit: settings.body_limit,
        })
    }

    /// One request to `url`; the address is checked first when it is a
    /// literal, and by the resolver otherwise.
    pub(crate) async fn once(
        &self,
        method: Method,
        url: &Url,
        read_body: bool,
    ) -> Result<Response, Failure> {
        self.guard.check_url(url)?;
        let request = match method {
            Method::Head => self.client.head(url.clone()),
            Method::Get => self.client.get(url.clone()),
        };
        let mut response = request.send().await.map_err(|e| classify(&e))?;
        let status = response.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(reqwest::header::LOCATION);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| super::verdict::parse_retry_after(&v, jiff::Timestamp::now()));
        let body = if read_body && method == Method::Get {
            let mut bytes = Vec::new();
            while bytes.len() < self.body_limit {
                match response.chunk().await {
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                    Ok(None) => break,
                    // A body cut short still tells what the page is.
                    Err(_) => break,
                }
            }
            bytes.truncate(self.body_limit);
            Some(String::from_utf8_lossy(&bytes).into_owned())
        } else {
            None
        };
        Ok(Response {
            status,
            location,
            retry_after,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn the_guard_checks_schemes_and_literal_addresses() {
        let guard = AddressGuard {
            allow_private: false,
            allow: vec!["127.0.0.1".parse().unwrap()],
        };
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(guard.check_url(&url("http://127.0.0.1:8080/a")).is_ok());
        assert_eq!(
            guard.check_url(&url("http://127.0.0.2/a")),
            Err(Failure::Private("127.0.0.2".parse().unwrap()))
        );
        assert_eq!(
            guard.check_url(&url("http://[::1]/")),
            Err(Failure::Private("::1".parse().unwrap()))
        );
        assert_eq!(
            guard.check_url(&url("ftp://example.org/")),
            Err(Failure::Scheme("ftp".into()))
        );
        assert!(guard.check_url(&url("https://example.org/")).is_ok());
    }

    #[test]
    fn nxdomain_is_told_apart_from_temporary_dns_failures() {
        let io = |m: &str| std::io::Error::other(m.to_owned());
        assert_eq!(
            dns_failure(&io(
                "failed to lookup address information: Name or service not known"
            )),
            Failure::NoSuchHost
        );
        assert!(matches!(
            dns_failure(&io(
                "failed to lookup address information: Temporary failure in name resolution"
            )),
            Failure::Dns(_)
        ));
    }
}
