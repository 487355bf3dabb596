//! Outbound Messages as Salesforce sends them (the SOAP envelope of the Outbound Messaging WSDL):
//! verified by org and shared secret, parsed, acknowledged.

use reqwest::header::{HeaderMap, HeaderValue};
use support_core::TicketStatus;
use support_core::webhook::{Delivery, WebhookError, WebhookReceiver, WebhookSecrets};
use support_salesforce::SalesforceOutboundMessages;
use support_salesforce::webhook::{ACK, SECRET_HEADER};

const ORG: &str = "00Dxx0000001gPLEAY";

/// Two notifications of one message, in the WSDL's shape (`sf:` fields, `xsi:type`, a nil field,
/// an escaped ampersand).
const MESSAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00Dxx0000001gPLEAY</OrganizationId>
   <ActionId>04kxx0000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/64.0/00Dxx0000001gPL</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/64.0/00Dxx0000001gPL</PartnerUrl>
   <Notification>
    <Id>04lxx0000000001AAA</Id>
    <sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>500xx000000bAbCAAU</sf:Id>
     <sf:IsClosed>false</sf:IsClosed>
     <sf:LastModifiedDate>2024-03-02T10:00:00.000Z</sf:LastModifiedDate>
     <sf:OwnerId>005xx000001SwiUAAS</sf:OwnerId>
     <sf:Status>Working</sf:Status>
     <sf:Subject>Printer &amp; scanner</sf:Subject>
     <sf:Description xsi:nil="true"/>
    </sObject>
   </Notification>
   <Notification>
    <Id>04lxx0000000002AAA</Id>
    <sObject xsi:type="sf:Case" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>500xx000000bAbDAAU</sf:Id>
     <sf:IsClosed>true</sf:IsClosed>
     <sf:Status>Solved by Bot</sf:Status>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>"#;

fn receiver() -> SalesforceOutboundMessages {
    SalesforceOutboundMessages::new(
        ORG,
        WebhookSecrets::new("current-secret")
            .unwrap()
            .with("previous-secret")
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn a_message_is_verified_and_each_notification_parsed() {
    let events = receiver()
        .receive_all(MESSAGE.as_bytes(), "previous-secret")
        .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].delivery_id, "04lxx0000000001AAA");
    assert_eq!(
        events[0].ticket.as_ref().map(|t| t.external_id()),
        Some("500xx000000bAbCAAU")
    );
    assert_eq!(
        events[0].status.as_ref().map(|s| &s.canonical),
        Some(&TicketStatus::Open)
    );
    assert_eq!(events[0].raw["sObject"]["Subject"], "Printer & scanner");
    assert!(events[0].raw["sObject"]["Description"].is_null());
    assert!(events[0].occurred_at.is_some());
    assert_eq!(
        events[1].status.as_ref().map(|s| &s.canonical),
        Some(&TicketStatus::Closed)
    );
}

#[test]
fn another_org_or_a_wrong_secret_is_refused() {
    assert_eq!(
        receiver().receive_all(MESSAGE.as_bytes(), "guess"),
        Err(WebhookError::BadSignature)
    );
    let other = MESSAGE.replace(ORG, "00Dxx0000009zzzEAA");
    assert_eq!(
        receiver().receive_all(other.as_bytes(), "current-secret"),
        Err(WebhookError::BadSignature)
    );
    assert!(matches!(
        receiver().receive_all(b"<notifications/>", "current-secret"),
        Err(WebhookError::BadSignature | WebhookError::MalformedBody(_))
    ));
}

#[test]
fn the_receiver_reads_the_secret_header_and_the_ack_is_the_documented_envelope() {
    let mut headers = HeaderMap::new();
    headers.insert(SECRET_HEADER, HeaderValue::from_static("current-secret"));
    let event = receiver()
        .receive(&Delivery::now(&headers, MESSAGE.as_bytes()))
        .unwrap();
    assert_eq!(event.delivery_id, "04lxx0000000001AAA");
    assert!(ACK.contains("<Ack>true</Ack>"));
    assert!(ACK.contains("xmlns=\"http://soap.sforce.com/2005/09/outbound\""));
    assert!(!format!("{:?}", receiver()).contains("current-secret"));
}
