//! Tickets: listing, paging, filters, lookups, creation and the ticket updates.

use std::collections::BTreeSet;

use support_core::{
    AgentQuery, Assignment, CanonicalId, CloseOptions, Cursor, ErrorKind, ObjectKind, Operation,
    Priority, SupportPort, Ticket, TicketLookup, TicketQuery, TicketStatus,
};

use super::{Check, all_tickets, expect_kind, fail, ids, same_set};
use crate::compare;
use crate::world::{PAGE_SIZE, UNKNOWN_STATUS, World};

/// Every ticket of the world comes back, mapped field by field.
pub async fn list_tickets_returns_the_world(port: &dyn SupportPort, world: &World) -> Check {
    let tickets = all_tickets(port, TicketQuery::new().with_limit(100)).await?;
    same_set(
        "tickets",
        world.tickets.iter().map(|t| t.id.clone()).collect(),
        ids(&tickets, |t| &t.id),
    )?;
    for fx in &world.tickets {
        let expected = world.canonical_ticket(fx);
        if let Some(actual) = tickets.iter().find(|t| t.id == expected.id) {
            compare::ticket(&expected, actual)?;
        }
    }
    Ok(())
}

/// Listed tickets carry the world's category, resolution, resolved and closed times and SLA clocks,
/// as far as the provider's profile has them.
pub async fn list_tickets_carry_details(port: &dyn SupportPort, world: &World) -> Check {
    let tickets = all_tickets(port, TicketQuery::new().with_limit(100)).await?;
    for fx in &world.tickets {
        let expected = world.canonical_ticket(fx);
        let actual = tickets
            .iter()
            .find(|t| t.id == expected.id)
            .ok_or_else(|| format!("ticket {} is not listed", expected.id))?;
        compare::ticket_details(&expected, actual, &world.profile)?;
    }
    Ok(())
}

/// Fetched tickets carry the world's category, resolution, resolved and closed times and SLA
/// clocks, as far as the provider's profile has them.
pub async fn get_ticket_carries_details(port: &dyn SupportPort, world: &World) -> Check {
    for fx in &world.tickets {
        let expected = world.canonical_ticket(fx);
        let actual = port
            .get_ticket(&TicketLookup::Id(expected.id.clone()))
            .await
            .or_else(|e| fail(&format!("getTicket {}", expected.id), e))?;
        compare::ticket_details(&expected, &actual, &world.profile)?;
    }
    Ok(())
}

/// Filtering by one category, and by several, returns exactly the tickets in them (a ticket without
/// a category is in none).
pub async fn list_tickets_filters_by_category(port: &dyn SupportPort, world: &World) -> Check {
    let canonical: Vec<Ticket> = world
        .tickets
        .iter()
        .map(|t| world.canonical_ticket(t))
        .collect();
    let categories = &world.profile.categories;
    let mut queries = vec![TicketQuery::new().with_category(categories[0].clone())];
    if let Some(second) = categories.get(1) {
        queries.push(
            TicketQuery::new()
                .with_category(categories[0].clone())
                .with_category(second.clone()),
        );
    }
    for query in queries {
        let name = format!("categories {:?}", query.categories);
        let expected: Vec<String> = canonical
            .iter()
            .filter(|t| query.matches(t))
            .map(|t| t.id.external_id().to_owned())
            .collect();
        ensure!(
            !expected.is_empty(),
            "filter `{name}` selects nothing in the world"
        );
        ensure!(
            expected.len() < canonical.len(),
            "filter `{name}` selects every ticket of the world"
        );
        let actual = all_tickets(port, query.with_limit(PAGE_SIZE)).await?;
        same_set(
            &format!("filter `{name}`"),
            expected,
            ids(&actual, |t| &t.id),
        )?;
    }
    Ok(())
}

