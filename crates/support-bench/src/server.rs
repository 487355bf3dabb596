//! A tiny HTTP/1.1 keep-alive server on loopback that answers the listing requests of one site.
//!
//! It runs on its own OS thread with its own runtime, so its CPU is not the client's, and it does
//! as little as it can per request (no request matching framework): read the head, generate the
//! page, answer with a `Content-Length`. Unknown paths get a 404 and a log line on stderr, and are
//! counted, so a bench that sees the wrong count knows why.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::catalog::{self, Site};

/// Injected page latency: the shortest, and the width of the range above it.
const LATENCY_MIN_MS: u64 = 20;
const LATENCY_SPREAD_MS: u64 = 31;

/// The largest request head (and request body) read; a connection sending more is closed.
const MAX_HEAD: usize = 64 * 1024;

/// The wait before the `index`-th ticket page of a listing in latency mode: 20 to 50 ms, a fixed
/// pseudo-random sequence, the same for every client.
pub fn page_latency(index: u64) -> Duration {
    let mut x = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    Duration::from_millis(LATENCY_MIN_MS + x % LATENCY_SPREAD_MS)
}

#[derive(Debug)]
struct Shared {
    site: Site,
    tickets: u64,
    latency: AtomicBool,
    /// Ticket pages served since the last reset: the index into the latency sequence.
    pages: AtomicU64,
    /// Microseconds actually waited before ticket pages since the last reset.
    injected_us: AtomicU64,
    /// Requests answered 404 or 400 since the server started.
    refused: AtomicU64,
}

/// A running bench server. Its thread lives as long as the process.
#[derive(Debug, Clone)]
pub struct BenchServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl BenchServer {
    /// Starts a server for `site` holding `tickets` tickets (ids 1 to `tickets`).
    pub fn start(site: Site, tickets: u64) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            site,
            tickets,
            latency: AtomicBool::new(false),
            pages: AtomicU64::new(0),
            injected_us: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let serving = Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("bench-server-{}", site.name()))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => {
                            eprintln!("bench server: cannot listen: {e}");
                            return;
                        }
                    };
                    loop {
                        match listener.accept().await {
                            Ok((stream, _)) => {
                                tokio::spawn(serve(stream, Arc::clone(&serving)));
                            }
                            Err(e) => eprintln!("bench server: accept failed: {e}"),
                        }
                    }
                });
            })?;
        Ok(Self { addr, shared })
    }

    /// The site it imitates.
    pub fn site(&self) -> Site {
        self.shared.site
    }

    /// How many tickets it holds.
    pub fn tickets(&self) -> u64 {
        self.shared.tickets
    }

    /// `http://127.0.0.1:port`.
    pub fn root(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL its site's adapter is built with.
    pub fn base_url(&self) -> String {
        match self.shared.site {
            Site::Zendesk => self.root(),
            Site::Freshdesk => format!("{}/api/v2", self.root()),
        }
    }

    /// Whether ticket pages wait [`page_latency`] before they are answered.
    pub fn set_latency(&self, on: bool) {
        self.shared.latency.store(on, Ordering::SeqCst);
    }

    /// Starts the latency sequence and the sum of injected waits again: call before each listing.
    pub fn reset(&self) {
        self.shared.pages.store(0, Ordering::SeqCst);
        self.shared.injected_us.store(0, Ordering::SeqCst);
    }

    /// The time actually waited before ticket pages since the last [`reset`](Self::reset).
    pub fn injected(&self) -> Duration {
        Duration::from_micros(self.shared.injected_us.load(Ordering::SeqCst))
    }

    /// Ticket pages served since the last [`reset`](Self::reset).
    pub fn pages_served(&self) -> u64 {
        self.shared.pages.load(Ordering::SeqCst)
    }

    /// Requests refused (unknown path, bad parameters) since the server started.
    pub fn refused(&self) -> u64 {
        self.shared.refused.load(Ordering::SeqCst)
    }
}

