//! Work that runs beside the server: one task per area, each with its own loop.

use std::sync::Arc;

use crate::startup::AppState;

/// Starts every background task of this instance.
pub fn spawn(state: Arc<AppState>) {
    crate::storage::spawn_temporary_sweeper(state.clone());
    crate::mail::worker::spawn(state.clone());
    crate::mail::digest::spawn(state.clone());
    tokio::spawn(crate::routes::jobs::closing::run(state.clone()));
}