/// Paging by [`PAGE_SIZE`] crosses at least three pages with nothing lost or repeated, and cursors
/// survive serialisation.
pub async fn list_tickets_paginates(port: &dyn SupportPort, world: &World) -> Check {
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut query = TicketQuery::new().with_limit(PAGE_SIZE);
    loop {
        let page = port
            .list_tickets(query.clone())
            .await
            .or_else(|e| fail("a page", e))?;
        pages += 1;
        ensure!(
            page.items.len() <= PAGE_SIZE as usize,
            "page {pages} holds {} items, more than the limit {PAGE_SIZE}",
            page.items.len()
        );
        seen.extend(page.items.iter().map(|t| t.id.external_id().to_owned()));
        let Some(next) = page.next else { break };
        let json =
            serde_json::to_string(&next).map_err(|e| format!("cursor does not serialise: {e}"))?;
        let restored: Cursor =
            serde_json::from_str(&json).map_err(|e| format!("cursor does not deserialise: {e}"))?;
        query = query.with_cursor(restored);
        ensure!(
            pages < 100,
            "more than 100 pages for {} tickets",
            world.tickets.len()
        );
    }
    ensure!(
        pages >= 3,
        "expected at least 3 pages of {PAGE_SIZE}, got {pages}"
    );
    same_set(
        "tickets across pages",
        world.tickets.iter().map(|t| t.id.clone()).collect(),
        seen,
    )
}

/// Each ticket filter, alone and combined, returns exactly the matching tickets.
pub async fn list_tickets_filters(port: &dyn SupportPort, world: &World) -> Check {
    let canonical: Vec<Ticket> = world
        .tickets
        .iter()
        .map(|t| world.canonical_ticket(t))
        .collect();
    let since = world.tickets[6].updated_at;
    let profile = &world.profile;
    // Open where the provider has it, else its first status; priorities it holds, none where it
    // has no priority at all.
    let status = if profile.statuses.contains(&TicketStatus::Open) || profile.statuses.is_empty() {
        TicketStatus::Open
    } else {
        profile.statuses[0].clone()
    };
    let held = |wanted: Priority, fallback: Option<&Priority>| {
        if profile.priorities.contains(&wanted) {
            Some(wanted)
        } else {
            fallback.cloned()
        }
    };
    let mut queries = vec![
        (
            format!("status {}", status.as_str()),
            TicketQuery::new().with_status(status),
        ),
        (
            "status pending or on hold".to_owned(),
            TicketQuery::new()
                .with_status(TicketStatus::Pending)
                .with_status(TicketStatus::OnHold),
        ),
        (
            "assignee".to_owned(),
            TicketQuery::new().with_assignee(world.id(ObjectKind::Party, &world.agents[0].id)),
        ),
        (
            "updated since".to_owned(),
            TicketQuery::new().with_updated_since(since),
        ),
    ];
    if profile.ticket_tags {
        queries.push(("tag vip".to_owned(), TicketQuery::new().with_tag("vip")));
    }
    if let Some(high) = held(Priority::High, profile.priorities.last()) {
        queries.insert(
            2,
            (
                format!("priority {}", high.as_str()),
                TicketQuery::new().with_priority(high),
            ),
        );
    }
    if let Some(low) = held(Priority::Low, profile.priorities.first())
        && profile.ticket_tags
    {
        queries.push((
            format!("tag billing and priority {}", low.as_str()),
            TicketQuery::new().with_tag("billing").with_priority(low),
        ));
    }
    for (name, query) in queries {
        let expected: Vec<String> = canonical
            .iter()
            .filter(|t| query.matches(t))
            .map(|t| t.id.external_id().to_owned())
            .collect();
        ensure!(
            !expected.is_empty(),
            "filter `{name}` selects nothing in the world"
        );
        let actual = all_tickets(port, query.with_limit(PAGE_SIZE)).await?;
        same_set(
            &format!("filter `{name}`"),
            expected,
            ids(&actual, |t| &t.id),
        )?;
    }
    Ok(())
}

/// A cursor the adapter did not issue for this listing is invalid input, never followed blindly.
pub async fn list_tickets_rejects_foreign_cursors(port: &dyn SupportPort, _world: &World) -> Check {
    let garbage = TicketQuery::new().with_cursor(Cursor::new("not-a-cursor-of-this-adapter"));
    expect_kind(
        "listTickets with a garbage cursor",
        port.list_tickets(garbage).await.map(|p| p.items.len()),
        &ErrorKind::InvalidInput,
    )?;
    if let Some(agents_cursor) = port
        .list_agents(AgentQuery::new().with_limit(1))
        .await
        .or_else(|e| fail("listAgents", e))?
        .next
    {
        let foreign = TicketQuery::new().with_cursor(agents_cursor);
        expect_kind(
            "listTickets with a listAgents cursor",
            port.list_tickets(foreign).await.map(|p| p.items.len()),
            &ErrorKind::InvalidInput,
        )?;
    }
    Ok(())
}

