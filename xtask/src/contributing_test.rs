//! CONTRIBUTING.md names only what exists: every backticked name, file and command, and every
//! command of its shell blocks, is looked up in the workspace, so a rename that leaves the
//! walk-through behind fails here.
//!
//! Names are looked up in the workspace's Rust sources and in the scaffold `new-provider acme`
//! writes (the walk-through uses `acme`), files in the repository and the scaffold, and commands
//! against xtask's own subcommands and flags and the workspace's crates. Paths outside the
//! repository (`../shared/...`) are not checked.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::{new_provider, paths};

/// The provider the walk-through scaffolds.
const EXAMPLE: &str = "acme";

/// What no longer exists and must not come back.
const GONE: &[&str] = &[
    "ENDPOINTS",
    "spawn_blocking",
    "ClientConfig",
    "install_fault",
];

/// The workspace as the checks see it.
struct Workspace {
    /// Rust sources of crates/ and xtask/, and every scaffold file rendered for `acme`.
    code: String,
    /// Repository files (relative, `/`-separated), and the scaffold's.
    files: BTreeSet<String>,
    /// xtask's own sources, for subcommands and flags.
    xtask: String,
}

impl Workspace {
    fn load() -> Self {
        let root = paths::workspace_root();
        let mut files = BTreeSet::new();
        let mut code = String::new();
        walk(&root, &root, &mut files, &mut code);
        let mut xtask = String::new();
        for file in files.iter().filter(|f| f.starts_with("xtask/src/")) {
            xtask.push_str(&fs::read_to_string(root.join(file)).unwrap_or_default());
        }
        // CI's script names the tools and variables the page's commands use.
        code.push_str(&fs::read_to_string(root.join(".ci/run")).unwrap_or_default());
        files.insert(format!("crates/support-{EXAMPLE}/src/generated.rs"));
        for (path, text) in new_provider::scaffold(EXAMPLE) {
            code.push_str(&text);
            code.push('\n');
            files.insert(path);
        }
        Self { code, files, xtask }
    }

    /// Whether `name` is declared as an item, a field, an enum variant or a crate.
    fn declares(&self, name: &str) -> bool {
        const KEYWORDS: [&str; 10] = [
            "fn ",
            "struct ",
            "enum ",
            "trait ",
            "type ",
            "const ",
            "static ",
            "mod ",
            "macro_rules! ",
            "pub ",
        ];
        let krate = format!("crates/{}/Cargo.toml", name.replace('_', "-"));
        self.files.contains(&krate)
            || KEYWORDS
                .iter()
                .any(|keyword| followed_by_boundary(&self.code, &format!("{keyword}{name}")))
            // Imported from a dependency (`serde::Serialize`).
            || followed_by_boundary(&self.code, &format!("::{name}"))
            || self.code.lines().any(|line| {
                line.trim_start().strip_prefix(name).is_some_and(|rest| {
                    [",", "(", " {", " =", ":"]
                        .iter()
                        .any(|p| rest.starts_with(p))
                })
            })
    }

    /// Whether `word` occurs in the code as a whole word.
    fn mentions(&self, word: &str) -> bool {
        followed_by_boundary(&self.code, word)
    }

    /// Whether a file (or directory) exists in the repository or the scaffold.
    fn has_file(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        if path.contains('/') {
            let scaffolded = format!("crates/support-{EXAMPLE}/{path}");
            let in_adapters = |p: &str| {
                ["zendesk", "freshdesk"]
                    .iter()
                    .any(|a| self.has_file_exactly(&format!("crates/support-{a}/{p}")))
            };
            self.has_file_exactly(path)
                || self.has_file_exactly(&scaffolded)
                || ((path.starts_with("src/") || path.starts_with("tests/")) && in_adapters(path))
        } else {
            self.files
                .iter()
                .any(|f| f == path || f.ends_with(&format!("/{path}")))
        }
    }

    fn has_file_exactly(&self, path: &str) -> bool {
        self.files
            .iter()
            .any(|f| f == path || f.starts_with(&format!("{path}/")))
    }
}

/// Collects files below `dir` (build output and VCS data aside), and the text of Rust sources.
fn walk(root: &Path, dir: &Path, files: &mut BTreeSet<String>, code: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" || name.starts_with('.') && name != ".ci" {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, files, code);
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        // This file spells wrong names on purpose.
        if rel.ends_with(".rs") && !rel.ends_with("contributing_test.rs") {
            code.push_str(&fs::read_to_string(&path).unwrap_or_default());
            code.push('\n');
        }
        files.insert(rel);
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `needle` occurs in `haystack` with no identifier character on either side.
fn followed_by_boundary(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        let starts_word = !needle.starts_with(is_ident_char) || !before.is_some_and(is_ident_char);
        starts_word && !after.is_some_and(is_ident_char)
    })
}

