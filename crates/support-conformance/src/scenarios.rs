//! The scenarios, as `pub async fn`s over a port and the world, and the runner that turns them into a
//! [`Report`].

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, CloseOptions, CommentQuery, Cursor,
    Document, ErrorKind, NewComment, NewTicket, ObjectKind, Operation, Party, Priority,
    SatisfactionQuery, Sentiment, SupportPort, SupportPortExt, TagQuery, Ticket, TicketLookup,
    TicketQuery, TicketStatus, Visibility,
};

use crate::compare;
use crate::harness::{Fault, Harness, Simulator};
use crate::report::{Mode, Outcome, Report, ScenarioResult};
use crate::world::{MISSING_TICKET_ID, PAGE_SIZE, UNKNOWN_STATUS, World};

/// What a scenario found: `Ok` when it held, else why not.
pub type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err(format!($($why)+));
        }
    };
}

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

// ----- listTickets -----

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
    let queries = [
        (
            "status open",
            TicketQuery::new().with_status(TicketStatus::Open),
        ),
        (
            "status pending or on hold",
            TicketQuery::new()
                .with_status(TicketStatus::Pending)
                .with_status(TicketStatus::OnHold),
        ),
        (
            "priority high",
            TicketQuery::new().with_priority(Priority::High),
        ),
        (
            "assignee",
            TicketQuery::new().with_assignee(world.id(ObjectKind::Party, &world.agents[0].id)),
        ),
        ("tag vip", TicketQuery::new().with_tag("vip")),
        (
            "updated since",
            TicketQuery::new().with_updated_since(since),
        ),
        (
            "tag billing and priority low",
            TicketQuery::new()
                .with_tag("billing")
                .with_priority(Priority::Low),
        ),
    ];
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
    let id = world.id(ObjectKind::Ticket, MISSING_TICKET_ID);
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
        ticket.raw.as_object().is_some_and(|raw| !raw.is_empty()),
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
    diff.check("tags", ticket.tags.iter().any(|t| t == "hardware"), || {
        format!("tags {:?}", ticket.tags)
    });
    diff.check("raw", ticket.raw.is_object(), || "raw not kept".into());
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
            &world.id(ObjectKind::Ticket, World::CLOSE_TARGET),
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
        ticket.id.external_id() == World::CLOSE_TARGET,
        "closed ticket {}",
        ticket.id
    );
    Ok(())
}

/// A ticket goes to the agent and group asked.
pub async fn assign_ticket(port: &dyn SupportPort, world: &World) -> Check {
    let (id, agent, group) = world.assignment();
    let assignment = Assignment::agent(world.id(ObjectKind::Party, agent))
        .with_group(world.id(ObjectKind::Group, group));
    let ticket = port
        .assign_ticket(&world.id(ObjectKind::Ticket, id), assignment)
        .await
        .or_else(|e| fail("assignTicket", e))?;
    let mut diff = compare::Diff::of("assigned ticket");
    diff.eq(
        "assignee",
        &Some(world.id(ObjectKind::Party, agent)),
        &ticket.assignee,
    );
    diff.eq(
        "group",
        &Some(world.id(ObjectKind::Group, group)),
        &ticket.group,
    );
    diff.finish()
}

// ----- comments -----

/// A public reply and an internal note are added with their visibility.
pub async fn add_comments(port: &dyn SupportPort, world: &World) -> Check {
    let (ticket, public, internal) = world.new_comments();
    let ticket_id = world.id(ObjectKind::Ticket, ticket);
    for (comment, expected_id) in [
        (public, World::CREATED_COMMENT_IDS.0),
        (internal, World::CREATED_COMMENT_IDS.1),
    ] {
        let text = comment.body.text.clone();
        let visibility = comment.visibility;
        let added = port
            .add_comment(&ticket_id, comment)
            .await
            .or_else(|e| fail("addComment", e))?;
        let mut diff = compare::Diff::of(format!("added {visibility:?} comment"));
        diff.eq("id", &world.id(ObjectKind::Comment, expected_id), &added.id);
        diff.eq("parent", &Some(ticket_id.clone()), &added.parent);
        diff.eq("text", text.as_str(), added.data.body.text.trim());
        diff.eq("visibility", &visibility, &added.data.visibility);
        diff.finish()?;
    }
    Ok(())
}

