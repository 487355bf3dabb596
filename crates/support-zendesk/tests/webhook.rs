//! Zendesk webhook deliveries, built independently of the code under test: fixed secrets, bodies and
//! timestamps, with every signature computed ahead of time outside this crate (see the comment above
//! the constants). The property tests sign with the `hmac` crate directly.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use sha2::Sha256;
use support_core::webhook::{
    Deduplicator, Delivery, EventKind, Tolerance, WebhookError, WebhookEvent, WebhookReceiver,
    WebhookSecrets,
};
use support_core::{Mapped, PartyRole, Priority, TicketStatus, Visibility};
use support_zendesk::ZendeskWebhooks;

const SECRET: &str = "zendesk-current-secret";
const PREVIOUS_SECRET: &str = "zendesk-previous-secret";
const TIMESTAMP: &str = "2024-04-17T17:18:10Z";

// Computed ahead by Python 3 (hmac, hashlib, base64), not by this crate:
//   base64.b64encode(hmac.new(secret.encode(), (TIMESTAMP + body).encode(), hashlib.sha256).digest())
// with TIMESTAMP = "2024-04-17T17:18:10Z" and the secret named in each constant's name.
const TICKET_CREATED: &str = r#"{"type":"zen:event-type:ticket.created","account_id":88888888,"id":"01HV4C7Z6K0000000000000001","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"actor_id":"20978392","assignee_id":"235324","brand_id":"123","created_at":"2024-04-17T17:18:10Z","custom_status":"1","description":"My printer is on fire!","external_id":null,"form_id":"6876543","group_id":"98738","id":"35436","is_public":true,"organization_id":"10002","priority":"HIGH","requester_id":"20978392","status":"NEW","subject":"Help, my printer is on fire!","submitter_id":"20978392","tags":["enterprise","printer"],"type":"INCIDENT","updated_at":"2024-04-17T17:18:10Z","via":{"channel":"web_form"}},"event":{"meta":{"sequence":{"id":"CE4A698AF24F35B3208649C6951E000E","position":1,"total":1}}}}"#;
const TICKET_CREATED_SIG: &str = "X0S4hlvLv7w1FuTRnmcEj4N7c2x5JcXmFIvnuTGK/OU=";
const STATUS_SOLVED: &str = r#"{"type":"zen:event-type:ticket.status_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000002","time":"2024-04-17T17:18:09.123456789Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"SOLVED","priority":"HIGH","requester_id":"20978392","assignee_id":"235324","updated_at":"2024-04-17T17:18:09Z"},"event":{"current":"SOLVED","previous":"OPEN"}}"#;
const STATUS_SOLVED_SIG: &str = "Mr55sYNRZ3xdMPlO4jQEKmPGvtC0K/pYG4B4+7e63IY=";
const STATUS_CLOSED: &str = r#"{"type":"zen:event-type:ticket.status_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000003","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"CLOSED"},"event":{"current":"CLOSED","previous":"SOLVED"}}"#;
const STATUS_CLOSED_SIG: &str = "oSEfQ3aADsojUnd87eL+h3KmC0hS2/50mCRgJ7fYuT8=";
const STATUS_HOLD: &str = r#"{"type":"zen:event-type:ticket.status_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000004","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"HOLD"},"event":{"current":"HOLD","previous":"OPEN"}}"#;
const STATUS_HOLD_SIG: &str = "N9CfZ3hoGTvqWFGSrKvIFpWNnBsFLP1ySqnMiulvcjE=";
const AGENT_ASSIGNED: &str = r#"{"type":"zen:event-type:ticket.agent_assignment_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000005","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"OPEN","assignee_id":"235324","group_id":"98738","actor_id":"235323"},"event":{"current":"235324","previous":"235323"}}"#;
const AGENT_ASSIGNED_SIG: &str = "GkZ462R74zrVazJ3cQa/rpccQdJgDYrG+cvYQ+YFsbQ=";
const GROUP_ASSIGNED: &str = r#"{"type":"zen:event-type:ticket.group_assignment_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000006","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"OPEN","group_id":"98738"},"event":{"current":"98738","previous":null}}"#;
const GROUP_ASSIGNED_SIG: &str = "UlyUzj9Yl8Sj/IaRP3tkxpYt+YbQTbP2UNsi/hgoogI=";
const COMMENT_ADDED: &str = r#"{"type":"zen:event-type:ticket.comment_added","account_id":88888888,"id":"01HV4C7Z6K0000000000000007","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"OPEN","actor_id":"235324"},"event":{"comment":{"id":"9876543210","body":"We are investigating.","is_public":false,"author":{"id":"235324","is_staff":true,"name":"Agent Smith"}}}}"#;
const COMMENT_ADDED_SIG: &str = "c2+erXfOrPj/AiZ4cgy351lv8W76PGDNQcB+KC1J8zs=";
const PRIORITY_CHANGED: &str = r#"{"type":"zen:event-type:ticket.priority_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000008","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-11-06","subject":"zen:ticket:35436","detail":{"id":"35436","status":"OPEN","priority":"URGENT"},"event":{"current":"URGENT","previous":"HIGH"}}"#;
const PRIORITY_CHANGED_SIG: &str = "8MgSOoCz4SnxtqmGjo2dPPBMQnMZ5vyIV2XkEGBU3So=";
const USER_CREATED: &str = r#"{"type":"zen:event-type:user.created","account_id":88888888,"id":"01HV4C7Z6K0000000000000009","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-06-20","subject":"zen:user:6596848315901","detail":{"created_at":"2024-04-17T17:18:10Z","email":"customer@example.com","external_id":"","default_group_id":"0","id":"6596848315901","organization_id":"0","role":"end-user","updated_at":"2024-04-17T17:18:10Z"},"event":{}}"#;
const USER_CREATED_SIG: &str = "N1ZlTcoWJ7wmNdzObnpFXckPrcmKbm2pIgd2GpnbWf8=";
const USER_NAME_CHANGED: &str = r#"{"type":"zen:event-type:user.name_changed","account_id":88888888,"id":"01HV4C7Z6K0000000000000010","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-06-20","subject":"zen:user:6596848315901","detail":{"created_at":"2024-04-17T17:18:10Z","email":"customer@example.com","id":"6596848315901","organization_id":"10002","role":"end-user","updated_at":"2024-04-17T17:18:10Z"},"event":{"current":"Jane Roe","previous":"Jane Doe"}}"#;
const USER_NAME_CHANGED_SIG: &str = "0fZHUn/iUDKoyqHedLhwnXDFYv235LNCIgvI/e7KCoM=";
const AGENT_CREATED: &str = r#"{"type":"zen:event-type:user.created","account_id":88888888,"id":"01HV4C7Z6K0000000000000011","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-06-20","subject":"zen:user:235399","detail":{"email":"agent@example.com","id":"235399","role":"agent"},"event":{}}"#;
const AGENT_CREATED_SIG: &str = "PFxwcVmCuNXuJA9UGb+X6TKl+XI93pLP9SPaOPHnz5I=";
const ORGANIZATION_CREATED: &str = r#"{"type":"zen:event-type:organization.created","account_id":88888888,"id":"01HV4C7Z6K0000000000000012","time":"2024-04-17T17:18:10Z","zendesk_event_version":"2022-06-20","subject":"zen:organization:10002","detail":{"id":"10002","name":"Example Inc"},"event":{}}"#;
const ORGANIZATION_CREATED_SIG: &str = "JXpjHWLAJfVgTcMV1D2rZyjZTdtqeg+r5ZkD2KKeGEw=";
const TRIGGER_UPDATED: &str = r#"{"support_port":1,"event":"ticket.updated","delivery_id":"35436-2024-04-17T17:18Z","ticket":{"id":"35436","status":"Pending","priority":"Normal","assignee_id":"235324","group_id":"","requester_id":"20978392","subject":"Help, my printer is on fire!","updated_at":"2024-04-17T17:18Z"}}"#;
const TRIGGER_UPDATED_SIG: &str = "UzxyT6nGV9GqvwhBlRPpSKmRMeYQaE7euqdzIOI4L8E=";
const TRIGGER_SOLVED: &str = r#"{"support_port":1,"event":"ticket.status_changed","ticket":{"id":"35436","status":"Solved","priority":"","assignee_id":"","requester_id":"20978392","subject":"","updated_at":"2024-04-17T17:18:05Z"}}"#;
const TRIGGER_SOLVED_SIG: &str = "7BWgMpPFCj+ZXd/AYLg5blpto3kRPZ/Z18TWv1DzIUU=";
const NOT_JSON: &str = r#"hello, zendesk"#;
const NOT_JSON_SIG: &str = "wuxEZSpsbkdJhuoOdBkKs19DGHnBfnEx3LzfMLObeBM=";
const NOT_AN_OBJECT: &str = r#"["zen:event-type:ticket.created"]"#;
const NOT_AN_OBJECT_SIG: &str = "yBznvT6RLayBudhmQuN7Xp7AmWs++wuBMMJDKC4fz94=";
const TRUNCATED: &str = r#"{"type":"zen:event-type:ticket.created","account_id":88888888,"id":"01HV4C7Z6K0000000000000001","time":"2024-04-17T17:18"#;
const TRUNCATED_SIG: &str = "Po83VWBKSdbYnz+KB/zt6NA732q+lYBIGQ+lbxf25pg=";
const TICKET_CREATED_SIG_PREVIOUS: &str = "IIK2l77p5WjgLXW/WKGFB+xz5924fmqt5e4P0v+uDAM=";
const TICKET_CREATED_SIG_WRONG: &str = "ceheSzurDsRidyihpu8XNI7Fzgx8ndQj8Mymgavowmg=";
const TICKET_CREATED_SIG_BAD_TS: &str = "w1+n1/ahh29qfMyeRlPVUQ+bFJ4QLKn+wtN5xQp68iI=";

