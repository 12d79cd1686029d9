//! The pages of `routes::email`.

mod compose;
mod outbox;
