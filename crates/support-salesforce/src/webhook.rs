//! Salesforce pushes no signed HTTP webhooks; an Outbound Message (SOAP) receiver is not part of
//! this release.
