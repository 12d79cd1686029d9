//! The e-mails of an interview: the invitation to pick a time, and once
//! picked the calendar invite (RFC 5545, `calendar`) to the candidate and the
//! interviewer; a change sends the updated invite, a cancellation its
//! cancellation. Queued in the transaction of the change, with a timeline line.

use diesel::QueryResult;

use super::calendar::{self, Invite, Method};
use crate::config::Settings;
use crate::db::interviews::{Interview, Slot};
use crate::db::outbox::{self, OutgoingEmail, Sender};
use crate::db::{AnyConnection, applicants, companies, jobs, users};
use crate::domain::zone::in_words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Times were proposed (or proposed anew): the candidate picks one.
    PickATime,
    /// The candidate picked: both get the invite.
    Scheduled,
    /// Cancelled: both get the cancellation (a plain word when no time was set).
    Cancelled,
}

/// Sends what `notice` calls for about `interview` (`slots`: its times, for
/// the invitation to pick) and writes it on the applicant's timeline.
pub fn notify(
    c: &mut AnyConnection,
    settings: &Settings,
    interview: &Interview,
    slots: &[Slot],
    notice: Notice,
    actor: i64,
) -> QueryResult<()> {
    let applicant = applicants::find(c, interview.applicant_id)?;
    let company = companies::find(c, applicant.company_id)?.name;
    let job = match applicant.job_id {
        Some(id) => jobs::find(c, id)?.title,
        None => applicant.position.clone(),
    };
    let interviewer = match interview.proposed_by {
        Some(id) => Some(users::find(c, id)?),
        None => None,
    };
    let base = settings.base_url.trim_end_matches('/');
    let zone = &interview.timezone;
    let mut to: Vec<(String, String)> = vec![(applicant.name.clone(), applicant.email.clone())];
    let (subject, text, method, detail) = match (notice, interview.starts_at) {
        (Notice::PickATime, _) => {
            let times: Vec<String> = slots.iter().map(|s| format!("- {}", in_words(&s.starts_at, zone))).collect();
            (
                format!("Pick a time for your interview: {job} at {company}"),
                format!(
                    "Hello {},\n\n{company} would like to meet you about {job} ({} minutes, {}). Pick the time that suits you:\n\n{}\n\n{base}/applications/{}\n",
                    applicant.name,
                    interview.duration_minutes,
                    interview.location,
                    times.join("\n"),
                    applicant.id
                ),
                None,
                format!(
                    "Times proposed: {}",
                    slots.iter().map(|s| in_words(&s.starts_at, zone)).collect::<Vec<_>>().join("; ")
                ),
            )
        }
        (Notice::Scheduled, Some(at)) => (
            format!("Interview: {job} at {company}, {}", in_words(&at, zone)),
            format!(
                "The interview about {job} at {company} is on {}, {} minutes, {}.\n\nThe invitation is attached for your calendar.\n",
                in_words(&at, zone),
                interview.duration_minutes,
                interview.location
            ),
            Some(Method::Request),
            format!("Scheduled for {}", in_words(&at, zone)),
        ),
        (Notice::Cancelled, Some(at)) => (
            format!("Cancelled: interview about {job} at {company}"),
            format!("The interview about {job} at {company} on {} is cancelled.\n", in_words(&at, zone)),
            Some(Method::Cancel),
            format!("Cancelled (was {})", in_words(&at, zone)),
        ),
        (Notice::Cancelled, None) | (Notice::Scheduled, None) => (
            format!("Cancelled: interview about {job} at {company}"),
            format!("The interview about {job} at {company} that was being arranged is cancelled.\n"),
            None,
            "Cancelled before a time was picked".to_string(),
        ),
    };
    // The interviewer hears of what goes into calendars.
    if let (Some(user), Some(_)) = (&interviewer, method) {
        to.push((user.name().to_string(), user.email.clone()));
    }
    let ics = method.zip(interview.starts_at).map(|(method, at)| {
        let organizer =
            interviewer.as_ref().map(|u| (format!("{} ({company})", u.name()), u.email.clone())).unwrap_or_else(|| {
                (
                    company.clone(),
                    crate::mail::transport::from_mailbox(settings)
                        .map(|m| m.email.to_string())
                        .unwrap_or_else(|_| settings.mail_from.clone()),
                )
            });
        calendar::ics(&Invite {
            uid: format!("interview-{}@{}", interview.id, host(base)),
            sequence: interview.sequence,
            method,
            starts_at: at,
            minutes: interview.duration_minutes,
            summary: format!("Interview: {job} at {company}"),
            location: interview.location.clone(),
            description: format!("{} and {company}, about {job}. {base}/applications/{}", applicant.name, applicant.id),
            organizer,
            attendees: vec![(applicant.name.clone(), applicant.email.clone())],
            stamp: crate::db::now(),
        })
    });
    let reply_to = interviewer.as_ref().map(|u| u.email.clone());
    for (name, email) in to.into_iter().filter(|(_, e)| !e.trim().is_empty()) {
        let email = OutgoingEmail {
            to: email,
            to_name: name,
            subject: subject.clone(),
            text: text.clone(),
            html: None,
            applicant_id: Some(applicant.id),
            about_applicant_id: None,
        };
        let sender = Sender { name: Some(&company), reply_to: reply_to.as_deref() };
        let id = outbox::enqueue_from(c, &email, &sender)?;
        if let Some(ics) = &ics {
            outbox::attach_calendar(c, id, ics)?;
        }
    }
    applicants::record_event(c, applicant.id, Some(actor), "interview", &detail, None)
}

/// The host of the site's address, for the invite's UID.
fn host(base: &str) -> &str {
    let rest = base.split("://").nth(1).unwrap_or(base);
    rest.split(['/', ':']).next().filter(|h| !h.is_empty()).unwrap_or("jobconnect")
}
