//! The portal's own e-mails. Each has a text and an HTML part (askama,
//! `templates/mail/<name>.txt` and `.html`), and a function that queues it.
//!
//! The functions take the caller's connection, so the e-mail is queued in the
//! same transaction as the change that causes it, and plain ids, so callers
//! need to gather nothing. They return the outbox ids. After the commit,
//! `state.outbox.wake()` sends at once (otherwise within a second).
//!
//! Adding an e-mail (a job-alert digest, say): a data struct, two templates
//! extending `email/layout.html` / plain text, two template structs via
//! `notice!`, and a function that loads the data and calls `queue`.

use askama::Template;
use diesel::prelude::*;

use crate::config::Settings;
use crate::db::outbox::{self, LinkKind, OutgoingEmail};
use crate::db::schema::{companies, jobs, messages, users};
use crate::db::{AnyConnection, applicants::Applicant, users::User};
use crate::domain::{Role, Stage};

/// What every HTML part's layout shows.
pub struct Site<'a> {
    pub base_url: &'a str,
}

/// Declares the text and HTML template structs of one e-mail over its data struct.
macro_rules! notice {
    ($data:ident, $text:ident, $html:ident, $text_path:literal, $html_path:literal) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            m: &'a $data,
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            m: &'a $data,
            site: Site<'a>,
        }
    };
}

/// A template that failed to render is a bug; it aborts the caller's transaction.
fn render_error(e: askama::Error) -> diesel::result::Error {
    tracing::error!(error = %e, "an e-mail template failed to render");
    diesel::result::Error::QueryBuilderError(Box::new(e))
}

/// One line, safe for a subject: control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// Which applicant an e-mail concerns: the one it is written to (their page
/// lists it), or one it names in a notice to someone else (it is erased with
/// them all the same).
#[derive(Debug, Clone, Copy)]
enum Concerns {
    Nobody,
    WrittenTo(i64),
    About(i64),
}

fn queue(
    c: &mut AnyConnection,
    to: &str,
    to_name: &str,
    subject: &str,
    text: Result<String, askama::Error>,
    html: Result<String, askama::Error>,
    concerns: Concerns,
) -> QueryResult<i64> {
    let (applicant_id, about_applicant_id) = match concerns {
        Concerns::Nobody => (None, None),
        Concerns::WrittenTo(id) => (Some(id), None),
        Concerns::About(id) => (None, Some(id)),
    };
    let email = OutgoingEmail {
        to: one_line(to),
        to_name: one_line(to_name),
        subject: one_line(subject),
        text: text.map_err(render_error)?,
        html: Some(html.map_err(render_error)?),
        applicant_id,
        about_applicant_id,
    };
    outbox::enqueue(c, &email)
}

fn site(settings: &Settings) -> Site<'_> {
    Site { base_url: settings.base_url.trim_end_matches('/') }
}

/// The title of the applicant's job, or the position they were added for.
fn job_title(c: &mut AnyConnection, applicant: &Applicant) -> QueryResult<String> {
    let title = match applicant.job_id {
        Some(id) => jobs::table.find(id).select(jobs::title).first::<String>(c).optional()?,
        None => None,
    };
    Ok(title.unwrap_or_else(|| {
        if applicant.position.is_empty() { "a position".into() } else { applicant.position.clone() }
    }))
}

fn company_name(c: &mut AnyConnection, company_id: i64) -> QueryResult<String> {
    companies::table.find(company_id).select(companies::name).first(c)
}

/// The seeker's account behind an application, when it is active.
fn seeker_of(c: &mut AnyConnection, applicant: &Applicant) -> QueryResult<Option<User>> {
    let Some(id) = applicant.seeker_id else { return Ok(None) };
    let user = users::table.find(id).select(User::as_select()).first(c).optional()?;
    Ok(user.filter(|u| u.is_active))
}

// ---- application received -------------------------------------------------

pub struct ReceivedBySeeker {
    pub name: String,
    pub job: String,
    pub company: String,
    pub link: String,
}
notice!(
    ReceivedBySeeker,
    ReceivedBySeekerText,
    ReceivedBySeekerHtml,
    "mail/application_received_seeker.txt",
    "mail/application_received_seeker.html"
);

pub struct ReceivedByEmployer {
    pub name: String,
    pub applicant: String,
    pub job: String,
    pub company: String,
    pub link: String,
}
notice!(
    ReceivedByEmployer,
    ReceivedByEmployerText,
    ReceivedByEmployerHtml,
    "mail/application_received_employer.txt",
    "mail/application_received_employer.html"
);

