//! The scenarios, as `pub async fn`s over a port and the world, grouped by subject, and the
//! [`catalog`] that names each one and says when it applies.
//!
//! The catalog is the single list of scenarios: [`run`] walks it in one go over one harness, and
//! [`crate::registry::Suite`] turns each entry into a test of its own.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use support_core::{CanonicalId, ErrorKind, SupportPort, SupportPortExt, Ticket, TicketQuery};

/// What a scenario found: `Ok` when it held, else why not.
pub type Check = Result<(), String>;

// Defined before the submodules so that their scenarios can use it.
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err(format!($($why)+));
        }
    };
}

mod agents;
mod articles;
mod attachments;
mod catalog;
mod comments;
mod connection;
mod failures;
mod live;
mod sla_csat;
mod tags;
mod tickets;
mod unsupported;

pub use agents::{list_agents, list_agents_filters};
pub use articles::{get_knowledge_article, list_knowledge_articles};
pub use attachments::{
    add_comment_refuses_oversized_attachment, add_comment_with_attachment,
    create_ticket_with_attachment, download_attachment_world_file,
};
pub use catalog::{Body, Scenario, Step, catalog, execute, plan, run};
pub use comments::{
    add_comments, list_comments, list_comments_attachments, list_comments_author_kinds,
};
pub use connection::check_connection;
pub use failures::{
    comment_is_not_retried_after_server_error, create_is_not_retried_after_server_error,
    create_with_key_is_retried, long_throttling_surfaces, read_is_retried_after_server_error,
    rejects_bad_credentials, short_throttling_is_waited_out,
};
pub use live::{live_list_tickets, live_ticket_lifecycle};
pub use sla_csat::{get_sla, list_satisfaction_ratings};
pub use tags::{create_tag, list_tags};
pub use tickets::{
    assign_ticket, close_ticket, create_ticket, create_ticket_rejects_invalid_input,
    get_ticket_by_id_and_external_ref, get_ticket_carries_details, get_ticket_keeps_unknown_status,
    get_ticket_not_found, get_ticket_rejects_foreign_ids, list_tickets_carry_details,
    list_tickets_filters, list_tickets_filters_by_category, list_tickets_paginates,
    list_tickets_rejects_foreign_cursors, list_tickets_returns_the_world, update_ticket,
};
pub use unsupported::{declared_unsupported, not_a_stub};
fn fail<T>(what: &str, error: support_core::Error) -> Result<T, String> {
    Err(format!("{what} failed: {error}"))
}

async fn all_tickets(port: &dyn SupportPort, query: TicketQuery) -> Result<Vec<Ticket>, String> {
    port.tickets(query)
        .try_collect()
        .await
        .map_err(|e| format!("listing tickets failed: {e}"))
}

fn ids<'a, T: 'a>(
    items: impl IntoIterator<Item = &'a T>,
    id: impl Fn(&T) -> &CanonicalId,
) -> Vec<String> {
    items
        .into_iter()
        .map(|item| id(item).external_id().to_owned())
        .collect()
}

fn same_set(what: &str, expected: Vec<String>, actual: Vec<String>) -> Check {
    let mut sorted_actual = actual.clone();
    sorted_actual.sort();
    let unique: BTreeSet<_> = actual.iter().collect();
    ensure!(
        unique.len() == actual.len(),
        "{what}: duplicates in {actual:?}"
    );
    let mut sorted_expected = expected;
    sorted_expected.sort();
    ensure!(
        sorted_expected == sorted_actual,
        "{what}: expected {sorted_expected:?}, got {sorted_actual:?}"
    );
    Ok(())
}

fn expect_kind<T: std::fmt::Debug>(
    what: &str,
    result: support_core::Result<T>,
    kind: &ErrorKind,
) -> Result<support_core::Error, String> {
    match result {
        Ok(value) => Err(format!("{what}: expected a {kind:?} error, got {value:?}")),
        Err(error) if std::mem::discriminant(error.kind()) == std::mem::discriminant(kind) => {
            Ok(error)
        }
        Err(error) => Err(format!(
            "{what}: expected a {kind:?} error, got {:?}: {error}",
            error.kind()
        )),
    }
}
