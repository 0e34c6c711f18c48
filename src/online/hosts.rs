//! Per-host politeness: a semaphore (requests in flight), a token bucket
//! (requests per second, burst 1) and a pause that a 429 or 503 puts on the
//! whole host, not only on the request that met it. A host that asks for a
//! longer pause than the run will wait is given up: its queued requests are
//! not sent.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// What sort of endpoint a request goes to; each has its own rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum HostClass {
    /// An ordinary web site.
    Page,
    /// An archive's replay host (Wayback, archive.today, WebCite).
    Archive,
    /// The Wayback CDX or availability API (own bucket, slowest rate).
    Api,
}

/// One host's limits and state.
pub(crate) struct Host {
    slots: Arc<Semaphore>,
    bucket: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
    waiting: AtomicUsize,
    given_up: AtomicBool,
}

/// Held while a request to the host is in flight.
pub(crate) struct HostPermit {
    _slot: OwnedSemaphorePermit,
}

impl Host {
    fn new(concurrency: usize, rate: f64) -> Self {
        let period = Duration::from_secs_f64(1.0 / rate.max(1e-6));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(NonZeroU32::MIN);
        Host {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            bucket: RateLimiter::direct(quota),
            paused_until: Mutex::new(None),
            waiting: AtomicUsize::new(0),
            given_up: AtomicBool::new(false),
        }
    }

    /// Requests queued for this host (waiting for a slot, a token or a pause).
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    fn pause_left(&self) -> Option<Instant> {
        let guard = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        guard.filter(|until| *until > Instant::now())
    }

    /// Waits for a free slot, a token and the end of any pause; `None` when
    /// the host has been given up (before or while waiting).
    pub(crate) async fn acquire(&self) -> Option<HostPermit> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let permit = loop {
            if self.is_given_up() {
                break None;
            }
            if let Some(until) = self.pause_left() {
                tokio::time::sleep_until(until).await;
            }
            let slot = Arc::clone(&self.slots)
                .acquire_owned()
                .await
                .expect("host semaphores are never closed");
            if self.is_given_up() {
                break None;
            }
            self.bucket.until_ready().await;
            // A pause may have started (or the host been given up) while
            // this request waited.
            if self.pause_left().is_none() && !self.is_given_up() {
                break Some(HostPermit { _slot: slot });
            }
        };
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        permit
    }

    /// Gives the host up for the rest of the run: no more requests are sent.
    pub(crate) fn give_up(&self) {
        self.given_up.store(true, Ordering::Relaxed);
    }

    /// Whether [`Host::give_up`] was called.
    pub(crate) fn is_given_up(&self) -> bool {
        self.given_up.load(Ordering::Relaxed)
    }

    /// Holds every request to the host for `delay` (longest pause wins).
    pub(crate) fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut guard = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none_or(|current| current < until) {
            *guard = Some(until);
        }
    }
}

/// Every host met during a run.
pub(crate) struct Hosts {
    map: Mutex<HashMap<(HostClass, String), Arc<Host>>>,
    concurrency: usize,
    rates: [f64; 3],
}

impl Hosts {
    pub(crate) fn new(
        concurrency: usize,
        page_rate: f64,
        archive_rate: f64,
        api_rate: f64,
    ) -> Self {
        Hosts {
            map: Mutex::new(HashMap::new()),
            concurrency,
            rates: [page_rate, archive_rate, api_rate],
        }
    }

    /// The state of `host` for requests of `class`.
    pub(crate) fn get(&self, class: HostClass, host: &str) -> Arc<Host> {
        let rate = match class {
            HostClass::Page => self.rates[0],
            HostClass::Archive => self.rates[1],
            HostClass::Api => self.rates[2],
        };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            map.entry((class, host.to_ascii_lowercase()))
                .or_insert_with(|| Arc::new(Host::new(self.concurrency, rate))),
        )
    }

    /// The hosts with the most queued requests, busiest first.
    pub(crate) fn busiest(&self, n: usize) -> Vec<(String, usize)> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let mut queues: Vec<_> = map
            .iter()
            .map(|((_, host), state)| (host.clone(), state.waiting()))
            .filter(|(_, waiting)| *waiting > 0)
            .collect();
        queues.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        queues.truncate(n);
        queues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_bucket_spaces_requests_and_a_pause_holds_the_host() {
        let host = Host::new(4, 20.0);
        let start = Instant::now();
        for _ in 0..3 {
            drop(host.acquire().await.unwrap());
        }
        // Burst 1 at 20/s: the second and third wait 50 ms each.
        assert!(start.elapsed() >= Duration::from_millis(95));
        host.pause(Duration::from_millis(150));
        let paused = Instant::now();
        drop(host.acquire().await.unwrap());
        assert!(paused.elapsed() >= Duration::from_millis(140));
        host.give_up();
        assert!(host.acquire().await.is_none());
        assert_eq!(host.waiting(), 0);
    }
}
