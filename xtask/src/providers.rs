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
    /// through `properties`, array `items` and `allOf`/`anyOf`/`oneOf` arms; `[]` for an array's
    /// items), made free-form JSON (see `fixups::free_form`). Applied before covering unions
    /// collapse: a union's properties are named in each of its arms.
    pub free_form: &'static [(&'static str, &'static [&'static str])],
    /// Query parameters the API takes as a comma-separated list although the vendor gives them a
    /// single-value enum, as (operationId, parameter name): made plain strings (see
    /// `fixups::list_param_to_string`).
    pub list_params: &'static [(&'static str, &'static str)],
    /// Parameters the API takes but the vendor operation omits, as (operationId, key in the
    /// vendor document's own `components.parameters`): appended to that operation. Never
    /// invented: the parameter must be a vendor component, and derivation fails once the vendor
    /// operation declares it itself.
    pub added_params: &'static [(&'static str, &'static str)],
    /// Parameters the provider's API reference documents for an operation whose vendor
    /// description omits them, as (operationId, donor operationId, parameter name): copied from
    /// the donor, a vendor operation of the same document that declares a parameter of that name
    /// and meaning. Never invented: derivation fails when the donor lacks the parameter, or once
    /// the operation declares it itself.
    pub borrowed_params: &'static [(&'static str, &'static str, &'static str)],
    /// Parameters (by wire name) made required wherever an operation takes them: a header the
    /// adapter must send on every call (a pinned API version) is then a builder error when
    /// forgotten, not a silent default.
    pub required_params: &'static [&'static str],
    /// Parameters (by wire name) the vendor declares in the query but the API reads from a
    /// header: moved to the header wherever an operation takes them.
    pub header_params: &'static [&'static str],
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
pub const PROVIDERS: &[Provider] = &[ZENDESK, FRESHDESK, INTERCOM, ZOHODESK];

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
                "ListTicketFields",
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
    // Ticket field values: a field's type decides its value (integers exact past 2^53, decimals,
    // text, booleans, option lists), and `null` clears it; the vendor's union has no integer and
    // drops `null`.
    free_form: &[
        ("AuditObject", &["events", "value"]),
        ("TicketFieldValueInput", &["value"]),
        // Timestamps are read by the adapter (`kit::json::parse_time`), not by the generated
        // client: one item with a loosely written time must not make its whole page undecodable.
        ("AuditObject", &["created_at"]),
        ("GroupMembershipObject", &["created_at"]),
        ("GroupMembershipObject", &["updated_at"]),
        ("SatisfactionRatingObject", &["created_at"]),
        ("SatisfactionRatingObject", &["updated_at"]),
        ("TicketCommentObject", &["created_at"]),
        ("TicketObject", &["created_at"]),
        ("TicketObject", &["updated_at"]),
        ("TicketObject", &["due_at"]),
        // `UserObject` is `anyOf: [UserForAdmin, UserForEndUser]`, collapsed to the admin arm
        // (`fixups::collapse_covering_unions`) once both arms agree on these fields.
        ("UserForAdmin", &["created_at"]),
        ("UserForAdmin", &["updated_at"]),
        ("UserForAdmin", &["last_login_at"]),
        ("UserForEndUser", &["created_at"]),
        ("UserForEndUser", &["updated_at"]),
        // Each user of a user listing is decoded by the adapter, not the generated client, so a
        // user that does not have its documented shape is named by its id.
        ("UsersResponse", &["users", "[]"]),
    ],
    list_params: &[],
    added_params: &[],
    borrowed_params: &[],
    required_params: &[],
    header_params: &[],
};

