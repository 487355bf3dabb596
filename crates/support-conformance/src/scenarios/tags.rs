//! Tags: listing with counts, creating.

use futures::TryStreamExt;
use support_core::{ObjectKind, SupportPort, SupportPortExt, TagQuery};

use super::{Check, fail, same_set};
use crate::world::World;

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
                tag.id == world.id(ObjectKind::Tag, &world.tag_id(name)),
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