/// One connection: requests in turn, until the client closes it.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    // Head and body go in one write, but small answers must not wait for a delayed ACK either.
    let _ = stream.set_nodelay(true);
    let mut buffer: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        let head_end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at + 4;
            }
            if buffer.len() > MAX_HEAD {
                return;
            }
            buffer.reserve(4 * 1024);
            match stream.read_buf(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut body_length = 0usize;
        let mut close = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                body_length = value.parse().unwrap_or(0);
                if body_length > MAX_HEAD {
                    return;
                }
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
            {
                close = true;
            }
        }
        // A body (none expected) is read and dropped.
        while buffer.len() < head_end + body_length {
            buffer.reserve(head_end + body_length - buffer.len());
            match stream.read_buf(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        buffer.drain(..head_end + body_length);

        let (status, body, link) = answer(&shared, &method, &target).await;
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            _ => "Not Found",
        };
        let link = link
            .map(|next| format!("link: <{next}>; rel=\"next\"\r\n"))
            .unwrap_or_default();
        let mut response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=utf-8\r\n{link}content-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body.as_bytes());
        if stream.write_all(&response).await.is_err() || close {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The status, body and next-page link for one request.
async fn answer(shared: &Shared, method: &str, target: &str) -> (u16, String, Option<String>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = parse_query(query);
    let site = shared.site;
    let result = match (method, site, path) {
        ("GET", _, "/api/v2/tickets") => match ticket_page(shared, &params) {
            Ok((body, next)) => {
                if shared.latency.load(Ordering::SeqCst) {
                    let index = shared.pages.load(Ordering::SeqCst);
                    let started = Instant::now();
                    tokio::time::sleep(page_latency(index)).await;
                    let waited = started.elapsed().as_micros() as u64;
                    shared.injected_us.fetch_add(waited, Ordering::SeqCst);
                }
                shared.pages.fetch_add(1, Ordering::SeqCst);
                Ok((body, next.map(|query| format!("{path}?{query}"))))
            }
            Err(why) => Err((400, why)),
        },
        ("GET", Site::Zendesk, "/api/v2/custom_statuses") => {
            Ok((catalog::zendesk_custom_statuses(), None))
        }
        ("GET", Site::Zendesk, "/api/v2/ticket_fields") => {
            Ok((catalog::zendesk_ticket_fields(), None))
        }
        ("GET", Site::Freshdesk, "/api/v2/ticket_fields") => {
            Ok((catalog::freshdesk_ticket_fields(), None))
        }
        _ => Err((404, "no such route on the bench server".to_owned())),
    };
    match result {
        Ok((body, link)) => (200, body, link),
        Err((status, why)) => {
            shared.refused.fetch_add(1, Ordering::SeqCst);
            eprintln!(
                "bench server ({}): {status} for {method} {target}: {why}",
                site.name()
            );
            (
                status,
                format!("{{\"error\":\"{}\"}}", why.replace('"', "'")),
                None,
            )
        }
    }
}

/// The ticket page a listing request asks for, with the query of the next page where Freshdesk
/// names it in a `Link` header; or why the request is refused.
fn ticket_page(
    shared: &Shared,
    params: &HashMap<String, String>,
) -> Result<(String, Option<String>), String> {
    let total = shared.tickets;
    let number = |name: &str, default: u64| -> Result<u64, String> {
        match params.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| format!("{name} {text:?} is not a number")),
        }
    };
    match shared.site {
        Site::Zendesk => {
            if let Some(unknown) = params
                .keys()
                .find(|k| !matches!(k.as_str(), "page[size]" | "page[after]" | "include"))
            {
                return Err(format!("unexpected parameter {unknown}"));
            }
            if params.get("include").map(String::as_str) != Some("slas") {
                return Err(
                    "the bench serves ticket pages with their SLA sideload (include=slas)"
                        .to_owned(),
                );
            }
            let size = number("page[size]", 100)?;
            if !(1..=100).contains(&size) {
                return Err(format!("page[size] {size} is not 1 to 100"));
            }
            let after = match params.get("page[after]") {
                None => 0,
                Some(cursor) => catalog::zendesk_cursor_id(cursor)
                    .ok_or_else(|| format!("page[after] {cursor:?} is not a cursor"))?,
            };
            Ok((
                catalog::zendesk_page(catalog::zendesk_page_ids(after, size, total), total),
                None,
            ))
        }
        Site::Freshdesk => {
            if let Some(unknown) = params.keys().find(|k| {
                !matches!(
                    k.as_str(),
                    "updated_since" | "order_by" | "order_type" | "page" | "per_page" | "include"
                )
            }) {
                return Err(format!("unexpected parameter {unknown}"));
            }
            if params.get("include").map(String::as_str) != Some("stats") {
                return Err(
                    "the bench serves ticket pages with their stats (include=stats)".to_owned(),
                );
            }
            // Without `updated_since` Freshdesk lists only the last 30 days: not a full listing.
            let since = params
                .get("updated_since")
                .ok_or("no updated_since: Freshdesk would list only the last 30 days")?;
            let since: DateTime<Utc> = DateTime::parse_from_rfc3339(since)
                .map_err(|e| format!("updated_since {since:?}: {e}"))?
                .into();
            if params.get("order_by").map(String::as_str) != Some("updated_at")
                || params.get("order_type").map(String::as_str) != Some("asc")
            {
                return Err("the bench serves listings ordered by updated_at, asc".to_owned());
            }
            let page = number("page", 1)?;
            let per_page = number("per_page", 30)?;
            if !(1..=100).contains(&per_page) || page == 0 {
                return Err(format!("page {page} of {per_page} is out of range"));
            }
            let page = u32::try_from(page).map_err(|_| format!("page {page} is too deep"))?;
            let ids =
                catalog::freshdesk_page_ids(catalog::first_id_since(since), page, per_page, total);
            // Freshdesk names the next page in a `Link` header while tickets remain after this one.
            let next = (ids.end <= total).then(|| {
                let mut query: Vec<String> = params
                    .iter()
                    .filter(|(name, _)| name.as_str() != "page")
                    .map(|(name, value)| format!("{name}={}", percent_encode(value)))
                    .collect();
                query.sort();
                query.push(format!("page={}", page + 1));
                query.join("&")
            });
            Ok((catalog::freshdesk_page(ids), next))
        }
    }
}

/// `text` with the characters a query value cannot hold as they are percent-encoded.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Query parameters, percent-decoded.
fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_percent_decoded() {
        let params = parse_query("page%5Bsize%5D=100&updated_since=1970-01-01T00%3A00%3A00Z&x=%");
        assert_eq!(params["page[size]"], "100");
        assert_eq!(params["updated_since"], "1970-01-01T00:00:00Z");
        assert_eq!(params["x"], "%");
    }

    #[test]
    fn latencies_stay_in_range_and_repeat() {
        let waits: Vec<Duration> = (0..1_000).map(page_latency).collect();
        assert!(waits.iter().all(|w| (20..=50).contains(&w.as_millis())));
        assert_eq!(waits, (0..1_000).map(page_latency).collect::<Vec<_>>());
        assert!(waits.iter().any(|w| w.as_millis() < 25));
        assert!(waits.iter().any(|w| w.as_millis() > 45));
    }
}