const SIGNATURE: &str = "X-Zendesk-Webhook-Signature";
const SIGNATURE_TIMESTAMP: &str = "X-Zendesk-Webhook-Signature-Timestamp";
const INVOCATION_ID: &str = "X-Zendesk-Webhook-Invocation-Id";

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// 50 s after [`TIMESTAMP`]: well within the default five minutes.
fn arrival() -> DateTime<Utc> {
    time("2024-04-17T17:19:00Z")
}

fn receiver() -> ZendeskWebhooks {
    ZendeskWebhooks::new(WebhookSecrets::new(SECRET).unwrap())
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(name, value)| {
            (
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            )
        })
        .collect()
}

fn deliver(
    receiver: &ZendeskWebhooks,
    headers: &HeaderMap,
    body: &str,
    received_at: DateTime<Utc>,
) -> Result<WebhookEvent, WebhookError> {
    receiver.receive(&Delivery {
        headers,
        body: body.as_bytes(),
        received_at,
    })
}

/// A delivery of `body` signed at [`TIMESTAMP`] with `signature`, arriving 50 s later.
fn signed(body: &str, signature: &str) -> Result<WebhookEvent, WebhookError> {
    let headers = headers(&[(SIGNATURE, signature), (SIGNATURE_TIMESTAMP, TIMESTAMP)]);
    deliver(&receiver(), &headers, body, arrival())
}

