//! The semantics the conformance suite does not exercise.

use serde_json::{Value, json};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, Body, CanonicalId, CloseOptions, CommentQuery, Cursor,
    Document, DocumentKind, ErrorKind, FieldValue, Mapped, NewComment, NewTag, NewTicket,
    ObjectKind, Operation, Party, PartyRole, Requester, SatisfactionQuery, SupportPort,
    SupportPortExt, TagQuery, Ticket, TicketLookup, TicketQuery, TicketStatus, TicketUpdate,
    Visibility,
};

use crate::{MemoryPort, MemoryPortBuilder, id};

fn agent(external: &str) -> Party {
    let mut party = Party::new(
        id(ObjectKind::Party, external),
        PartyRole::Employee,
        Value::Null,
    );
    party.name = Some(format!("Agent {external}"));
    party.email = Some(format!("{external}@agents.example"));
    party.groups = vec![id(ObjectKind::Group, "g1")];
    party
}

fn customer(external: &str, email: &str) -> Party {
    let mut party = Party::new(
        id(ObjectKind::Party, external),
        PartyRole::Customer,
        Value::Null,
    );
    party.email = Some(email.into());
    party.organization = Some(id(ObjectKind::Party, "org"));
    party
}

fn ticket(external: &str, tags: &[&str]) -> Ticket {
    let mut ticket = Ticket::new(
        id(ObjectKind::Ticket, external),
        Mapped::new(TicketStatus::Open, "open"),
        Value::Null,
    );
    ticket.subject = Some(format!("Ticket {external}"));
    ticket.tags = tags.iter().map(|t| t.to_string()).collect();
    ticket
}

fn base() -> MemoryPortBuilder {
    let mut org = Party::new(id(ObjectKind::Party, "org"), PartyRole::Org, Value::Null);
    org.name = Some("Org".into());
    MemoryPort::builder()
        .with_group(id(ObjectKind::Group, "g1"), "Tier 1")
        .with_agent(agent("a1"))
        .with_customer(customer("c1", "carol@example.com"))
        .with_organization(org)
        .with_current_user(id(ObjectKind::Party, "a1"))
}

fn port() -> MemoryPort {
    base()
        .with_ticket(ticket("1", &["billing"]))
        .with_ticket(ticket("2", &["billing", "vip"]))
        .build()
        .unwrap()
}

fn ticket_id(external: &str) -> CanonicalId {
    id(ObjectKind::Ticket, external)
}

// ----- createTicket -----

#[tokio::test]
async fn a_create_with_a_used_idempotency_key_returns_the_first_ticket() {
    let port = port();
    let new = NewTicket::new("Printer", "It jams").with_idempotency_key("key-1");
    let first = port.create_ticket(new.clone()).await.unwrap();
    let again = port.create_ticket(new).await.unwrap();
    assert_eq!(first.id, again.id);
    let other = port
        .create_ticket(NewTicket::new("Printer", "It jams").with_idempotency_key("key-2"))
        .await
        .unwrap();
    assert_ne!(other.id, first.id);
    let all = port.list_tickets(TicketQuery::new()).await.unwrap();
    assert_eq!(all.items.len(), 4, "two seeded, two created");
    let comments = port
        .list_comments(&first.id, CommentQuery::new())
        .await
        .unwrap();
    assert_eq!(comments.items.len(), 1, "one description comment, not two");
}

