//! Every scenario by name, when it applies, and how a harness's run is planned from them.

use futures::future::BoxFuture;
use support_core::{Capabilities, Operation, SupportPort};

use super::Check;
use crate::harness::{Harness, Simulator};
use crate::report::{Mode, Outcome, Report, ScenarioResult};
use crate::world::World;

/// A scenario against the port and the fixture world.
pub type WorldFn = for<'a> fn(&'a dyn SupportPort, &'a World) -> BoxFuture<'a, Check>;
/// A scenario against the simulator and the fixture world.
pub type SimulatorFn = for<'a> fn(&'a dyn Simulator, &'a World) -> BoxFuture<'a, Check>;
/// A scenario against the port alone.
pub type PortFn = for<'a> fn(&'a dyn SupportPort) -> BoxFuture<'a, Check>;

/// What a scenario needs, and its body.
#[derive(Clone, Copy)]
pub enum Body {
    /// Offline: the port and the world it serves.
    World(WorldFn),
    /// Offline with a simulator: injected faults and bad credentials.
    Simulator(SimulatorFn),
    /// Both modes: the port alone.
    Port(PortFn),
    /// Live only: the port against a real account, no world.
    Live(PortFn),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Body::World(_) => "World",
            Body::Simulator(_) => "Simulator",
            Body::Port(_) => "Port",
            Body::Live(_) => "Live",
        })
    }
}

/// One scenario of the suite.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// The operation it exercises; it runs only when this operation is supported.
    pub operation: Operation,
    /// Its name within the operation: the test is `{operation}::{name}`.
    pub name: &'static str,
    /// Further operations it exercises and reports on (they must be supported too).
    pub also: &'static [Operation],
    /// Operations it needs besides its own, without reporting on them.
    pub requires: &'static [Operation],
    /// Whether the world's profile lets it apply (idempotency keys, ...).
    pub applies: fn(&World) -> bool,
    /// Whether the adapter's declared capabilities let it apply (uploads, ...).
    pub capable: fn(&Capabilities) -> bool,
    /// What it needs, and what it does.
    pub body: Body,
}

impl Scenario {
    /// `{operation}::{name}`, the name its test has.
    pub fn test_name(&self) -> String {
        format!("{}::{}", self.operation.name(), self.name)
    }

    fn base(operation: Operation, name: &'static str, body: Body) -> Self {
        Self {
            operation,
            name,
            also: &[],
            requires: &[],
            applies: always,
            capable: always_capable,
            body,
        }
    }

    fn operations(&self) -> impl Iterator<Item = Operation> + '_ {
        std::iter::once(self.operation).chain(self.also.iter().copied())
    }
}

fn always(_: &World) -> bool {
    true
}

fn always_capable(_: &Capabilities) -> bool {
    true
}

fn honours_idempotency_keys(world: &World) -> bool {
    world.profile.honours_idempotency_keys
}

/// Whether the world's tickets carry any of category, resolution, its times or SLA clocks.
fn has_ticket_details(world: &World) -> bool {
    let profile = &world.profile;
    !profile.categories.is_empty()
        || profile.records_resolution
        || profile.records_resolution_times
        || profile.sla_clocks.any()
}

fn has_categories(world: &World) -> bool {
    !world.profile.categories.is_empty()
}

fn has_author_kinds(world: &World) -> bool {
    world.profile.author_kinds
}

fn has_attachments(world: &World) -> bool {
    world.profile.attachments
}

fn declares_uploads(caps: &Capabilities) -> bool {
    caps.upload_limits().is_some()
}

fn declares_a_size_limit(caps: &Capabilities) -> bool {
    caps.upload_limits()
        .is_some_and(|limits| limits.per_file.is_some() || limits.per_write.is_some())
}

macro_rules! scenario {
    ($op:ident :: $name:literal, $kind:ident($f:path) $(, $field:ident: $value:expr)* $(,)?) => {
        Scenario {
            $($field: $value,)*
            ..Scenario::base(Operation::$op, $name, scenario!(@body $kind, $f))
        }
    };
    (@body World, $f:path) => {{
        fn body<'a>(port: &'a dyn SupportPort, world: &'a World) -> BoxFuture<'a, Check> {
            Box::pin($f(port, world))
        }
        Body::World(body)
    }};
    (@body Simulator, $f:path) => {{
        fn body<'a>(sim: &'a dyn Simulator, world: &'a World) -> BoxFuture<'a, Check> {
            Box::pin($f(sim, world))
        }
        Body::Simulator(body)
    }};
    (@body $kind:ident, $f:path) => {{
        fn body(port: &dyn SupportPort) -> BoxFuture<'_, Check> {
            Box::pin($f(port))
        }
        Body::$kind(body)
    }};
}

