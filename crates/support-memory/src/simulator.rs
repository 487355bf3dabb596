//! The in-memory port seeded with the standard world, as the conformance suite's harness, and
//! the suite itself.
//!
//! Test infrastructure, not part of the port: compiled only with the crate's `simulator` feature
//! (named as every provider crate's is, so that a program runs any provider's suites the same
//! way: `support_<name>::simulator::suites()`). There is no HTTP simulator here: the port is in
//! memory, and its live run is its offline one. The crate's tests reach it through a self
//! dev-dependency.

// Test infrastructure: a fixture that cannot be seeded fails loudly.
#![allow(clippy::expect_used)]

use std::sync::Arc;

use crate::{MemoryPort, MemoryPortBuilder, PROVIDER};
use serde_json::json;
use support_conformance::harness::{Harness, Simulator};
use support_conformance::{Entity, IdScheme, Profile, World};
use support_core::{ObjectKind, Party, PartyRole, SupportPort};

/// The world's entity whose ids a created object of `kind` takes (created parties are customers).
fn entity(kind: ObjectKind) -> Entity {
    match kind {
        ObjectKind::Comment => Entity::Comment,
        ObjectKind::Party => Entity::Customer,
        ObjectKind::Document => Entity::Attachment,
        _ => Entity::Ticket,
    }
}

/// The in-memory port seeded with [`World::standard`].
#[derive(Debug)]
pub struct MemoryHarness {
    world: World,
    port: Arc<MemoryPort>,
}

impl MemoryHarness {
    /// The standard world with ids spelled as `ids` spells them, in a port that spells the ids of
    /// what it creates the same way.
    pub fn new(ids: IdScheme) -> Self {
        let world = World::standard(
            PROVIDER,
            Profile {
                ids,
                ..Profile::default()
            },
        );
        let port = Arc::new(
            seed(&world)
                .build()
                .expect("the standard world seeds the memory port"),
        );
        Self { world, port }
    }
}

/// Every fixture of the world, in canonical form.
fn seed(world: &World) -> MemoryPortBuilder {
    let ids = world.profile.ids;
    let mut builder = MemoryPort::builder()
        .with_id_format(move |kind, number| ids.render(entity(kind), number))
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
        for file in &comment.attachments {
            builder = builder.with_attachment_bytes(
                world.id(ObjectKind::Document, &file.id),
                file.content.clone(),
            );
        }
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

/// The conformance suite on the standard world with ids spelled as `ids` spells them (a fresh
/// port per scenario). The in-memory provider has no remote account: its live run is the offline
/// one, reported as live.
pub fn suite_with_ids(ids: IdScheme) -> support_conformance::Suite {
    support_conformance::Suite::new(PROVIDER)
        .offline(move || async move { MemoryHarness::new(ids) })
        .live_is_offline()
}

/// The conformance suite of the row `memory`: [`suite_with_ids`] with numeric ids.
pub fn suite() -> support_conformance::Suite {
    suite_with_ids(IdScheme::Numeric)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