#[tokio::test]
async fn created_tickets_get_counter_ids_defaults_and_a_description_comment() {
    let port = base()
        .with_ticket(ticket("7", &[]))
        .with_next_ticket_id(7)
        .build()
        .unwrap();
    let created = port
        .create_ticket(
            NewTicket::new("Printer", "It jams")
                .with_requester(Requester::Id(id(ObjectKind::Party, "c1")))
                .with_tag("Hardware")
                .with_tag("hardware")
                .with_custom_field("severity", FieldValue::Integer(2)),
        )
        .await
        .unwrap();
    assert_eq!(created.id, ticket_id("8"), "a taken id is skipped");
    assert_eq!(created.status.canonical, TicketStatus::New);
    assert_eq!(created.requester, Some(id(ObjectKind::Party, "c1")));
    assert_eq!(created.organization, Some(id(ObjectKind::Party, "org")));
    assert_eq!(created.tags, ["Hardware"]);
    assert_eq!(
        created.custom_field("severity"),
        Some(&FieldValue::Integer(2))
    );
    assert!(created.created_at.is_some() && created.updated_at == created.created_at);
    assert_eq!(created.raw["subject"], json!("Printer"));
    assert!(created.raw.get("raw").is_none());

    let comments = port
        .list_comments(&created.id, CommentQuery::new())
        .await
        .unwrap()
        .items;
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].external_id(), "8-description");
    assert_eq!(comments[0].data.body.text, "It jams");
    assert_eq!(comments[0].data.visibility, Visibility::Public);
    assert_eq!(comments[0].data.author, Some(id(ObjectKind::Party, "c1")));

    let fetched = port
        .get_ticket(&TicketLookup::External("8".into()))
        .await
        .unwrap();
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn a_requester_by_email_is_found_or_created() {
    let port = base().with_next_party_id(50).build().unwrap();
    let known = port
        .create_ticket(NewTicket::new("s", "d").with_requester(Requester::Email {
            email: "CAROL@example.com".into(),
            name: None,
        }))
        .await
        .unwrap();
    assert_eq!(known.requester, Some(id(ObjectKind::Party, "c1")));
    let new = port
        .create_ticket(NewTicket::new("s", "d").with_requester(Requester::Email {
            email: "new@example.com".into(),
            name: Some("New Person".into()),
        }))
        .await
        .unwrap();
    assert_eq!(new.requester, Some(id(ObjectKind::Party, "50")));
    let by_default = port.create_ticket(NewTicket::new("s", "d")).await.unwrap();
    assert_eq!(
        by_default.requester,
        Some(id(ObjectKind::Party, "a1")),
        "the current user asks"
    );
    assert!(format!("{port:?}").contains("parties: 4"));
}

#[tokio::test]
async fn invalid_creations_are_rejected_and_change_nothing() {
    let port = port();
    let cases = [
        NewTicket::new(" ", "d"),
        NewTicket::new("s", ""),
        NewTicket::new("s", "d").with_requester(Requester::Id(id(ObjectKind::Party, "nobody"))),
        NewTicket::new("s", "d").with_requester(Requester::Id(id(ObjectKind::Party, "org"))),
        NewTicket::new("s", "d").with_requester(Requester::Email {
            email: "not-an-address".into(),
            name: None,
        }),
        NewTicket::new("s", "d").with_assignee(id(ObjectKind::Party, "c1")),
        NewTicket::new("s", "d").with_group(id(ObjectKind::Group, "nope")),
        NewTicket::new("s", "d").with_tag(" "),
    ];
    for new in cases {
        let err = port.create_ticket(new.clone()).await.unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput, "{new:?}");
        assert_eq!(err.operation(), Some(Operation::CreateTicket));
    }
    assert_eq!(
        port.list_tickets(TicketQuery::new())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let created = port.create_ticket(NewTicket::new("s", "d")).await.unwrap();
    assert_eq!(created.id, ticket_id("3"), "failed creations used no id");
}

// ----- updates on closed tickets -----

#[tokio::test]
async fn a_closed_ticket_is_read_only() {
    let port = port();
    let id = ticket_id("1");
    let closed = port
        .close_ticket(
            &id,
            CloseOptions::new().with_comment(NewComment::internal("Done")),
        )
        .await
        .unwrap();
    assert_eq!(closed.status.canonical, TicketStatus::Closed);
    assert_eq!(
        closed.raw["status"]["canonical"],
        json!("closed"),
        "raw follows writes"
    );
    let comments = port
        .list_comments(&id, CommentQuery::new())
        .await
        .unwrap()
        .items;
    assert_eq!(comments.len(), 1);
    assert_eq!(
        comments[0].data.author,
        Some(crate::id(ObjectKind::Party, "a1"))
    );

    let conflicts = [
        port.update_ticket(&id, TicketUpdate::new().with_subject("x"))
            .await
            .err(),
        port.close_ticket(&id, CloseOptions::new()).await.err(),
        port.assign_ticket(&id, Assignment::agent(crate::id(ObjectKind::Party, "a1")))
            .await
            .err(),
        port.add_comment(&id, NewComment::public("hello?"))
            .await
            .err(),
    ];
    for err in conflicts {
        let err = err.expect("a write to a closed ticket fails");
        assert_eq!(err.kind(), &ErrorKind::Conflict, "{err}");
    }
    assert_eq!(
        port.get_ticket(&TicketLookup::Id(id)).await.unwrap(),
        closed
    );
}