/// What the page mentions: inline code spans, and the lines of its shell blocks as commands.
#[derive(Debug, PartialEq)]
enum Mention {
    Code(String),
    Command(String),
}

fn mentions(markdown: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut fence: Option<String> = None;
    for line in markdown.lines() {
        if let Some(language) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(language.to_owned()),
            };
            continue;
        }
        match fence.as_deref() {
            Some("sh") if !line.trim().is_empty() && !line.trim_start().starts_with('#') => {
                found.push(Mention::Command(line.trim().to_owned()));
            }
            Some(_) => found.push(Mention::Code(line.trim().to_owned())),
            None => found.extend(
                line.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|span| Mention::Code(span.to_owned())),
            ),
        }
    }
    found
}

/// The problems with one mention; empty when everything it names exists.
fn check(ws: &Workspace, mention: &Mention) -> Vec<String> {
    let text = match mention {
        Mention::Code(text) | Mention::Command(text) => text
            .replace("<name>", EXAMPLE)
            .replace("<NAME>", &EXAMPLE.to_ascii_uppercase()),
    };
    let text = text.trim();
    let command = matches!(mention, Mention::Command(_)) || text.starts_with("cargo ");
    if command {
        return check_command(ws, text);
    }
    if text.starts_with("../") {
        return Vec::new();
    }
    let first = text.split_whitespace().next().unwrap_or_default();
    if ws.xtask.contains(&format!("name: \"{first}\"")) {
        return check_command(ws, &format!("cargo xtask {text}"));
    }
    if text.starts_with("SUPPORT_") || first.contains('=') {
        return check_env(ws, text);
    }
    let pathlike = !text.contains(' ')
        && !text.contains("::")
        && (text.contains('/')
            || [".rs", ".md", ".toml", ".yaml"]
                .iter()
                .any(|ext| text.ends_with(ext)));
    if pathlike {
        return if ws.has_file(text) {
            Vec::new()
        } else {
            vec![format!("no file `{text}`")]
        };
    }
    check_names(ws, text)
}

fn check_env(ws: &Workspace, text: &str) -> Vec<String> {
    let name = text.split('=').next().unwrap_or(text);
    let known = match name.strip_suffix('*') {
        Some(prefix) => ws.code.contains(prefix),
        None => ws.mentions(name),
    };
    if known {
        Vec::new()
    } else {
        vec![format!("no environment variable `{name}`")]
    }
}

/// Names in a code span: identifiers are looked up, the more strictly the more they look like code.
fn check_names(ws: &Workspace, text: &str) -> Vec<String> {
    // Header names and other hyphenated words are prose spelled in code font.
    if text.contains('-') && !text.contains("::") && !text.contains('(') {
        return if ws
            .code
            .to_ascii_lowercase()
            .contains(&text.to_ascii_lowercase())
        {
            Vec::new()
        } else {
            vec![format!("`{text}` appears nowhere in the code")]
        };
    }
    let codelike = text.contains("::") || text.contains('(') || text.contains('!');
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_ident_char) {
        let tail = &rest[start..];
        let end = tail.find(|c| !is_ident_char(c)).unwrap_or(tail.len());
        let token = &tail[..end];
        rest = &tail[end..];
        let placeholder = text[..text.len() - tail.len()].ends_with('<');
        if placeholder || token.len() < 2 || token.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let ok = if rest.starts_with('!') {
            followed_by_boundary(&ws.code, &format!("macro_rules! {token}"))
                || ws.code.contains(&format!("{token}!("))
        } else if rest.starts_with('*') {
            ws.code.contains(token)
        } else if token.starts_with(|c: char| c.is_ascii_uppercase())
            && token.chars().any(|c| c.is_ascii_lowercase())
            || token.contains('_') && token.chars().any(|c| c.is_ascii_lowercase())
            || codelike && token.chars().all(|c| c.is_ascii_lowercase())
        {
            ws.declares(token)
        } else {
            ws.mentions(token)
        };
        if !ok {
            problems.push(format!("`{token}` (in `{text}`) is not in the workspace"));
        }
    }
    problems
}