/// Freshdesk REST API v2. The vendor document is a community OpenAPI 3.1 draft generated from the
/// public docs (no official description exists): its 3.1 constructs are converted to 3.0
/// (`fixups::openapi_31_to_30`) and the fix-ups below correct it where real payloads differ.
/// Paths stay relative to `https://{domain}.freshdesk.com/api/v2`, so the adapter's base URL
/// ends in `/api/v2`. Lists are bare JSON arrays paged with `page`/`per_page` (no cursor).
pub const FRESHDESK: Provider = Provider {
    name: "freshdesk",
    title: "support-freshdesk subset",
    version: "2",
    sources: &[Source {
        file: "freshdesk-rest-api-v2.openapi-3.1.yml",
        collision_prefix: "Freshdesk",
        operations: &[
            // The port's operations.
            "listTickets",
            "searchTickets",
            "getTicket",
            "createTicket",
            "updateTicket",
            "listAgents",
            "getAgent",
            "listRoles",
            "listGroups",
            "replyToTicket",
            "createNote",
            "listTicketConversations",
            "listSolutionCategories",
            "listSolutionFolders",
            "listSolutionArticles",
            "getSolutionArticle",
            "listSLAPolicies",
            "listSatisfactionRatings",
            "listTicketFields",
            // What people automate beyond the port.
            "listTicketTimeEntries",
            "createTimeEntry",
            "listAllTimeEntries",
            "updateTimeEntry",
            "listContacts",
            "createContact",
            "getContact",
            "updateContact",
            "searchContacts",
            "listCompanies",
            "getCompany",
            "createCompany",
            "updateCompany",
            "bulkUpdateTickets",
        ],
    }],
    cursor_envelope_schema: None,
    // `Ticket`: `include=requester,stats,company,conversations` embeds objects the draft does not
    // declare (and real tickets carry fields it omits: `nr_due_by`, `association_type`, ...).
    // `SatisfactionRating`: real ratings carry `ratings` (question -> integer, e.g.
    // `{"default_question": 103}`); the draft declares a single integer `rating` instead.
    keep_unknown_fields: &["Ticket", "SatisfactionRating"],
    free_form: &[
        // Ticket-field `choices` is an array for dropdowns but an object for `status`
        // (`{"2": ["Open", "Being Processed"]}`), `priority`/`source` (`{"Low": 1}`) and nested
        // fields; the draft says array of strings.
        ("Field", &["choices"]),
        // Documented both as a boolean and as an integer assignment type (0 disabled, 1 round
        // robin, ...); the draft says boolean.
        ("Group", &["auto_ticket_assign"]),
        // A date (`2025-12-31`), not the draft's date-time: chrono would reject it, and a
        // date-time sent on create/update is not the documented input.
        ("Company", &["renewal_date"]),
        ("CompanyCreate", &["renewal_date"]),
        // Timestamps of the objects the port lists are read by the adapter
        // (`kit::json::time`), not the generated client: one item with a loosely written time
        // must not make its whole page undecodable.
        ("Ticket", &["created_at"]),
        ("Ticket", &["updated_at"]),
        ("Ticket", &["due_by"]),
        ("Ticket", &["fr_due_by"]),
        ("Conversation", &["created_at"]),
        ("Conversation", &["updated_at"]),
        ("Agent", &["created_at"]),
        ("Agent", &["updated_at"]),
        ("SatisfactionRating", &["created_at"]),
        ("SatisfactionRating", &["updated_at"]),
        ("SolutionArticle", &["created_at"]),
        ("SolutionArticle", &["updated_at"]),
    ],
    // `include` takes several embeds at once (`include=requester,stats`); the draft's enum allows one.
    list_params: &[("listTickets", "include"), ("getTicket", "include")],
    // The draft omits paging where the API pages: search answers 30 results a page, `page` 1-10;
    // folder articles page like every other list (default 30, `per_page` up to 100).
    added_params: &[
        ("searchTickets", "page"),
        ("searchContacts", "page"),
        ("listSolutionArticles", "page"),
        ("listSolutionArticles", "perPage"),
    ],
    borrowed_params: &[],
    required_params: &[],
    header_params: &[],
};

