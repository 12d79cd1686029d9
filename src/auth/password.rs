//! bcrypt hashing and checking, off the async threads.

use crate::error::AppError;

pub async fn hash(password: String, cost: u32) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || bcrypt::non_truncating_hash(password, cost))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// Checks a password against a stored hash. With no hash (unknown user) it
/// still spends the time of one check at `cost`, so timing does not reveal
/// who has an account.
pub async fn verify(password: String, stored: Option<String>, cost: u32) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => bcrypt::non_truncating_verify(password, &hash).unwrap_or(false),
        None => {
            let _ = bcrypt::non_truncating_verify(password, dummy_hash(cost));
            false
        }
    })
    .await
    .map_err(AppError::internal)
}

fn dummy_hash(cost: u32) -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = hex::encode(rand::random::<[u8; 16]>());
        bcrypt::hash(secret, cost).expect("bcrypt works")
    })
}
