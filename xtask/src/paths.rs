//! Where things live, relative to the workspace root.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`), independent of the current directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// `shared/` is cloned beside the repository: `<workspace root>/../shared`.
pub fn shared_dir() -> PathBuf {
    workspace_root().join("..").join("shared")
}

/// `<shared>/vendor-specs/<provider>/`.
pub fn vendor_dir(provider: &str) -> PathBuf {
    shared_dir().join("vendor-specs").join(provider)
}

/// Workspace-relative path of a provider's derived spec.
pub fn spec_rel(provider: &str) -> String {
    format!("specs/{provider}.yaml")
}

/// Workspace-relative path of a provider's generated client.
pub fn generated_rel(provider: &str) -> String {
    format!("crates/support-{provider}/src/generated.rs")
}
