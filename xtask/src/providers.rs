//! Which vendor operations each provider's generation spec keeps.
//!
//! `cargo xtask derive-spec <provider>` reads the vendor descriptions listed here from
//! `<workspace root>/../shared/vendor-specs/<provider>/` and keeps exactly these operations
//! (plus the `$ref` closure of their schemas). Adding an operation is a one-line change here
//! followed by `cargo xtask derive-spec <provider> && cargo xtask generate <provider>`.

/// One provider crate (`crates/support-<name>`) and the vendor documents its client comes from.
#[derive(Debug)]
pub struct Provider {
    /// Short name: `specs/<name>.yaml`, `crates/support-<name>`, `vendor-specs/<name>/`.
    pub name: &'static str,
    /// `info.title` of the derived spec.
    pub title: &'static str,
    /// `info.version` of the derived spec (progenitor sends it as an `api-version` header).
    pub version: &'static str,
    /// Vendor documents, merged in this order.
    pub sources: &'static [Source],
    /// A vendor schema holding the cursor envelope (`meta` + `links`). When set, the response
    /// envelope of every operation that takes cursor parameters (a `deepObject` `page`
    /// parameter) but whose vendor schema omits `meta` is composed with it (see
    /// `fixups::compose_cursor_envelope`).
    pub cursor_envelope_schema: Option<&'static str>,
    /// Component schemas whose unknown fields must survive decoding (see
    /// `fixups::keep_unknown_fields`).
    pub keep_unknown_fields: &'static [&'static str],
    /// Properties whose vendor type is narrower than real payloads, as (schema, property path
    /// through `properties` and array `items`), made free-form JSON (see `fixups::free_form`).
    pub free_form: &'static [(&'static str, &'static [&'static str])],
}

/// One vendor OpenAPI document and the operations taken from it.
#[derive(Debug)]
pub struct Source {
    /// File name inside `vendor-specs/<provider>/`.
    pub file: &'static str,
    /// Prefix for a component of this document whose name is already used, with a different
    /// definition, by an earlier source of the same provider.
    pub collision_prefix: &'static str,
    /// Vendor `operationId`s to keep.
    pub operations: &'static [&'static str],
}

/// Every provider with a generated client.
pub const PROVIDERS: &[Provider] = &[ZENDESK];

/// Zendesk Support + Help Center.
pub const ZENDESK: Provider = Provider {
    name: "zendesk",
    title: "support-zendesk subset",
    version: "2",
    sources: &[
        Source {
            file: "zendesk-support-ticketing.oas.yaml",
            collision_prefix: "Support",
            operations: &[
                "ListTickets",
                "ShowTicket",
                "CreateTicket",
                "UpdateTicket",
                "ExportSearchResults",
                "ListSearchResults",
                "ListUsers",
                "ShowCurrentUser",
                "ListGroups",
                "ListGroupMemberships",
                "ListTicketComments",
                "ListTags",
                // PutTagsTicket / SetTagsTicket are not selected: the vendor declares them
                // without a request body, so the generated method could not send tags.
                "ListResourceTags",
                "ListSLAPolicies",
                "ShowSLAPolicy",
                "ListSatisfactionRatings",
                "ListCustomStatuses",
            ],
        },
        Source {
            file: "zendesk-help-center.oas.yaml",
            collision_prefix: "HelpCenter",
            operations: &[
                "ShowArticleNoLocale",
                "ListArticlesNoLocale",
                "ListArticlesByCategoryNoLocale",
                "ArticleSearch",
                "ListSectionsNoLocale",
                "ShowSectionNoLocale",
            ],
        },
    ],
    cursor_envelope_schema: Some("CursorPaginationMeta"),
    // Search results are whole tickets/users/groups/organizations; the vendor item schema lists
    // only the fields they share.
    keep_unknown_fields: &["SearchResultObject"],
    // Audit events carry arrays (tag changes) and objects in `value`, not only strings and integers.
    free_form: &[("AuditObject", &["events", "value"])],
};

/// Looks a provider up by name.
pub fn find(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|provider| provider.name == name)
}

/// Names of all providers, for usage messages.
pub fn names() -> String {
    PROVIDERS
        .iter()
        .map(|provider| provider.name)
        .collect::<Vec<_>>()
        .join(", ")
}
