//! Request bodies of the port's writes.
//!
//! Ticket creates and updates are written here: the official description declares their bodies
//! as an `allOf` closed with `additionalProperties: false`, which the generated client can only
//! type as an empty object, so the adapter sends these (documented fields only) through the same
//! runtime. Comments, closes and tags use the generated client's types.

use serde::Serialize;
use serde_json::{Map, Value};
use support_core::{Body, CustomFieldInput};

/// `POST /api/v1/tickets`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewTicketBody {
    pub(crate) subject: String,
    pub(crate) department_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contact_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contact: Option<ContactBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) assignee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cf: Option<Map<String, Value>>,
    /// Ids of files uploaded with `POST /api/v1/uploads`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) uploads: Option<Vec<String>>,
}

/// A new ticket's contact, found or created by e-mail (`lastName` is required to create one).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ContactBody {
    pub(crate) email: String,
    pub(crate) last_name: String,
}

/// `PATCH /api/v1/tickets/{id}`: only what changes (no department: a ticket moves with
/// `POST /api/v1/tickets/{id}/move`).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) assignee_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cf: Option<Map<String, Value>>,
}

impl TicketPatch {
    /// Whether it changes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.status.is_none()
            && self.priority.is_none()
            && self.assignee_id.is_none()
            && self.cf.is_none()
    }
}

/// Custom fields by API name (`cf_*`), as Zoho's `cf` object; `None` without any.
pub(crate) fn custom_fields(fields: &[CustomFieldInput]) -> Option<Map<String, Value>> {
    if fields.is_empty() {
        return None;
    }
    let mut cf = Map::new();
    for field in fields {
        cf.insert(field.name.clone(), field.value.to_json());
    }
    Some(cf)
}

/// A body's content and Zoho's `contentType`: the HTML when the body has some, else the text.
pub(crate) fn content(body: &Body) -> (String, &'static str) {
    match &body.html {
        Some(html) if !html.trim().is_empty() => (html.clone(), "html"),
        _ => (body.text.clone(), "plainText"),
    }
}