fn check_command(ws: &Workspace, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(assignment) = words.next_if(|w| w.contains('=') && !w.starts_with('-')) {
        problems.extend(check_env(ws, assignment));
    }
    if words.next() != Some("cargo") {
        return vec![format!("`{text}` is not a cargo command")];
    }
    let words: Vec<&str> = words.collect();
    if words.first() == Some(&"xtask") {
        let Some(subcommand) = words.get(1).filter(|w| **w != "...") else {
            return problems;
        };
        if !ws.xtask.contains(&format!("name: \"{subcommand}\"")) {
            problems.push(format!("no `cargo xtask {subcommand}`"));
        }
        for word in &words[2..] {
            let known = if word.starts_with("--") {
                ws.xtask.contains(&format!("\"{word}\""))
            } else if *word == "..." {
                true
            } else {
                ws.has_file_exactly_provider(word)
            };
            if !known {
                problems.push(format!("`{word}` in `{text}` is unknown"));
            }
        }
        return problems;
    }
    let mut words = words.iter();
    let mut after_separator = false;
    while let Some(word) = words.next() {
        match *word {
            "--" => after_separator = true,
            "-D" => {
                words.next();
            }
            "-p" => {
                let Some(krate) = words.next() else { break };
                if !ws.has_file_exactly(&format!("crates/{krate}/Cargo.toml"))
                    && !ws.has_file_exactly(&format!("{krate}/Cargo.toml"))
                {
                    problems.push(format!("no crate `{krate}`"));
                }
            }
            "--test" => {
                let Some(test) = words.next() else { break };
                if !ws.has_file(&format!("tests/{test}.rs")) {
                    problems.push(format!("no test target `{test}`"));
                }
            }
            filter if after_separator || !filter.starts_with('-') => {
                let subcommand = ["fmt", "clippy", "test", "doc", "build"].contains(&filter);
                if !subcommand && !filter.starts_with('-') && !ws.mentions(filter) {
                    problems.push(format!("no test or scenario `{filter}`"));
                }
            }
            _ => {}
        }
    }
    problems
}

impl Workspace {
    /// Whether a positional argument of xtask names a provider: one with a crate, or the example.
    fn has_file_exactly_provider(&self, name: &str) -> bool {
        name == EXAMPLE || self.has_file_exactly(&format!("crates/support-{name}/Cargo.toml"))
    }
}

fn contributing() -> String {
    fs::read_to_string(paths::workspace_root().join("CONTRIBUTING.md")).expect("CONTRIBUTING.md")
}

#[test]
fn every_name_in_contributing_exists() {
    let ws = Workspace::load();
    let found = mentions(&contributing());
    assert!(
        found.len() > 100,
        "CONTRIBUTING.md mentions only {} names",
        found.len()
    );
    let problems: Vec<String> = found.iter().flat_map(|m| check(&ws, m)).collect();
    assert!(
        problems.is_empty(),
        "CONTRIBUTING.md names what does not exist:\n{}",
        problems.join("\n")
    );
}

#[test]
fn contributing_mentions_nothing_that_is_gone() {
    let text = contributing();
    for gone in GONE {
        assert!(
            !text.contains(gone),
            "CONTRIBUTING.md still mentions `{gone}`"
        );
    }
}

/// The checks themselves catch what they are for.
#[test]
fn a_renamed_name_is_caught() {
    let ws = Workspace::load();
    for good in [
        "support_core::kit::ClientOptions",
        "support_core::client_option_setters!(options)",
        "LookupCache::get_or_load",
        "src/simulator/routes.rs",
        "SUPPORT_ACME_TOKEN",
        "Retry-After",
    ] {
        let problems = check(&ws, &Mention::Code(good.into()));
        assert!(problems.is_empty(), "{good}: {problems:?}");
    }
    for bad in [
        "support_core::kit::ClientSettings",
        "support_core::client_setters!(options)",
        "LookupCache::fetch_or_load",
        "src/simulator/endpoints.rs",
        "SUPPORT_ACME_PASSWORD",
        "ENDPOINTS",
    ] {
        assert!(
            !check(&ws, &Mention::Code(bad.into())).is_empty(),
            "{bad} passed"
        );
    }
    for good in [
        "cargo xtask conformance acme --live",
        "SUPPORT_ACME_TOKEN=x cargo test -p support-acme --test conformance paginates",
    ] {
        let problems = check(&ws, &Mention::Command(good.into()));
        assert!(problems.is_empty(), "{good}: {problems:?}");
    }
    for bad in [
        "cargo xtask new-adapter acme",
        "cargo xtask conformance acme --verbose",
        "cargo test -p support-nothing",
        "cargo test -p support-acme --test conformance no_such_scenario",
    ] {
        assert!(
            !check(&ws, &Mention::Command(bad.into())).is_empty(),
            "{bad} passed"
        );
    }
}
