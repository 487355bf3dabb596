//! Properties every adapter shares, checked across all of them.

use std::sync::Arc;

use support_core::{Operation, Support, SupportPort};

fn adapters() -> Vec<Arc<dyn SupportPort>> {
    vec![
        Arc::new(support_memory::MemoryPort::new()),
        Arc::new(
            support_freshdesk::FreshdeskPort::builder()
                .domain("acme")
                .api_key("secret-key")
                .build()
                .unwrap(),
        ),
        Arc::new(
            support_zendesk::ZendeskPort::builder()
                .subdomain("acme")
                .api_token("agent@acme.example", "secret-token")
                .build()
                .unwrap(),
        ),
    ]
}

#[test]
fn every_operation_is_declared_and_every_unsupported_one_says_why() {
    for port in adapters() {
        let caps = port.capabilities();
        for op in Operation::ALL {
            if let Support::Unsupported(why) = caps.support(op) {
                assert!(why.len() > 10, "{} {op}: no reason given", port.provider());
                assert!(
                    !why.contains("not implemented"),
                    "{} {op} is a stub: {why}",
                    port.provider()
                );
            }
        }
    }
}

#[tokio::test]
async fn unsupported_operations_fail_with_unsupported_naming_provider_and_operation() {
    for port in adapters() {
        if !port
            .capabilities()
            .support(Operation::CreateTag)
            .is_supported()
        {
            let error = port
                .create_tag(support_core::NewTag::new("x"))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), &support_core::ErrorKind::Unsupported);
            assert_eq!(error.operation(), Some(Operation::CreateTag));
            assert!(error.to_string().starts_with(port.provider()), "{error}");
        }
    }
}

#[test]
fn provider_names_are_distinct_and_valid_in_ids() {
    let names: Vec<_> = adapters().iter().map(|p| p.provider()).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    for name in names {
        support_core::CanonicalId::try_new(name, support_core::ObjectKind::Ticket, "1").unwrap();
    }
}