/// Every scenario, in run order: the connection check, reads (the write scenarios change the
/// world when one harness serves them all), writes, transport failures, then the live ones.
pub fn catalog() -> Vec<Scenario> {
    use super::*;
    vec![
        scenario!(CheckConnection::"succeeds", Port(check_connection)),
        scenario!(ListTickets::"returns_the_world", World(list_tickets_returns_the_world)),
        scenario!(ListTickets::"paginates", World(list_tickets_paginates)),
        scenario!(ListTickets::"filters", World(list_tickets_filters)),
        scenario!(
            ListTickets::"category_resolution_and_sla",
            World(list_tickets_carry_details),
            applies: has_ticket_details,
        ),
        scenario!(
            ListTickets::"filters_by_category",
            World(list_tickets_filters_by_category),
            applies: has_categories,
        ),
        scenario!(
            ListTickets::"rejects_foreign_cursors",
            World(list_tickets_rejects_foreign_cursors),
            requires: &[Operation::ListAgents],
        ),
        scenario!(GetTicket::"by_id_and_external_ref", World(get_ticket_by_id_and_external_ref)),
        scenario!(GetTicket::"not_found", World(get_ticket_not_found)),
        scenario!(GetTicket::"rejects_foreign_ids", World(get_ticket_rejects_foreign_ids)),
        scenario!(GetTicket::"keeps_unknown_status", World(get_ticket_keeps_unknown_status)),
        scenario!(
            GetTicket::"category_resolution_and_sla",
            World(get_ticket_carries_details),
            applies: has_ticket_details,
        ),
        scenario!(ListAgents::"returns_every_agent", World(list_agents)),
        scenario!(ListAgents::"filters", World(list_agents_filters)),
        scenario!(ListComments::"in_order_and_by_visibility", World(list_comments)),
        scenario!(
            ListComments::"author_kinds",
            World(list_comments_author_kinds),
            applies: has_author_kinds,
        ),
        scenario!(
            ListComments::"attachments",
            World(list_comments_attachments),
            applies: has_attachments,
        ),
        scenario!(
            DownloadAttachment::"world_file_byte_for_byte",
            World(download_attachment_world_file),
            requires: &[Operation::ListComments],
            applies: has_attachments,
        ),
        scenario!(ListTags::"with_counts", World(list_tags)),
        scenario!(GetKnowledgeArticle::"by_id_and_missing", World(get_knowledge_article)),
        scenario!(ListKnowledgeArticles::"all_and_filtered", World(list_knowledge_articles)),
        scenario!(GetSla::"targets_and_missing", World(get_sla)),
        scenario!(ListSatisfactionRatings::"all_and_filtered", World(list_satisfaction_ratings)),
        scenario!(CreateTicket::"creates", World(create_ticket)),
        scenario!(
            CreateTicket::"rejects_invalid_input",
            World(create_ticket_rejects_invalid_input)
        ),
        scenario!(UpdateTicket::"changes_the_fields_set", World(update_ticket)),
        scenario!(CloseTicket::"resolves", World(close_ticket)),
        scenario!(AssignTicket::"to_agent_and_group", World(assign_ticket)),
        scenario!(AddComment::"public_and_internal", World(add_comments)),
        scenario!(CreateTag::"creates", World(create_tag)),
        // After the writes above, so that the ids those expect are still the next ones.
        scenario!(
            AddComment::"with_attachment",
            World(add_comment_with_attachment),
            requires: &[Operation::ListComments],
            applies: has_attachments,
            capable: declares_uploads,
        ),
        scenario!(
            AddComment::"refuses_oversized_attachment",
            World(add_comment_refuses_oversized_attachment),
            requires: &[Operation::ListComments],
            capable: declares_a_size_limit,
        ),
        scenario!(
            CreateTicket::"with_attachment",
            World(create_ticket_with_attachment),
            requires: &[Operation::ListComments],
            applies: has_attachments,
            capable: declares_uploads,
        ),
        scenario!(ListTickets::"rejects_bad_credentials", Simulator(rejects_bad_credentials)),
        scenario!(
            ListTickets::"read_retried_after_server_error",
            Simulator(read_is_retried_after_server_error)
        ),
        scenario!(
            GetTicket::"short_throttling_waited_out",
            Simulator(short_throttling_is_waited_out)
        ),
        scenario!(GetTicket::"long_throttling_surfaces", Simulator(long_throttling_surfaces)),
        scenario!(
            CreateTicket::"not_retried_after_server_error",
            Simulator(create_is_not_retried_after_server_error)
        ),
        scenario!(
            CreateTicket::"retried_with_idempotency_key",
            Simulator(create_with_key_is_retried),
            applies: honours_idempotency_keys,
        ),
        scenario!(
            AddComment::"not_retried_after_server_error",
            Simulator(comment_is_not_retried_after_server_error)
        ),
        scenario!(
            ListTickets::"live_pages",
            Live(live_list_tickets),
            requires: &[Operation::GetTicket],
        ),
        scenario!(
            CreateTicket::"live_lifecycle",
            Live(live_ticket_lifecycle),
            also: &[Operation::AddComment, Operation::CloseTicket],
        ),
    ]
}

