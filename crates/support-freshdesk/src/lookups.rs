//! What the helpdesk defines that Freshdesk objects refer to by code: the labels of ticket statuses
//! (custom ones included) and agents' roles, each read through a [`LookupCache`].
//!
//! Status labels only enrich mapping: when the ticket fields cannot be read, custom statuses keep
//! their codes, and a 403 or 404 is remembered for the time to live rather than asked again on
//! every page.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support_core::kit::json;
use support_core::kit::page::PageItem;
use support_core::kit::{self, LookupCache};
use support_core::{Error, ErrorKind, Operation, RawJson, Result, Ticket, TicketStatus};

use crate::PROVIDER;
use crate::generated::types;
use crate::listing::{BARE, values};
use crate::map::{self, StatusLabels};
use crate::port::FreshdeskPort;

/// How long status labels and roles are reused.
const DEFINITIONS_FRESH_FOR: Duration = Duration::from_secs(10 * 60);

/// The caches of one port.
#[derive(Debug)]
pub(crate) struct Lookups {
    status_labels: LookupCache<StatusLabels>,
    roles: LookupCache<HashMap<i64, String>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            status_labels: LookupCache::new("ticket fields", DEFINITIONS_FRESH_FOR),
            roles: LookupCache::new("roles", DEFINITIONS_FRESH_FOR),
        }
    }
}

impl FreshdeskPort {
    /// The agent labels of ticket statuses, from the status ticket field, when needed.
    async fn status_labels(&self, operation: Operation, needed: bool) -> Arc<StatusLabels> {
        if !needed {
            return Arc::default();
        }
        self.lookups
            .status_labels
            .get_or_default(|| async {
                let page = self
                    .endpoint
                    .runtime()
                    .run_page(
                        operation,
                        BARE.item("ticket field"),
                        self.client.list_ticket_fields().send(),
                    )
                    .await?;
                Ok(StatusLabels::from_ticket_fields(&values::<types::Field>(
                    operation, page,
                )?))
            })
            .await
    }

    /// Role names by id.
    pub(crate) async fn roles(&self, operation: Operation) -> Result<Arc<HashMap<i64, String>>> {
        self.lookups
            .roles
            .get_or_load(|| async {
                let page = self
                    .endpoint
                    .runtime()
                    .run_page(
                        operation,
                        BARE.item("role"),
                        self.client.list_roles().send(),
                    )
                    .await?;
                Ok(values::<types::Role>(operation, page)?
                    .iter()
                    .filter_map(|r| Some((json::int(r, "id")?, json::text(r, "name")?)))
                    .collect())
            })
            .await
    }

    /// Tickets, with the status labels their mapping needs, each mapped straight from its page
    /// item: a ticket's view is large, and every pass over the page moves each one.
    pub(crate) async fn tickets(
        &self,
        operation: Operation,
        items: Vec<PageItem<map::TicketView>>,
    ) -> Result<Vec<Ticket>> {
        let mut mapper = self.ticket_mapper(operation);
        let tickets = kit::map_each(items, |item| mapper.map(item))?;
        mapper.finish(tickets).await
    }

    /// A mapper of tickets with the status labels at hand (none until a listing has needed them);
    /// [`TicketMapper::finish`] reads the labels afterwards only if a ticket with a custom status
    /// was mapped without them, so that a page can be mapped while it is decoded.
    pub(crate) fn ticket_mapper(&self, operation: Operation) -> TicketMapper<'_> {
        let at_hand = self.lookups.status_labels.fresh();
        TicketMapper {
            port: self,
            operation,
            labelled: at_hand.is_some(),
            labels: at_hand.unwrap_or_default(),
            unlabelled: false,
        }
    }

    /// One ticket, with the status labels its mapping needs.
    pub(crate) async fn one_ticket(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        let raw = RawJson::from(raw);
        let view = map::ticket_view(operation, &raw)?;
        let item = PageItem {
            raw,
            decoded: Ok(view),
        };
        let mut tickets = self.tickets(operation, vec![item]).await?;
        tickets
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation))
    }

    /// The code of a status to write; a custom one named by its label is looked up.
    pub(crate) async fn status_code(
        &self,
        operation: Operation,
        status: &TicketStatus,
    ) -> Result<i64> {
        let custom =
            matches!(status, TicketStatus::Other(native) if native.parse::<i64>().is_err());
        let labels = self.status_labels(operation, custom).await;
        map::status_to_native(status, &labels).map_err(|e| e.with_operation(operation))
    }
}

/// Maps tickets one by one with the status labels at hand ([`FreshdeskPort::ticket_mapper`]).
pub(crate) struct TicketMapper<'p> {
    port: &'p FreshdeskPort,
    operation: Operation,
    labels: Arc<StatusLabels>,
    /// Whether `labels` are the account's (else none were at hand).
    labelled: bool,
    /// Whether a ticket with a custom status was mapped without labels.
    unlabelled: bool,
}

impl TicketMapper<'_> {
    /// One ticket from its page item.
    pub(crate) fn map(&mut self, item: PageItem<map::TicketView>) -> Result<Ticket> {
        let (view, raw) = item.into_native(PROVIDER, self.operation, "ticket")?;
        if !self.labelled && view.status.is_some_and(|s| !map::is_builtin_status(s)) {
            self.unlabelled = true;
        }
        map::ticket_from_view(self.operation, view, raw, &self.labels)
    }

    /// The mapped tickets, their custom statuses labelled when they were mapped without labels
    /// (the labels are read then, once per time to live; without them the codes stay).
    pub(crate) async fn finish(self, mut tickets: Vec<Ticket>) -> Result<Vec<Ticket>> {
        if self.unlabelled {
            let labels = self.port.status_labels(self.operation, true).await;
            for ticket in &mut tickets {
                map::label_custom_status(ticket, &labels);
            }
        }
        Ok(tickets)
    }
}

#[cfg(test)]
mod tests {
    use httpmock::Method::GET;
    use httpmock::MockServer;
    use serde_json::json;
    use support_core::{CanonicalId, ObjectKind, SupportPort, TicketLookup, TicketStatus};

    use crate::{FreshdeskPort, PROVIDER};

    #[tokio::test]
    async fn unreadable_status_labels_are_asked_for_once() {
        let server = MockServer::start_async().await;
        let fields = server
            .mock_async(|when, then| {
                when.method(GET).path("/ticket_fields");
                then.status(403).json_body(json!({"code": "access_denied", "message": "You are not authorized to perform this action."}));
            })
            .await;
        let ticket = server
            .mock_async(|when, then| {
                when.method(GET).path("/tickets/7");
                then.status(200)
                    .json_body(json!({"id": 7, "status": 6, "priority": 1, "subject": "Waiting"}));
            })
            .await;
        let port = FreshdeskPort::builder()
            .base_url(server.base_url())
            .api_key("key")
            .build()
            .unwrap();
        let id = TicketLookup::Id(CanonicalId::new(PROVIDER, ObjectKind::Ticket, "7"));
        for _ in 0..20 {
            let found = port.get_ticket(&id).await.unwrap();
            // Without labels a custom status keeps its code.
            assert_eq!(found.status.canonical, TicketStatus::Other("6".into()));
        }
        ticket.assert_calls_async(20).await;
        fields.assert_calls_async(1).await;
    }
}
