//! The command's errors: one line on stderr (what went wrong, what to do) and an exit code.

use support::{Error, ErrorKind};

/// The exit codes, documented in the crate README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 2: a bad argument (clap's own usage errors exit 2 too).
    Usage,
    /// 3: the settings (unknown provider, missing option, bad file or profile).
    Configuration,
    /// 4: the provider refused the credentials.
    Authentication,
    /// 5: the provider or the network failed, or refused the request.
    Provider,
    /// 6: a conformance cell failed.
    Conformance,
    /// 1: stdout or the output file could not be written (a closed pipe: no message).
    Quiet,
    /// 1: a local failure (the output file, the export's state file).
    Local,
}

impl Exit {
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Usage => 2,
            Exit::Configuration => 3,
            Exit::Authentication => 4,
            Exit::Provider => 5,
            Exit::Conformance => 6,
            Exit::Quiet | Exit::Local => 1,
        }
    }
}

/// A failure of the command: its exit code and its one-line message (never a secret).
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl CliError {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    /// A serialisation that cannot fail, failing.
    pub(crate) fn internal(error: impl std::fmt::Display) -> Self {
        Self::new(Exit::Local, format!("internal error: {error}"))
    }

    /// Writing to stdout failed: a closed pipe ends the command quietly.
    pub(crate) fn stdout(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Self::new(Exit::Quiet, String::new())
        } else {
            Self::new(Exit::Local, format!("cannot write to stdout: {error}"))
        }
    }

    /// An error of the connection check: which of account and credentials is wrong.
    pub(crate) fn from_check(error: &Error) -> Self {
        let (exit, what) = match error.kind() {
            ErrorKind::Unauthenticated => (
                Exit::Authentication,
                "the account answered but refused the credentials: check the token, e-mail or \
                 password variables (SUPPORT_<PROVIDER>_*)",
            ),
            ErrorKind::PermissionDenied => (
                Exit::Authentication,
                "the credentials are valid but may not read this account: use an agent or admin \
                 token",
            ),
            ErrorKind::NotFound | ErrorKind::Transport | ErrorKind::Timeout => (
                Exit::Provider,
                "the account could not be reached: check the account (subdomain, domain, \
                 base_url) and the network",
            ),
            ErrorKind::Configuration => (Exit::Configuration, CONFIGURATION_HINT),
            _ => (Exit::Provider, "the account answered with a failure"),
        };
        Self::new(exit, format!("connection check failed: {what} ({error})"))
    }
}

const CONFIGURATION_HINT: &str = "fix the settings: --config FILE, --profile NAME, or the \
     SUPPORT_PROVIDER and SUPPORT_<PROVIDER>_* variables; `support config show` prints them";

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        let exit = match error.kind() {
            ErrorKind::Configuration => Exit::Configuration,
            ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => Exit::Authentication,
            _ => Exit::Provider,
        };
        let message = if exit == Exit::Configuration {
            format!("{error}; {CONFIGURATION_HINT}")
        } else {
            error.to_string()
        };
        Self::new(exit, message)
    }
}
