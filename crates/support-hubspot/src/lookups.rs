//! What the account defines that mapping and writes refer to, read through a [`LookupCache`]: the
//! ticket pipelines and their stages (`GET /crm/v3/pipelines/tickets`), which give a ticket its
//! status and which closing and status writes move it between; and the owners' user ids
//! (`GET /crm/v3/owners`), which name agents in the conversations inbox (actor `A-{userId}`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support_core::kit::{LookupCache, json};
use support_core::{Operation, Result, TicketStatus};

use crate::port::HubSpotPort;

/// How long the pipelines are reused.
const PIPELINES_FRESH_FOR: Duration = Duration::from_secs(10 * 60);

/// How long the owners' user ids are reused (an unknown one reloads them sooner).
const OWNERS_FRESH_FOR: Duration = Duration::from_secs(10 * 60);

/// The most pages of owners read for the lookup (100 each).
const OWNER_PAGES: usize = 1_000;

/// How long the ticket property definitions are reused.
const PROPERTIES_FRESH_FOR: Duration = Duration::from_secs(10 * 60);

/// The caches of one port.
#[derive(Debug)]
pub(crate) struct Lookups {
    pipelines: LookupCache<Pipelines>,
    owners: LookupCache<OwnerUsers>,
    properties: LookupCache<TicketProperties>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            pipelines: LookupCache::new("ticket pipelines", PIPELINES_FRESH_FOR),
            owners: LookupCache::new("owner user ids", OWNERS_FRESH_FOR),
            properties: LookupCache::new("ticket properties", PROPERTIES_FRESH_FOR),
        }
    }
}

/// One ticket property of the account (`GET /crm/v3/properties/tickets`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PropertyDef {
    /// The internal name, which reads and writes use.
    pub(crate) name: String,
    /// The label people see.
    pub(crate) label: String,
    /// `type`: `string`, `number`, `bool`, `date`, `datetime`, `enumeration`, `phone_number`, ….
    pub(crate) kind: String,
    /// `fieldType`: `checkbox` is a multiple choice (values separated by `;`).
    pub(crate) field_type: String,
    /// The option values of an enumeration.
    pub(crate) options: Vec<String>,
    /// Whether HubSpot defines it (`hubspotDefined`).
    pub(crate) hubspot_defined: bool,
    /// Whether its value cannot be written: calculated, or `modificationMetadata.readOnlyValue`.
    pub(crate) read_only: bool,
}

impl PropertyDef {
    /// Whether a value holds several choices.
    pub(crate) fn multiple(&self) -> bool {
        self.kind == "enumeration" && self.field_type == "checkbox"
    }
}

/// The account's ticket properties.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct TicketProperties(pub(crate) Vec<PropertyDef>);