/// A new application: a confirmation to the seeker (applications made on the
/// portal) and a notice to each active employer of the company.
pub fn application_received(c: &mut AnyConnection, settings: &Settings, applicant_id: i64) -> QueryResult<Vec<i64>> {
    let applicant = crate::db::applicants::find(c, applicant_id)?;
    let job = job_title(c, &applicant)?;
    let company = company_name(c, applicant.company_id)?;
    let mut queued = Vec::new();
    if let Some(seeker) = seeker_of(c, &applicant)? {
        let m = ReceivedBySeeker {
            name: seeker.name().to_string(),
            job: job.clone(),
            company: company.clone(),
            link: format!("{}/applications", site(settings).base_url),
        };
        let subject = format!("Your application for {} at {}", m.job, m.company);
        let text = ReceivedBySeekerText { m: &m }.render();
        let html = ReceivedBySeekerHtml { m: &m, site: site(settings) }.render();
        queued.push(queue(c, &seeker.email, seeker.name(), &subject, text, html, Concerns::WrittenTo(applicant.id))?);
    }
    for employer in crate::db::users::active_employers(c, applicant.company_id)? {
        let m = ReceivedByEmployer {
            name: employer.name().to_string(),
            applicant: applicant.name.clone(),
            job: job.clone(),
            company: company.clone(),
            link: format!("{}/applicants/{}", site(settings).base_url, applicant.id),
        };
        let subject = format!("New application: {} for {}", m.applicant, m.job);
        let text = ReceivedByEmployerText { m: &m }.render();
        let html = ReceivedByEmployerHtml { m: &m, site: site(settings) }.render();
        queued.push(queue(c, &employer.email, employer.name(), &subject, text, html, Concerns::About(applicant.id))?);
    }
    Ok(queued)
}

// ---- stage changed ----------------------------------------------------------

pub struct StageChanged {
    pub name: String,
    pub job: String,
    pub company: String,
    pub stage: Stage,
    pub link: String,
}
notice!(StageChanged, StageChangedText, StageChangedHtml, "mail/stage_changed.txt", "mail/stage_changed.html");

/// The application moved to `stage`: tells the seeker (only applications made
/// on the portal have one; candidates added by hand get nothing), naming the
/// stage's category only, never a step or a reason, and writes it on the
/// timeline. Returns the outbox id, or None when no e-mail was due.
pub fn stage_changed(
    c: &mut AnyConnection,
    settings: &Settings,
    applicant_id: i64,
    stage: Stage,
    actor_id: i64,
) -> QueryResult<Option<i64>> {
    let applicant = crate::db::applicants::find(c, applicant_id)?;
    let Some(seeker) = seeker_of(c, &applicant)? else { return Ok(None) };
    let m = StageChanged {
        name: seeker.name().to_string(),
        job: job_title(c, &applicant)?,
        company: company_name(c, applicant.company_id)?,
        stage,
        link: format!("{}/applications/{}", site(settings).base_url, applicant.id),
    };
    let subject = match stage {
        Stage::Rejected => format!("Your application for {} at {}", m.job, m.company),
        _ => format!("Your application for {}: {}", m.job, stage.label()),
    };
    let text = StageChangedText { m: &m }.render();
    let html = StageChangedHtml { m: &m, site: site(settings) }.render();
    let outbox_id = queue(c, &seeker.email, seeker.name(), &subject, text, html, Concerns::WrittenTo(applicant.id))?;
    crate::db::applicants::record_event(c, applicant.id, Some(actor_id), "email", &subject, Some(outbox_id))?;
    Ok(Some(outbox_id))
}

// ---- job closed -------------------------------------------------------------

pub struct JobClosed {
    pub name: String,
    pub job: String,
    pub company: String,
    pub link: String,
}
notice!(JobClosed, JobClosedText, JobClosedHtml, "mail/job_closed.txt", "mail/job_closed.html");

/// The employer closed a job and chose to tell its open applicants: each
/// one not withdrawn, still open and with an address gets an e-mail, and
/// their timeline says so (with the e-mail's delivery state). Returns how
/// many were told.
pub fn job_closed(c: &mut AnyConnection, settings: &Settings, job_id: i64, actor_id: i64) -> QueryResult<usize> {
    let job = crate::db::jobs::find(c, job_id)?;
    let company = company_name(c, job.company_id)?;
    let mut told = 0;
    for applicant in crate::db::applicants::open_of_job(c, job_id)? {
        let (email, name) = match seeker_of(c, &applicant)? {
            Some(seeker) => (seeker.email.clone(), seeker.name().to_string()),
            None if applicant.seeker_id.is_none() && !applicant.email.is_empty() => {
                (applicant.email.clone(), applicant.name.clone())
            }
            None => continue,
        };
        let m = JobClosed {
            name,
            job: job.title.clone(),
            company: company.clone(),
            link: format!("{}/jobs", site(settings).base_url),
        };
        let subject = format!("{} at {} has closed", m.job, m.company);
        let text = JobClosedText { m: &m }.render();
        let html = JobClosedHtml { m: &m, site: site(settings) }.render();
        let outbox_id = queue(c, &email, &m.name, &subject, text, html, Concerns::WrittenTo(applicant.id))?;
        crate::db::applicants::record_event(c, applicant.id, Some(actor_id), "email", &subject, Some(outbox_id))?;
        told += 1;
    }
    Ok(told)
}