/// A ticket's comments come back oldest first, public and internal, page by page, and filtered by
/// visibility.
pub async fn list_comments(port: &dyn SupportPort, world: &World) -> Check {
    let ticket = &world.comments[0].ticket;
    let ticket_id = world.id(ObjectKind::Ticket, ticket);
    let expected: Vec<_> = world
        .comments
        .iter()
        .filter(|c| &c.ticket == ticket)
        .map(|c| world.canonical_comment(c))
        .collect();
    let actual: Vec<_> = port
        .comments(&ticket_id, CommentQuery::new().with_limit(2))
        .try_collect()
        .await
        .map_err(|e| format!("listComments failed: {e}"))?;
    ensure!(
        ids(&actual, |c| &c.id) == ids(&expected, |c| &c.id),
        "comments in order: expected {:?}, got {:?}",
        ids(&expected, |c| &c.id),
        ids(&actual, |c| &c.id)
    );
    for (expected, actual) in expected.iter().zip(&actual) {
        compare::comment(expected, actual)?;
    }
    let internal: Vec<_> = port
        .comments(
            &ticket_id,
            CommentQuery::new().with_visibility(Visibility::Internal),
        )
        .try_collect()
        .await
        .map_err(|e| format!("listComments (internal) failed: {e}"))?;
    same_set(
        "internal comments",
        expected
            .iter()
            .filter(|c| c.data.visibility == Visibility::Internal)
            .map(|c| c.external_id().to_owned())
            .collect(),
        ids(&internal, |c| &c.id),
    )
}

// ----- agents -----

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
    let mut queries = vec![
        (
            "group",
            AgentQuery::new().with_group(world.id(ObjectKind::Group, &world.groups[1].id)),
        ),
        ("role", AgentQuery::new().with_role("admin")),
    ];
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

// ----- tags -----

/// The workspace's tags come back with their counts.
pub async fn list_tags(port: &dyn SupportPort, world: &World) -> Check {
    let tags: Vec<_> = port
        .tags(TagQuery::new().with_limit(2))
        .try_collect()
        .await
        .map_err(|e| format!("listTags failed: {e}"))?;
    same_set(
        "tags",
        world.tags.iter().map(|(n, _)| n.clone()).collect(),
        tags.iter().map(|t| t.data.name.clone()).collect(),
    )?;
    for (name, count) in &world.tags {
        if let Some(tag) = tags.iter().find(|t| &t.data.name == name) {
            ensure!(
                tag.data.count.is_none_or(|c| c == *count),
                "tag {name}: count {:?}, expected {count}",
                tag.data.count
            );
            ensure!(
                tag.id == world.id(ObjectKind::Tag, name),
                "tag id {}",
                tag.id
            );
        }
    }
    Ok(())
}

/// A new tag is created.
pub async fn create_tag(port: &dyn SupportPort, world: &World) -> Check {
    let tag = port
        .create_tag(world.new_tag())
        .await
        .or_else(|e| fail("createTag", e))?;
    ensure!(
        tag.data.name == world.new_tag().name,
        "created tag {:?}",
        tag.data.name
    );
    Ok(())
}

// ----- knowledge -----

/// An article by id, mapped; a missing one is `NotFound`.
pub async fn get_knowledge_article(port: &dyn SupportPort, world: &World) -> Check {
    let fx = &world.articles[0];
    let expected = world.canonical_article(fx);
    let got = port
        .get_knowledge_article(&expected.id)
        .await
        .or_else(|e| fail("getKnowledgeArticle", e))?;
    compare::article(&expected, &got)?;
    let missing = world.id(ObjectKind::Document, MISSING_TICKET_ID);
    expect_kind(
        "getKnowledgeArticle of a missing id",
        port.get_knowledge_article(&missing).await,
        &ErrorKind::NotFound,
    )?;
    Ok(())
}