#[tokio::test]
async fn a_resolved_ticket_can_still_change() {
    let port = port();
    let id = ticket_id("2");
    port.update_ticket(&id, TicketUpdate::new().with_status(TicketStatus::Resolved))
        .await
        .unwrap();
    let updated = port
        .update_ticket(&id, TicketUpdate::new().with_status(TicketStatus::Open))
        .await
        .unwrap();
    assert_eq!(updated.status.canonical, TicketStatus::Open);
}

#[tokio::test]
async fn updates_assignments_and_comments_validate_their_input() {
    let port = port();
    let id = ticket_id("1");
    let invalid = [
        port.update_ticket(&id, TicketUpdate::new()).await.err(),
        port.update_ticket(&id, TicketUpdate::new().with_subject(""))
            .await
            .err(),
        port.assign_ticket(&id, Assignment::default()).await.err(),
        port.assign_ticket(&id, Assignment::agent(crate::id(ObjectKind::Party, "c1")))
            .await
            .err(),
        port.assign_ticket(&id, Assignment::group(crate::id(ObjectKind::Group, "nope")))
            .await
            .err(),
        port.add_comment(&id, NewComment::public("  ")).await.err(),
        port.add_comment(
            &id,
            NewComment::public("x").with_author(crate::id(ObjectKind::Party, "ghost")),
        )
        .await
        .err(),
        port.close_ticket(
            &id,
            CloseOptions::new().with_comment(NewComment::public("")),
        )
        .await
        .err(),
    ];
    for err in invalid {
        assert_eq!(err.expect("rejected").kind(), &ErrorKind::InvalidInput);
    }
    let ticket = port
        .get_ticket(&TicketLookup::Id(id.clone()))
        .await
        .unwrap();
    assert_eq!(
        ticket.status.canonical,
        TicketStatus::Open,
        "the failed close changed nothing"
    );

    let updated = port
        .update_ticket(
            &id,
            TicketUpdate::new()
                .with_tags(["vip"])
                .with_custom_field("severity", FieldValue::Integer(1))
                .with_custom_field("severity", FieldValue::Integer(3)),
        )
        .await
        .unwrap();
    assert_eq!(updated.tags, ["vip"]);
    assert_eq!(updated.custom_fields.len(), 1);
    assert_eq!(
        updated.custom_field("severity"),
        Some(&FieldValue::Integer(3))
    );
    assert_eq!(
        updated.subject.as_deref(),
        Some("Ticket 1"),
        "untouched fields stay"
    );

    let assigned = port
        .assign_ticket(&id, Assignment::group(crate::id(ObjectKind::Group, "g1")))
        .await
        .unwrap();
    assert_eq!(assigned.group, Some(crate::id(ObjectKind::Group, "g1")));
    assert_eq!(assigned.assignee, None, "only what is given changes");

    let missing = ticket_id("404");
    let err = port
        .add_comment(&missing, NewComment::public("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotFound);
}

// ----- paging -----

#[tokio::test]
async fn cursors_round_trip_across_pages() {
    let mut builder = base();
    for n in 1..=30 {
        builder = builder.with_ticket(ticket(&n.to_string(), &[]));
    }
    let port = builder.build().unwrap();

    let first = port.list_tickets(TicketQuery::new()).await.unwrap();
    assert_eq!(first.items.len(), 25, "default page size");
    let rest = port
        .list_tickets(TicketQuery::new().with_cursor(first.next.clone().unwrap()))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 5);
    assert!(rest.next.is_none());

    let mut seen = Vec::new();
    let mut query = TicketQuery::new().with_limit(7);
    loop {
        let page = port.list_tickets(query.clone()).await.unwrap();
        seen.extend(page.items.iter().map(|t| t.id.external_id().to_owned()));
        let Some(next) = page.next else { break };
        // Through JSON, as a caller storing the cursor would.
        let next: Cursor = serde_json::from_str(&serde_json::to_string(&next).unwrap()).unwrap();
        // A ticket created mid-listing shows up at the end, with nothing repeated or lost.
        if seen.len() == 14 {
            port.create_ticket(NewTicket::new("late", "arrival"))
                .await
                .unwrap();
        }
        query = query.with_cursor(next);
    }
    let expected: Vec<String> = (1..=31).map(|n| n.to_string()).collect();
    assert_eq!(seen, expected);

    let capped = port
        .list_tickets(TicketQuery::new().with_limit(1000))
        .await
        .unwrap();
    assert_eq!(capped.items.len(), 31, "limits clamp to 100");
}

#[tokio::test]
async fn cursors_of_another_listing_or_damaged_ones_are_invalid_input() {
    let port = base()
        .with_agent(agent("a2"))
        .with_ticket(ticket("1", &[]))
        .with_ticket(ticket("2", &[]))
        .build()
        .unwrap();
    let page = port
        .list_tickets(TicketQuery::new().with_limit(1))
        .await
        .unwrap();
    let ticket_cursor = page.next.unwrap();
    let err = port
        .list_agents(AgentQuery::new().with_cursor(ticket_cursor))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidInput);
    assert_eq!(err.operation(), Some(Operation::ListAgents));
    let err = port
        .list_tickets(TicketQuery::new().with_cursor(Cursor::new("%%%")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidInput);
}

#[tokio::test]
async fn streams_follow_every_listing() {
    use futures::TryStreamExt;
    let port = port();
    let tickets: Vec<_> = port
        .tickets(TicketQuery::new().with_limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tickets.len(), 2);
    let tags: Vec<_> = port
        .tags(TagQuery::new().with_limit(1))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tags.len(), 2);
}

