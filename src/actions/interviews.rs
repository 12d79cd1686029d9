//! Interviews: times the company proposes, the candidate picks one, either
//! side's calendars follow (`mail::interviews::notify`).

use diesel::{OptionalExtension, QueryResult};

use crate::config::Settings;
use crate::db::interviews::{self, InterviewStatus, Proposal};
use crate::db::notifications::{self, NewNotification};
use crate::db::{self, AnyConnection, applicants};
use crate::domain::NotificationKind;
use crate::mail::interviews::{Notice, notify};

/// The interview asked for is cancelled already, or the time is no longer
/// on offer: nothing changed.
#[derive(Debug)]
pub struct Gone;

/// Proposes times for an applicant: a new interview, or (`existing`) other
/// times for one, whose time already in calendars is taken out of them
/// first. The candidate is asked to pick one. Not found: no such interview
/// of this applicant, or a cancelled one.
pub fn propose(
    c: &mut AnyConnection,
    settings: &Settings,
    actor: i64,
    applicant_id: i64,
    existing: Option<i64>,
    proposal: &Proposal,
) -> QueryResult<()> {
    db::transaction(c, |c| {
        let interview = match existing {
            Some(iid) => {
                let current = interviews::find(c, iid)?;
                if current.applicant_id != applicant_id || current.status == InterviewStatus::Cancelled {
                    return Err(diesel::result::Error::NotFound);
                }
                if current.status == InterviewStatus::Scheduled {
                    let cancelled = interviews::Interview { sequence: current.sequence + 1, ..current.clone() };
                    notify(c, settings, &cancelled, &[], Notice::Cancelled, actor)?;
                }
                interviews::repropose(c, iid, proposal)?
            }
            None => interviews::propose(c, applicant_id, actor, proposal)?,
        };
        let slots = interviews::of_applicant(c, applicant_id)?
            .into_iter()
            .find(|(i, _)| i.id == interview.id)
            .map(|(_, s)| s)
            .unwrap_or_default();
        notify(c, settings, &interview, &slots, Notice::PickATime, actor)
    })
}

/// Cancels an interview of the applicant; both sides are told.
pub fn cancel(
    c: &mut AnyConnection,
    settings: &Settings,
    actor: i64,
    applicant_id: i64,
    interview_id: i64,
) -> QueryResult<Result<(), Gone>> {
    db::transaction(c, |c| {
        if interviews::find(c, interview_id)?.applicant_id != applicant_id {
            return Err(diesel::result::Error::NotFound);
        }
        let Some(cancelled) = interviews::cancel(c, interview_id)? else { return Ok(Err(Gone)) };
        notify(c, settings, &cancelled, &[], Notice::Cancelled, actor)?;
        Ok(Ok(()))
    })
}

/// The seeker picks one of the times offered (`choice`: interview and slot;
/// `None` when the form named none): both sides get the calendar invite, the
/// interviewer a notification. Returns the interviewer, to poke. Not found:
/// not the seeker's application, or not its interview.
pub fn pick(
    c: &mut AnyConnection,
    settings: &Settings,
    seeker_id: i64,
    application_id: i64,
    choice: Option<(i64, i64)>,
) -> QueryResult<Result<Option<i64>, Gone>> {
    db::transaction(c, |c| {
        if applicants::find_for_seeker(c, application_id, seeker_id)?.is_none() {
            return Err(diesel::result::Error::NotFound);
        }
        let Some((interview_id, slot)) = choice else { return Ok(Err(Gone)) };
        if interviews::find(c, interview_id).optional()?.is_none_or(|i| i.applicant_id != application_id) {
            return Err(diesel::result::Error::NotFound);
        }
        let Some(scheduled) = interviews::pick(c, interview_id, slot)? else { return Ok(Err(Gone)) };
        notify(c, settings, &scheduled, &[], Notice::Scheduled, seeker_id)?;
        if let (Some(interviewer), Some(at)) = (scheduled.proposed_by, scheduled.starts_at) {
            notifications::create(
                c,
                &NewNotification {
                    user_id: interviewer,
                    kind: NotificationKind::Interview,
                    title: "An interview time was picked",
                    body: &crate::domain::zone::in_words(&at, &scheduled.timezone),
                    link: &format!("/applicants/{application_id}#interviews"),
                    data: serde_json::json!({ "applicant_id": application_id, "interview_id": scheduled.id })
                        .to_string(),
                },
            )?;
        }
        Ok(Ok(scheduled.proposed_by))
    })
}
