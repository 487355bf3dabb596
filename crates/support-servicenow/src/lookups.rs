//! Instance definitions read once per time to live: the case state choice list (`sys_choice`) and
//! the SLA definitions (`contract_sla`), each with the kit's [`LookupCache`].

use std::collections::HashMap;
use std::time::Duration;

use support_core::kit::LookupCache;
use support_core::{Error, Operation, Result, TicketStatus};

use crate::port::ServiceNowPort;
use crate::{PROVIDER, map};

/// How long definitions are kept.
const TTL: Duration = Duration::from_secs(10 * 60);

/// One choice of the case `state` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
}

#[derive(Debug)]
pub(crate) struct Lookups {
    states: LookupCache<Vec<Choice>>,
    /// SLA definition `sys_id` -> whether it is a response target (else resolution).
    slas: LookupCache<HashMap<String, bool>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            states: LookupCache::new("case states", TTL),
            slas: LookupCache::new("SLA definitions", TTL),
        }
    }
}

/// The preferred `state` value of each canonical status (the documented ones).
fn documented(status: &TicketStatus) -> Option<&'static str> {
    Some(match status {
        TicketStatus::New => "1",
        TicketStatus::Open => "10",
        TicketStatus::Pending => "18",
        TicketStatus::Resolved => "6",
        TicketStatus::Closed => "3",
        _ => return None,
    })
}

/// The `state` value a status is written as, from the instance's choices: the documented value
/// when the instance has it, else a choice that maps to the status, else a choice whose label is
/// the status (`On Hold` for `on_hold`, an instance's own label for `Other`).
pub(crate) fn state_value(choices: &[Choice], status: &TicketStatus) -> Option<String> {
    if let Some(value) = documented(status)
        && choices.iter().any(|c| c.value == value)
    {
        return Some(value.to_owned());
    }
    if let Some(choice) = choices
        .iter()
        .find(|c| map::status_of(&c.value).as_ref() == Some(status))
    {
        return Some(choice.value.clone());
    }
    let wanted = match status {
        TicketStatus::Other(label) => label.trim().to_ascii_lowercase(),
        known => known.as_str().replace('_', " "),
    };
    choices
        .iter()
        .find(|c| {
            c.label.trim().to_ascii_lowercase() == wanted
                || c.value.eq_ignore_ascii_case(wanted.trim())
        })
        .map(|c| c.value.clone())
}

impl ServiceNowPort {
    /// The instance's case states.
    pub(crate) async fn state_choices(
        &self,
        operation: Operation,
    ) -> Result<std::sync::Arc<Vec<Choice>>> {
        self.lookups
            .states
            .get_or_load(|| async move {
                let rows = self
                    .all_rows(
                        operation,
                        "sys_choice",
                        "name=sn_customerservice_case^element=state^inactive=false",
                    )
                    .await?;
                let mut choices: Vec<Choice> = Vec::new();
                for row in rows {
                    let Some(value) = map::value(&row, "value") else {
                        continue;
                    };
                    let label = map::value(&row, "label").unwrap_or_else(|| value.clone());
                    if !choices.iter().any(|c| c.value == value && c.label == label) {
                        choices.push(Choice { value, label });
                    }
                }
                Ok(choices)
            })
            .await
    }

    /// The `state` value of a status, or `InvalidInput` naming the instance's states.
    pub(crate) async fn state_for(
        &self,
        operation: Operation,
        status: &TicketStatus,
    ) -> Result<String> {
        let choices = self.state_choices(operation).await?;
        state_value(&choices, status).ok_or_else(|| {
            let known: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
            Error::invalid_input(
                PROVIDER,
                format!(
                    "this instance has no case state for `{status}`; its states are: {}",
                    known.join(", ")
                ),
            )
            .with_operation(operation)
        })
    }

    /// Which SLA definitions are response targets.
    pub(crate) async fn sla_targets(
        &self,
        operation: Operation,
    ) -> Result<std::sync::Arc<HashMap<String, bool>>> {
        self.lookups
            .slas
            .get_or_load(|| async move {
                let rows = self.all_rows(operation, "contract_sla", "").await?;
                Ok(rows
                    .iter()
                    .filter_map(|row| {
                        let id = map::value(row, "sys_id")?;
                        Some((id, map::is_response_target(row)))
                    })
                    .collect())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Vec<Choice> {
        [
            ("1", "New"),
            ("10", "Open"),
            ("18", "Awaiting Info"),
            ("6", "Resolved"),
            ("3", "Closed"),
            ("7", "Canceled"),
            ("22", "On Hold"),
        ]
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
        })
        .collect()
    }

    #[test]
    fn statuses_are_written_as_the_instance_values() {
        let choices = choices();
        assert_eq!(
            state_value(&choices, &TicketStatus::Pending).as_deref(),
            Some("18")
        );
        assert_eq!(
            state_value(&choices, &TicketStatus::Closed).as_deref(),
            Some("3")
        );
        assert_eq!(
            state_value(&choices, &TicketStatus::OnHold).as_deref(),
            Some("22")
        );
        assert_eq!(
            state_value(&choices, &TicketStatus::Other("canceled".into())).as_deref(),
            Some("7")
        );
        assert_eq!(state_value(&choices, &TicketStatus::InProgress), None);
        assert_eq!(
            state_value(&choices, &TicketStatus::Other("Nope".into())),
            None
        );
    }
}
