//! Interviews from the company's side: propose times to an applicant (who
//! picks one on their application page), propose other times, cancel; and
//! the company's upcoming interviews (`/employer/interviews`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::show::{pair, refuse_pairs};
use crate::actions;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::applicants;
use crate::db::interviews::{self, Proposal, Upcoming};
use crate::domain::DisplayText;
use crate::domain::interview::DURATIONS;
use crate::domain::zone::{in_words, to_utc};
use crate::error::{AppError, AppResult};
use crate::routes::{Page, render, see_other};
use crate::state::AppState;

/// Times one proposal offers at most.
pub const MAX_SLOTS: usize = 3;

fn value<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    pair(fields, key).trim()
}

/// The proposal form (`slot1`…`slot3`, `timezone`, `duration`, `location`),
/// checked: every time in the future.
fn proposal(fields: &[(String, String)]) -> Result<Proposal, String> {
    let timezone = value(fields, "timezone");
    if crate::domain::zone::parse(timezone).is_err() {
        return Err("Choose the time zone of the times.".into());
    }
    let duration = value(fields, "duration").parse::<i32>().ok().filter(|d| DURATIONS.contains(d));
    let duration = duration.ok_or("Choose how long the interview takes.")?;
    let location = DisplayText::parse(value(fields, "location"), 1, 200)
        .map_err(|_| "Say where: an address, or a video call link (at most 200 characters).")?
        .into_inner();
    let now = crate::db::now();
    let mut slots = Vec::new();
    for n in 1..=MAX_SLOTS {
        let raw = value(fields, &format!("slot{n}"));
        if raw.is_empty() {
            continue;
        }
        let at = to_utc(raw, timezone)?;
        if at <= now {
            return Err(format!("{} has passed: propose times to come.", in_words(&at, timezone)));
        }
        if !slots.contains(&at) {
            slots.push(at);
        }
    }
    if slots.is_empty() {
        return Err("Propose at least one time.".into());
    }
    slots.sort();
    Ok(Proposal { slots, duration_minutes: duration, location, timezone: timezone.to_string() })
}

/// `POST /applicants/{id}/interviews`: new times (or, with `interview`, other
/// times for that interview); the candidate is asked to pick one.
pub async fn propose(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let applicant = state.db.run(move |c| applicants::find_in_scope(c, scope, id)).await?;
    if applicant.seeker_id.is_none() || applicant.withdrawn_at.is_some() || applicant.erased_at.is_some() {
        let message = "Only a candidate who applied on JobConnect (and has not withdrawn) can pick a time here.";
        return refuse_pairs(page, &state, scope, id, "interview", message.into(), fields).await;
    }
    let existing = match value(&fields, "interview") {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let p = match proposal(&fields) {
        Ok(p) => p,
        Err(message) => return refuse_pairs(page, &state, scope, id, "interview", message, fields).await,
    };
    let (settings, actor) = (state.settings.clone(), user.id);
    state.db.run(move |c| actions::interviews::propose(c, &settings, actor, id, existing, &p)).await?;
    state.outbox.wake();
    TypedSession::from_request(&req).flash(FlashKind::Success, "Times proposed: the candidate is asked to pick one.");
    Ok(see_other(&format!("/applicants/{id}#interviews")))
}

/// `POST /applicants/{id}/interviews/cancel` (`interview`).
pub async fn cancel(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let interview = value(&fields, "interview").parse::<i64>().ok();
    let (settings, actor) = (state.settings.clone(), user.id);
    let done = state
        .db
        .run(move |c| {
            applicants::find_in_scope(c, scope, id)?;
            let Some(iid) = interview else { return Ok(Err(actions::interviews::Gone)) };
            actions::interviews::cancel(c, &settings, actor, id, iid)
        })
        .await?;
    if done.is_err() {
        return Err(AppError::Unprocessable("choose an interview that is not cancelled".into()));
    }
    state.outbox.wake();
    TypedSession::from_request(&req).flash(FlashKind::Info, "Interview cancelled; the candidate is told.");
    Ok(see_other(&format!("/applicants/{id}#interviews")))
}

#[derive(Template)]
#[template(path = "applicants/interviews.html")]
struct UpcomingPage {
    page: Page,
    upcoming: Vec<Upcoming>,
}

/// `GET /employer/interviews`: the company's scheduled interviews to come.
pub async fn upcoming(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let upcoming = state.db.run(move |c| interviews::upcoming(c, company, crate::db::now())).await?;
    render(StatusCode::OK, &UpcomingPage { page, upcoming })
}