fn ok(body: &str, signature: &str) -> WebhookEvent {
    signed(body, signature).unwrap_or_else(|error| panic!("rejected: {error}"))
}

fn canonical(text: &str) -> support_core::CanonicalId {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Verification

#[test]
fn a_valid_delivery_is_accepted_and_parsed() {
    let event = ok(TICKET_CREATED, TICKET_CREATED_SIG);
    assert_eq!(event.provider, "zendesk");
    assert_eq!(event.kind, EventKind::TicketCreated);
    assert_eq!(event.delivery_id, "01HV4C7Z6K0000000000000001");
    assert_eq!(event.ticket, Some(canonical("zendesk:ticket:35436")));
    assert_eq!(event.status, Some(Mapped::new(TicketStatus::New, "NEW")));
    assert_eq!(event.previous_status, None);
    assert_eq!(event.party, Some(canonical("zendesk:party:20978392")));
    assert_eq!(event.occurred_at, Some(time("2024-04-17T17:18:10Z")));
    assert_eq!(
        event.raw,
        serde_json::from_str::<Value>(TICKET_CREATED).unwrap()
    );

    let ticket = event.ticket_data.expect("the detail describes the ticket");
    assert_eq!(ticket.id, canonical("zendesk:ticket:35436"));
    assert_eq!(
        ticket.subject.as_deref(),
        Some("Help, my printer is on fire!")
    );
    assert_eq!(ticket.description.unwrap().text, "My printer is on fire!");
    assert_eq!(ticket.priority, Some(Mapped::new(Priority::High, "HIGH")));
    assert_eq!(ticket.requester, Some(canonical("zendesk:party:20978392")));
    assert_eq!(ticket.assignee, Some(canonical("zendesk:party:235324")));
    assert_eq!(ticket.group, Some(canonical("zendesk:group:98738")));
    assert_eq!(ticket.organization, Some(canonical("zendesk:party:10002")));
    assert_eq!(ticket.tags, ["enterprise", "printer"]);
    assert_eq!(ticket.channel.unwrap().native, "web_form");
    assert_eq!(ticket.external_ref, None);
    assert_eq!(ticket.created_at, Some(time("2024-04-17T17:18:10Z")));
    assert_eq!(ticket.raw, event.raw["detail"]);
}

#[test]
fn header_names_match_in_any_case() {
    let headers = headers(&[
        ("x-zendesk-webhook-signature", TICKET_CREATED_SIG),
        ("X-ZENDESK-WEBHOOK-SIGNATURE-TIMESTAMP", TIMESTAMP),
    ]);
    assert!(deliver(&receiver(), &headers, TICKET_CREATED, arrival()).is_ok());
}

#[test]
fn a_tampered_body_is_rejected() {
    let tampered = TICKET_CREATED.replace("\"id\":\"35436\"", "\"id\":\"35437\"");
    assert_ne!(tampered, TICKET_CREATED);
    assert_eq!(
        signed(&tampered, TICKET_CREATED_SIG),
        Err(WebhookError::BadSignature)
    );
    // A signature moved to another genuine body does not verify either.
    assert_eq!(
        signed(STATUS_SOLVED, TICKET_CREATED_SIG),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn a_tampered_timestamp_is_rejected() {
    let headers = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG),
        (SIGNATURE_TIMESTAMP, "2024-04-17T17:18:11Z"),
    ]);
    assert_eq!(
        deliver(&receiver(), &headers, TICKET_CREATED, arrival()),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn a_wrong_secret_is_rejected() {
    assert_eq!(
        signed(TICKET_CREATED, TICKET_CREATED_SIG_WRONG),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let headers = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG),
        (SIGNATURE_TIMESTAMP, TIMESTAMP),
    ]);
    assert_eq!(
        deliver(
            &receiver(),
            &headers,
            TICKET_CREATED,
            time("2024-04-17T17:30:00Z")
        ),
        Err(WebhookError::StaleTimestamp {
            age_secs: 710,
            tolerance_secs: 300
        })
    );
    assert_eq!(
        deliver(
            &receiver(),
            &headers,
            TICKET_CREATED,
            time("2024-04-17T17:10:00Z")
        ),
        Err(WebhookError::FutureTimestamp {
            ahead_secs: 490,
            tolerance_secs: 300
        })
    );
    // Exactly at the edge is still accepted.
    assert!(
        deliver(
            &receiver(),
            &headers,
            TICKET_CREATED,
            time("2024-04-17T17:23:10Z")
        )
        .is_ok()
    );
    // A wider tolerance accepts what the default refuses.
    let lenient = receiver().with_tolerance(Tolerance(Duration::from_secs(900)));
    assert!(
        deliver(
            &lenient,
            &headers,
            TICKET_CREATED,
            time("2024-04-17T17:30:00Z")
        )
        .is_ok()
    );
}

