//! `cargo xtask <command>`: project automation (spec derivation, client generation, ...).
//!
//! Each subcommand lives in its own module exposing `pub fn run(args: &[String]) ->
//! Result<(), CliError>`; add it to [`COMMANDS`] to make it reachable.

mod bundle;
mod cli;
mod conformance;
#[cfg(test)]
mod contributing_test;
mod derive_spec;
mod fixups;
mod generate;
mod new_provider;
mod paths;
mod providers;
#[cfg(test)]
mod subset_test;
mod yaml;

use std::process::ExitCode;

use cli::CliError;

/// One subcommand.
struct Command {
    name: &'static str,
    usage: &'static str,
    about: &'static str,
    run: fn(&[String]) -> Result<(), CliError>,
}

/// Every subcommand.
const COMMANDS: &[Command] = &[
    Command {
        name: "conformance",
        usage: "conformance [provider...] [--live] [--json]",
        about: "run the conformance suite (offline against each provider's simulator, or --live against \
                the accounts named by SUPPORT_<PROVIDER>_* variables) and print the provider x operation \
                matrix (--json: one JSON object per cell); exits non-zero on any failure",
        run: conformance::run,
    },
    Command {
        name: "derive-spec",
        usage: "derive-spec [provider] [--check]",
        about: "derive specs/<provider>.yaml from ../shared/vendor-specs/<provider>/, for every \
                provider of xtask/src/providers.rs when none is given \
                (--check: fail if a committed spec is stale)",
        run: derive_spec::run,
    },
    Command {
        name: "generate",
        usage: "generate [--check] [provider]",
        about: "generate crates/support-<provider>/src/generated.rs from specs/<provider>.yaml, \
                for every provider when none is given (--check: fail if a committed file is stale)",
        run: generate::run,
    },
    Command {
        name: "new-provider",
        usage: "new-provider <name>",
        about: "scaffold crates/support-<name> and specs/<name>.yaml (a crate that builds and passes \
                conformance with every operation unsupported) and add it to the workspace; \
                see CONTRIBUTING.md",
        run: new_provider::run,
    },
];

fn usage() -> String {
    let mut text = String::from("usage: cargo xtask <command> [args]\n\ncommands:\n");
    for command in COMMANDS {
        text.push_str(&format!("  {}\n      {}\n", command.usage, command.about));
    }
    text.push_str(&format!("\nproviders: {}\n", providers::names()));
    text
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((name, rest)) = args.split_first() else {
        eprint!("{}", usage());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "help" | "-h" | "--help") {
        print!("{}", usage());
        return ExitCode::SUCCESS;
    }
    let Some(command) = COMMANDS.iter().find(|command| command.name == name) else {
        eprintln!("error: unknown command `{name}`\n");
        eprint!("{}", usage());
        return ExitCode::from(2);
    };
    match (command.run)(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("error: {message}\nusage: cargo xtask {}", command.usage);
            ExitCode::from(2)
        }
        Err(CliError::Failed(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
