//! Token requests in tracing. A binary of its own: a subscriber set for one test thread misses
//! spans whose callsites another test's thread met first without one.

mod oauth_fixture;

use oauth_fixture::*;

/// Writes down every span and event, fields included, as text.
struct Recorder {
    lines: Arc<std::sync::Mutex<Vec<String>>>,
    next: AtomicUsize,
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) as u64 + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("record".into());
        values.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields("event".into());
        event.record(&mut fields);
        self.lines.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(start_paused = true)]
async fn token_requests_are_spans_like_other_calls_and_logs_show_no_secret() {
    let server = MockServer::start_async().await;
    issuing(
        &server,
        json!({"expires_in": 3600, "refresh_token": "r3fresh-9"}),
    )
    .await;
    api(&server, |t| t == "tok-2").await;
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let _guard = tracing::subscriber::set_default(Recorder {
        lines: lines.clone(),
        next: AtomicUsize::new(0),
    });
    let endpoint = endpoint(&server, password_grant());
    get(&endpoint).await.unwrap();
    let lines = lines.lock().unwrap().join("\n");
    let token_spans = lines
        .lines()
        .filter(|l| l.starts_with("span support.http") && l.contains("endpoint=\"oauth_token\""))
        .count();
    assert_eq!(token_spans, 2, "the first token and its renewal:\n{lines}");
    assert!(
        lines.contains("operation=\"getTicket\"") && lines.contains("method=POST"),
        "{lines}"
    );
    for secret in ["tok-1", "tok-2", "r3fresh-9", SECRET, PASSWORD] {
        assert!(!lines.contains(secret), "{secret}:\n{lines}");
    }
}