#[test]
fn missing_headers_are_named() {
    let only_timestamp = headers(&[(SIGNATURE_TIMESTAMP, TIMESTAMP)]);
    assert_eq!(
        deliver(&receiver(), &only_timestamp, TICKET_CREATED, arrival()),
        Err(WebhookError::MissingHeader("X-Zendesk-Webhook-Signature"))
    );
    let only_signature = headers(&[(SIGNATURE, TICKET_CREATED_SIG)]);
    assert_eq!(
        deliver(&receiver(), &only_signature, TICKET_CREATED, arrival()),
        Err(WebhookError::MissingHeader(
            "X-Zendesk-Webhook-Signature-Timestamp"
        ))
    );
}

#[test]
fn malformed_headers_are_named() {
    for bad in ["not base64!", "AAAA", ""] {
        let headers = headers(&[(SIGNATURE, bad), (SIGNATURE_TIMESTAMP, TIMESTAMP)]);
        let error = deliver(&receiver(), &headers, TICKET_CREATED, arrival()).unwrap_err();
        assert!(
            matches!(
                error,
                WebhookError::MalformedHeader {
                    header: "X-Zendesk-Webhook-Signature",
                    ..
                }
            ),
            "{bad:?}: {error:?}"
        );
    }
    // Signed correctly over the bad timestamp, so only its format can be wrong.
    let headers = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG_BAD_TS),
        (SIGNATURE_TIMESTAMP, "yesterday"),
    ]);
    let error = deliver(&receiver(), &headers, TICKET_CREATED, arrival()).unwrap_err();
    assert!(
        matches!(
            error,
            WebhookError::MalformedHeader {
                header: "X-Zendesk-Webhook-Signature-Timestamp",
                ..
            }
        ),
        "{error:?}"
    );
    let mut binary = headers.clone();
    binary.insert(SIGNATURE, HeaderValue::from_bytes(b"\xff\xfe").unwrap());
    assert!(matches!(
        deliver(&receiver(), &binary, TICKET_CREATED, arrival()),
        Err(WebhookError::MalformedHeader { .. })
    ));
}

