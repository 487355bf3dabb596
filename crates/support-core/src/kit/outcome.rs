//! What a caller is told when an answer cannot be handed back as it stands: a write applied whose
//! result cannot be read, a read answered about another object.

use crate::{CanonicalId, Error, ErrorKind, Operation};

/// `Ok` when the object a read answered with is the one it asked for (`asked`, the provider's own
/// id); else [`ErrorKind::Decode`] saying which was asked and which came back (`asked for ticket 7,
/// Zendesk answered ticket 8`), never the other object. `provider_name` is how messages name the
/// provider.
pub fn answered_as_asked(
    provider: &'static str,
    provider_name: &str,
    operation: Operation,
    asked: &str,
    answered: &CanonicalId,
) -> Result<(), Error> {
    if answered.external_id() == asked {
        return Ok(());
    }
    Err(Error::new(ErrorKind::Decode, provider)
        .with_operation(operation)
        .with_message(format!(
            "asked for {kind} {asked}, {provider_name} answered {kind} {}",
            answered.external_id(),
            kind = answered.kind(),
        )))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjectKind;

    #[test]
    fn an_answer_about_another_object_is_refused() {
        let seven = CanonicalId::numeric("acme", ObjectKind::Ticket, 7);
        assert!(answered_as_asked("acme", "Acme", Operation::GetTicket, "7", &seven).is_ok());
        let error =
            answered_as_asked("acme", "Acme", Operation::GetTicket, "8", &seven).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Decode);
        assert_eq!(error.operation(), Some(Operation::GetTicket));
        assert!(
            error
                .to_string()
                .contains("asked for ticket 8, Acme answered ticket 7"),
            "{error}"
        );
    }
}