// ----- getTicket -----

/// A ticket by canonical id and by the provider's own id.
pub async fn get_ticket_by_id_and_external_ref(port: &dyn SupportPort, world: &World) -> Check {
    let fx = &world.tickets[0];
    let expected = world.canonical_ticket(fx);
    let by_id = port
        .get_ticket(&TicketLookup::Id(expected.id.clone()))
        .await
        .or_else(|e| fail("getTicket by id", e))?;
    compare::ticket(&expected, &by_id)?;
    let by_ref = port
        .get_ticket(&TicketLookup::External(fx.id.clone()))
        .await
        .or_else(|e| fail("getTicket by external ref", e))?;
    compare::ticket(&expected, &by_ref)
}

/// A missing ticket is `NotFound`, naming provider and operation.
pub async fn get_ticket_not_found(port: &dyn SupportPort, world: &World) -> Check {
    let id = world.id(ObjectKind::Ticket, world.missing_ticket_id());
    let error = expect_kind(
        "getTicket of a missing id",
        port.get_ticket(&TicketLookup::Id(id)).await,
        &ErrorKind::NotFound,
    )?;
    ensure!(
        error.provider() == port.provider(),
        "error names provider {}",
        error.provider()
    );
    ensure!(
        error.operation() == Some(Operation::GetTicket),
        "error names operation {:?}",
        error.operation()
    );
    Ok(())
}

/// An id of another provider is invalid input, not a request with someone else's id.
pub async fn get_ticket_rejects_foreign_ids(port: &dyn SupportPort, world: &World) -> Check {
    let foreign = CanonicalId::new("another-provider", ObjectKind::Ticket, &world.tickets[0].id);
    expect_kind(
        "getTicket with a foreign id",
        port.get_ticket(&TicketLookup::Id(foreign)).await,
        &ErrorKind::InvalidInput,
    )?;
    Ok(())
}

/// A status no provider knows comes back as `Other(raw)` with the native value, and the raw payload
/// is kept.
pub async fn get_ticket_keeps_unknown_status(port: &dyn SupportPort, world: &World) -> Check {
    let fx = world.odd_ticket();
    let ticket = port
        .get_ticket(&TicketLookup::Id(world.id(ObjectKind::Ticket, &fx.id)))
        .await
        .or_else(|e| fail("getTicket", e))?;
    ensure!(
        ticket.status.canonical == TicketStatus::Other(UNKNOWN_STATUS.into()),
        "expected Other({UNKNOWN_STATUS:?}), got {:?}",
        ticket.status.canonical
    );
    ensure!(
        ticket.status.native == UNKNOWN_STATUS,
        "native status {:?}",
        ticket.status.native
    );
    ensure!(
        ticket
            .raw
            .value()
            .as_object()
            .is_some_and(|raw| !raw.is_empty()),
        "raw payload not kept: {}",
        ticket.raw
    );
    Ok(())
}

// ----- createTicket -----

/// A ticket is created with what was asked.
pub async fn create_ticket(port: &dyn SupportPort, world: &World) -> Check {
    let ticket = port
        .create_ticket(world.new_ticket())
        .await
        .or_else(|e| fail("createTicket", e))?;
    let expected = world.created_ticket();
    let mut diff = compare::Diff::of("created ticket");
    diff.eq(
        "id",
        &world.id(ObjectKind::Ticket, &expected.id),
        &ticket.id,
    );
    diff.eq("subject", &Some(expected.subject.clone()), &ticket.subject);
    diff.eq(
        "priority",
        &expected.priority.as_ref(),
        &ticket.priority.as_ref().map(|p| &p.canonical),
    );
    diff.check(
        "status",
        matches!(
            ticket.status.canonical,
            TicketStatus::New | TicketStatus::Open
        ),
        || format!("a new ticket is {:?}", ticket.status.canonical),
    );
    diff.check(
        "tags",
        expected.tags.iter().all(|t| ticket.tags.contains(t)),
        || format!("tags {:?}, expected {:?}", ticket.tags, expected.tags),
    );
    diff.check("raw", ticket.raw.value().is_object(), || {
        "raw not kept".into()
    });
    diff.finish()
}

