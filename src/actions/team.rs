//! A company's team: invitations.

use diesel::QueryResult;

use crate::config::PerHour;
use crate::db::limits::{self, Limited};
use crate::db::outbox::{self, LinkKind, OutgoingEmail, Sender};
use crate::db::team::{self, By};
use crate::db::{self, AnyConnection, companies};
use crate::domain::CompanyRole;

/// `INVITATIONS_PER_HOUR` reached: nothing sent.
pub struct TooMany;

/// Invites `address` to the company as `role`: the invitation and its
/// e-mail with the one-time link, from the inviter (`inviter`, replies to
/// `reply_to`).
pub fn invite(
    c: &mut AnyConnection,
    by: By,
    company: i64,
    address: &str,
    role: CompanyRole,
    (inviter, reply_to): (&str, &str),
    limit: PerHour,
) -> QueryResult<Result<(), TooMany>> {
    db::transaction(c, |c| {
        if !limits::allows_more(c, Limited::Invitations, (by.user_id, Some(company)), limit, 1)? {
            return Ok(Err(TooMany));
        }
        let invite = team::invite(c, company, address, role, by)?;
        let company_name = companies::find(c, company)?.name;
        let text = format!(
            "Hello,\n\n{inviter} invites you to join {company_name} on JobConnect as {}.\n\nMake your account here (the link works for {} days):\n{}\n",
            role.label().to_lowercase(),
            team::INVITE_DAYS,
            outbox::LINK_HIDDEN,
        );
        let email = OutgoingEmail {
            to: address.to_string(),
            to_name: String::new(),
            subject: format!("Join {company_name} on JobConnect"),
            text,
            html: None,
            applicant_id: None,
            about_applicant_id: None,
        };
        let sender = Sender { name: Some(&company_name), reply_to: Some(reply_to) };
        outbox::enqueue_with_link(c, &email, &sender, LinkKind::TeamInvite, invite.id)?;
        Ok(Ok(()))
    })
}
