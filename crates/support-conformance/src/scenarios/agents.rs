//! Agents: listing and filtering.

use futures::TryStreamExt;
use support_core::{AgentQuery, ObjectKind, Party, SupportPort, SupportPortExt};

use super::{Check, ids, same_set};
use crate::compare;
use crate::world::World;

fn world_agents(world: &World) -> Vec<Party> {
    world.agents.iter().map(|a| world.agent_party(a)).collect()
}

/// Every agent comes back, mapped.
pub async fn list_agents(port: &dyn SupportPort, world: &World) -> Check {
    let agents: Vec<Party> = port
        .agents(AgentQuery::new().with_limit(2))
        .try_collect()
        .await
        .map_err(|e| format!("listAgents failed: {e}"))?;
    let expected = world_agents(world);
    same_set("agents", ids(&expected, |a| &a.id), ids(&agents, |a| &a.id))?;
    for want in &expected {
        if let Some(got) = agents.iter().find(|a| a.id == want.id) {
            compare::party(want, got, world.profile.reports_availability)?;
        }
    }
    Ok(())
}

/// Agents by group, role and (where reported) availability.
pub async fn list_agents_filters(port: &dyn SupportPort, world: &World) -> Check {
    let expected = world_agents(world);
    let mut queries = vec![(
        "group",
        AgentQuery::new().with_group(world.id(ObjectKind::Group, &world.groups[1].id)),
    )];
    if let Some([admin_role, _]) = world.profile.agent_roles {
        queries.push(("role", AgentQuery::new().with_role(admin_role)));
    }
    if world.profile.reports_availability {
        queries.push((
            "availability",
            AgentQuery::new().with_availability(support_core::Availability::Away),
        ));
    }
    for (name, query) in queries {
        let want: Vec<String> = expected
            .iter()
            .filter(|a| query.matches(a))
            .map(|a| a.id.external_id().to_owned())
            .collect();
        let got: Vec<Party> = port
            .agents(query)
            .try_collect()
            .await
            .map_err(|e| format!("listAgents by {name} failed: {e}"))?;
        same_set(&format!("agents by {name}"), want, ids(&got, |a| &a.id))?;
    }
    Ok(())
}