/// A ticket without subject or description is rejected as invalid input.
pub async fn create_ticket_rejects_invalid_input(port: &dyn SupportPort, world: &World) -> Check {
    expect_kind(
        "createTicket without subject",
        port.create_ticket(world.invalid_ticket()).await,
        &ErrorKind::InvalidInput,
    )?;
    Ok(())
}

// ----- updateTicket / closeTicket / assignTicket -----

/// The fields set in an update change; the others stay.
pub async fn update_ticket(port: &dyn SupportPort, world: &World) -> Check {
    let (id, update) = world.update();
    let ticket = port
        .update_ticket(&world.id(ObjectKind::Ticket, id), update)
        .await
        .or_else(|e| fail("updateTicket", e))?;
    let expected = world
        .updated_ticket()
        .ok_or("world lacks the update target")?;
    let mut diff = compare::Diff::of("updated ticket");
    diff.eq("id", &world.id(ObjectKind::Ticket, id), &ticket.id);
    diff.eq("subject", &Some(expected.subject), &ticket.subject);
    diff.eq(
        "priority",
        &expected.priority.as_ref(),
        &ticket.priority.as_ref().map(|p| &p.canonical),
    );
    diff.eq(
        "tags",
        &expected.tags.iter().collect::<BTreeSet<_>>(),
        &ticket.tags.iter().collect(),
    );
    diff.finish()
}

/// A closed ticket is resolved or closed.
pub async fn close_ticket(port: &dyn SupportPort, world: &World) -> Check {
    let ticket = port
        .close_ticket(
            &world.id(ObjectKind::Ticket, world.close_target()),
            CloseOptions::new(),
        )
        .await
        .or_else(|e| fail("closeTicket", e))?;
    ensure!(
        ticket.status.canonical.is_done(),
        "a closed ticket is {:?}",
        ticket.status.canonical
    );
    ensure!(
        ticket.id.external_id() == world.close_target(),
        "closed ticket {}",
        ticket.id
    );
    Ok(())
}

/// A ticket goes to the agent and group asked.
pub async fn assign_ticket(port: &dyn SupportPort, world: &World) -> Check {
    let (id, agent, group) = world.assignment();
    let ticket_id = world.id(ObjectKind::Ticket, id);
    let agent = world.id(ObjectKind::Party, agent);
    let group = world.id(ObjectKind::Group, group);
    if world.profile.one_owner {
        // One owner: an agent, then a group, each alone.
        let ticket = port
            .assign_ticket(&ticket_id, Assignment::agent(agent.clone()))
            .await
            .or_else(|e| fail("assignTicket to an agent", e))?;
        let mut diff = compare::Diff::of("ticket assigned to an agent");
        diff.eq("assignee", &Some(agent), &ticket.assignee);
        diff.eq("group", &None, &ticket.group);
        diff.finish()?;
        let ticket = port
            .assign_ticket(&ticket_id, Assignment::group(group.clone()))
            .await
            .or_else(|e| fail("assignTicket to a group", e))?;
        let mut diff = compare::Diff::of("ticket assigned to a group");
        diff.eq("assignee", &None, &ticket.assignee);
        diff.eq("group", &Some(group), &ticket.group);
        return diff.finish();
    }
    let assignment = Assignment::agent(agent.clone()).with_group(group.clone());
    let ticket = port
        .assign_ticket(&ticket_id, assignment)
        .await
        .or_else(|e| fail("assignTicket", e))?;
    let mut diff = compare::Diff::of("assigned ticket");
    diff.eq("assignee", &Some(agent), &ticket.assignee);
    diff.eq("group", &Some(group), &ticket.group);
    diff.finish()
}
