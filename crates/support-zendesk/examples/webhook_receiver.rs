//! A Zendesk webhook receiver: each POST on `/webhooks/zendesk` is verified and parsed from its raw
//! body bytes, repeats are dropped, and the event is handed to a worker task, so that Zendesk gets its
//! answer at once (it times a request out after a few seconds and retries).
//!
//! ```sh
//! SUPPORT_ZENDESK_WEBHOOK_SECRET=... [SUPPORT_ZENDESK_WEBHOOK_PREVIOUS_SECRET=...] \
//!   cargo run -p support-zendesk --example webhook_receiver   # listens on 127.0.0.1:3000
//! ```

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use support_core::webhook::{Deduplicator, Delivery, WebhookError, WebhookEvent, WebhookReceiver};
use support_zendesk::ZendeskWebhooks;
use tokio::sync::mpsc;

#[derive(Debug)]
struct Receiver {
    webhooks: ZendeskWebhooks,
    seen: Deduplicator,
    work: mpsc::Sender<WebhookEvent>,
}

async fn zendesk(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match receiver.webhooks.receive(&Delivery::now(&headers, &body)) {
        Ok(event) => {
            // Reserve room in the queue before remembering the id, so a refused delivery is not
            // taken for a repeat when Zendesk retries it.
            let Ok(slot) = receiver.work.try_reserve() else {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "5")],
                    "busy",
                )
                    .into_response();
            };
            if receiver.seen.first_time(&event.delivery_id) {
                slot.send(event);
            }
            StatusCode::OK.into_response()
        }
        // Authentic but unreadable: retrying will not help.
        Err(error @ WebhookError::MalformedBody(_)) => {
            (StatusCode::BAD_REQUEST, error.to_string()).into_response()
        }
        Err(error) => (StatusCode::UNAUTHORIZED, error.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(webhooks) = ZendeskWebhooks::from_env() else {
        return Err(format!(
            "set {} to the webhook's signing secret",
            ZendeskWebhooks::ENV_SECRET
        )
        .into());
    };
    let (work, mut events) = mpsc::channel::<WebhookEvent>(1024);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let ticket = event.ticket.as_ref().map(ToString::to_string);
            println!(
                "{} {:?} ticket={ticket:?} status={:?}",
                event.delivery_id, event.kind, event.status
            );
        }
    });
    let receiver = Arc::new(Receiver {
        webhooks,
        seen: Deduplicator::new(10_000),
        work,
    });
    let app = Router::new()
        .route("/webhooks/zendesk", post(zendesk))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