// ----- ids -----

#[tokio::test]
async fn foreign_and_wrong_kind_ids_are_rejected() {
    let foreign_ticket = CanonicalId::new("zendesk", ObjectKind::Ticket, "1");
    let err = base().with_ticket({
        let mut t = ticket("1", &[]);
        t.id = foreign_ticket.clone();
        t
    });
    let err = err.build().unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidInput);
    assert!(err.to_string().contains("zendesk"), "{err}");

    let wrong_kind = base()
        .with_group(id(ObjectKind::Category, "g"), "oops")
        .build()
        .unwrap_err();
    assert_eq!(wrong_kind.kind(), &ErrorKind::InvalidInput);
    let foreign_ref = base()
        .with_ticket({
            let mut t = ticket("1", &[]);
            t.assignee = Some(CanonicalId::new("zendesk", ObjectKind::Party, "1"));
            t
        })
        .build()
        .unwrap_err();
    assert_eq!(foreign_ref.kind(), &ErrorKind::InvalidInput);

    let port = port();
    let party_as_ticket = id(ObjectKind::Party, "1");
    let results = [
        port.get_ticket(&TicketLookup::Id(foreign_ticket.clone()))
            .await
            .err(),
        port.get_ticket(&TicketLookup::Id(party_as_ticket.clone()))
            .await
            .err(),
        port.update_ticket(&foreign_ticket, TicketUpdate::new().with_subject("x"))
            .await
            .err(),
        port.close_ticket(&party_as_ticket, CloseOptions::new())
            .await
            .err(),
        port.add_comment(&foreign_ticket, NewComment::public("x"))
            .await
            .err(),
        port.list_comments(&foreign_ticket, CommentQuery::new())
            .await
            .err(),
        port.get_knowledge_article(&foreign_ticket).await.err(),
        port.get_sla(&CanonicalId::new("zendesk", ObjectKind::SlaPolicy, "1"))
            .await
            .err(),
        port.list_tickets(TicketQuery::new().with_assignee(CanonicalId::new(
            "zendesk",
            ObjectKind::Party,
            "1",
        )))
        .await
        .err(),
        port.list_satisfaction_ratings(
            SatisfactionQuery::new().with_ticket(foreign_ticket.clone()),
        )
        .await
        .err(),
    ];
    for err in results {
        assert_eq!(err.expect("rejected").kind(), &ErrorKind::InvalidInput);
    }
}