/// One step of a planned run.
#[derive(Clone, Debug)]
pub enum Step {
    /// The operation is declared unsupported: check that it returns `Unsupported`.
    Unsupported {
        /// The operation.
        operation: Operation,
        /// Whether its reason may be a stub's ("not implemented"), as in a scaffold.
        stubs_allowed: bool,
    },
    /// Run this scenario.
    Run(Scenario),
    /// Nothing can run here for this operation; the text says why.
    Skip {
        /// The test's name.
        name: String,
        /// The operation the skip is reported for.
        operation: Operation,
        /// Why.
        why: String,
    },
}

impl Step {
    /// The name of the step's test: `{operation}::{scenario}`.
    pub fn test_name(&self) -> String {
        match self {
            Step::Unsupported { operation, .. } => {
                format!("{}::declared_unsupported", operation.name())
            }
            Step::Run(scenario) => scenario.test_name(),
            Step::Skip { name, .. } => name.clone(),
        }
    }

    /// The operations the step reports on.
    pub fn operations(&self) -> Vec<Operation> {
        match self {
            Step::Unsupported { operation, .. } | Step::Skip { operation, .. } => vec![*operation],
            Step::Run(scenario) => scenario.operations().collect(),
        }
    }

    /// The results of a step that could not run for this reason: one failure per operation.
    pub fn failed(&self, why: &str) -> Vec<ScenarioResult> {
        self.operations()
            .into_iter()
            .map(|operation| ScenarioResult {
                scenario: self.test_name(),
                operation,
                outcome: Outcome::Fail(why.to_owned()),
            })
            .collect()
    }

    /// The result a skip records, known without running anything.
    pub fn skipped(&self) -> Option<ScenarioResult> {
        match self {
            Step::Skip {
                name,
                operation,
                why,
            } => Some(ScenarioResult {
                scenario: name.clone(),
                operation: *operation,
                outcome: Outcome::Skipped(why.clone()),
            }),
            _ => None,
        }
    }
}

/// The steps that apply to an adapter with these capabilities, offline (with the world its
/// simulator serves, and whether it has a simulator) or live (`world` is `None`).
///
/// Operations declared unsupported are only checked to return `Unsupported`. Offline, every world
/// scenario runs, and with a simulator the transport ones; without one, the transport operations
/// are reported skipped. Live, the world-free scenarios run and every other supported operation is
/// reported skipped. Unless `stubs_allowed`, an operation declared unsupported as "not
/// implemented" fails.
pub fn plan(
    caps: &Capabilities,
    world: Option<&World>,
    has_simulator: bool,
    stubs_allowed: bool,
) -> Vec<Step> {
    let supported = |op: Operation| caps.support(op).is_supported();
    let mut steps: Vec<Step> = Operation::ALL
        .into_iter()
        .chain([Operation::DownloadAttachment])
        .filter(|&op| !supported(op))
        .map(|operation| Step::Unsupported {
            operation,
            stubs_allowed,
        })
        .collect();
    let applies = |scenario: &Scenario| {
        scenario.operations().all(supported)
            && scenario.requires.iter().copied().all(supported)
            && (scenario.capable)(caps)
            && match (scenario.body, world) {
                (Body::Port(_), _) => true,
                (Body::World(_), Some(world)) => (scenario.applies)(world),
                (Body::Simulator(_), Some(world)) => has_simulator && (scenario.applies)(world),
                (Body::Live(_), None) => true,
                _ => false,
            }
    };
    steps.extend(catalog().into_iter().filter(applies).map(Step::Run));
    let skip = |op: Operation, name: &str, why: &str| Step::Skip {
        name: format!("{}::{name}", op.name()),
        operation: op,
        why: why.to_owned(),
    };
    match world {
        Some(_) if !has_simulator => steps.extend(
            [
                Operation::ListTickets,
                Operation::GetTicket,
                Operation::CreateTicket,
                Operation::AddComment,
            ]
            .into_iter()
            .filter(|&op| supported(op))
            .map(|op| skip(op, "transport", "no HTTP transport to fault")),
        ),
        Some(_) => {}
        None => {
            let covered: Vec<Operation> = steps
                .iter()
                .flat_map(|step| match step {
                    Step::Run(scenario) => scenario.operations().collect(),
                    _ => Vec::new(),
                })
                .collect();
            let uncovered: Vec<Step> = Operation::ALL
                .into_iter()
                .chain([Operation::DownloadAttachment])
                .filter(|&op| supported(op) && !covered.contains(&op))
                .map(|op| skip(op, "live", "needs the fixture world (offline mode)"))
                .collect();
            steps.extend(uncovered);
        }
    }
    steps
}