impl TicketProperties {
    pub(crate) fn from_json(raw: &Value) -> Self {
        let all = raw
            .get("results")
            .and_then(Value::as_array)
            .map(|all| {
                all.iter()
                    .filter(|p| json::boolean(p, "archived") != Some(true))
                    .filter_map(|p| {
                        let name = json::text(p, "name")?;
                        let read_only = json::boolean(p, "calculated") == Some(true)
                            || p.pointer("/modificationMetadata/readOnlyValue")
                                .and_then(Value::as_bool)
                                == Some(true);
                        Some(PropertyDef {
                            label: json::text(p, "label").unwrap_or_else(|| name.clone()),
                            name,
                            kind: json::text(p, "type").unwrap_or_default(),
                            field_type: json::text(p, "fieldType").unwrap_or_default(),
                            options: p
                                .get("options")
                                .and_then(Value::as_array)
                                .map(|o| o.iter().filter_map(|o| json::text(o, "value")).collect())
                                .unwrap_or_default(),
                            hubspot_defined: json::boolean(p, "hubspotDefined") == Some(true),
                            read_only,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        TicketProperties(all)
    }

    /// The account's own properties (not HubSpot's), which tickets carry as custom fields.
    pub(crate) fn custom(&self) -> impl Iterator<Item = &PropertyDef> {
        self.0.iter().filter(|p| !p.hubspot_defined)
    }

    /// The property named `name` (its internal name; else its label, when one property has it).
    pub(crate) fn find(&self, name: &str) -> Option<&PropertyDef> {
        self.0.iter().find(|p| p.name == name).or_else(|| {
            let mut labelled = self.0.iter().filter(|p| p.label == name);
            match (labelled.next(), labelled.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        })
    }
}

/// Each owner's id and user id (`userId`): an agent's actor id in the inbox is `A-{userId}`.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct OwnerUsers(pub(crate) Vec<(String, String)>);

impl OwnerUsers {
    /// The user id of owner `owner`.
    pub(crate) fn user_of(&self, owner: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(o, _)| o == owner)
            .map(|(_, u)| u.as_str())
    }

    /// The owner whose user id is `user`.
    pub(crate) fn owner_of(&self, user: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(_, u)| u == user)
            .map(|(o, _)| o.as_str())
    }
}

/// One stage of a ticket pipeline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stage {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) display_order: i64,
    /// `metadata.ticketState`: `OPEN` or `CLOSED`.
    pub(crate) ticket_state: Option<String>,
}

impl Stage {
    /// The canonical status of a ticket in this stage: HubSpot's default labels by name, other
    /// stages by whether they are open or closed.
    pub(crate) fn status(&self) -> TicketStatus {
        match self.label.trim().to_ascii_lowercase().as_str() {
            "new" => TicketStatus::New,
            "waiting on contact" => TicketStatus::Pending,
            "waiting on us" => TicketStatus::Open,
            "closed" => TicketStatus::Closed,
            _ => match self.ticket_state.as_deref() {
                Some("OPEN") => TicketStatus::Open,
                Some("CLOSED") => TicketStatus::Closed,
                _ => TicketStatus::Other(self.label.clone()),
            },
        }
    }

    fn closed(&self) -> bool {
        self.ticket_state.as_deref() == Some("CLOSED")
    }
}

/// One ticket pipeline, its stages in display order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pipeline {
    pub(crate) id: String,
    pub(crate) display_order: i64,
    pub(crate) stages: Vec<Stage>,
}

impl Pipeline {
    /// The stage a ticket of this pipeline is moved to for `status`: the first stage (by display
    /// order) that maps to it; for `Resolved`, the first closed stage; for `Open` and
    /// `InProgress`, the first open stage that is neither new nor pending, when none is labelled.
    pub(crate) fn stage_for(&self, status: &TicketStatus) -> Option<&Stage> {
        let wanted = match status {
            TicketStatus::Resolved | TicketStatus::Closed => {
                return self.stages.iter().find(|s| s.closed());
            }
            TicketStatus::InProgress => TicketStatus::Open,
            other => other.clone(),
        };
        self.stages
            .iter()
            .find(|s| s.status() == wanted)
            .or_else(|| match wanted {
                TicketStatus::Open => self.stages.iter().find(|s| {
                    !s.closed() && !matches!(s.status(), TicketStatus::New | TicketStatus::Pending)
                }),
                _ => None,
            })
    }
}

/// Every ticket pipeline of the account, in display order.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Pipelines(pub(crate) Vec<Pipeline>);

impl Pipelines {
    pub(crate) fn from_json(raw: &Value) -> Self {
        let mut pipelines: Vec<Pipeline> = raw
            .get("results")
            .and_then(Value::as_array)
            .map(|all| {
                all.iter()
                    .filter(|p| json::boolean(p, "archived") != Some(true))
                    .filter_map(|p| {
                        let mut stages: Vec<Stage> = p
                            .get("stages")
                            .and_then(Value::as_array)
                            .map(|stages| {
                                stages
                                    .iter()
                                    .filter(|s| json::boolean(s, "archived") != Some(true))
                                    .filter_map(|s| {
                                        Some(Stage {
                                            id: json::id_text(s, "id")?,
                                            label: json::text(s, "label").unwrap_or_default(),
                                            display_order: json::int(s, "displayOrder")
                                                .unwrap_or(i64::MAX),
                                            ticket_state: s
                                                .get("metadata")
                                                .and_then(|m| json::text(m, "ticketState")),
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        stages.sort_by_key(|s| s.display_order);
                        Some(Pipeline {
                            id: json::id_text(p, "id")?,
                            display_order: json::int(p, "displayOrder").unwrap_or(i64::MAX),
                            stages,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        pipelines.sort_by_key(|p| p.display_order);
        Pipelines(pipelines)
    }

    /// The pipeline `id`, or the account's first (HubSpot's default) when `id` is `None`.
    pub(crate) fn pipeline(&self, id: Option<&str>) -> Option<&Pipeline> {
        match id {
            Some(id) => self.0.iter().find(|p| p.id == id),
            None => self.0.first(),
        }
    }

    /// The stage `stage` of the pipeline `pipeline`, or of any pipeline when the ticket does not
    /// say which.
    pub(crate) fn stage(&self, pipeline: Option<&str>, stage: &str) -> Option<&Stage> {
        let in_pipeline = pipeline
            .and_then(|p| self.pipeline(Some(p)))
            .and_then(|p| p.stages.iter().find(|s| s.id == stage));
        in_pipeline.or_else(|| {
            self.0
                .iter()
                .flat_map(|p| p.stages.iter())
                .find(|s| s.id == stage)
        })
    }
}

impl HubSpotPort {
    /// The account's ticket pipelines, read once per time to live.
    pub(crate) async fn pipelines(&self, operation: Operation) -> Result<Arc<Pipelines>> {
        self.lookups
            .pipelines
            .get_or_load(|| async {
                let raw = self
                    .endpoint
                    .runtime()
                    .run_json(
                        operation,
                        None,
                        self.client.list_pipelines().object_type("tickets").send(),
                    )
                    .await?;
                Ok(Pipelines::from_json(&raw))
            })
            .await
    }
}

impl HubSpotPort {
    /// The account's ticket properties, read once per time to live.
    pub(crate) async fn ticket_properties(
        &self,
        operation: Operation,
    ) -> Result<Arc<TicketProperties>> {
        self.lookups
            .properties
            .get_or_load(|| async {
                let raw = self
                    .endpoint
                    .runtime()
                    .run_json(
                        operation,
                        None,
                        self.client.list_properties().object_type("tickets").send(),
                    )
                    .await?;
                if raw.get("results").and_then(Value::as_array).is_none() {
                    return Err(json::misshapen(
                        crate::PROVIDER,
                        operation,
                        "property list",
                        &raw,
                        &"no results",
                    ));
                }
                Ok(TicketProperties::from_json(&raw))
            })
            .await
    }
}

impl HubSpotPort {
    /// Every owner's user id, read once per time to live, and again when one of `owners` or of
    /// `users` is not among them (an owner added since).
    pub(crate) async fn owner_users(
        &self,
        operation: Operation,
        owners: &[&str],
        users: &[&str],
    ) -> Result<Arc<OwnerUsers>> {
        self.lookups
            .owners
            .get_or_load_covering(
                |known| {
                    owners.iter().all(|o| known.user_of(o).is_some())
                        && users.iter().all(|u| known.owner_of(u).is_some())
                },
                || async {
                    let mut all = Vec::new();
                    let mut after: Option<String> = None;
                    for _ in 0..OWNER_PAGES {
                        let mut call = self.client.list_owners().limit(100).archived(false);
                        if let Some(after) = &after {
                            call = call.after(after.clone());
                        }
                        let raw = self
                            .endpoint
                            .runtime()
                            .run_json(operation, None, call.send())
                            .await?;
                        let Some(results) = raw.get("results").and_then(Value::as_array) else {
                            return Err(json::misshapen(
                                crate::PROVIDER,
                                operation,
                                "owner page",
                                &raw,
                                &"no results",
                            ));
                        };
                        all.extend(results.iter().filter_map(|o| {
                            Some((json::id_text(o, "id")?, json::id_text(o, "userId")?))
                        }));
                        let next = raw
                            .pointer("/paging/next")
                            .and_then(|n| json::id_text(n, "after"));
                        match next {
                            Some(next) if after.as_deref() != Some(next.as_str()) => {
                                after = Some(next);
                            }
                            _ => break,
                        }
                    }
                    Ok(OwnerUsers(all))
                },
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pipelines() -> Pipelines {
        Pipelines::from_json(&json!({"results": [
            {"id": "0", "label": "Support Pipeline", "displayOrder": 0, "archived": false, "stages": [
                {"id": "4", "label": "Closed", "displayOrder": 3, "metadata": {"ticketState": "CLOSED"}},
                {"id": "1", "label": "New", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}},
                {"id": "2", "label": "Waiting on contact", "displayOrder": 1, "metadata": {"ticketState": "OPEN"}},
                {"id": "3", "label": "Waiting on us", "displayOrder": 2, "metadata": {"ticketState": "OPEN"}}
            ]},
            {"id": "77", "label": "Billing", "displayOrder": 1, "stages": [
                {"id": "b1", "label": "Triage", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}},
                {"id": "b3", "label": "Refunded", "displayOrder": 2, "metadata": {"ticketState": "CLOSED"}},
                {"id": "b2", "label": "Escalated", "displayOrder": 1, "metadata": {"ticketState": "CLOSED"}},
                {"id": "b4", "label": "Parked", "displayOrder": 3, "metadata": {}}
            ]}
        ]}))
    }

    #[test]
    fn stages_map_by_default_label_then_by_ticket_state() {
        let p = pipelines();
        let status = |pipeline, stage| p.stage(Some(pipeline), stage).unwrap().status();
        assert_eq!(status("0", "1"), TicketStatus::New);
        assert_eq!(status("0", "2"), TicketStatus::Pending);
        assert_eq!(status("0", "3"), TicketStatus::Open);
        assert_eq!(status("0", "4"), TicketStatus::Closed);
        assert_eq!(status("77", "b1"), TicketStatus::Open);
        assert_eq!(status("77", "b3"), TicketStatus::Closed);
        assert_eq!(status("77", "b4"), TicketStatus::Other("Parked".into()));
    }

    #[test]
    fn closing_picks_the_first_closed_stage_of_the_tickets_own_pipeline() {
        let p = pipelines();
        let billing = p.pipeline(Some("77")).unwrap();
        assert_eq!(billing.stage_for(&TicketStatus::Closed).unwrap().id, "b2");
        assert_eq!(billing.stage_for(&TicketStatus::Open).unwrap().id, "b1");
        assert_eq!(billing.stage_for(&TicketStatus::Pending), None);
        let default = p.pipeline(None).unwrap();
        assert_eq!(default.id, "0");
        assert_eq!(default.stage_for(&TicketStatus::Resolved).unwrap().id, "4");
        assert_eq!(default.stage_for(&TicketStatus::Pending).unwrap().id, "2");
        assert_eq!(
            default.stage_for(&TicketStatus::InProgress).unwrap().id,
            "3"
        );
    }
}
