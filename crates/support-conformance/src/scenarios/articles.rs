//! Knowledge articles: lookup, listing, filters.

use futures::TryStreamExt;
use support_core::{ArticleQuery, Document, ErrorKind, ObjectKind, SupportPort, SupportPortExt};

use super::{Check, expect_kind, fail, ids, same_set};
use crate::compare;
use crate::world::{Entity, World};

/// An article by id, mapped; a missing one is `NotFound`.
pub async fn get_knowledge_article(port: &dyn SupportPort, world: &World) -> Check {
    let fx = &world.articles[0];
    let expected = world.canonical_article(fx);
    let got = port
        .get_knowledge_article(&expected.id)
        .await
        .or_else(|e| fail("getKnowledgeArticle", e))?;
    compare::article(&expected, &got)?;
    let missing = world.id(ObjectKind::Document, &world.missing_id(Entity::Article));
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
        .filter(|a| a.published || world.profile.article_drafts)
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
    let mut queries = vec![("search", ArticleQuery::new().with_search("refund"))];
    if world.profile.article_details {
        queries.insert(
            0,
            (
                "category",
                ArticleQuery::new()
                    .with_category(world.id(ObjectKind::Category, &world.categories[1].id)),
            ),
        );
    }
    for (name, query) in queries {
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