/// Runs one step against a harness and returns what it found, one result per operation it covers.
pub async fn execute(step: &Step, harness: &dyn Harness) -> Vec<ScenarioResult> {
    let port = harness.port();
    let port = port.as_ref();
    let result = |scenario: String, operation, outcome| ScenarioResult {
        scenario,
        operation,
        outcome,
    };
    let verdict = |check: Check, pass: Outcome| match check {
        Ok(()) => pass,
        Err(why) => Outcome::Fail(why),
    };
    match step {
        Step::Unsupported {
            operation,
            stubs_allowed,
        } => {
            let mut check = super::declared_unsupported(port, *operation).await;
            // `downloadAttachment` is beyond the catalog's fifteen: an adapter that has not taken
            // it up yet declares it unsupported by default, which is not a stub left behind.
            if !stubs_allowed && Operation::ALL.contains(operation) {
                check = check.and_then(|()| super::unsupported::not_a_stub(port, *operation));
            }
            vec![result(
                step.test_name(),
                *operation,
                verdict(check, Outcome::Unsupported),
            )]
        }
        Step::Skip { .. } => step.skipped().into_iter().collect(),
        Step::Run(scenario) => {
            let check = match (scenario.body, harness.world(), harness.simulator()) {
                (Body::Port(f) | Body::Live(f), _, _) => f(port).await,
                (Body::World(f), Some(world), _) => f(port, world).await,
                (Body::Simulator(f), Some(world), Some(sim)) => f(sim, world).await,
                (Body::World(_), None, _) | (Body::Simulator(_), None, _) => {
                    Err("the harness serves no fixture world".to_owned())
                }
                (Body::Simulator(_), Some(_), None) => {
                    Err("the harness has no simulator".to_owned())
                }
            };
            let outcome = verdict(check, Outcome::Pass);
            scenario
                .operations()
                .map(|op| result(step.test_name(), op, outcome.clone()))
                .collect()
        }
    }
}