#[test]
fn seeding_rejects_inconsistent_data() {
    let duplicate = base()
        .with_ticket(ticket("1", &[]))
        .with_ticket(ticket("1", &[]))
        .build();
    let customer_as_agent = base().with_agent(customer("c2", "x@example.com")).build();
    let orphan_comment = base()
        .with_comment(support_core::ExternalObjectRef::new(
            id(ObjectKind::Comment, "1"),
            support_core::Comment {
                author: None,
                author_kind: None,
                body: Body::text("x"),
                visibility: Visibility::Public,
                created_at: None,
                attachments: Vec::new(),
            },
            Value::Null,
        ))
        .build();
    let unknown_user = MemoryPort::builder()
        .with_current_user(id(ObjectKind::Party, "a1"))
        .build();
    let twice_tagged = base().with_tag("vip", 1).with_tag("VIP", 2).build();
    let attachment = base()
        .with_article(Document::new(
            id(ObjectKind::Document, "1"),
            DocumentKind::Attachment,
            Value::Null,
        ))
        .build();
    for result in [
        duplicate,
        customer_as_agent,
        orphan_comment,
        unknown_user,
        twice_tagged,
        attachment,
    ] {
        assert_eq!(result.unwrap_err().kind(), &ErrorKind::InvalidInput);
    }
}

#[tokio::test]
async fn raw_is_the_serialised_object_unless_seeded() {
    let mut custom = ticket("9", &[]);
    custom.raw = json!({"native": true}).into();
    let port = base()
        .with_ticket(ticket("1", &[]))
        .with_ticket(custom)
        .build()
        .unwrap();
    let plain = port
        .get_ticket(&TicketLookup::External("1".into()))
        .await
        .unwrap();
    assert_eq!(plain.raw["id"], json!("memory:ticket:1"));
    let kept = port
        .get_ticket(&TicketLookup::External("9".into()))
        .await
        .unwrap();
    assert_eq!(kept.raw, json!({"native": true}));
}

#[tokio::test]
async fn tickets_are_found_by_number() {
    let mut numbered = ticket("abc", &[]);
    numbered.number = Some("1001".into());
    let port = base().with_ticket(numbered).build().unwrap();
    let found = port
        .get_ticket(&TicketLookup::External("1001".into()))
        .await
        .unwrap();
    assert_eq!(found.id, ticket_id("abc"));
    let err = port
        .get_ticket(&TicketLookup::External("1002".into()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotFound);
    assert_eq!(err.operation(), Some(Operation::GetTicket));
}

// ----- tags -----

#[tokio::test]
async fn tag_counts_follow_the_tickets() {
    let port = base()
        .with_ticket(ticket("1", &["billing"]))
        .with_ticket(ticket("2", &["billing", "vip"]))
        .with_tag("billing", 10)
        .with_tag("archived", 3)
        .build()
        .unwrap();
    let counts = |tags: Vec<support_core::TagRef>| -> Vec<(String, Option<u64>)> {
        tags.into_iter()
            .map(|t| (t.data.name, t.data.count))
            .collect()
    };
    let tags = port.list_tags(TagQuery::new()).await.unwrap().items;
    assert!(
        tags.iter()
            .all(|t| t.raw.is_object() && t.id.kind() == ObjectKind::Tag)
    );
    assert_eq!(
        counts(tags),
        [
            ("archived".into(), Some(3)),
            ("billing".into(), Some(10)),
            ("vip".into(), Some(1))
        ]
    );
    port.update_ticket(
        &ticket_id("2"),
        TicketUpdate::new().with_tags(["vip", "new"]),
    )
    .await
    .unwrap();
    let tags = port.list_tags(TagQuery::new()).await.unwrap().items;
    assert_eq!(
        counts(tags),
        [
            ("archived".into(), Some(3)),
            ("billing".into(), Some(9)),
            ("new".into(), Some(1)),
            ("vip".into(), Some(1))
        ]
    );

    let created = port.create_tag(NewTag::new("fresh")).await.unwrap();
    assert_eq!(created.data.count, Some(0));
    assert_eq!(created.id, id(ObjectKind::Tag, "fresh"));
    for taken in ["FRESH", "Billing", "new"] {
        let err = port.create_tag(NewTag::new(taken)).await.unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Conflict, "{taken}");
    }
    assert_eq!(
        port.create_tag(NewTag::new(" ")).await.unwrap_err().kind(),
        &ErrorKind::InvalidInput
    );
}

