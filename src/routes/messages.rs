//! Messaging between a company and the seeker of an application.
//!
//! - `GET,POST /applicants/{id}/messages`: the company side (its employers, admins).
//! - `GET,POST /applications/{id}/messages`: the seeker who applied.
//! - `POST …/messages/read`: marks the other side's messages read (opening
//!   the page changes nothing; `live.js` marks an open thread read over the
//!   socket, replying marks it read too).
//! - `GET /messages`: the inbox of the current user.
//!
//! Anyone else, and every applicant added by hand (no account, no thread),
//! gets a 404. Sending stores, in one transaction, the message, a
//! notification for each person on the other side, a line in the applicant's
//! timeline and, for those with no open page anywhere, an e-mail in the
//! outbox; after the commit the hub wakes every open page of the thread.

use crate::routes::Routes;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::notifications::PageQuery;
use super::{FieldErrors, Page, Pager, render, see_other};
use crate::actions::{self, messages::Sender};
use crate::auth::{CsrfForm, CurrentUser, NoFields};
use crate::db::applicants;
use crate::db::applicants::SeekerApplication;
use crate::db::messages::{self, MessageView, Scope, Thread};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::format;
use crate::state::AppState;

/// Messages shown on a thread page (the newest ones).
const THREAD_LIMIT: i64 = 500;
const INBOX_PER_PAGE: i64 = 30;

pub fn routes(r: &mut Routes) {
    r.get("/messages", inbox)
        .get("/applicants/{id}/messages", company_thread)
        .post("/applicants/{id}/messages", company_send)
        .get("/applications/{id}/messages", seeker_thread)
        .post("/applications/{id}/messages", seeker_send)
        .post("/applicants/{id}/messages/read", company_read)
        .post("/applications/{id}/messages/read", seeker_read);
}

/// Which side of a thread a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Company,
    Seeker,
}

impl Side {
    fn is_seeker(self) -> bool {
        self == Side::Seeker
    }
}

/// The thread behind a URL, if this user may open it from this side; 404 otherwise.
async fn open(state: &AppState, user: &CurrentUser, raw_id: &str, side: Side) -> AppResult<(Thread, Scope)> {
    let allowed: &[Role] = match side {
        Side::Company => &[Role::Employer, Role::Admin],
        Side::Seeker => &[Role::Seeker],
    };
    user.require(allowed)?;
    let scope = Scope::of(user.id, user.role, user.company_id).ok_or(AppError::NotFound)?;
    let id: i64 = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let thread = state.db.run(move |c| messages::find_thread(c, id)).await?.ok_or(AppError::NotFound)?;
    if !messages::may_open(scope, &thread) {
        return Err(AppError::NotFound);
    }
    Ok((thread, scope))
}

#[derive(Template)]
#[template(path = "messages/thread.html")]
struct ThreadPage {
    page: Page,
    thread: Thread,
    seeker_side: bool,
    messages: Vec<MessageView>,
    body: String,
    errors: FieldErrors,
}

impl ThreadPage {
    fn action(&self) -> String {
        self.thread.link(self.seeker_side)
    }

    fn heading(&self) -> &str {
        if self.seeker_side { &self.thread.company_name } else { &self.thread.applicant_name }
    }

    fn about(&self) -> String {
        match (&self.thread.job_title, self.seeker_side) {
            (Some(title), true) => format!("About your application for {title}"),
            (None, true) => "About your application".into(),
            (Some(title), false) => format!("Candidate for {title}"),
            (None, false) => "Candidate".into(),
        }
    }

    fn back_link(&self) -> String {
        let area = if self.seeker_side { "applications" } else { "applicants" };
        format!("/{area}/{}", self.thread.applicant_id)
    }

    fn back_label(&self) -> &'static str {
        if self.seeker_side { "Your application" } else { "Applicant" }
    }

    fn ours(&self, m: &MessageView) -> bool {
        m.from_seeker == self.seeker_side
    }

    fn max_chars(&self) -> usize {
        messages::MAX_CHARS
    }

    /// Messages from the other side this reader has not marked read.
    fn unread(&self) -> usize {
        self.messages.iter().filter(|m| m.from_seeker != self.seeker_side && m.read_at.is_none()).count()
    }
}

