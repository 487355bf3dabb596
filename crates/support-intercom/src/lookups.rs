//! What the workspace defines that writes refer to, each read through a [`LookupCache`]: the admin
//! the token acts as (admin writes name their author), the ticket states (closing moves a ticket
//! to a state of category `resolved`) and the ticket types (a new ticket needs one).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support_core::kit::{LookupCache, json};
use support_core::{Error, ErrorKind, Operation, Result, TicketStatus};

use crate::API_VERSION;
use crate::listing::DATA;
use crate::port::IntercomPort;

/// How long the acting admin is reused.
const ADMIN_FRESH_FOR: Duration = Duration::from_secs(60 * 60);
/// How long ticket states and types are reused.
const DEFINITIONS_FRESH_FOR: Duration = Duration::from_secs(10 * 60);

/// The caches of one port.
#[derive(Debug)]
pub(crate) struct Lookups {
    admin: LookupCache<String>,
    ticket_states: LookupCache<Vec<Value>>,
    ticket_types: LookupCache<Vec<Value>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            admin: LookupCache::new("acting admin", ADMIN_FRESH_FOR),
            ticket_states: LookupCache::new("ticket states", DEFINITIONS_FRESH_FOR),
            ticket_types: LookupCache::new("ticket types", DEFINITIONS_FRESH_FOR),
        }
    }
}

/// The category of ticket state a canonical status is written as.
fn category_of(status: &TicketStatus) -> Option<&'static str> {
    Some(match status {
        TicketStatus::New => "submitted",
        TicketStatus::Open | TicketStatus::InProgress => "in_progress",
        TicketStatus::Pending => "waiting_on_customer",
        TicketStatus::Resolved | TicketStatus::Closed => "resolved",
        _ => return None,
    })
}

/// Whether a ticket state (or type) applies to the ticket type `type_id`: it lists it among its
/// `ticket_types`, or lists none.
fn for_type(state: &Value, type_id: Option<&str>) -> bool {
    let Some(type_id) = type_id else {
        return true;
    };
    let types = state
        .get("ticket_types")
        .and_then(|t| t.get("data"))
        .and_then(Value::as_array);
    match types {
        Some(types) if !types.is_empty() => types
            .iter()
            .any(|t| json::id_text(t, "id").as_deref() == Some(type_id)),
        _ => true,
    }
}

impl IntercomPort {
    /// The id of the admin the token acts as (`GET /me`), which admin writes name.
    pub(crate) async fn admin_id(&self, operation: Operation) -> Result<Arc<String>> {
        self.lookups
            .admin
            .get_or_load(|| async {
                let me = self
                    .endpoint
                    .runtime()
                    .run_json(
                        operation,
                        None,
                        self.client
                            .identify_admin()
                            .intercom_version(API_VERSION.to_owned())
                            .send(),
                    )
                    .await?;
                json::id_text(&me, "id").ok_or_else(|| {
                    json::misshapen(
                        self.provider_name(),
                        operation,
                        "admin",
                        &me,
                        &"`GET /me` named no admin id",
                    )
                })
            })
            .await
    }

    /// The acting admin's id as the number `PUT /tickets/{id}` takes.
    pub(crate) async fn admin_number(&self, operation: Operation) -> Result<i64> {
        let admin = self.admin_id(operation).await?;
        admin.parse().map_err(|_| {
            Error::new(ErrorKind::Decode, self.provider_name())
                .with_operation(operation)
                .with_message(format!(
                    "the acting admin's id `{admin}` is not the number ticket updates take"
                ))
        })
    }

    /// Every ticket state (`GET /ticket_states`).
    async fn ticket_states(&self, operation: Operation) -> Result<Arc<Vec<Value>>> {
        self.lookups
            .ticket_states
            .get_or_load(|| async {
                let call = self
                    .client
                    .list_ticket_states()
                    .intercom_version(API_VERSION.to_owned());
                let page = self
                    .endpoint
                    .runtime()
                    .run_page::<serde::de::IgnoredAny, _, _, _>(
                        operation,
                        DATA.item("ticket state"),
                        call.send(),
                    )
                    .await?;
                Ok(page.into_values())
            })
            .await
    }

    /// Every ticket type (`GET /ticket_types`).
    async fn ticket_types(&self, operation: Operation) -> Result<Arc<Vec<Value>>> {
        self.lookups
            .ticket_types
            .get_or_load(|| async {
                let call = self
                    .client
                    .list_ticket_types()
                    .intercom_version(API_VERSION.to_owned());
                let page = self
                    .endpoint
                    .runtime()
                    .run_page::<serde::de::IgnoredAny, _, _, _>(
                        operation,
                        DATA.item("ticket type"),
                        call.send(),
                    )
                    .await?;
                Ok(page.into_values())
            })
            .await
    }

    /// The type of new tickets: the first ticket type of category `Customer` that is not
    /// archived.
    pub(crate) async fn customer_ticket_type(&self, operation: Operation) -> Result<String> {
        let types = self.ticket_types(operation).await?;
        types
            .iter()
            .filter(|t| json::boolean(t, "archived") != Some(true))
            .find(|t| json::text(t, "category").as_deref() == Some("Customer"))
            .and_then(|t| json::id_text(t, "id"))
            .ok_or_else(|| {
                Error::invalid_input(
                    self.provider_name(),
                    "the workspace has no ticket type of category Customer that is not archived: \
                     create one in Intercom's settings to create tickets",
                )
                .with_operation(operation)
            })
    }

    /// The ticket state a status is written as for a ticket of type `type_id`: the first state
    /// that is not archived, whose category the status maps to (`resolved` for resolved and
    /// closed), or whose label is the status's own (a custom state named by `Other`).
    pub(crate) async fn state_for(
        &self,
        operation: Operation,
        type_id: Option<&str>,
        status: &TicketStatus,
    ) -> Result<String> {
        let states = self.ticket_states(operation).await?;
        let usable = || {
            states
                .iter()
                .filter(|s| json::boolean(s, "archived") != Some(true))
                .filter(|s| for_type(s, type_id))
        };
        let found = match (status, category_of(status)) {
            (_, Some(category)) => {
                usable().find(|s| json::text(s, "category").as_deref() == Some(category))
            }
            (TicketStatus::Other(label), None) => usable().find(|s| {
                ["internal_label", "external_label"].iter().any(|field| {
                    json::text(s, field).is_some_and(|l| l.eq_ignore_ascii_case(label))
                })
            }),
            _ => None,
        };
        found.and_then(|s| json::id_text(s, "id")).ok_or_else(|| {
            Error::invalid_input(
                self.provider_name(),
                format!(
                    "no ticket state of this ticket's type stands for status `{status}` \
                     (Intercom's states are submitted, in progress, waiting on customer and resolved)"
                ),
            )
            .with_operation(operation)
        })
    }
}