/// Intercom REST API 2.16 (the official description, `intercom/Intercom-OpenAPI`). The operations
/// of the port in both of its modes (tickets and conversations), and the account definitions
/// their mapping needs. The four reporting-export operations have no `operationId` and are not
/// kept. Every operation takes the `Intercom-Version` header, made required so that the adapter
/// pins the version on every call.
pub const INTERCOM: Provider = Provider {
    name: "intercom",
    title: "support-intercom subset",
    version: "2.16",
    sources: &[Source {
        file: "intercom-api-2.16.openapi.yaml",
        collision_prefix: "Intercom",
        operations: &[
            // Whom the token belongs to, and the workspace.
            "identifyAdmin",
            "listAdmins",
            "listTeams",
            "listTags",
            "createTag",
            // Tickets.
            "listTicketTypes",
            "listTicketStates",
            "createTicket",
            "searchTickets",
            "getTicket",
            "updateTicket",
            "replyTicket",
            "attachTagToTicket",
            "detachTagFromTicket",
            // Conversations.
            "listConversations",
            "createConversation",
            "searchConversations",
            "retrieveConversation",
            "updateConversation",
            "manageConversation",
            "replyConversation",
            "attachTagToConversation",
            "detachTagFromConversation",
            "SearchContacts",
            "CreateContact",
            // Help center.
            "listArticles",
            "retrieveArticle",
            "listAllCollections",
        ],
    }],
    cursor_envelope_schema: None,
    keep_unknown_fields: &[],
    // Attribute maps hold strings, numbers, booleans, lists and dates by the attribute's type;
    // the vendor's union of them generates a type that holds none of them.
    free_form: &[
        ("custom_attributes", &[]),
        ("ticket_request_custom_attributes", &[]),
    ],
    list_params: &[],
    added_params: &[],
    // `GET /articles` pages with `page` / `per_page` (API reference: "page: The page of results to
    // fetch", "per_page: How many results to display per page. Defaults to 25. Max 250"), which
    // the 2.16 description omits; `listCalls` declares both with the same meaning.
    borrowed_params: &[
        ("listArticles", "listCalls", "page"),
        ("listArticles", "listCalls", "per_page"),
    ],
    required_params: &["Intercom-Version"],
    header_params: &[],
};

/// Zoho Desk REST API v1 (the official description, `zoho/zohodesk-oas` folder `v1.0/`: one
/// OpenAPI 3.1 file per resource, bundled with the files their `$ref`s name; references into files
/// Zoho does not publish there, such as `MassActionResponse.json`, are pruned). The operations of
/// the port and the account definitions their mapping needs.
pub const ZOHODESK: Provider = Provider {
    name: "zohodesk",
    title: "support-zohodesk subset",
    version: "1",
    sources: &[
        Source {
            file: "official/Agent.json",
            collision_prefix: "Agent",
            // The token's agent (the connection check), and the agents.
            operations: &["getMyInfo", "getAgents"],
        },
        Source {
            file: "official/Department.json",
            collision_prefix: "Department",
            operations: &["getDepartments"],
        },
        Source {
            file: "official/Ticket.json",
            collision_prefix: "Ticket",
            operations: &[
                "getTickets",
                "createTicket",
                "getTicket",
                "updateTicket",
                "closeTickets",
                // A ticket changes department only by moving (the update takes no departmentId).
                "moveTicket",
            ],
        },
        Source {
            file: "official/TicketComment.json",
            collision_prefix: "Comment",
            operations: &["getTicketComments", "createTicketComment"],
        },
        Source {
            file: "official/TicketAttachment.json",
            collision_prefix: "Attachment",
            operations: &["getTicketAttachments"],
        },
        Source {
            file: "official/TicketTag.json",
            collision_prefix: "Tag",
            operations: &[
                "getTicketsTags",
                "getTicketTags",
                "associateTicketTags",
                "dissociateTicketTags",
            ],
        },
        Source {
            file: "official/Article.json",
            collision_prefix: "Article",
            operations: &["getArticles", "getArticle"],
        },
        Source {
            file: "official/AccountSla.json",
            collision_prefix: "AccountSla",
            operations: &["getSlasUnderAccount"],
        },
    ],
    cursor_envelope_schema: None,
    keep_unknown_fields: &[],
    free_form: &[],
    list_params: &[],
    added_params: &[],
    borrowed_params: &[],
    required_params: &[],
    // The description declares `orgId` (Common.json) as a query parameter; Zoho's API reference
    // sends it as a header ("orgId: the ID of the organization ... must be passed as a header in
    // all API requests except /organizations").
    header_params: &["orgId"],
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
