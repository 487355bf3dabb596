//! Zohodesk's webhook deliveries: verification and parsing into `support_core::webhook::WebhookEvent`.
//!
//! Nothing yet. Where Zohodesk pushes events, make this module public with a receiver implementing
//! `support_core::webhook::WebhookReceiver` that verifies the raw body first (HMAC:
//! `WebhookSecrets::hmac_sha256_matches`; a shared secret: `WebhookSecrets::matches`; a timestamp:
//! `Tolerance::check`). Where it pushes nothing, delete this module and say so in the README.
