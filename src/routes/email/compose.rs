//! Writing to applicants: one (`/applicants/{id}/email`) or a selection of
//! the list (`POST /applicants/email` with repeated `ids`). Write or start
//! from a template, preview with the placeholders filled, send. Sending queues
//! one e-mail per applicant and writes it on the applicant's timeline, in one
//! transaction.
//!
//! Who may: employers of the applicant's company, and admins. Anyone else, and
//! anyone asking for another company's applicant, gets a 404.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::path_id;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::email_templates::EmailTemplate;
use crate::db::outbox::{self, OutboxRow, Recipient};
use crate::domain::Email;
use crate::error::{AppError, AppResult};
use crate::mail::compose::{self, Placeholders};
use crate::mail::message::header_safe;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 20_000;
/// Largest selection written to at once.
const MAX_SELECTION: usize = 500;
/// E-mails listed under the form of one applicant.
const HISTORY: i64 = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ComposeForm {
    pub subject: String,
    pub body: String,
    pub template_id: String,
    /// `template` (fill from the chosen template), `preview`, `edit`, `send`;
    /// empty when a selection arrives from the applicant list.
    pub step: String,
    pub ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct TemplateQuery {
    template: Option<String>,
}

/// Everything a step needs, loaded for the user asking.
struct Context {
    /// Applicants with an e-mail address we can write to.
    recipients: Vec<Recipient>,
    /// Selected applicants left out for want of a valid address.
    skipped: Vec<Recipient>,
    templates: Vec<EmailTemplate>,
    history: Vec<OutboxRow>,
    /// `Some(id)` when writing to one applicant.
    single: Option<i64>,
}

impl Context {
    fn action(&self) -> String {
        match self.single {
            Some(id) => format!("/applicants/{id}/email"),
            None => "/applicants/email".into(),
        }
    }

    fn ids(&self) -> Vec<i64> {
        self.recipients.iter().chain(&self.skipped).map(|r| r.id).collect()
    }
}

#[derive(Template)]
#[template(path = "email/compose.html")]
struct ComposePage {
    page: Page,
    action: String,
    single: Option<i64>,
    recipients: Vec<Recipient>,
    skipped: Vec<Recipient>,
    ids: Vec<i64>,
    templates: Vec<EmailTemplate>,
    history: Vec<OutboxRow>,
    subject: String,
    body: String,
    template_id: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "email/preview.html")]
struct PreviewPage {
    page: Page,
    action: String,
    single: Option<i64>,
    recipients: Vec<Recipient>,
    skipped: Vec<Recipient>,
    ids: Vec<i64>,
    subject: String,
    body: String,
    template_id: String,
    /// The first recipient's e-mail, placeholders filled.
    sample_to: String,
    sample_subject: String,
    sample_body: String,
    from: String,
    reply_to: String,
}

/// The company scope of the user: `None` (every company) for admins, the
/// employer's company, and a 404 for anyone else.
fn scope(user: &CurrentUser) -> AppResult<Option<i64>> {
    if user.is_admin() { Ok(None) } else { user.employer_company().map(Some) }
}

async fn load(state: &AppState, user: &CurrentUser, ids: Vec<i64>, single: bool) -> AppResult<Context> {
    let scope = scope(user)?;
    state
        .db
        .run(move |c| {
            let all = outbox::recipients(c, scope, &ids)?;
            if all.is_empty() {
                return Err(AppError::NotFound);
            }
            // Templates belong to a company: offered when every recipient is of one.
            let company = all[0].company_id;
            let templates = if all.iter().all(|r| r.company_id == company) {
                crate::db::email_templates::list(c, company)?
            } else {
                Vec::new()
            };
            let history = if single { outbox::for_applicant(c, all[0].id, HISTORY)? } else { Vec::new() };
            let (recipients, skipped) = all.into_iter().partition(|r| Email::parse(&r.email).is_ok());
            Ok(Context { recipients, skipped, templates, history, single: single.then_some(ids[0]) })
        })
        .await
}

fn compose_page(page: Page, ctx: Context, form: ComposeForm, errors: FieldErrors) -> ComposePage {
    ComposePage {
        page,
        action: ctx.action(),
        single: ctx.single,
        ids: ctx.ids(),
        recipients: ctx.recipients,
        skipped: ctx.skipped,
        templates: ctx.templates,
        history: ctx.history,
        subject: form.subject,
        body: form.body,
        template_id: form.template_id,
        errors,
    }
}

/// `GET /applicants/{id}/email` (`?template=ID` starts from a template).
pub async fn form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TemplateQuery>,
) -> AppResult<HttpResponse> {
    let id = path_id(&path)?;
    let ctx = load(&state, &user, vec![id], true).await?;
    let mut form = ComposeForm::default();
    if let Some(template) = query.template.as_deref().and_then(|t| t.parse::<i64>().ok()) {
        if let Some(t) = ctx.templates.iter().find(|t| t.id == template) {
            form.subject = t.subject.clone();
            form.body = t.body.clone();
            form.template_id = t.id.to_string();
        }
    }
    render(StatusCode::OK, &compose_page(page, ctx, form, FieldErrors::default()))
}

/// `POST /applicants/{id}/email`: the steps for one applicant.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ComposeForm>,
) -> AppResult<HttpResponse> {
    let id = path_id(&path)?;
    let ctx = load(&state, &user, vec![id], true).await?;
    step(req, page, user, state, ctx, form).await
}

