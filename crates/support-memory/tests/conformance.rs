//! The conformance suite, one test per scenario, against the in-memory port seeded with the
//! standard world.

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;
use support_conformance::harness::{Harness, Simulator};
use support_conformance::{Profile, Suite, World};
use support_core::{
    CommentQuery, ErrorKind, ObjectKind, Party, PartyRole, SupportPort, TicketLookup, TicketQuery,
};
use support_memory::{MemoryPort, PROVIDER};

/// The in-memory port seeded with [`World::standard`].
struct MemoryHarness {
    world: World,
    port: Arc<MemoryPort>,
}

impl MemoryHarness {
    fn new() -> Self {
        let world = World::standard(PROVIDER, Profile::default());
        let port = Arc::new(
            seed(&world)
                .build()
                .expect("the standard world seeds the memory port"),
        );
        Self { world, port }
    }
}

/// Every fixture of the world, in canonical form.
fn seed(world: &World) -> support_memory::MemoryPortBuilder {
    let mut builder = MemoryPort::builder()
        .with_next_ticket_id(World::CREATED_TICKET_ID.parse().expect("numeric ticket id"))
        .with_next_comment_id(
            World::CREATED_COMMENT_IDS
                .0
                .parse()
                .expect("numeric comment id"),
        );
    for group in &world.groups {
        builder = builder.with_group(world.id(ObjectKind::Group, &group.id), group.name.clone());
    }
    for agent in &world.agents {
        builder = builder.with_agent(world.agent_party(agent));
    }
    for customer in &world.customers {
        builder = builder.with_customer(world.customer_party(customer));
    }
    let (org_id, org_name) = &world.organization;
    let mut org = Party::new(
        world.id(ObjectKind::Party, org_id),
        PartyRole::Org,
        json!(null),
    );
    org.name = Some(org_name.clone());
    builder = builder.with_organization(org);
    for ticket in &world.tickets {
        builder = builder.with_ticket(world.canonical_ticket(ticket));
    }
    for comment in &world.comments {
        builder = builder.with_comment(world.canonical_comment(comment));
    }
    for (name, count) in &world.tags {
        builder = builder.with_tag(name.clone(), *count);
    }
    for category in &world.categories {
        builder = builder.with_category(
            world.id(ObjectKind::Category, &category.id),
            category.name.clone(),
        );
    }
    for article in &world.articles {
        builder = builder.with_article(world.canonical_article(article));
    }
    for policy in &world.sla_policies {
        builder = builder.with_sla_policy(world.canonical_sla(policy));
    }
    for rating in &world.ratings {
        builder = builder.with_rating(world.canonical_rating(rating));
    }
    builder
}

impl Harness for MemoryHarness {
    fn port(&self) -> Arc<dyn SupportPort> {
        self.port.clone()
    }

    fn world(&self) -> Option<&World> {
        Some(&self.world)
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        None
    }
}

fn main() -> ExitCode {
    Suite::new(PROVIDER)
        .offline(async || MemoryHarness::new())
        // The in-memory provider has no remote account: its live run is the offline one.
        .live_is_offline()
        .test(
            "memory::the_seeded_world_reads_back",
            the_seeded_world_reads_back,
        )
        .run()
}

async fn the_seeded_world_reads_back(harness: &dyn Harness) {
    let port = harness.port();
    let world = harness
        .world()
        .expect("the memory harness serves the world");

    let page = port
        .list_tickets(TicketQuery::new().with_limit(100))
        .await
        .unwrap();
    assert_eq!(page.items.len(), world.tickets.len());
    assert!(page.next.is_none());
    assert!(page.items.iter().all(|t| t.raw.is_object()));

    let first = world.canonical_ticket(&world.tickets[0]);
    let got = port
        .get_ticket(&TicketLookup::Id(first.id.clone()))
        .await
        .unwrap();
    assert_eq!(got.subject, first.subject);

    let comments = port
        .list_comments(&first.id, CommentQuery::new())
        .await
        .unwrap();
    let ids: Vec<_> = comments
        .items
        .iter()
        .map(|c| c.external_id().to_owned())
        .collect();
    assert_eq!(ids, ["601", "602", "603", "604"]);

    let missing = world.id(
        ObjectKind::Ticket,
        support_conformance::world::MISSING_TICKET_ID,
    );
    let err = port
        .get_ticket(&TicketLookup::Id(missing))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotFound);

    let info = port.check_connection().await.unwrap();
    assert_eq!(info.provider, PROVIDER);
    assert_eq!(info.account.as_deref(), Some(PROVIDER));
}
