//! The clients the bench compares, each listing every ticket of a [`BenchServer`]: the adapters
//! through their public API only, and a bare reqwest client sending the same requests.

use std::time::Duration;

use futures::TryStreamExt;
use support_core::{SupportPort, SupportPortExt, Ticket, TicketQuery};
use support_freshdesk::FreshdeskPort;
use support_zendesk::ZendeskPort;

use crate::catalog::{self, Site};
use crate::server::BenchServer;

/// Why a listing failed, for the bench to print.
pub type Failure = String;

/// The adapter of the server's site, built as an application would build it.
pub fn adapter(server: &BenchServer) -> Result<Box<dyn SupportPort>, Failure> {
    let timeout = Some(Duration::from_secs(60));
    let port: Box<dyn SupportPort> = match server.site() {
        Site::Zendesk => Box::new(
            ZendeskPort::builder()
                .base_url(server.base_url())
                .api_token("agent@acme.example", "bench-token")
                .request_timeout(timeout)
                .build()
                .map_err(|e| format!("the Zendesk port does not build: {e}"))?,
        ),
        Site::Freshdesk => Box::new(
            FreshdeskPort::builder()
                .base_url(server.base_url())
                .api_key("bench-key")
                .request_timeout(timeout)
                .build()
                .map_err(|e| format!("the Freshdesk port does not build: {e}"))?,
        ),
    };
    Ok(port)
}

/// Lists every ticket through `port.tickets(..)`, `per_page` at a time, handing each to `consume`;
/// returns how many there were.
pub async fn list_through_adapter(
    port: &dyn SupportPort,
    per_page: u32,
    mut consume: impl FnMut(Ticket),
) -> Result<u64, Failure> {
    let mut tickets = port.tickets(TicketQuery::new().with_limit(per_page));
    let mut count = 0;
    while let Some(ticket) = tickets
        .try_next()
        .await
        .map_err(|e| format!("the {} listing failed: {e}", port.provider()))?
    {
        count += 1;
        consume(ticket);
    }
    Ok(count)
}

/// A bare reqwest client, built with the workspace's features.
pub fn bare_client() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| format!("the bare client does not build: {e}"))
}

/// What a bare client does with each page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BareWork {
    /// Decodes it into the minimal typed page ([`catalog::decode_minimal`]).
    Decode,
    /// Reads its bytes only.
    BytesOnly,
}

/// Lists every ticket of the server with a bare client: the same requests as the adapter, one
/// after the other; returns how many distinct tickets the pages held (decoded, with
/// [`BareWork::Decode`]).
pub async fn list_bare(
    client: &reqwest::Client,
    server: &BenchServer,
    per_page: u64,
    work: BareWork,
) -> Result<u64, Failure> {
    let root = server.root();
    let mut newest = 0;
    let mut count = 0;
    for request in catalog::listing_plan(server.site(), server.tickets(), per_page) {
        let url = format!("{root}{}", request.target);
        let response = client
            .get(&url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("GET {url}: {}", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let (held, last) = match work {
            BareWork::Decode => catalog::decode_minimal(server.site(), &body)
                .map_err(|e| format!("GET {url}: undecodable page: {e}"))?,
            BareWork::BytesOnly => (
                request.ids.clone().count(),
                request.ids.end.saturating_sub(1),
            ),
        };
        let expected = request.ids.clone().count();
        if held != expected || (held > 0 && last != request.ids.end - 1) {
            return Err(format!(
                "GET {url}: {held} tickets up to {last}, expected {expected} up to {}",
                request.ids.end - 1
            ));
        }
        // A restarted Freshdesk window repeats the last ticket of the one before.
        count += request.ids.filter(|id| *id > newest).count() as u64;
        newest = newest.max(last);
    }
    Ok(count)
}