#[test]
fn authentic_but_unreadable_bodies_are_malformed() {
    for (body, signature) in [
        (TRUNCATED, TRUNCATED_SIG),
        (NOT_JSON, NOT_JSON_SIG),
        (NOT_AN_OBJECT, NOT_AN_OBJECT_SIG),
    ] {
        let error = signed(body, signature).unwrap_err();
        assert!(
            matches!(error, WebhookError::MalformedBody(_)),
            "{body}: {error:?}"
        );
    }
}

#[test]
fn a_previous_secret_is_accepted_during_a_rotation() {
    let rotating = ZendeskWebhooks::new(
        WebhookSecrets::new(SECRET)
            .unwrap()
            .with(PREVIOUS_SECRET)
            .unwrap(),
    );
    let old = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG_PREVIOUS),
        (SIGNATURE_TIMESTAMP, TIMESTAMP),
    ]);
    let new = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG),
        (SIGNATURE_TIMESTAMP, TIMESTAMP),
    ]);
    assert!(deliver(&rotating, &old, TICKET_CREATED, arrival()).is_ok());
    assert!(deliver(&rotating, &new, TICKET_CREATED, arrival()).is_ok());
    assert_eq!(
        deliver(&receiver(), &old, TICKET_CREATED, arrival()),
        Err(WebhookError::BadSignature),
        "once rotated out, the old secret is refused"
    );
}

// ---------------------------------------------------------------------------------------------
// Event-subscription payloads

#[test]
fn the_signed_event_id_is_the_delivery_id_and_repeats_are_dropped() {
    let headers = headers(&[
        (SIGNATURE, TICKET_CREATED_SIG),
        (SIGNATURE_TIMESTAMP, TIMESTAMP),
        (INVOCATION_ID, "invocation-1"),
    ]);
    let first = deliver(&receiver(), &headers, TICKET_CREATED, arrival()).unwrap();
    let again = deliver(&receiver(), &headers, TICKET_CREATED, arrival()).unwrap();
    assert_eq!(first.delivery_id, "01HV4C7Z6K0000000000000001");
    let seen = Deduplicator::new(16);
    assert!(seen.first_time(&first.delivery_id));
    assert!(!seen.first_time(&again.delivery_id));
}

