//! Hand-rolled argument handling shared by the subcommands.

use std::fmt;

/// Why a subcommand stopped.
#[derive(Debug)]
pub enum CliError {
    /// Bad invocation: the usage text is printed and the exit code is 2.
    Usage(String),
    /// The command ran and failed: the message is printed and the exit code is 1.
    Failed(anyhow::Error),
}

impl CliError {
    /// A usage error with this message.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        Self::Failed(error)
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        Self::Failed(error.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(message) => f.write_str(message),
            Self::Failed(error) => write!(f, "{error:#}"),
        }
    }
}

/// A subcommand's arguments: positionals plus `--flag`s from a fixed list.
#[derive(Debug)]
pub struct Args {
    positional: Vec<String>,
    flags: Vec<String>,
}

impl Args {
    /// Splits `raw` into positionals and flags; a flag not in `known` is a usage error.
    pub fn parse(raw: &[String], known: &[&str]) -> Result<Self, CliError> {
        let mut args = Self {
            positional: Vec::new(),
            flags: Vec::new(),
        };
        for arg in raw {
            if arg.starts_with('-') {
                if !known.contains(&arg.as_str()) {
                    return Err(CliError::usage(format!("unknown option `{arg}`")));
                }
                args.flags.push(arg.clone());
            } else {
                args.positional.push(arg.clone());
            }
        }
        Ok(args)
    }

    /// Whether `--flag` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|flag| flag == name)
    }

    /// The positional arguments, in order.
    pub fn positional(&self) -> &[String] {
        &self.positional
    }
}
