//! A loopback relay in front of a simulator that loses answers after their headers: the faults
//! httpmock cannot make (a body cut short, or stalled past a timeout, once the status and headers
//! were sent).
//!
//! It runs on plain threads with blocking sockets, so it works whatever clock the test's runtime
//! has. Each connection carries one request: the relay asks the simulator with `connection: close`
//! and answers with it too.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;

use crate::harness::{AfterHeaders, RequestCounter};

/// Whether a request (method, request target: the path and any query string) is one whose answer
/// is lost.
pub(crate) type IsTarget = Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

/// Starts a relay to `upstream` (`host:port`) whose first `times` requests that `is_target` picks
/// (by method and request target) lose their answer `how`; returns the relay's `http://host:port`.
/// An answer without a body (a `204`) is lost within its head: nothing else of it could be.
pub(crate) fn start_relay(
    upstream: String,
    how: AfterHeaders,
    times: usize,
    counter: RequestCounter,
    is_target: IsTarget,
) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let upstream = upstream.clone();
            let counter = counter.clone();
            let is_target = is_target.clone();
            std::thread::spawn(move || {
                let _ = relay(stream, &upstream, how, times, &counter, is_target.as_ref());
            });
        }
    });
    Ok(url)
}

/// Closes a connection with a reset instead of an orderly close.
fn reset(client: TcpStream) -> std::io::Result<()> {
    client.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async move {
        let client = tokio::net::TcpStream::from_std(client)?;
        client.set_zero_linger()?;
        drop(client);
        Ok(())
    })
}

fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// The head with any `connection` header replaced by `connection: close`.
fn closing(head: &str) -> String {
    let mut lines = head.trim_end_matches("\r\n").split("\r\n");
    let mut out = String::new();
    if let Some(first) = lines.next() {
        out.push_str(first);
        out.push_str("\r\n");
    }
    for line in lines {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    out
}

fn relay(
    mut client: TcpStream,
    upstream: &str,
    how: AfterHeaders,
    times: usize,
    counter: &RequestCounter,
    is_target: &(dyn Fn(&str, &str) -> bool + Send + Sync),
) -> std::io::Result<()> {
    // The request: its head, then as much body as it announces.
    let mut request = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(end) = head_end(&request) {
            break end;
        }
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&request[..end]).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while request.len() < end + length {
        let n = client.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let mut parts = head.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default();
    let target = target.to_owned();

    // The simulator's whole answer.
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(closing(&head).as_bytes())?;
    server.write_all(&request[end..])?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    let Some(answer_end) = head_end(&answer) else {
        client.write_all(&answer)?;
        return Ok(());
    };
    let answer_head = closing(&String::from_utf8_lossy(&answer[..answer_end]));
    let body = &answer[answer_end..];

    let lose = is_target(&method, &target) && counter.hit() < times;
    if !lose {
        client.write_all(answer_head.as_bytes())?;
        client.write_all(body)?;
        return client.shutdown(Shutdown::Write);
    }
    if body.is_empty() {
        client.write_all(&answer_head.as_bytes()[..answer_head.len() / 2])?;
    } else {
        client.write_all(answer_head.as_bytes())?;
        client.write_all(&body[..body.len() / 2])?;
    }
    client.flush()?;
    match how {
        AfterHeaders::CutShort => client.shutdown(Shutdown::Both),
        AfterHeaders::Reset => reset(client),
        AfterHeaders::Stall(stall) => {
            std::thread::sleep(stall);
            client.shutdown(Shutdown::Both)
        }
    }
}