#[test]
fn solved_and_closed_statuses_have_their_own_kinds() {
    let solved = ok(STATUS_SOLVED, STATUS_SOLVED_SIG);
    assert_eq!(solved.kind, EventKind::TicketResolved);
    assert_eq!(
        solved.status,
        Some(Mapped::new(TicketStatus::Resolved, "SOLVED"))
    );
    assert_eq!(
        solved.previous_status,
        Some(Mapped::new(TicketStatus::Open, "OPEN"))
    );
    assert_eq!(
        solved.occurred_at,
        Some(time("2024-04-17T17:18:09.123456789Z"))
    );
    assert_eq!(solved.ticket, Some(canonical("zendesk:ticket:35436")));

    let closed = ok(STATUS_CLOSED, STATUS_CLOSED_SIG);
    assert_eq!(closed.kind, EventKind::TicketClosed);
    assert_eq!(
        closed.status,
        Some(Mapped::new(TicketStatus::Closed, "CLOSED"))
    );
    assert_eq!(
        closed.previous_status,
        Some(Mapped::new(TicketStatus::Resolved, "SOLVED"))
    );

    let hold = ok(STATUS_HOLD, STATUS_HOLD_SIG);
    assert_eq!(hold.kind, EventKind::StatusChanged);
    assert_eq!(hold.status, Some(Mapped::new(TicketStatus::OnHold, "HOLD")));
}

#[test]
fn agent_and_group_assignments_are_assignments() {
    let agent = ok(AGENT_ASSIGNED, AGENT_ASSIGNED_SIG);
    assert_eq!(agent.kind, EventKind::TicketAssigned);
    assert_eq!(
        agent.ticket_data.unwrap().assignee,
        Some(canonical("zendesk:party:235324"))
    );
    assert_eq!(agent.party, Some(canonical("zendesk:party:235323")));
    let group = ok(GROUP_ASSIGNED, GROUP_ASSIGNED_SIG);
    assert_eq!(group.kind, EventKind::TicketAssigned);
    assert_eq!(
        group.ticket_data.unwrap().group,
        Some(canonical("zendesk:group:98738"))
    );
}

#[test]
fn a_comment_event_carries_the_comment() {
    let event = ok(COMMENT_ADDED, COMMENT_ADDED_SIG);
    assert_eq!(event.kind, EventKind::CommentAdded);
    let comment = event.comment.expect("event.comment");
    assert_eq!(comment.id, canonical("zendesk:comment:9876543210"));
    assert_eq!(comment.parent, Some(canonical("zendesk:ticket:35436")));
    assert_eq!(comment.data.body.text, "We are investigating.");
    assert_eq!(comment.data.visibility, Visibility::Internal);
    assert_eq!(comment.data.author, Some(canonical("zendesk:party:235324")));
    assert_eq!(comment.raw, event.raw["event"]["comment"]);
    assert_eq!(event.party, Some(canonical("zendesk:party:235324")));
}

#[test]
fn other_ticket_events_are_updates() {
    let event = ok(PRIORITY_CHANGED, PRIORITY_CHANGED_SIG);
    assert_eq!(event.kind, EventKind::TicketUpdated);
    assert_eq!(
        event.ticket_data.unwrap().priority,
        Some(Mapped::new(Priority::Urgent, "URGENT"))
    );
    assert_eq!(event.status, Some(Mapped::new(TicketStatus::Open, "OPEN")));
    assert_eq!(event.previous_status, None);
}

#[test]
fn end_user_events_are_contact_events() {
    let created = ok(USER_CREATED, USER_CREATED_SIG);
    assert_eq!(created.kind, EventKind::ContactCreated);
    assert_eq!(
        created.party,
        Some(canonical("zendesk:party:6596848315901"))
    );
    assert_eq!(created.ticket, None);
    let party = created.party_data.unwrap();
    assert_eq!(party.role, PartyRole::Customer);
    assert_eq!(party.email.as_deref(), Some("customer@example.com"));
    assert_eq!(party.organization, None, "organization_id \"0\" is none");

    let renamed = ok(USER_NAME_CHANGED, USER_NAME_CHANGED_SIG);
    assert_eq!(renamed.kind, EventKind::ContactUpdated);
    let party = renamed.party_data.unwrap();
    assert_eq!(party.name.as_deref(), Some("Jane Roe"));
    assert_eq!(party.organization, Some(canonical("zendesk:party:10002")));
}

#[test]
fn unknown_event_types_come_back_as_other() {
    let organization = ok(ORGANIZATION_CREATED, ORGANIZATION_CREATED_SIG);
    assert_eq!(
        organization.kind,
        EventKind::Other("zen:event-type:organization.created".into())
    );
    assert_eq!(organization.delivery_id, "01HV4C7Z6K0000000000000012");
    let agent = ok(AGENT_CREATED, AGENT_CREATED_SIG);
    assert_eq!(
        agent.kind,
        EventKind::Other("zen:event-type:user.created".into()),
        "an agent is not a contact"
    );
}

