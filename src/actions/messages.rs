//! Messages between an application's seeker and the company's team.

use diesel::QueryResult;

use crate::config::Settings;
use crate::db::limits::{self, Limited};
use crate::db::messages::{self, Participant, Thread};
use crate::db::notifications::{self, NewNotification};
use crate::db::{self, AnyConnection, applicants};
use crate::domain::NotificationKind;
use crate::format::excerpt;
use crate::realtime::{Hub, presence};

/// Who writes, and on which side of the thread.
pub struct Sender {
    pub id: i64,
    pub name: String,
    pub seeker_side: bool,
}

/// `MESSAGES_PER_HOUR` reached: nothing stored.
pub struct TooMany;

/// Stores a message with its notifications, the timeline line, and e-mails
/// for whoever of the other side is not online; the thread is read up to it
/// by the sender (who has read what they reply to). Returns the users whose
/// pages should be woken.
pub fn send(
    c: &mut AnyConnection,
    hub: &Hub,
    settings: &Settings,
    thread: &Thread,
    sender: &Sender,
    body: &str,
) -> QueryResult<Result<Vec<i64>, TooMany>> {
    db::transaction(c, |c| {
        if !limits::allows(c, Limited::Messages, sender.id, settings.limits.messages_per_hour)? {
            return Ok(Err(TooMany));
        }
        let company_side = messages::company_side(c, thread)?;
        let seeker_side = messages::seeker_side(c, thread)?;
        let other_side: &[Participant] = if sender.seeker_side { &company_side } else { &seeker_side };
        let recipients: Vec<&Participant> = other_side.iter().filter(|p| p.id != sender.id).collect();

        let message = messages::insert(c, thread, sender.id, sender.seeker_side, body)?;
        let excerpt = excerpt(body, 160);
        let link = thread.link(!sender.seeker_side);
        let from = if sender.seeker_side { &thread.applicant_name } else { &thread.company_name };
        let title = format!("New message from {from}");
        let data = serde_json::json!({"applicant_id": thread.applicant_id, "message_id": message.id}).to_string();
        for person in &recipients {
            notifications::create(
                c,
                &NewNotification {
                    user_id: person.id,
                    kind: NotificationKind::Message,
                    title: &title,
                    body: &excerpt,
                    link: &link,
                    data: data.clone(),
                },
            )?;
        }
        let line = format!("{}: {}", sender.name, excerpt);
        applicants::record_event(c, thread.applicant_id, Some(sender.id), "message", &line, None)?;

        let ids: Vec<i64> = recipients.iter().map(|p| p.id).collect();
        let online = presence::online_among(hub, c, &ids)?;
        for person in recipients.iter().filter(|p| !online.contains(&p.id)) {
            crate::mail::notices::new_message(c, settings, message.id, person.id)?;
        }

        messages::settle_thread(c, thread, sender.id, sender.seeker_side)?;

        let mut wake: Vec<i64> = company_side.iter().chain(seeker_side.iter()).map(|p| p.id).collect();
        wake.push(sender.id);
        wake.sort_unstable();
        wake.dedup();
        Ok(Ok(wake))
    })
}
