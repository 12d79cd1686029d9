//! Actions: the writes that span several tables, each one transaction.
//! An action answers `QueryResult<Result<Done, Refused>>`: the outer error
//! is a fault, the inner one a refusal the person is told about; either way
//! nothing is written. Handlers run actions inside `state.db.run` and, once
//! they have committed, poke the live hub and wake the outbox with what the
//! action returned (Lemmy's api_crud habit: the handler is HTTP, the action
//! is the change).

pub mod account;
pub mod admin;
pub mod applications;
pub mod interviews;
pub mod jobs;
pub mod mail;
pub mod messages;
pub mod people;
pub mod pipeline;
pub mod scorecards;
pub mod team;

use diesel::QueryResult;

use crate::db::AnyConnection;
use crate::db::notifications::{self, NewNotification};
use crate::domain::NotificationKind;

/// A notification for the employers of a company.
pub struct Notice<'a> {
    pub kind: NotificationKind,
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub data: String,
}

/// Tells every active employer of `company_id` (the people e-mails about its
/// applicants go to too, `db::users::active_employers`). Returns whom, to
/// poke after the commit.
pub fn tell_employers(c: &mut AnyConnection, company_id: i64, notice: &Notice) -> QueryResult<Vec<i64>> {
    let employers: Vec<i64> = crate::db::users::active_employers(c, company_id)?.into_iter().map(|u| u.id).collect();
    for &user_id in &employers {
        notifications::create(
            c,
            &NewNotification {
                user_id,
                kind: notice.kind,
                title: notice.title,
                body: notice.body,
                link: notice.link,
                data: notice.data.clone(),
            },
        )?;
    }
    Ok(employers)
}