// ---------------------------------------------------------------------------------------------
// Trigger bodies (the recommended template, rendered)

#[test]
fn a_trigger_delivery_parses_with_display_case_values() {
    let event = ok(TRIGGER_UPDATED, TRIGGER_UPDATED_SIG);
    assert_eq!(event.kind, EventKind::TicketUpdated);
    assert_eq!(event.delivery_id, "35436-2024-04-17T17:18Z");
    assert_eq!(event.ticket, Some(canonical("zendesk:ticket:35436")));
    assert_eq!(
        event.status,
        Some(Mapped::new(TicketStatus::Pending, "Pending"))
    );
    assert_eq!(event.occurred_at, Some(time("2024-04-17T17:18:00Z")));
    let ticket = event.ticket_data.unwrap();
    assert_eq!(
        ticket.priority,
        Some(Mapped::new(Priority::Normal, "Normal"))
    );
    assert_eq!(ticket.assignee, Some(canonical("zendesk:party:235324")));
    assert_eq!(ticket.requester, Some(canonical("zendesk:party:20978392")));
    assert_eq!(ticket.group, None, "an empty placeholder is no value");
    assert_eq!(
        ticket.subject.as_deref(),
        Some("Help, my printer is on fire!")
    );
}

#[test]
fn a_trigger_body_without_delivery_id_is_identified_by_the_body_alone() {
    // printf '%s' "$TRIGGER_SOLVED" | sha256sum
    const BODY_SHA256: &str = "767eed8ad76e7250659c94f186698429cba7fcb44f9a24ead1309f4421a198e6";
    // The same signed delivery replayed with a new, unsigned invocation id each time: the id must not
    // follow the header, or a replay within the tolerance would pass de-duplication.
    let seen = Deduplicator::new(16);
    for (n, invocation) in ["01HV4INVOCATION", "01HV4REPLAYED-1", "01HV4REPLAYED-2"]
        .into_iter()
        .enumerate()
    {
        let replayed = headers(&[
            (SIGNATURE, TRIGGER_SOLVED_SIG),
            (SIGNATURE_TIMESTAMP, TIMESTAMP),
            (INVOCATION_ID, invocation),
        ]);
        let event = deliver(&receiver(), &replayed, TRIGGER_SOLVED, arrival()).unwrap();
        assert_eq!(event.delivery_id, BODY_SHA256, "{invocation}");
        assert_eq!(seen.first_time(&event.delivery_id), n == 0, "{invocation}");
    }
    let event = ok(TRIGGER_SOLVED, TRIGGER_SOLVED_SIG);
    assert_eq!(event.kind, EventKind::TicketResolved);
    assert_eq!(
        event.status,
        Some(Mapped::new(TicketStatus::Resolved, "Solved"))
    );
    let ticket = event.ticket_data.unwrap();
    assert_eq!(ticket.priority, None);
    assert_eq!(ticket.assignee, None);
    assert_eq!(ticket.subject, None);

    let again = ok(TRIGGER_SOLVED, TRIGGER_SOLVED_SIG);
    assert_eq!(event.delivery_id, BODY_SHA256);
    assert_eq!(again.delivery_id, BODY_SHA256);
}

#[test]
fn the_recommended_trigger_body_once_rendered_is_what_the_receiver_parses() {
    // What Zendesk would send for ticket 35436, rendered by substituting the placeholders here.
    let rendered = ZendeskWebhooks::RECOMMENDED_TRIGGER_BODY
        .replace("{{ticket.id}}", "35436")
        .replace("{{ticket.status}}", "Open")
        .replace("{{ticket.priority}}", "High")
        .replace("{{ticket.assignee.id}}", "235324")
        .replace("{{ticket.requester.id}}", "20978392")
        .replace("{{ticket.title}}", "Printer on fire")
        .replace("{{ticket.updated_at_with_timestamp}}", "2024-04-17T17:18Z");
    assert!(
        !rendered.contains("{{"),
        "every placeholder is known: {rendered}"
    );
    let signature = sign(SECRET, TIMESTAMP, rendered.as_bytes());
    let headers = headers(&[(SIGNATURE, &signature), (SIGNATURE_TIMESTAMP, TIMESTAMP)]);
    let event = deliver(&receiver(), &headers, &rendered, arrival()).unwrap();
    assert_eq!(event.kind, EventKind::TicketUpdated);
    assert_eq!(event.delivery_id, "35436-2024-04-17T17:18Z");
    assert_eq!(event.status, Some(Mapped::new(TicketStatus::Open, "Open")));
}

