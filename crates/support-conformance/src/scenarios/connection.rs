//! The connection check.

use support_core::{CanonicalId, ObjectKind, SupportPort};

use super::{Check, fail};

/// The connection check succeeds and names the provider, whose name is valid in canonical ids.
pub async fn check_connection(port: &dyn SupportPort) -> Check {
    let info = port
        .check_connection()
        .await
        .or_else(|e| fail("checkConnection", e))?;
    ensure!(
        info.provider == port.provider(),
        "checkConnection names provider {:?}",
        info.provider
    );
    ensure!(
        CanonicalId::try_new(port.provider(), ObjectKind::Ticket, "1").is_ok(),
        "the provider name {:?} is not valid in canonical ids",
        port.provider()
    );
    Ok(())
}
