//! The `support` binary against the in-memory default and the Zendesk simulator (started in this
//! process; its URL and credentials reach the binary through environment variables, never argv).

use std::collections::HashSet;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use support::zendesk::simulator;

/// The binary with no settings at all: no settings file, no SUPPORT_* variables.
fn support(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_support"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("SUPPORT_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .timeout(std::time::Duration::from_secs(60));
    command
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// The `id` of every JSON line.
fn ids(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).expect("a JSON line");
            value["id"].as_str().expect("an id").to_owned()
        })
        .collect()
}

#[test]
fn tickets_list_defaults_to_the_fixture_world() {
    let home = home();
    support(home.path())
        .args(["tickets", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("memory:ticket:101").and(predicate::str::contains("subject")),
        );
    let output = support(home.path())
        .args(["tickets", "list", "--status", "open", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(!text.is_empty());
    for line in text.lines() {
        let ticket: Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(ticket["status"]["canonical"], "open");
    }
    let output = support(home.path())
        .args([
            "tickets",
            "list",
            "--limit",
            "2",
            "--format",
            "json",
            "--updated-since",
            "2020-01-01",
        ])
        .output()
        .expect("runs");
    assert_eq!(stdout(&output).lines().count(), 2);
    support(home.path())
        .args(["tickets", "list", "--status", "bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("open"));
}

#[test]
fn tickets_get_create_comment_close_on_the_memory_default() {
    let home = home();
    support(home.path())
        .args(["tickets", "get", "101"])
        .assert()
        .success()
        .stdout(predicate::str::contains("memory:ticket:101"));
    support(home.path())
        .args(["tickets", "get", "memory:ticket:101", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"id\":\"memory:ticket:101\""));
    support(home.path())
        .args(["tickets", "get", "999999"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("not found"));
    support(home.path())
        .args([
            "tickets",
            "create",
            "--subject",
            "Printer on fire",
            "--body",
            "Help",
            "--priority",
            "high",
            "--requester-email",
            "a@example.com",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Printer on fire"));
    support(home.path())
        .args(["tickets", "comment", "101", "--body", "On it", "--private"])
        .assert()
        .success()
        .stdout(predicate::str::contains("added comment"));
    support(home.path())
        .args([
            "tickets",
            "close",
            "102",
            "--comment",
            "Done",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"canonical\":\"closed\""));
}

#[test]
fn export_streams_every_ticket_to_stdout() {
    let home = home();
    let all = support(home.path())
        .args(["tickets", "list", "--limit", "1000", "--format", "json"])
        .output()
        .expect("runs");
    let expected = ids(&stdout(&all));
    let output = support(home.path())
        .args(["export", "--comments"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = stdout(&output);
    assert_eq!(ids(&text), expected);
    let first: Value = serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    assert!(first["comments"].is_array());
}

#[test]
fn a_resumed_export_neither_loses_nor_repeats_a_ticket() {
    let home = home();
    let full = support(home.path()).arg("export").output().expect("runs");
    let expected = ids(&stdout(&full));
    assert!(
        expected.len() > 5,
        "the fixture world has more than five tickets"
    );

    let file = home.path().join("tickets.jsonl");
    let file_arg = file.to_str().expect("UTF-8 path");
    // Stops inside a page (pages of 2, 5 tickets).
    support(home.path())
        .args([
            "export",
            "--output",
            file_arg,
            "--page-size",
            "2",
            "--max-tickets",
            "5",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("--resume"));
    let partial = std::fs::read_to_string(&file).expect("the output");
    assert_eq!(ids(&partial), expected[..5].to_vec());
    // An interruption mid-write: half a line after the last recorded page.
    std::fs::write(&file, format!("{partial}{{\"id\":\"memory:ticket:half")).expect("append");
    support(home.path())
        .args([
            "export",
            "--output",
            file_arg,
            "--page-size",
            "2",
            "--max-tickets",
            "8",
            "--resume",
        ])
        .assert()
        .success();
    support(home.path())
        .args([
            "export",
            "--output",
            file_arg,
            "--page-size",
            "3",
            "--resume",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "exported {} tickets",
            expected.len()
        )));
    let resumed = ids(&std::fs::read_to_string(&file).expect("the output"));
    assert_eq!(resumed, expected);
    assert_eq!(resumed.iter().collect::<HashSet<_>>().len(), resumed.len());
    // Complete: resuming again changes nothing.
    support(home.path())
        .args(["export", "--output", file_arg, "--resume"])
        .assert()
        .success()
        .stderr(predicate::str::contains("complete"));
    assert_eq!(
        ids(&std::fs::read_to_string(&file).expect("the output")),
        expected
    );
    // --resume needs --output (a usage error), and a state file.
    support(home.path())
        .args(["export", "--resume"])
        .assert()
        .code(2);
    let other = home.path().join("other.jsonl");
    support(home.path())
        .args([
            "export",
            "--output",
            other.to_str().expect("UTF-8"),
            "--resume",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("without --resume"));
}

#[test]
fn conformance_and_capabilities_on_the_memory_default() {
    let home = home();
    support(home.path())
        .arg("conformance")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("memory")
                .and(predicate::str::contains("conformance: "))
                .and(predicate::str::contains("0 failed")),
        );
    support(home.path())
        .args(["conformance", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"operation\":\"listTickets\""));
    support(home.path())
        .arg("capabilities")
        .assert()
        .success()
        .stdout(predicate::str::contains("listTickets").and(predicate::str::contains("native")));
    support(home.path())
        .args(["capabilities", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"support\":\"native\""));
    support(home.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok: memory"));
}

#[test]
fn bad_settings_exit_3_and_say_what_to_do() {
    let home = home();
    support(home.path())
        .env("SUPPORT_PROVIDER", "nodesk")
        .arg("check")
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("unknown provider `nodesk`")
                .and(predicate::str::contains("zendesk")),
        );
    support(home.path())
        .env("SUPPORT_PROVIDER", "zendesk")
        .arg("check")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("SUPPORT_ZENDESK_SUBDOMAIN"));
    let config = home.path().join("bad.toml");
    std::fs::write(&config, "provider = [1]\n").expect("write");
    support(home.path())
        .args([
            "--config",
            config.to_str().expect("UTF-8"),
            "tickets",
            "list",
        ])
        .assert()
        .code(3);
    support(home.path())
        .args([
            "--config",
            home.path().join("missing.toml").to_str().expect("UTF-8"),
            "check",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("cannot read"));
    support(home.path())
        .args(["--profile", "eu", "check"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--config"));
    support(home.path()).arg("frobnicate").assert().code(2);
}

#[test]
fn profiles_from_the_default_settings_file() {
    let home = home();
    let dir = home.path().join("config").join("support");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("config.toml"),
        "provider = \"memory\"\n\n[profiles.eu]\nprovider = \"zendesk\"\nsubdomain = \"acme\"\napi_token = \"tok-secret\"\nemail = \"a@acme.example\"\n",
    )
    .expect("write");
    // The file's default profile: an explicitly configured in-memory port starts empty.
    support(home.path())
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("provider: memory")
                .and(predicate::str::contains("config.toml")),
        );
    support(home.path())
        .args(["tickets", "list", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    support(home.path())
        .env("SUPPORT_PROFILE", "eu")
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("provider: zendesk")
                .and(predicate::str::contains("subdomain = acme"))
                .and(predicate::str::contains("tok-secret").not()),
        );
    support(home.path())
        .args(["--profile", "us", "check"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("eu"));
}

/// The Zendesk simulator serving its world (running while the returned server lives), and its URL.
fn zendesk() -> (
    tokio::runtime::Runtime,
    String,
    support::zendesk::simulator::Shared,
    Box<dyn std::any::Any>,
) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (server, shared) = runtime.block_on(simulator::start_server(simulator::zendesk_world()));
    let url = server.base_url();
    (runtime, url, shared, Box::new(server))
}

fn with_zendesk(command: &mut Command, url: &str, token: &str) {
    command
        .env("SUPPORT_PROVIDER", "zendesk")
        .env("SUPPORT_ZENDESK_BASE_URL", url)
        .env("SUPPORT_ZENDESK_EMAIL", simulator::EMAIL)
        .env("SUPPORT_ZENDESK_API_TOKEN", token);
}

#[test]
fn every_subcommand_against_the_zendesk_simulator() {
    let home = home();
    let (_runtime, url, _shared, _server) = zendesk();
    let run = |args: &[&str]| {
        let mut command = support(home.path());
        with_zendesk(&mut command, &url, simulator::TOKEN);
        command.args(args).assert()
    };
    run(&["check"])
        .success()
        .stdout(predicate::str::starts_with("ok: zendesk"));
    run(&["tickets", "list"])
        .success()
        .stdout(predicate::str::contains("zendesk:ticket:"));
    let listed = run(&["tickets", "list", "--format", "json", "--limit", "1000"]).success();
    let expected = ids(&String::from_utf8(listed.get_output().stdout.clone()).expect("UTF-8"));
    assert!(!expected.is_empty());
    let first = expected[0].clone();
    let bare = first.rsplit(':').next().expect("an id").to_owned();
    run(&["tickets", "get", &bare])
        .success()
        .stdout(predicate::str::contains(first.as_str()));
    run(&[
        "tickets",
        "create",
        "--subject",
        "From the CLI",
        "--body",
        "Hello",
        "--format",
        "json",
    ])
    .success()
    .stdout(predicate::str::contains("From the CLI"));
    run(&["tickets", "comment", &first, "--body", "A reply"]).success();
    run(&["tickets", "close", &first, "--comment", "Bye"]).success();
    run(&["capabilities"])
        .success()
        .stdout(predicate::str::contains("listTickets"));
    let exported = run(&["export", "--comments"]).success();
    let exported = ids(&String::from_utf8(exported.get_output().stdout.clone()).expect("UTF-8"));
    assert_eq!(
        exported.len(),
        exported.iter().collect::<HashSet<_>>().len()
    );
    assert!(exported.len() >= expected.len());
    run(&["config", "show"]).success().stdout(
        predicate::str::contains("api_token = ********")
            .and(predicate::str::contains(simulator::TOKEN).not()),
    );
}

#[test]
fn refused_credentials_exit_4_and_never_show() {
    let home = home();
    let (_runtime, url, _shared, _server) = zendesk();
    let mut command = support(home.path());
    with_zendesk(&mut command, &url, simulator::WRONG_TOKEN);
    command.arg("check").assert().code(4).stderr(
        predicate::str::contains("credentials")
            .and(predicate::str::contains(simulator::WRONG_TOKEN).not()),
    );
    let mut command = support(home.path());
    with_zendesk(&mut command, &url, simulator::WRONG_TOKEN);
    command.args(["tickets", "list"]).assert().code(4);
}

#[test]
fn offline_conformance_runs_the_configured_providers_simulator() {
    let home = home();
    support(home.path())
        .env("SUPPORT_PROVIDER", "zendesk")
        .arg("conformance")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("zendesk")
                .and(predicate::str::contains("mode: offline"))
                .and(predicate::str::contains("0 failed")),
        );
}

/// `--live` runs against the account the settings file configures, not only against what the
/// provider's environment variables would reach: with the file's refused token every cell fails
/// (rather than being skipped for want of variables), and the token is never shown.
#[test]
fn live_conformance_runs_against_the_configured_account() {
    let home = home();
    let (_runtime, url, _shared, _server) = zendesk();
    let file = home.path().join("live.toml");
    std::fs::write(
        &file,
        format!(
            "provider = \"zendesk\"\nbase_url = \"{url}\"\nemail = \"{}\"\napi_token = \"{}\"\n",
            simulator::EMAIL,
            simulator::WRONG_TOKEN
        ),
    )
    .expect("the settings file");
    let output = support(home.path())
        .arg("--config")
        .arg(&file)
        .args(["conformance", "--live"])
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(6), "{text}");
    assert!(
        text.contains("mode: live") && text.contains("FAIL"),
        "{text}"
    );
    assert!(!text.contains(simulator::WRONG_TOKEN), "{text}");
}