/// `POST /applicants/email`: the steps for a selection (`ids` repeated);
/// applicants the user may not write to are ignored.
pub async fn selection(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ComposeForm>,
) -> AppResult<HttpResponse> {
    let ids: BTreeSet<i64> = form.ids.iter().filter_map(|raw| raw.trim().parse().ok()).filter(|id| *id > 0).collect();
    if ids.is_empty() {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i64> = ids.into_iter().take(MAX_SELECTION).collect();
    let ctx = load(&state, &user, ids, false).await?;
    step(req, page, user, state, ctx, form).await
}

async fn step(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    ctx: Context,
    mut form: ComposeForm,
) -> AppResult<HttpResponse> {
    match form.step.as_str() {
        "template" => {
            let chosen = form.template_id.parse::<i64>().ok().and_then(|id| ctx.templates.iter().find(|t| t.id == id));
            let mut errors = FieldErrors::default();
            match chosen {
                Some(t) => {
                    form.subject = t.subject.clone();
                    form.body = t.body.clone();
                }
                None => errors.add("template_id", "Choose one of your company's templates."),
            }
            let status = errors.status();
            render(status, &compose_page(page, ctx, form, errors))
        }
        "preview" => match validate(&form, &ctx) {
            Err(errors) => render(StatusCode::UNPROCESSABLE_ENTITY, &compose_page(page, ctx, form, errors)),
            Ok(draft) => {
                let first = &ctx.recipients[0];
                let values = Placeholders::of(first);
                let preview = PreviewPage {
                    action: ctx.action(),
                    single: ctx.single,
                    ids: ctx.ids(),
                    sample_to: format!("{} <{}>", first.name, first.email),
                    sample_subject: compose::fill(&draft.subject, &values),
                    sample_body: compose::fill(&draft.body, &values),
                    from: format!("{} <{}>", first.company, sender_address(&state)),
                    reply_to: user.email.clone(),
                    subject: draft.subject,
                    body: draft.body,
                    template_id: form.template_id,
                    recipients: ctx.recipients,
                    skipped: ctx.skipped,
                    page,
                };
                render(StatusCode::OK, &preview)
            }
        },
        "send" => match validate(&form, &ctx) {
            Err(errors) => render(StatusCode::UNPROCESSABLE_ENTITY, &compose_page(page, ctx, form, errors)),
            Ok(draft) => send(req, page, user, state, (ctx, form), draft).await,
        },
        _ => render(StatusCode::OK, &compose_page(page, ctx, form, FieldErrors::default())),
    }
}

fn sender_address(state: &AppState) -> String {
    crate::mail::transport::from_mailbox(&state.settings)
        .map(|m| m.email.to_string())
        .unwrap_or_else(|_| state.settings.mail_from.clone())
}

/// A checked subject and body, placeholders not yet filled.
struct Draft {
    subject: String,
    body: String,
}

fn check_placeholders(errors: &mut FieldErrors, field: &'static str, text: &str) {
    let unknown = compose::unknown_placeholders(text);
    if let Some(first) = unknown.first() {
        errors.add(field, format!("{first} is not a placeholder. Use {{{{name}}}}, {{{{job}}}} or {{{{company}}}}."));
    }
}

fn validate(form: &ComposeForm, ctx: &Context) -> Result<Draft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let subject = form.subject.trim().to_string();
    if subject.is_empty() {
        errors.add("subject", "Write a subject.");
    } else if !header_safe(&subject) {
        errors.add("subject", "A subject is one line: line breaks and control characters are not allowed.");
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        errors.add("subject", format!("A subject has at most {MAX_SUBJECT_CHARS} characters."));
    } else {
        check_placeholders(&mut errors, "subject", &subject);
    }
    let body = compose::normalise_body(&form.body);
    if body.trim().is_empty() {
        errors.add("body", "Write the e-mail.");
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.add("body", format!("An e-mail has at most {MAX_BODY_CHARS} characters."));
    } else if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.add("body", "The text holds control characters; remove them.");
    } else {
        check_placeholders(&mut errors, "body", &body);
    }
    if ctx.recipients.is_empty() {
        errors.add("recipients", "None of these applicants has a valid e-mail address.");
    }
    if errors.is_empty() {
        // A value filled in must not break the subject line either.
        if let Some(r) = ctx.recipients.iter().find(|r| !header_safe(&compose::fill(&subject, &Placeholders::of(r)))) {
            errors.add("subject", format!("Filled in for {}, the subject would hold a line break.", r.name));
        }
    }
    if errors.is_empty() { Ok(Draft { subject, body }) } else { Err(errors) }
}

async fn send(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    (ctx, form): (Context, ComposeForm),
    draft: Draft,
) -> AppResult<HttpResponse> {
    let reply_to = user.email.clone();
    let writer = (user.id, user.company_id.filter(|_| !user.is_admin()));
    let single = ctx.single;
    let recipients = ctx.recipients.clone();
    let count = ctx.recipients.len();
    let first_name = recipients[0].name.clone();
    let limit = state.settings.limits.emails;
    let sent = state
        .db
        .run(move |c| {
            let letter = (draft.subject.as_str(), draft.body.as_str());
            crate::actions::mail::send_written(c, writer, limit, &recipients, letter, &reply_to)
        })
        .await?
        .is_ok();
    if !sent {
        let mut errors = FieldErrors::default();
        errors.add(
            "recipients",
            format!("That is more e-mails than one hour allows ({} per person): send them a little later.", limit.user),
        );
        return render(StatusCode::TOO_MANY_REQUESTS, &compose_page(page, ctx, form, errors));
    }
    state.outbox.wake();
    let session = TypedSession::from_request(&req);
    match single {
        Some(id) => {
            session.flash(FlashKind::Success, format!("Your e-mail to {first_name} is on its way."));
            Ok(see_other(&format!("/applicants/{id}/email")))
        }
        None => {
            let noun = if count == 1 { "e-mail is" } else { "e-mails are" };
            session.flash(FlashKind::Success, format!("{count} {noun} on the way."));
            Ok(see_other("/applicants"))
        }
    }
}
