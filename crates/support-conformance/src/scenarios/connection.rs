//! The connection check.

use support_core::SupportPort;

use super::{Check, fail};

/// The connection check succeeds and names the provider.
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
    Ok(())
}
