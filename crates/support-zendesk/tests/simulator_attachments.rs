//! The whole ticket through the port against the Zendesk simulator: files uploaded with a reply or
//! a new ticket come back on `list_comments` and download byte for byte; the world's attachment,
//! comment authors, ticket types and first-reply SLA clocks read as the world has them.

use support_zendesk::simulator;

use std::sync::Arc;

use simulator::{EMAIL, TOKEN, port_factory, start_server, zendesk_world};
use support_conformance::{ClockReport, SlaClocks, World};
use support_core::{
    AuthorKind, CanonicalId, CommentQuery, NewComment, NewTicket, ObjectKind, SupportPort,
    TicketLookup, Upload,
};

async fn port_on(world: World) -> (httpmock::MockServer, Arc<dyn SupportPort>) {
    let (server, _state) = start_server(world).await;
    let port = port_factory(None)(&server.base_url(), EMAIL, TOKEN);
    (server, port)
}

fn ticket(id: &str) -> CanonicalId {
    CanonicalId::new("zendesk", ObjectKind::Ticket, id)
}

#[tokio::test]
async fn a_reply_with_files_comes_back_with_them_and_they_download_byte_for_byte() {
    let (_server, port) = port_on(zendesk_world()).await;
    let log: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    port.add_comment(
        &ticket("101"),
        NewComment::public("Both files attached")
            .with_attachment(Upload::bytes("install.log", "text/plain", log.clone()))
            .with_attachment(Upload::stream(
                "trace.bin",
                "application/octet-stream",
                4,
                futures::stream::iter([Ok(bytes::Bytes::from_static(b"\x00\x01\xfe\xff"))]),
            )),
    )
    .await
    .unwrap();
    let comments = port
        .list_comments(&ticket("101"), CommentQuery::new())
        .await
        .unwrap();
    let reply = comments
        .items
        .iter()
        .find(|c| c.data.body.text == "Both files attached")
        .expect("the reply is listed");
    let names: Vec<_> = reply
        .data
        .attachments
        .iter()
        .map(|a| a.title.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(names, ["install.log", "trace.bin"]);
    let first = port
        .download_attachment(&reply.data.attachments[0])
        .await
        .unwrap();
    assert_eq!(first.content_type.as_deref(), Some("text/plain"));
    assert_eq!(first.bytes().await.unwrap().as_ref(), log.as_slice());
    let second = port
        .download_attachment(&reply.data.attachments[1])
        .await
        .unwrap();
    assert_eq!(
        second.bytes().await.unwrap().as_ref(),
        b"\x00\x01\xfe\xff".as_slice()
    );
    assert_eq!(reply.data.attachments[0].size, Some(70_000));
}

#[tokio::test]
async fn a_new_ticket_opens_with_its_file() {
    let (_server, port) = port_on(zendesk_world()).await;
    let created = port
        .create_ticket(
            NewTicket::new("Invoice query", "The invoice is attached").with_attachment(
                Upload::bytes("invoice.pdf", "application/pdf", "%PDF-1.4 new"),
            ),
        )
        .await
        .unwrap();
    let comments = port
        .list_comments(&created.id, CommentQuery::new())
        .await
        .unwrap();
    let file = &comments.items[0].data.attachments[0];
    assert_eq!(file.title.as_deref(), Some("invoice.pdf"));
    let bytes = port.download_attachment(file).await.unwrap().bytes().await;
    assert_eq!(bytes.unwrap().as_ref(), b"%PDF-1.4 new".as_slice());
}

#[tokio::test]
async fn the_worlds_attachment_and_authors_read_as_the_world_has_them() {
    let world = zendesk_world();
    let (_server, port) = port_on(world.clone()).await;
    let comments = port
        .list_comments(&ticket("101"), CommentQuery::new())
        .await
        .unwrap();
    for comment in &comments.items {
        let fx = world
            .comments
            .iter()
            .find(|c| c.id == comment.id.external_id())
            .unwrap();
        // The native value is Zendesk's role (`end-user`), the canonical one the world's.
        let expected = world.canonical_comment(fx);
        assert_eq!(
            comment.data.author_kind.as_ref().map(|k| &k.canonical),
            expected.data.author_kind.as_ref().map(|k| &k.canonical)
        );
        assert_eq!(
            comment.data.author_kind.as_ref().map(|k| &k.canonical),
            Some(&fx.author_kind)
        );
        let files = &comment.data.attachments;
        assert_eq!(files.len(), fx.attachments.len());
        for (file, fx) in files.iter().zip(&fx.attachments) {
            assert_eq!(file.title.as_deref(), Some(fx.file_name.as_str()));
            assert_eq!(file.size, Some(fx.content.len() as u64));
            let bytes = port.download_attachment(file).await.unwrap().bytes().await;
            assert_eq!(bytes.unwrap().as_ref(), fx.content.as_slice());
        }
    }
    assert!(
        comments
            .items
            .iter()
            .any(|c| c.data.author_kind.as_ref().map(|k| &k.canonical)
                == Some(&AuthorKind::Customer))
    );
    assert!(
        comments
            .items
            .iter()
            .any(|c| !c.data.attachments.is_empty())
    );
}

#[tokio::test]
async fn tickets_read_their_type_and_first_reply_clock() {
    let mut world = zendesk_world();
    let mut profile = world.profile.clone();
    profile.sla_clocks = SlaClocks {
        first_response: ClockReport::Due,
        resolution: ClockReport::Absent,
        escalation: false,
    };
    world = World::standard("zendesk", profile);
    let (_server, port) = port_on(world.clone()).await;
    let mut clocks = 0;
    for fx in &world.tickets {
        let got = port
            .get_ticket(&TicketLookup::Id(ticket(&fx.id)))
            .await
            .unwrap();
        let expected = world.canonical_ticket(fx);
        assert_eq!(got.category, expected.category, "ticket {}", fx.id);
        let due = got.sla.as_ref().and_then(|s| s.first_response.as_ref());
        assert_eq!(
            due.and_then(|c| c.due_at),
            fx.sla.as_ref().map(|s| s.first_response_due),
            "ticket {}",
            fx.id
        );
        // Running clocks are not achieved; Zendesk's sideload has no breach flag.
        if let Some(clock) = due {
            assert_eq!((clock.achieved, clock.breached), (Some(false), None));
            clocks += 1;
        }
    }
    assert!(clocks > 0, "the world has tickets with SLA clocks");
}

#[tokio::test]
async fn the_simulator_refuses_uploads_and_tokens_zendesk_would_refuse() {
    let (server, _state) = start_server(zendesk_world()).await;
    let auth = simulator::authorization(EMAIL, TOKEN);
    let http = reqwest::Client::new();
    let upload = |query: &'static str, content_type: Option<&'static str>| {
        let mut request = http
            .post(format!("{}/api/v2/uploads{query}", server.base_url()))
            .header("authorization", &auth)
            .body("bytes");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };
    // No file name: no such request.
    assert_eq!(upload("", Some("text/plain")).await.unwrap().status(), 404);
    // No MIME type for the bytes.
    assert_eq!(upload("?filename=a.txt", None).await.unwrap().status(), 400);
    // Adding to a token that was never issued.
    let unknown = upload("?filename=a.txt&token=nope", Some("text/plain"));
    assert_eq!(unknown.await.unwrap().status(), 404);
    let issued: serde_json::Value = upload("?filename=a.txt", Some("text/plain"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let content_url = issued["upload"]["attachment"]["content_url"]
        .as_str()
        .unwrap()
        .to_owned();
    // A comment naming a token that was never issued is invalid.
    let comment = |token: &str| {
        http.put(format!("{}/api/v2/tickets/101", server.base_url()))
            .header("authorization", &auth)
            .json(&serde_json::json!({"ticket": {"comment": {"body": "x", "uploads": [token]}}}))
            .send()
    };
    assert_eq!(comment("nope").await.unwrap().status(), 422);
    // An issued token is used once.
    let token = issued["upload"]["token"].as_str().unwrap().to_owned();
    assert_eq!(comment(&token).await.unwrap().status(), 200);
    assert_eq!(comment(&token).await.unwrap().status(), 422);
    // Content URLs need the credentials, as with private attachments.
    assert_eq!(http.get(&content_url).send().await.unwrap().status(), 401);
    let file = http
        .get(&content_url)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"bytes");
}
