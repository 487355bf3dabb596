//! What a caller is told when a write was applied but its result cannot be handed back.

use crate::{Error, ErrorKind, Operation};

/// The error for a write the provider applied (it answered with a success) whose result could not be
/// read or mapped, from the `error` reading it met: [`ErrorKind::OutcomeUnknown`], never an error a
/// caller could take for a failed write and repeat. The message says the write was applied and what
/// went wrong afterwards; `error` is kept as the source.
pub fn applied_but_unreadable(provider: &'static str, operation: Operation, error: Error) -> Error {
    if error.kind() == &ErrorKind::OutcomeUnknown {
        return error;
    }
    let what = error.to_string();
    Error::new(ErrorKind::OutcomeUnknown, provider)
        .with_operation(operation)
        .with_message(format!(
            "the provider applied the write, but its result could not be read ({what})"
        ))
        .with_source(error)
}
