//! Request bodies, written as HubSpot's JSON and read into the generated client's types.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use support_core::{Error, ErrorKind, Operation};

use crate::PROVIDER;

/// The association type of a note to a ticket (HubSpot-defined).
pub(crate) const NOTE_TO_TICKET: i64 = 228;

/// The association type of a ticket to a contact (HubSpot-defined): the ticket's requester.
pub(crate) const TICKET_TO_CONTACT: i64 = 16;

/// `value` as the generated type `T`; a mismatch is a bug here, reported as such.
pub(crate) fn typed<T: DeserializeOwned>(operation: Operation, value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|error| {
        Error::new(ErrorKind::InvalidInput, PROVIDER)
            .with_operation(operation)
            .with_message(format!("the request could not be written: {error}"))
    })
}

/// A note on ticket `ticket_id`, associated to it in the same request.
pub(crate) fn note(ticket_id: &str, html: &str, timestamp_ms: i64) -> Value {
    json!({
        "properties": {
            "hs_note_body": html,
            "hs_timestamp": timestamp_ms.to_string(),
        },
        "associations": [{
            "to": {"id": ticket_id},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_TICKET}],
        }],
    })
}