/// Every article, then by category and by search term.
pub async fn list_knowledge_articles(port: &dyn SupportPort, world: &World) -> Check {
    let expected: Vec<Document> = world
        .articles
        .iter()
        .map(|a| world.canonical_article(a))
        .collect();
    let all: Vec<Document> = port
        .knowledge_articles(ArticleQuery::new().with_limit(2))
        .try_collect()
        .await
        .map_err(|e| format!("listKnowledgeArticles failed: {e}"))?;
    same_set("articles", ids(&expected, |d| &d.id), ids(&all, |d| &d.id))?;
    for want in &expected {
        if let Some(got) = all.iter().find(|d| d.id == want.id) {
            compare::article(want, got)?;
        }
    }
    for (name, query) in [
        (
            "category",
            ArticleQuery::new()
                .with_category(world.id(ObjectKind::Category, &world.categories[1].id)),
        ),
        ("search", ArticleQuery::new().with_search("refund")),
    ] {
        let want: Vec<String> = expected
            .iter()
            .filter(|d| query.matches(d))
            .map(|d| d.id.external_id().to_owned())
            .collect();
        let got: Vec<Document> = port
            .knowledge_articles(query)
            .try_collect()
            .await
            .map_err(|e| format!("articles by {name} failed: {e}"))?;
        same_set(&format!("articles by {name}"), want, ids(&got, |d| &d.id))?;
    }
    Ok(())
}

// ----- SLA and CSAT -----

/// An SLA policy with its targets per priority; a missing one is `NotFound`.
pub async fn get_sla(port: &dyn SupportPort, world: &World) -> Check {
    let expected = world.canonical_sla(&world.sla_policies[0]);
    let got = port
        .get_sla(&expected.id)
        .await
        .or_else(|e| fail("getSLA", e))?;
    compare::sla(&expected, &got)?;
    let missing = world.id(ObjectKind::SlaPolicy, MISSING_TICKET_ID);
    expect_kind(
        "getSLA of a missing id",
        port.get_sla(&missing).await,
        &ErrorKind::NotFound,
    )?;
    Ok(())
}

/// Every rating, then by ticket, date range and sentiment.
pub async fn list_satisfaction_ratings(port: &dyn SupportPort, world: &World) -> Check {
    let expected: Vec<_> = world
        .ratings
        .iter()
        .map(|r| world.canonical_rating(r))
        .collect();
    let all: Vec<_> = port
        .satisfaction_ratings(SatisfactionQuery::new().with_limit(2))
        .try_collect()
        .await
        .map_err(|e| format!("listCustomerSatisfactionRatings failed: {e}"))?;
    same_set("ratings", ids(&expected, |r| &r.id), ids(&all, |r| &r.id))?;
    for want in &expected {
        if let Some(got) = all.iter().find(|r| r.id == want.id) {
            compare::rating(want, got)?;
        }
    }
    let ticket = world.id(ObjectKind::Ticket, &world.ratings[1].ticket);
    let from = world.ratings[1].created_at;
    let until = world.ratings[3].created_at;
    for (name, query) in [
        ("ticket", SatisfactionQuery::new().with_ticket(ticket)),
        (
            "date range",
            SatisfactionQuery::new().with_date_range(from, until),
        ),
        (
            "positive",
            SatisfactionQuery::new().with_sentiment(Sentiment::Positive),
        ),
        (
            "negative",
            SatisfactionQuery::new().with_sentiment(Sentiment::Negative),
        ),
    ] {
        let want: Vec<String> = expected
            .iter()
            .filter(|r| query.matches(&r.data))
            .map(|r| r.external_id().to_owned())
            .collect();
        let got: Vec<_> = port
            .satisfaction_ratings(query)
            .try_collect()
            .await
            .map_err(|e| format!("ratings by {name} failed: {e}"))?;
        same_set(&format!("ratings by {name}"), want, ids(&got, |r| &r.id))?;
    }
    Ok(())
}

// ----- transport behaviour, against a simulator -----

/// Wrong credentials are `Unauthenticated`, for a listing and for the connection check.
pub async fn rejects_bad_credentials(sim: &dyn Simulator, _world: &World) -> Check {
    let port = sim.port_with_bad_credentials().await;
    expect_kind(
        "listTickets with bad credentials",
        port.list_tickets(TicketQuery::new()).await,
        &ErrorKind::Unauthenticated,
    )?;
    expect_kind(
        "checkConnection with bad credentials",
        port.check_connection().await,
        &ErrorKind::Unauthenticated,
    )?;
    Ok(())
}