// ---- new message while offline ---------------------------------------------

pub struct NewMessage {
    pub name: String,
    pub sender: String,
    pub job: String,
    pub company: String,
    pub excerpt: String,
    pub link: String,
}
notice!(NewMessage, NewMessageText, NewMessageHtml, "mail/new_message.txt", "mail/new_message.html");

/// Longest part of a message quoted in the e-mail.
const EXCERPT_CHARS: usize = 400;

/// A message of an application's thread for `recipient_id`, who is not online
/// (the caller decides who the other party is and whether they are offline).
/// Returns None when the recipient has no active account.
pub fn new_message(
    c: &mut AnyConnection,
    settings: &Settings,
    message_id: i64,
    recipient_id: i64,
) -> QueryResult<Option<i64>> {
    let (applicant_id, sender_id, body): (i64, Option<i64>, String) = messages::table
        .find(message_id)
        .select((messages::applicant_id, messages::sender_id, messages::body))
        .first(c)?;
    let Some(recipient) = users::table.find(recipient_id).select(User::as_select()).first(c).optional()? else {
        return Ok(None);
    };
    if !recipient.is_active {
        return Ok(None);
    }
    let applicant = crate::db::applicants::find(c, applicant_id)?;
    let company = company_name(c, applicant.company_id)?;
    let sender = match sender_id {
        Some(id) => users::table.find(id).select(User::as_select()).first(c).optional()?,
        None => None,
    };
    let sender = match sender {
        Some(u) if u.role == Role::Seeker => u.name().to_string(),
        Some(u) => format!("{} ({company})", u.name()),
        None => company.clone(),
    };
    let mut excerpt: String = body.chars().take(EXCERPT_CHARS).collect();
    if body.chars().count() > EXCERPT_CHARS {
        excerpt.push('…');
    }
    let m = NewMessage {
        name: recipient.name().to_string(),
        sender,
        job: job_title(c, &applicant)?,
        company,
        excerpt,
        link: match applicant.seeker_id == Some(recipient.id) {
            true => format!("{}/applications/{applicant_id}/messages", site(settings).base_url),
            false => format!("{}/applicants/{applicant_id}/messages", site(settings).base_url),
        },
    };
    let subject = format!("New message from {} about {}", m.sender, m.job);
    let text = NewMessageText { m: &m }.render();
    let html = NewMessageHtml { m: &m, site: site(settings) }.render();
    // Tied to the applicant only when the e-mail goes to the applicant.
    let to_applicant = applicant.seeker_id == Some(recipient.id);
    let concerns = if to_applicant { Concerns::WrittenTo(applicant.id) } else { Concerns::About(applicant.id) };
    queue(c, &recipient.email, recipient.name(), &subject, text, html, concerns).map(Some)
}

// ---- one-time links: password reset, e-mail confirmation ----------------------

/// An e-mail whose link is made only when it is sent (`mail::LINK_HIDDEN`
/// stands in its place in the stored text).
pub struct LinkNotice {
    pub name: String,
    pub link: &'static str,
    pub minutes: i64,
}
notice!(LinkNotice, PasswordResetText, PasswordResetHtml, "mail/password_reset.txt", "mail/password_reset.html");
notice!(LinkNotice, ConfirmEmailText, ConfirmEmailHtml, "mail/confirm_email.txt", "mail/confirm_email.html");

fn link_notice(user: &User, kind: LinkKind) -> LinkNotice {
    LinkNotice { name: user.name().to_string(), link: outbox::LINK_HIDDEN, minutes: kind.valid_for().whole_minutes() }
}

fn queue_link(
    c: &mut AnyConnection,
    user: &User,
    subject: &str,
    kind: LinkKind,
    text: Result<String, askama::Error>,
    html: Result<String, askama::Error>,
) -> QueryResult<i64> {
    let email = OutgoingEmail {
        to: one_line(&user.email),
        to_name: one_line(user.name()),
        subject: subject.into(),
        text: text.map_err(render_error)?,
        html: Some(html.map_err(render_error)?),
        applicant_id: None,
        about_applicant_id: None,
    };
    outbox::enqueue_with_link(c, &email, &outbox::Sender::default(), kind, user.id)
}

