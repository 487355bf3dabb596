//! SLA policies and satisfaction ratings.

use futures::TryStreamExt;
use support_core::{
    ErrorKind, ObjectKind, SatisfactionQuery, Sentiment, SupportPort, SupportPortExt,
};

use super::{Check, expect_kind, fail, ids, same_set};
use crate::compare;
use crate::world::{Entity, World};

/// An SLA policy with its targets per priority; a missing one is `NotFound`.
pub async fn get_sla(port: &dyn SupportPort, world: &World) -> Check {
    let expected = world.canonical_sla(&world.sla_policies[0]);
    let got = port
        .get_sla(&expected.id)
        .await
        .or_else(|e| fail("getSLA", e))?;
    compare::sla(&expected, &got)?;
    let missing = world.id(ObjectKind::SlaPolicy, &world.missing_id(Entity::SlaPolicy));
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