/// A 503 on a read is retried and the read succeeds.
pub async fn read_is_retried_after_server_error(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::ListTickets, Fault::unavailable_once())
        .await;
    let page = faulted
        .port
        .list_tickets(TicketQuery::new().with_limit(PAGE_SIZE))
        .await
        .or_else(|e| fail("listTickets after one 503", e))?;
    ensure!(
        !page.items.is_empty() || world.tickets.is_empty(),
        "empty page after retry"
    );
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests (503, then success), saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 429 with a short `Retry-After` is waited out and the call succeeds.
pub async fn short_throttling_is_waited_out(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(
            Operation::GetTicket,
            Fault::throttled(Duration::from_secs(1), 1),
        )
        .await;
    let lookup = TicketLookup::Id(world.id(ObjectKind::Ticket, &world.tickets[0].id));
    faulted
        .port
        .get_ticket(&lookup)
        .await
        .or_else(|e| fail("getTicket after one 429", e))?;
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests (429, then success), saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 429 with a long `Retry-After` is handed to the caller as `RateLimited`, with the wait.
pub async fn long_throttling_surfaces(sim: &dyn Simulator, world: &World) -> Check {
    let wait = Duration::from_secs(3600);
    let faulted = sim
        .port_with_fault(Operation::GetTicket, Fault::throttled(wait, usize::MAX))
        .await;
    let lookup = TicketLookup::Id(world.id(ObjectKind::Ticket, &world.tickets[0].id));
    let error = expect_kind(
        "getTicket while throttled for an hour",
        faulted.port.get_ticket(&lookup).await,
        &ErrorKind::RateLimited { retry_after: None },
    )?;
    ensure!(
        error.retry_after() == Some(wait),
        "retry_after {:?}, expected {wait:?}",
        error.retry_after()
    );
    ensure!(
        faulted.requests.get() == 1,
        "expected 1 request, saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `createTicket` without an idempotency key is not retried: the ticket may exist.
pub async fn create_is_not_retried_after_server_error(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::CreateTicket, Fault::unavailable_once())
        .await;
    let error = expect_kind(
        "createTicket after a 503",
        faulted.port.create_ticket(world.new_ticket()).await,
        &ErrorKind::Provider { status: 503 },
    )?;
    ensure!(error.status() == Some(503), "status {:?}", error.status());
    ensure!(
        faulted.requests.get() == 1,
        "a write was sent {} times",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `createTicket` with an idempotency key is retried, where the provider honours keys.
pub async fn create_with_key_is_retried(sim: &dyn Simulator, world: &World) -> Check {
    let faulted = sim
        .port_with_fault(Operation::CreateTicket, Fault::unavailable_once())
        .await;
    let ticket: NewTicket = world.new_ticket().with_idempotency_key("conformance-key-1");
    faulted
        .port
        .create_ticket(ticket)
        .await
        .or_else(|e| fail("createTicket with a key after a 503", e))?;
    ensure!(
        faulted.requests.get() == 2,
        "expected 2 requests, saw {}",
        faulted.requests.get()
    );
    Ok(())
}

/// A 503 on `addComment` is not retried: the comment may have been posted.
pub async fn comment_is_not_retried_after_server_error(
    sim: &dyn Simulator,
    world: &World,
) -> Check {
    let faulted = sim
        .port_with_fault(Operation::AddComment, Fault::unavailable_once())
        .await;
    let (ticket, public, _) = world.new_comments();
    let result = faulted
        .port
        .add_comment(&world.id(ObjectKind::Ticket, ticket), public)
        .await;
    expect_kind(
        "addComment after a 503",
        result,
        &ErrorKind::Provider { status: 503 },
    )?;
    ensure!(
        faulted.requests.get() == 1,
        "a write was sent {} times",
        faulted.requests.get()
    );
    Ok(())
}

// ----- the connection check -----

/// The connection check succeeds and names the provider.
pub async fn check_connection(port: &dyn SupportPort) -> Check {
    let info = port
        .check_connection()
        .await
        .or_else(|e| fail("checkConnection", e))?;
    ensure!(
        info.provider == port.provider(),
        "checkConnection names provider {:?}",
        info.provider
    );
    Ok(())
}

// ----- unsupported operations -----

/// Calls an operation with harmless input and expects `Unsupported`.
pub async fn declared_unsupported(port: &dyn SupportPort, operation: Operation) -> Check {
    let provider = port.provider();
    let ticket = CanonicalId::new(provider, ObjectKind::Ticket, MISSING_TICKET_ID);
    let any = |kind| CanonicalId::new(provider, kind, MISSING_TICKET_ID);
    let result: Result<(), support_core::Error> = match operation {
        Operation::ListTickets => port.list_tickets(TicketQuery::new()).await.map(drop),
        Operation::GetTicket => port.get_ticket(&TicketLookup::Id(ticket)).await.map(drop),
        Operation::CreateTicket => port
            .create_ticket(NewTicket::new("unsupported", "probe"))
            .await
            .map(drop),
        Operation::UpdateTicket => port
            .update_ticket(&ticket, support_core::TicketUpdate::new().with_subject("x"))
            .await
            .map(drop),
        Operation::CloseTicket => port
            .close_ticket(&ticket, CloseOptions::new())
            .await
            .map(drop),
        Operation::ListAgents => port.list_agents(AgentQuery::new()).await.map(drop),
        Operation::AssignTicket => port
            .assign_ticket(&ticket, Assignment::agent(any(ObjectKind::Party)))
            .await
            .map(drop),
        Operation::AddComment => port
            .add_comment(&ticket, NewComment::internal("probe"))
            .await
            .map(drop),
        Operation::ListComments => port
            .list_comments(&ticket, CommentQuery::new())
            .await
            .map(drop),
        Operation::ListTags => port.list_tags(TagQuery::new()).await.map(drop),
        Operation::CreateTag => port
            .create_tag(support_core::NewTag::new("probe"))
            .await
            .map(drop),
        Operation::GetKnowledgeArticle => port
            .get_knowledge_article(&any(ObjectKind::Document))
            .await
            .map(drop),
        Operation::ListKnowledgeArticles => port
            .list_knowledge_articles(ArticleQuery::new())
            .await
            .map(drop),
        Operation::GetSla => port.get_sla(&any(ObjectKind::SlaPolicy)).await.map(drop),
        Operation::ListSatisfactionRatings => port
            .list_satisfaction_ratings(SatisfactionQuery::new())
            .await
            .map(drop),
        Operation::CheckConnection => port.check_connection().await.map(drop),
    };
    match result {
        Err(error) if error.kind() == &ErrorKind::Unsupported => {
            ensure!(
                error.operation() == Some(operation),
                "the Unsupported error names {:?}",
                error.operation()
            );
            Ok(())
        }
        Err(error) => Err(format!(
            "declared unsupported, but returned {:?}: {error}",
            error.kind()
        )),
        Ok(()) => Err("declared unsupported, but succeeded".into()),
    }
}

// ----- live mode: scenarios that need no fixture world -----

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

impl<T> TakeFirst<T> for futures::stream::BoxStream<'_, support_core::Result<T>> {
    async fn take_first(self, n: usize) -> Result<Vec<T>, String> {
        use futures::StreamExt;
        self.take(n)
            .try_collect()
            .await
            .map_err(|e| format!("listing failed: {e}"))
    }
}

// ----- the runner -----

fn record(
    results: &mut Vec<ScenarioResult>,
    scenario: &str,
    operation: Operation,
    outcome: Outcome,
) {
    results.push(ScenarioResult {
        scenario: scenario.to_owned(),
        operation,
        outcome,
    });
}

/// Runs every scenario that applies and reports the results.
///
/// Operations declared unsupported are checked to return `Unsupported` and nothing else is run for
/// them. Offline (a world is given), every world scenario runs, read scenarios before writes; with a
/// simulator, the transport scenarios run too. Live (no world), the world-free scenarios run.
pub async fn run(harness: &dyn Harness) -> Report {
    let port = harness.port();
    let port = port.as_ref();
    let caps = port.capabilities().clone();
    let mut results = Vec::new();
    let verdict = |check: Check| match check {
        Ok(()) => Outcome::Pass,
        Err(why) => Outcome::Fail(why),
    };
    let supported = |op: Operation| caps.support(op).is_supported();

    for op in Operation::ALL {
        if !supported(op) {
            let outcome = match declared_unsupported(port, op).await {
                Ok(()) => Outcome::Unsupported,
                Err(why) => Outcome::Fail(why),
            };
            record(&mut results, "declared_unsupported", op, outcome);
        }
    }

    record(
        &mut results,
        "check_connection",
        Operation::CheckConnection,
        verdict(check_connection(port).await),
    );

    let mode = if harness.world().is_some() {
        Mode::Offline
    } else {
        Mode::Live
    };
    match harness.world() {
        Some(world) => {
            macro_rules! world_scenario {
                ($op:expr, $name:ident) => {
                    if supported($op) {
                        record(
                            &mut results,
                            stringify!($name),
                            $op,
                            verdict($name(port, world).await),
                        );
                    }
                };
            }
            // Reads first: the write scenarios change the world.
            world_scenario!(Operation::ListTickets, list_tickets_returns_the_world);
            world_scenario!(Operation::ListTickets, list_tickets_paginates);
            world_scenario!(Operation::ListTickets, list_tickets_filters);
            if supported(Operation::ListAgents) {
                world_scenario!(Operation::ListTickets, list_tickets_rejects_foreign_cursors);
            }
            world_scenario!(Operation::GetTicket, get_ticket_by_id_and_external_ref);
            world_scenario!(Operation::GetTicket, get_ticket_not_found);
            world_scenario!(Operation::GetTicket, get_ticket_rejects_foreign_ids);
            world_scenario!(Operation::GetTicket, get_ticket_keeps_unknown_status);
            world_scenario!(Operation::ListAgents, list_agents);
            world_scenario!(Operation::ListAgents, list_agents_filters);
            world_scenario!(Operation::ListComments, list_comments);
            world_scenario!(Operation::ListTags, list_tags);
            world_scenario!(Operation::GetKnowledgeArticle, get_knowledge_article);
            world_scenario!(Operation::ListKnowledgeArticles, list_knowledge_articles);
            world_scenario!(Operation::GetSla, get_sla);
            world_scenario!(
                Operation::ListSatisfactionRatings,
                list_satisfaction_ratings
            );
            world_scenario!(Operation::CreateTicket, create_ticket);
            world_scenario!(Operation::CreateTicket, create_ticket_rejects_invalid_input);
            world_scenario!(Operation::UpdateTicket, update_ticket);
            world_scenario!(Operation::CloseTicket, close_ticket);
            world_scenario!(Operation::AssignTicket, assign_ticket);
            world_scenario!(Operation::AddComment, add_comments);
            world_scenario!(Operation::CreateTag, create_tag);

            match harness.simulator() {
                Some(sim) => {
                    macro_rules! sim_scenario {
                        ($op:expr, $name:ident) => {
                            if supported($op) {
                                record(
                                    &mut results,
                                    stringify!($name),
                                    $op,
                                    verdict($name(sim, world).await),
                                );
                            }
                        };
                    }
                    sim_scenario!(Operation::ListTickets, rejects_bad_credentials);
                    sim_scenario!(Operation::ListTickets, read_is_retried_after_server_error);
                    sim_scenario!(Operation::GetTicket, short_throttling_is_waited_out);
                    sim_scenario!(Operation::GetTicket, long_throttling_surfaces);
                    sim_scenario!(
                        Operation::CreateTicket,
                        create_is_not_retried_after_server_error
                    );
                    if world.profile.honours_idempotency_keys {
                        sim_scenario!(Operation::CreateTicket, create_with_key_is_retried);
                    }
                    sim_scenario!(
                        Operation::AddComment,
                        comment_is_not_retried_after_server_error
                    );
                }
                None => {
                    for op in [
                        Operation::ListTickets,
                        Operation::GetTicket,
                        Operation::CreateTicket,
                        Operation::AddComment,
                    ] {
                        if supported(op) {
                            record(
                                &mut results,
                                "transport",
                                op,
                                Outcome::Skipped("no HTTP transport to fault".into()),
                            );
                        }
                    }
                }
            }
        }
        None => {
            if supported(Operation::ListTickets) && supported(Operation::GetTicket) {
                record(
                    &mut results,
                    "live_list_tickets",
                    Operation::ListTickets,
                    verdict(live_list_tickets(port).await),
                );
            }
            if [
                Operation::CreateTicket,
                Operation::AddComment,
                Operation::CloseTicket,
            ]
            .into_iter()
            .all(supported)
            {
                let outcome = verdict(live_ticket_lifecycle(port).await);
                for op in [
                    Operation::CreateTicket,
                    Operation::AddComment,
                    Operation::CloseTicket,
                ] {
                    record(&mut results, "live_ticket_lifecycle", op, outcome.clone());
                }
            }
            for op in Operation::ALL {
                if supported(op) && !results.iter().any(|r| r.operation == op) {
                    record(
                        &mut results,
                        "live",
                        op,
                        Outcome::Skipped("needs the fixture world (offline mode)".into()),
                    );
                }
            }
        }
    }

    Report {
        provider: port.provider().to_owned(),
        mode,
        scenarios: results,
    }
}
