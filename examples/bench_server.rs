//! The local server of `scripts/bench-online.sh`: listens on 127.0.0.2 …
//! 127.0.0.(N+1) at one port (Linux routes all of 127/8 to loopback), answers
//! every request with 200 after a fixed latency (HTTP/1.1 keep-alive), and
//! counts requests and the most requests in flight per host.
//!
//! `GET /__stats` answers `{"requests": N, "max_per_host": M}` (not counted);
//! `GET /__reset` zeroes the counters. It stops by itself after `--lifetime`
//! seconds.
//!
//! Usage: `cargo run --release --example bench_server -- PORT HOSTS LATENCY_MS LIFETIME_S`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Stats {
    requests: AtomicUsize,
    max_per_host: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// When the first counted request arrived and the last one was answered.
    window: std::sync::Mutex<Option<(Instant, Instant)>>,
    /// Microseconds spent answering counted requests, summed.
    busy_us: AtomicUsize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let port = arg(0, 18_080) as u16;
    let hosts = arg(1, 50) as u8;
    let latency = Duration::from_millis(arg(2, 20));
    let lifetime = Duration::from_secs(arg(3, 600));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let stats = Arc::new(Stats {
            requests: AtomicUsize::new(0),
            max_per_host: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            window: std::sync::Mutex::new(None),
            busy_us: AtomicUsize::new(0),
        });
        for h in 0..hosts {
            let ip = format!("127.0.0.{}", u16::from(h) + 2);
            let listener = TcpListener::bind((ip.as_str(), port))
                .await
                .unwrap_or_else(|e| panic!("bind {ip}:{port}: {e}"));
            let in_flight = Arc::new(AtomicUsize::new(0));
            let stats = Arc::clone(&stats);
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let stats = Arc::clone(&stats);
                    let in_flight = Arc::clone(&in_flight);
                    tokio::spawn(serve(stream, stats, in_flight, latency));
                }
            });
        }
        eprintln!("bench server: {hosts} hosts on port {port}, {latency:?} latency");
        tokio::time::sleep(lifetime).await;
    });
}

/// Seconds from the first counted request to the last answer.
fn active_seconds(stats: &Stats) -> f64 {
    let window = *stats.window.lock().unwrap();
    window.map_or(0.0, |(first, last)| (last - first).as_secs_f64())
}

/// Requests in flight on average over the active window.
fn mean_in_flight(stats: &Stats) -> f64 {
    let active = active_seconds(stats);
    if active == 0.0 {
        return 0.0;
    }
    stats.busy_us.load(Ordering::SeqCst) as f64 / 1e6 / active
}

async fn serve(
    mut stream: TcpStream,
    stats: Arc<Stats>,
    in_flight: Arc<AtomicUsize>,
    latency: Duration,
) {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let mut first = head.lines().next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_owned();
        let path = first.next().unwrap_or("").to_owned();
        let body = match path.as_str() {
            "/__stats" => format!(
                "{{\"requests\": {}, \"max_per_host\": {}, \"max_in_flight\": {}, \"active_s\": {:.3}, \"mean_in_flight\": {:.1}}}",
                stats.requests.load(Ordering::SeqCst),
                stats.max_per_host.load(Ordering::SeqCst),
                stats.max_in_flight.load(Ordering::SeqCst),
                active_seconds(&stats),
                mean_in_flight(&stats)
            ),
            "/__reset" => {
                stats.requests.store(0, Ordering::SeqCst);
                stats.max_per_host.store(0, Ordering::SeqCst);
                stats.max_in_flight.store(0, Ordering::SeqCst);
                *stats.window.lock().unwrap() = None;
                stats.busy_us.store(0, Ordering::SeqCst);
                String::new()
            }
            _ => {
                stats.requests.fetch_add(1, Ordering::SeqCst);
                let arrived = Instant::now();
                stats
                    .window
                    .lock()
                    .unwrap()
                    .get_or_insert((arrived, arrived));
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                stats.max_per_host.fetch_max(now, Ordering::SeqCst);
                let total = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                stats.max_in_flight.fetch_max(total, Ordering::SeqCst);
                tokio::time::sleep(latency).await;
                stats.in_flight.fetch_sub(1, Ordering::SeqCst);
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let done = Instant::now();
                stats
                    .busy_us
                    .fetch_add((done - arrived).as_micros() as usize, Ordering::SeqCst);
                if let Some(window) = stats.window.lock().unwrap().as_mut() {
                    window.1 = done;
                }
                String::from("<html><title>ok</title></html>")
            }
        };
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: text/html\r\n\r\n",
            body.len()
        );
        if method != "HEAD" {
            out.push_str(&body);
        }
        if stream.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}