// ----- the rest -----

#[tokio::test]
async fn articles_filter_by_category_locale_and_search() {
    let article = |external: &str, category: &str, locale: &str, title: &str| {
        let mut doc = Document::new(
            id(ObjectKind::Document, external),
            DocumentKind::KnowledgeArticle,
            Value::Null,
        );
        doc.title = Some(title.into());
        doc.locale = Some(locale.into());
        doc.categories = vec![
            id(ObjectKind::Category, "root"),
            id(ObjectKind::Category, category),
        ];
        doc
    };
    let port = base()
        .with_article(article("1", "billing", "en-us", "Refunds"))
        .with_article(article("2", "setup", "de", "Einrichtung"))
        .with_article(article("3", "billing", "de", "Rückerstattung"))
        .build()
        .unwrap();
    let ids = |page: support_core::Page<Document>| -> Vec<String> {
        page.items
            .iter()
            .map(|d| d.id.external_id().to_owned())
            .collect()
    };
    let by_category = port
        .list_knowledge_articles(
            ArticleQuery::new().with_category(id(ObjectKind::Category, "billing")),
        )
        .await
        .unwrap();
    assert_eq!(ids(by_category), ["1", "3"]);
    let nested = port
        .list_knowledge_articles(
            ArticleQuery::new().with_category(id(ObjectKind::Category, "root")),
        )
        .await
        .unwrap();
    assert_eq!(ids(nested), ["1", "2", "3"]);
    let german = port
        .list_knowledge_articles(ArticleQuery::new().with_locale("DE"))
        .await
        .unwrap();
    assert_eq!(ids(german), ["2", "3"]);
    let search = port
        .list_knowledge_articles(ArticleQuery::new().with_search("refund"))
        .await
        .unwrap();
    assert_eq!(ids(search), ["1"]);
}

#[tokio::test]
async fn the_connection_names_the_current_user_and_capabilities_are_all_native() {
    let port = port();
    let info = port.check_connection().await.unwrap();
    assert_eq!(info.provider, "memory");
    assert_eq!(info.account.as_deref(), Some("memory"));
    assert_eq!(info.user.map(|u| u.id), Some(id(ObjectKind::Party, "a1")));
    assert!(
        MemoryPort::new()
            .check_connection()
            .await
            .unwrap()
            .user
            .is_none()
    );
    for (_, support) in port.capabilities().operations() {
        assert_eq!(support, &support_core::Support::Native);
    }
    assert!(
        support_core::Filter::ALL
            .iter()
            .all(|f| port.capabilities().is_native_filter(*f))
    );
}

#[tokio::test]
async fn comments_list_oldest_first_and_by_visibility() {
    let port = port();
    let id = ticket_id("1");
    port.add_comment(&id, NewComment::public("one"))
        .await
        .unwrap();
    let note = port
        .add_comment(&id, NewComment::internal("two"))
        .await
        .unwrap();
    port.add_comment(&id, NewComment::public("three").with_cc("cc@example.com"))
        .await
        .unwrap();
    assert_eq!(note.id, crate::id(ObjectKind::Comment, "2"));
    let all = port
        .list_comments(&id, CommentQuery::new())
        .await
        .unwrap()
        .items;
    let texts: Vec<_> = all.iter().map(|c| c.data.body.text.as_str()).collect();
    assert_eq!(texts, ["one", "two", "three"]);
    assert_eq!(all[2].raw["cc"], json!(["cc@example.com"]));
    let internal = port
        .list_comments(
            &id,
            CommentQuery::new().with_visibility(Visibility::Internal),
        )
        .await
        .unwrap()
        .items;
    assert_eq!(internal, [note]);
    let other = port
        .list_comments(&ticket_id("2"), CommentQuery::new())
        .await
        .unwrap();
    assert!(other.items.is_empty());
}

#[test]
fn debug_prints_counts_not_data() {
    let port = port();
    let shown = format!("{port:?}");
    assert!(shown.contains("tickets: 2"), "{shown}");
    assert!(!shown.contains("Ticket 1"), "{shown}");
    let builder = format!("{:?}", base());
    assert!(!builder.contains("carol"), "{builder}");
}