/// Runs every step that applies, one after the other on this one harness, and reports the
/// results.
///
/// A world's read scenarios run before its write scenarios, so one harness can serve them all.
/// [`crate::registry::Suite`] runs each step as a test of its own instead, each on a fresh harness.
pub async fn run(harness: &dyn Harness) -> Report {
    let port = harness.port();
    let steps = plan(
        port.capabilities(),
        harness.world(),
        harness.simulator().is_some(),
        false,
    );
    let mut scenarios = Vec::new();
    for step in &steps {
        scenarios.extend(execute(step, harness).await);
    }
    Report {
        provider: port.provider().to_owned(),
        mode: if harness.world().is_some() {
            Mode::Offline
        } else {
            Mode::Live
        },
        scenarios,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::world::Profile;

    fn all_native() -> Capabilities {
        Capabilities::new().native(&Operation::ALL)
    }

    fn names(steps: &[Step]) -> Vec<String> {
        steps.iter().map(Step::test_name).collect()
    }

    #[test]
    fn every_test_name_is_unique() {
        let all: Vec<String> = catalog().iter().map(Scenario::test_name).collect();
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "{all:?}");
    }

    #[test]
    fn an_unsupported_operation_is_only_checked_to_be_unsupported() {
        let caps = all_native().unsupported(Operation::CreateTag, "no tag resource here");
        let world = World::standard("acme", Profile::default());
        let steps = names(&plan(&caps, Some(&world), true, false));
        assert_eq!(steps[0], "createTag::declared_unsupported");
        assert!(!steps.iter().any(|s| s == "createTag::creates"));
        assert!(
            steps
                .iter()
                .any(|s| s == "listTickets::rejects_bad_credentials")
        );
        assert!(!steps.iter().any(|s| s.contains("live")));
    }

    const WHOLE_TICKET: [&str; 9] = [
        "listTickets::category_resolution_and_sla",
        "listTickets::filters_by_category",
        "getTicket::category_resolution_and_sla",
        "listComments::author_kinds",
        "listComments::attachments",
        "downloadAttachment::world_file_byte_for_byte",
        "addComment::with_attachment",
        "addComment::refuses_oversized_attachment",
        "createTicket::with_attachment",
    ];

    #[test]
    fn the_whole_ticket_scenarios_follow_the_profile_and_the_capabilities() {
        let world = World::standard("acme", Profile::default());
        let caps = all_native()
            .native(&[Operation::DownloadAttachment])
            .uploads(support_core::UploadLimits::none().per_file(10));
        let steps = names(&plan(&caps, Some(&world), true, false));
        for expected in WHOLE_TICKET {
            assert!(steps.iter().any(|s| s == expected), "{expected}: {steps:?}");
        }
        assert!(!steps.iter().any(|s| s.ends_with("::declared_unsupported")));

        // Knobs off, uploads and downloads not declared: only the declaration is checked.
        let bare = Profile {
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: crate::world::SlaClocks::NONE,
            author_kinds: false,
            attachments: false,
            ..Profile::default()
        };
        let world = World::standard("acme", bare.clone());
        let steps = names(&plan(&all_native(), Some(&world), true, false));
        for absent in WHOLE_TICKET {
            assert!(!steps.iter().any(|s| s == absent), "{absent}: {steps:?}");
        }
        assert!(
            steps
                .iter()
                .any(|s| s == "downloadAttachment::declared_unsupported")
        );

        // Uploads declared but the simulator serves no attachments: only the size check runs.
        let caps = all_native().uploads(support_core::UploadLimits::none().per_write(10));
        let steps = names(&plan(&caps, Some(&world), true, false));
        assert!(
            steps
                .iter()
                .any(|s| s == "addComment::refuses_oversized_attachment")
        );
        assert!(!steps.iter().any(|s| s == "addComment::with_attachment"));
    }

    #[tokio::test]
    async fn download_declared_unsupported_by_default_is_not_a_stub() {
        let port = crate::UnsupportedPort::new("acme");
        let step = Step::Unsupported {
            operation: Operation::DownloadAttachment,
            stubs_allowed: false,
        };
        struct Bare(std::sync::Arc<dyn SupportPort>);
        impl Harness for Bare {
            fn port(&self) -> std::sync::Arc<dyn SupportPort> {
                self.0.clone()
            }
            fn world(&self) -> Option<&World> {
                None
            }
            fn simulator(&self) -> Option<&dyn Simulator> {
                None
            }
        }
        let results = execute(&step, &Bare(std::sync::Arc::new(port))).await;
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].outcome, Outcome::Unsupported, "{results:?}");
    }

    #[test]
    fn without_a_simulator_the_transport_operations_are_skipped() {
        let world = World::standard("acme", Profile::default());
        let steps = plan(&all_native(), Some(&world), false, false);
        let skipped: Vec<String> = steps
            .iter()
            .filter(|s| s.skipped().is_some())
            .map(Step::test_name)
            .collect();
        assert_eq!(
            skipped,
            [
                "listTickets::transport",
                "getTicket::transport",
                "createTicket::transport",
                "addComment::transport"
            ]
        );
        assert!(!names(&steps).iter().any(|s| s.contains("throttling")));
    }

    #[test]
    fn live_runs_the_world_free_scenarios_and_skips_the_rest() {
        let steps = plan(&all_native(), None, false, false);
        let names = names(&steps);
        for expected in [
            "checkConnection::succeeds",
            "listTickets::live_pages",
            "createTicket::live_lifecycle",
            "listAgents::live",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        // The lifecycle covers these: they are not reported skipped.
        for covered in ["addComment::live", "closeTicket::live", "listTickets::live"] {
            assert!(!names.iter().any(|n| n == covered), "{covered}");
        }
        assert!(!names.iter().any(|n| n.ends_with("::paginates")));
    }
}
