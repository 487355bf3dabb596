//! Outbound Messages as Salesforce sends them (SOAP 1.1, `text/xml`, the `notifications` element
//! of `http://soap.sforce.com/2005/09/outbound`), for tests of the adapter's receiver; and the
//! acknowledgement Salesforce expects back.

use support_conformance::sim::escape_html;

/// The organization id the simulator's org has (18 characters).
pub const ORGANIZATION_ID: &str = "00Dsim000000001AAA";
/// The outbound message (workflow action) id.
pub const ACTION_ID: &str = "04ksim0000000001AAA";

/// One notification: its id and the case's fields at send time (`Id` first).
#[derive(Clone, Debug)]
pub struct Notification {
    /// The notification id (`Notification/Id`): the dedupe key, as delivery is at least once.
    pub id: String,
    /// The case's selected fields, in order.
    pub fields: Vec<(String, String)>,
}

/// The SOAP envelope of one outbound message with these notifications (1 to 100).
pub fn envelope(organization_id: &str, notifications: &[Notification]) -> String {
    let mut body = String::new();
    for n in notifications {
        body.push_str("<Notification><Id>");
        body.push_str(&escape_html(&n.id));
        body.push_str("</Id><sObject xsi:type=\"sf:Case\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\">");
        for (name, value) in &n.fields {
            body.push_str(&format!("<sf:{name}>{}</sf:{name}>", escape_html(value)));
        }
        body.push_str("</sObject></Notification>");
    }
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" ",
            "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" ",
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<soapenv:Body>",
            "<notifications xmlns=\"http://soap.sforce.com/2005/09/outbound\">",
            "<OrganizationId>{org}</OrganizationId>",
            "<ActionId>{action}</ActionId>",
            "<SessionId xsi:nil=\"true\"/>",
            "<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/64.0/{org15}</EnterpriseUrl>",
            "<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/64.0/{org15}</PartnerUrl>",
            "{body}",
            "</notifications></soapenv:Body></soapenv:Envelope>"
        ),
        org = escape_html(organization_id),
        org15 = escape_html(organization_id.get(..15).unwrap_or(organization_id)),
        action = ACTION_ID,
        body = body,
    )
}

/// Whether `answer` is the acknowledgement Salesforce expects (`<Ack>true</Ack>` in a
/// `notificationsResponse` of the outbound namespace): anything else makes it retry.
pub fn is_ack(answer: &str) -> bool {
    let compact: String = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    compact.contains("http://schemas.xmlsoap.org/soap/envelope/")
        && compact.contains("notificationsResponse")
        && compact.contains("http://soap.sforce.com/2005/09/outbound")
        && (compact.contains("<Ack>true</Ack>") || compact.contains(":Ack>true</"))
}