/// A link to choose a new password.
pub fn password_reset(c: &mut AnyConnection, settings: &Settings, user: &User) -> QueryResult<i64> {
    let m = link_notice(user, LinkKind::PasswordReset);
    let text = PasswordResetText { m: &m }.render();
    let html = PasswordResetHtml { m: &m, site: site(settings) }.render();
    queue_link(c, user, "Reset your JobConnect password", LinkKind::PasswordReset, text, html)
}

/// A link that confirms a new account's e-mail address (and logs it in).
pub fn confirm_email(c: &mut AnyConnection, settings: &Settings, user: &User) -> QueryResult<i64> {
    let m = link_notice(user, LinkKind::ConfirmEmail);
    let text = ConfirmEmailText { m: &m }.render();
    let html = ConfirmEmailHtml { m: &m, site: site(settings) }.render();
    queue_link(c, user, "Confirm your JobConnect account", LinkKind::ConfirmEmail, text, html)
}

pub struct PasswordChanged {
    pub name: String,
    /// How: "on your account page" or "with an e-mailed link".
    pub how: &'static str,
    pub forgot: String,
}
notice!(
    PasswordChanged,
    PasswordChangedText,
    PasswordChangedHtml,
    "mail/password_changed.txt",
    "mail/password_changed.html"
);

/// The account's password was changed: its owner hears of it, so a change
/// they did not make does not go unnoticed.
pub fn password_changed(
    c: &mut AnyConnection,
    settings: &Settings,
    user: &User,
    how: &'static str,
) -> QueryResult<i64> {
    let m = PasswordChanged {
        name: user.name().to_string(),
        how,
        forgot: format!("{}/password/forgot", site(settings).base_url),
    };
    let text = PasswordChangedText { m: &m }.render();
    let html = PasswordChangedHtml { m: &m, site: site(settings) }.render();
    queue(c, &user.email, user.name(), "Your JobConnect password was changed", text, html, Concerns::Nobody)
}

pub struct AlreadyRegistered {
    pub name: String,
    pub login: String,
    pub forgot: String,
}
notice!(
    AlreadyRegistered,
    AlreadyRegisteredText,
    AlreadyRegisteredHtml,
    "mail/already_registered.txt",
    "mail/already_registered.html"
);

const ALREADY_REGISTERED: &str = "You already have a JobConnect account";

/// How many "you already have an account" e-mails went to the user since `since`.
pub fn already_registered_since(
    c: &mut AnyConnection,
    user: &User,
    since: time::PrimitiveDateTime,
) -> QueryResult<i64> {
    outbox::queued_since(c, &user.email, ALREADY_REGISTERED, since)
}

/// Someone signed up with the address of an existing account: its owner hears
/// of it (the sign-up page answers the same as for a new address).
pub fn already_registered(c: &mut AnyConnection, settings: &Settings, user: &User) -> QueryResult<i64> {
    let base = site(settings).base_url;
    let m = AlreadyRegistered {
        name: user.name().to_string(),
        login: format!("{base}/login"),
        forgot: format!("{base}/password/forgot"),
    };
    let text = AlreadyRegisteredText { m: &m }.render();
    let html = AlreadyRegisteredHtml { m: &m, site: site(settings) }.render();
    queue(c, &user.email, user.name(), ALREADY_REGISTERED, text, html, Concerns::Nobody)
}

// ---- job-alert digest -----------------------------------------------------------

pub struct DigestJob {
    pub title: String,
    pub company: String,
    pub location: String,
    pub link: String,
}

pub struct JobAlertDigest {
    pub name: String,
    /// The search in words ("rust, remote").
    pub search: String,
    pub jobs: Vec<DigestJob>,
    /// How many new jobs match in all (the e-mail lists the first few).
    pub total: i64,
    pub search_link: String,
    pub alerts_link: String,
}
notice!(JobAlertDigest, JobAlertDigestText, JobAlertDigestHtml, "mail/job_alert.txt", "mail/job_alert.html");

impl JobAlertDigest {
    pub fn more(&self) -> i64 {
        self.total - self.jobs.len() as i64
    }
}

/// New jobs for a seeker's saved search.
pub fn job_alert_digest(
    c: &mut AnyConnection,
    settings: &Settings,
    user: &User,
    m: &JobAlertDigest,
) -> QueryResult<i64> {
    let subject = match m.total {
        1 => format!("1 new job for “{}”", m.search),
        n => format!("{n} new jobs for “{}”", m.search),
    };
    let text = JobAlertDigestText { m }.render();
    let html = JobAlertDigestHtml { m, site: site(settings) }.render();
    queue(c, &user.email, user.name(), &subject, text, html, Concerns::Nobody)
}