// ---------------------------------------------------------------------------------------------
// No input panics

/// HMAC-SHA256 with the `hmac` crate directly, base64 by the `base64` crate: not this crate's code.
fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn the_test_signer_agrees_with_the_precomputed_signatures() {
    assert_eq!(
        sign(SECRET, TIMESTAMP, TICKET_CREATED.as_bytes()),
        TICKET_CREATED_SIG
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "type",
        "id",
        "time",
        "subject",
        "detail",
        "event",
        "ticket",
        "status",
        "priority",
        "current",
        "previous",
        "comment",
        "author",
        "role",
        "delivery_id",
        "assignee_id",
        "group_id",
        "requester_id",
        "organization_id",
        "actor_id",
        "tags",
        "via",
        "channel",
        "created_at",
        "updated_at",
        "is_public",
        "body",
    ])
    .prop_map(str::to_owned);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "zen:event-type:ticket.status_changed",
            "zen:event-type:ticket.comment_added",
            "zen:event-type:user.created",
            "zen:ticket:1",
            "zen:user:0",
            "ticket.status_changed",
            "SOLVED",
            "On-hold",
            "end-user",
            "35436",
            "0",
            "-1",
            "9223372036854775808",
            "2024-04-17T17:18Z",
            "+99999-01-01T00:00:00Z",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn header_value(bytes: &[u8]) -> Option<HeaderValue> {
    HeaderValue::from_bytes(bytes).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any body, correctly signed: verification passes, so the body alone decides, and never by a
    /// panic: an event, or `MalformedBody`.
    #[test]
    fn a_signed_body_of_any_bytes_never_panics(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let signature = sign(SECRET, TIMESTAMP, &body);
        let headers = headers(&[(SIGNATURE, &signature), (SIGNATURE_TIMESTAMP, TIMESTAMP)]);
        let result = receiver().receive(&Delivery { headers: &headers, body: &body, received_at: arrival() });
        prop_assert!(matches!(result, Ok(_) | Err(WebhookError::MalformedBody(_))), "{result:?}");
    }

    /// Any JSON built from the keys and values Zendesk uses, correctly signed: parsed or refused as
    /// malformed, never a panic; an event always has a delivery id.
    #[test]
    fn a_signed_json_body_of_any_shape_never_panics(value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        let signature = sign(SECRET, TIMESTAMP, &body);
        let headers = headers(&[(SIGNATURE, &signature), (SIGNATURE_TIMESTAMP, TIMESTAMP)]);
        let result = receiver().receive(&Delivery { headers: &headers, body: &body, received_at: arrival() });
        match result {
            Ok(event) => prop_assert!(!event.delivery_id.is_empty()),
            Err(error) => prop_assert!(matches!(error, WebhookError::MalformedBody(_)), "{error:?}"),
        }
    }

    /// Garbage everywhere: rejected, never a panic.
    #[test]
    fn garbage_headers_and_bodies_never_panic(
        signature in prop::option::of(prop::collection::vec(any::<u8>(), 0..64)),
        timestamp in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
        invocation in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
        body in prop::collection::vec(any::<u8>(), 0..512),
        offset_secs in -1_000_000i64..1_000_000,
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in [(SIGNATURE, &signature), (SIGNATURE_TIMESTAMP, &timestamp), (INVOCATION_ID, &invocation)] {
            if let Some(value) = value.as_deref().and_then(header_value) {
                headers.insert(name, value);
            }
        }
        let received_at = arrival() + chrono::Duration::seconds(offset_secs);
        let result = receiver().receive(&Delivery { headers: &headers, body: &body, received_at });
        prop_assert!(result.is_err(), "{result:?}");
    }
}
