//! OAuth through the adapter: the port fetches its token from the instance's `/oauth_token.do`,
//! and renews it when the instance stops accepting it, without the caller seeing either.

use support_servicenow::simulator;

use simulator::{
    CLIENT_ID, CLIENT_SECRET, PASSWORD, ServiceNowSimulator, USER, expire_access_tokens,
    port_factory, servicenow_world,
};
use support_core::http::TokenSource;
use support_core::{ErrorKind, SupportPort, TicketLookup};
use support_servicenow::ServiceNowPort;

fn oauth_port(base_url: &str, source: TokenSource) -> ServiceNowPort {
    ServiceNowPort::builder()
        .base_url(base_url)
        .oauth(source)
        .request_timeout(None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_port_fetches_its_token_and_renews_it_when_it_expires() {
    let world = servicenow_world();
    let case = world.tickets[0].id.clone();
    let simulator = ServiceNowSimulator::start(world, port_factory(None)).await;
    let base_url = simulator.base_url();
    let port = oauth_port(
        &base_url,
        TokenSource::password(CLIENT_ID, CLIENT_SECRET, USER, PASSWORD),
    );
    let lookup = TicketLookup::Id(support_core::CanonicalId::new(
        support_servicenow::PROVIDER,
        support_core::ObjectKind::Ticket,
        case.clone(),
    ));
    assert_eq!(
        port.get_ticket(&lookup).await.unwrap().id.external_id(),
        case
    );
    assert_eq!(
        port.get_ticket(&lookup).await.unwrap().id.external_id(),
        case
    );
    let fetched = |simulator: &ServiceNowSimulator| {
        simulator
            .requests()
            .iter()
            .filter(|r| r.path == "/oauth_token.do")
            .count()
    };
    assert_eq!(fetched(&simulator), 1, "one token for both reads");

    expire_access_tokens(&base_url);
    assert_eq!(
        port.get_ticket(&lookup).await.unwrap().id.external_id(),
        case
    );
    assert_eq!(
        fetched(&simulator),
        2,
        "renewed once, after the instance refused the old one"
    );
}

#[tokio::test]
async fn a_refused_client_says_so_and_keeps_its_secret() {
    let simulator = ServiceNowSimulator::start(servicenow_world(), port_factory(None)).await;
    let port = oauth_port(
        &simulator.base_url(),
        TokenSource::client_credentials(CLIENT_ID, "not-the-secret"),
    );
    let error = port.check_connection().await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated, "{error}");
    assert!(!error.to_string().contains("not-the-secret"), "{error}");
    assert!(!format!("{error:?}").contains("not-the-secret"));
}