/// The thread page. A GET changes nothing: reading is marked by `read`.
async fn show(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    raw_id: String,
    side: Side,
) -> AppResult<HttpResponse> {
    let (thread, _) = open(&state, &user, &raw_id, side).await?;
    let id = thread.applicant_id;
    let messages = state.db.run(move |c| messages::in_thread(c, id, THREAD_LIMIT)).await?;
    let seeker_side = side.is_seeker();
    render(
        StatusCode::OK,
        &ThreadPage { page, thread, seeker_side, messages, body: String::new(), errors: FieldErrors::default() },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub body: String,
}

/// The text of a message: not empty, not too long (`text::multiline`).
pub fn parse_body(raw: &str) -> Result<String, String> {
    let body = crate::domain::text::multiline(raw)?;
    if body.is_empty() {
        return Err("Write a message first.".into());
    }
    if body.chars().count() > messages::MAX_CHARS {
        return Err(format!(
            "Keep your message under {} characters.",
            format::thousands(&(messages::MAX_CHARS as i64))
        ));
    }
    Ok(body)
}

async fn send(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    raw_id: String,
    side: Side,
    form: MessageForm,
) -> AppResult<HttpResponse> {
    let (thread, _) = open(&state, &user, &raw_id, side).await?;
    let mut errors = FieldErrors::default();
    let Some(body) = errors.check("body", parse_body(&form.body)) else {
        return show_again(&req, &state, thread, side, form.body, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let sender = Sender { id: user.id, name: user.name().to_string(), seeker_side: side.is_seeker() };
    // Whoever replies has read what they reply to.
    let (hub, settings, t) = (state.hub.clone(), state.settings.clone(), thread.clone());
    let stored = state.db.run(move |c| actions::messages::send(c, &hub, &settings, &t, &sender, &body)).await?;
    let Ok(wake) = stored else {
        errors.add("body", "You have sent a lot of messages in the last hour. Take a break and send this one later.");
        return show_again(&req, &state, thread, side, form.body, errors, StatusCode::TOO_MANY_REQUESTS).await;
    };
    state.hub.poke(&wake);
    state.outbox.wake();
    Ok(see_other(&format!("{}#reply", thread.link(side.is_seeker()))))
}

/// The thread again with the message typed and what was wrong with it. The
/// layout is loaded only here: a good post skips its queries.
async fn show_again(
    req: &HttpRequest,
    state: &AppState,
    thread: Thread,
    side: Side,
    body: String,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let page = Page::from_request(req, &mut Payload::None).await?;
    let id = thread.applicant_id;
    let messages = state.db.run(move |c| messages::in_thread(c, id, THREAD_LIMIT)).await?;
    let seeker_side = side.is_seeker();
    render(status, &ThreadPage { page, thread, seeker_side, messages, body, errors })
}

async fn company_thread(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    show(page, user, state, path.into_inner(), Side::Company).await
}

async fn seeker_thread(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    show(page, user, state, path.into_inner(), Side::Seeker).await
}

async fn company_send(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> AppResult<HttpResponse> {
    send(req, user, state, path.into_inner(), Side::Company, form).await
}

async fn seeker_send(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> AppResult<HttpResponse> {
    send(req, user, state, path.into_inner(), Side::Seeker, form).await
}

/// Marks the other side's messages of the thread read, and the reader's
/// notifications that lead there; every open page of the reader follows.
async fn read(user: CurrentUser, state: web::Data<AppState>, raw_id: String, side: Side) -> AppResult<HttpResponse> {
    let (thread, _) = open(&state, &user, &raw_id, side).await?;
    let (user_id, t) = (user.id, thread.clone());
    let changed = state.db.run(move |c| messages::settle_thread(c, &t, user_id, side.is_seeker())).await?;
    if changed > 0 {
        state.hub.poke(&[user_id]);
    }
    Ok(see_other(&thread.link(side.is_seeker())))
}

async fn company_read(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    read(user, state, path.into_inner(), Side::Company).await
}

async fn seeker_read(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    read(user, state, path.into_inner(), Side::Seeker).await
}

/// One line of the inbox, ready to show.
struct InboxRow {
    link: String,
    counterpart: String,
    about: String,
    initial: String,
    excerpt: String,
    ours: bool,
    ago: String,
    iso: String,
    unread: i64,
}

#[derive(Template)]
#[template(path = "messages/inbox.html")]
struct InboxPage {
    page: Page,
    rows: Vec<InboxRow>,
    /// A seeker's applications with no conversation yet (first page only).
    quiet: Vec<SeekerApplication>,
    pager: Pager,
}

/// Applications offered to start a conversation from, at most.
const QUIET_SHOWN: i64 = 20;

async fn inbox(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let number = query.number();
    let scope = Scope::of(user.id, user.role, user.company_id);
    let (entries, has_next) = match scope {
        Some(scope) => {
            state.db.run(move |c| messages::inbox(c, scope, (number - 1) * INBOX_PER_PAGE, INBOX_PER_PAGE)).await?
        }
        None => (Vec::new(), false),
    };
    let seeker_side = scope.is_some_and(|s| s.is_seeker());
    let seeker_id = user.id;
    let quiet = if seeker_side && number == 1 {
        state.db.run(move |c| applicants::without_thread(c, seeker_id, QUIET_SHOWN)).await?
    } else {
        Vec::new()
    };
    let rows = entries
        .into_iter()
        .map(|e| {
            let counterpart = if seeker_side { e.thread.company_name.clone() } else { e.thread.applicant_name.clone() };
            InboxRow {
                link: e.thread.link(seeker_side),
                initial: counterpart.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default(),
                about: match &e.thread.job_title {
                    Some(title) => title.clone(),
                    None => "Application".into(),
                },
                counterpart,
                excerpt: format::excerpt(&e.last.body, 140),
                ours: e.last.from_seeker == seeker_side,
                ago: format::ago(&e.last.created_at),
                iso: format::iso(&e.last.created_at),
                unread: e.unread,
            }
        })
        .collect();
    let pager = Pager::uncounted(number, has_next, |n| format!("/messages?page={n}"));
    render(StatusCode::OK, &InboxPage { page, rows, quiet, pager })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_body_is_trimmed_and_bounded() {
        assert_eq!(super::parse_body("  hello \r\n there ").unwrap(), "hello \n there");
        assert!(super::parse_body(" \n ").is_err());
        assert!(super::parse_body(&"x".repeat(5001)).is_err());
        assert!(super::parse_body(&"é".repeat(5000)).is_ok());
        assert!(super::parse_body("a\0b").is_err());
        assert!(super::parse_body("bell\u{7}").is_err());
        assert!(super::parse_body("tab\tand\nline").is_ok());
    }
}
