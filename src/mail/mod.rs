//! E-mail: the outbox worker, the transports, the portal's own e-mails and
//! the placeholders of e-mails written by people.
//!
//! Every e-mail is an outbox row first (`db::outbox::enqueue`, or a function of
//! `notices` for the portal's own e-mails), inserted in the transaction of the
//! change that causes it. The worker (`worker`) sends it later through the
//! transport (`transport`: SMTP or `.eml` files), retrying with back-off.

pub mod calendar;
pub mod compose;
pub mod digest;
pub mod interviews;
pub mod links;
pub mod message;
pub mod notices;
pub mod smtp;
pub mod transport;
pub mod worker;

pub use worker::OutboxSignal;
