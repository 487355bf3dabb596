//! Comments: adding replies and notes, listing a ticket's conversation.

use futures::TryStreamExt;
use support_core::{CommentQuery, CommentRef, ObjectKind, SupportPort, SupportPortExt, Visibility};

use super::{Check, fail, ids, same_set};
use crate::compare;
use crate::world::World;

/// A public reply and an internal note are added with their visibility.
pub async fn add_comments(port: &dyn SupportPort, world: &World) -> Check {
    let (ticket, public, internal) = world.new_comments();
    let ticket_id = world.id(ObjectKind::Ticket, ticket);
    for (comment, expected_id) in [
        (public, world.created_comment_ids().0),
        (internal, world.created_comment_ids().1),
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

/// The world's comments, ticket by ticket, as the port lists them, each with what the world expects.
async fn listed_comments(
    port: &dyn SupportPort,
    world: &World,
) -> Result<Vec<(CommentRef, CommentRef)>, String> {
    let mut tickets: Vec<&str> = world.comments.iter().map(|c| c.ticket.as_str()).collect();
    tickets.dedup();
    let mut pairs = Vec::new();
    for ticket in tickets {
        let listed: Vec<CommentRef> = port
            .comments(&world.id(ObjectKind::Ticket, ticket), CommentQuery::new())
            .try_collect()
            .await
            .map_err(|e| format!("listComments of ticket {ticket} failed: {e}"))?;
        for fx in world.comments.iter().filter(|c| c.ticket == ticket) {
            let expected = world.canonical_comment(fx);
            let actual = listed
                .iter()
                .find(|c| c.id == expected.id)
                .ok_or_else(|| format!("comment {} is not listed", expected.id))?;
            pairs.push((expected, actual.clone()));
        }
    }
    Ok(pairs)
}

/// Listed comments say who wrote them: the requester a customer, an agent an agent.
pub async fn list_comments_author_kinds(port: &dyn SupportPort, world: &World) -> Check {
    for (expected, actual) in listed_comments(port, world).await? {
        compare::comment_author_kind(&expected, &actual)?;
    }
    Ok(())
}

/// Listed comments carry the world's attachments (the invoice of comment 601) with id, file name,
/// content type, size and a URL.
pub async fn list_comments_attachments(port: &dyn SupportPort, world: &World) -> Check {
    let pairs = listed_comments(port, world).await?;
    ensure!(
        pairs
            .iter()
            .any(|(expected, _)| !expected.data.attachments.is_empty()),
        "the world has no attachment"
    );
    for (expected, actual) in &pairs {
        compare::comment_attachments(expected, actual)?;
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
