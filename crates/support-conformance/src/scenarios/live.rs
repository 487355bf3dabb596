//! Live mode: scenarios that need no fixture world.

use futures::TryStreamExt;
use std::collections::BTreeSet;

use support_core::{
    CloseOptions, NewComment, NewTicket, SupportPort, SupportPortExt, Ticket, TicketLookup,
    TicketQuery,
};

use super::{Check, fail};

/// Pages of a live account hold no duplicates and follow their cursors.
pub async fn live_list_tickets(port: &dyn SupportPort) -> Check {
    let tickets: Vec<Ticket> = port
        .tickets(TicketQuery::new().with_limit(2))
        .take_first(6)
        .await?;
    let unique: BTreeSet<_> = tickets.iter().map(|t| t.id.clone()).collect();
    ensure!(
        unique.len() == tickets.len(),
        "duplicate tickets across pages"
    );
    if let Some(first) = tickets.first() {
        let again = port
            .get_ticket(&TicketLookup::Id(first.id.clone()))
            .await
            .or_else(|e| fail("getTicket", e))?;
        ensure!(again.id == first.id, "getTicket returned {}", again.id);
    }
    Ok(())
}

/// A live ticket is created (tagged so it can be found), commented on and closed.
pub async fn live_ticket_lifecycle(port: &dyn SupportPort) -> Check {
    let created = port
        .create_ticket(
            NewTicket::new(
                "support-port conformance",
                "Created by the conformance suite; safe to delete.",
            )
            .with_tag("support-port-conformance"),
        )
        .await
        .or_else(|e| fail("createTicket", e))?;
    port.add_comment(&created.id, NewComment::internal("conformance note"))
        .await
        .or_else(|e| fail("addComment", e))?;
    let closed = port
        .close_ticket(&created.id, CloseOptions::new())
        .await
        .or_else(|e| fail("closeTicket", e))?;
    ensure!(
        closed.status.canonical.is_done(),
        "closed ticket is {:?}",
        closed.status.canonical
    );
    Ok(())
}

trait TakeFirst<T> {
    async fn take_first(self, n: usize) -> Result<Vec<T>, String>;
}

impl<T> TakeFirst<T> for support_core::Listing<'_, T> {
    async fn take_first(self, n: usize) -> Result<Vec<T>, String> {
        use futures::StreamExt;
        self.take(n)
            .try_collect()
            .await
            .map_err(|e| format!("listing failed: {e}"))
    }
}
