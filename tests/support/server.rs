//! A tiny HTTP/1.1 server for the online tests: one response per connection,
//! every request logged with its time, in-flight requests counted, and
//! replies that can be delayed, reset or left hanging.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
    pub action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Respond,
    /// Close with a TCP reset, no response.
    Reset,
    /// Never answer.
    Hang,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
            action: Action::Respond,
        }
    }
    pub fn redirect(status: u16, location: &str) -> Self {
        Reply::status(status).header("Location", location)
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.into();
        self
    }
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
    pub fn action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub at: Instant,
}

type Handler = dyn Fn(&str, &str, usize) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Seen>>>,
    max_in_flight: Arc<AtomicUsize>,
}

impl TestServer {
    /// Listens on `ip` (any 127.x address) at a free port. The handler gets
    /// the method, the path and how many times that path was requested before.
    pub async fn start(
        ip: &str,
        handler: impl Fn(&str, &str, usize) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        let listener = TcpListener::bind((ip, 0)).await.expect("bind test server");
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let log = Arc::clone(&log);
            let max_in_flight = Arc::clone(&max_in_flight);
            tokio::spawn(async move {
                loop {
                    let Ok((mut stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let log = Arc::clone(&log);
                    let handler = Arc::clone(&handler);
                    let in_flight = Arc::clone(&in_flight);
                    let max_in_flight = Arc::clone(&max_in_flight);
                    tokio::spawn(async move {
                        let mut head = Vec::new();
                        let mut buf = [0u8; 2048];
                        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                            match stream.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => head.extend_from_slice(&buf[..n]),
                            }
                        }
                        let text = String::from_utf8_lossy(&head);
                        let mut first = text.lines().next().unwrap_or("").split(' ');
                        let method = first.next().unwrap_or("").to_owned();
                        let path = first.next().unwrap_or("").to_owned();
                        let nth = {
                            let mut log = log.lock().unwrap();
                            let nth = log.iter().filter(|s| s.path == path).count();
                            log.push(Seen {
                                method: method.clone(),
                                path: path.clone(),
                                at: Instant::now(),
                            });
                            nth
                        };
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        max_in_flight.fetch_max(now, Ordering::SeqCst);
                        let reply = handler(&method, &path, nth);
                        tokio::time::sleep(reply.delay).await;
                        match reply.action {
                            Action::Hang => {
                                in_flight.fetch_sub(1, Ordering::SeqCst);
                                tokio::time::sleep(Duration::from_secs(60)).await;
                                return;
                            }
                            Action::Reset => {
                                // Linger 0 sends a reset; it does not block here.
                                #[allow(deprecated)]
                                let _ = stream.set_linger(Some(Duration::ZERO));
                                in_flight.fetch_sub(1, Ordering::SeqCst);
                                drop(stream);
                                return;
                            }
                            Action::Respond => {}
                        }
                        let mut out = format!(
                            "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        for (name, value) in &reply.headers {
                            out.push_str(&format!("{name}: {value}\r\n"));
                        }
                        out.push_str("\r\n");
                        if method != "HEAD" {
                            out.push_str(&reply.body);
                        }
                        let _ = stream.write_all(out.as_bytes()).await;
                        let _ = stream.shutdown().await;
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
        }
        TestServer {
            addr,
            log,
            max_in_flight,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|s| s.path == path).count()
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}
