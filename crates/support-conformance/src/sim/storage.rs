//! Signed file storage on another origin, as helpdesks serve attachments (Freshdesk's S3 URLs,
//! Intercom's CDN): one plain HTTP/1.1 server on loopback per test process serves every
//! simulator's files; each simulator's files live under their own prefix ([`new_prefix`]).
//!
//! Strict as signed storage is: a request carrying an `Authorization` header gets 400 (a signed
//! URL allows one authentication mechanism, and the helpdesk's credentials must not leak there),
//! a missing or wrong signature 403, an unknown file 404. So an adapter that sends its
//! credentials to a file's URL, or follows it unsigned, fails its download scenario.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A stored file: content type and bytes.
type File = (String, Vec<u8>);

struct Storage {
    base_url: String,
    files: Arc<Mutex<HashMap<String, File>>>,
}

fn storage() -> &'static Storage {
    static STORAGE: OnceLock<Storage> = OnceLock::new();
    STORAGE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port for file storage");
        let base_url = format!(
            "http://{}",
            listener.local_addr().expect("the storage server's address")
        );
        let files: Arc<Mutex<HashMap<String, File>>> = Arc::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let files = served.clone();
                std::thread::spawn(move || serve(stream, &files));
            }
        });
        Storage { base_url, files }
    })
}

/// The signature a stored file's URL carries.
fn signature(path: &str) -> String {
    format!(
        "sig-{:x}",
        path.len() * 7919 + path.bytes().map(usize::from).sum::<usize>()
    )
}

fn serve(stream: TcpStream, files: &Mutex<HashMap<String, File>>) {
    let Ok(read) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorized = false;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {
                if line.to_ascii_lowercase().starts_with("authorization:") {
                    authorized = true;
                }
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let signed = query
        .split('&')
        .any(|pair| pair == format!("X-Amz-Signature={}", signature(path)));
    let found = files
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(path)
        .cloned();
    let (status, content_type, body) = match found {
        _ if method != "GET" => ("405 Method Not Allowed", "text/plain".into(), b"".to_vec()),
        _ if authorized => (
            "400 Bad Request",
            "application/xml".into(),
            b"<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>".to_vec(),
        ),
        _ if !signed => (
            "403 Forbidden",
            "application/xml".into(),
            b"<Error><Code>AccessDenied</Code></Error>".to_vec(),
        ),
        Some((content_type, bytes)) => ("200 OK", content_type, bytes),
        None => (
            "404 Not Found",
            "application/xml".into(),
            b"<Error><Code>NoSuchKey</Code></Error>".to_vec(),
        ),
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

/// A fresh prefix for one simulator's files, starting with `tag` (the provider's short name).
pub fn new_prefix(tag: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("/{tag}-sim-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Stores a file under `prefix` and `id` (the file's id at the provider), and returns its signed
/// URL.
pub fn put(prefix: &str, id: &str, file_name: &str, content_type: &str, bytes: Vec<u8>) -> String {
    let storage = storage();
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = format!("{prefix}/{id}/{name}");
    storage
        .files
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(path.clone(), (content_type.to_owned(), bytes));
    format!(
        "{}{path}?X-Amz-Expires=300&X-Amz-Signature={}",
        storage.base_url,
        signature(&path)
    )
}
