//! The notifications page and marking notifications read.

use crate::routes::Routes;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Page, Pager, render, safe_next, see_other};
use crate::auth::{CsrfForm, CurrentUser, FlashKind, NoFields, OwnAccount, TypedSession};
use crate::db::notifications::{self, Notification};
use crate::error::AppResult;
use crate::state::AppState;

const PER_PAGE: i64 = 30;

pub fn routes(r: &mut Routes) {
    r.get("/notifications", list).post("/notifications/read-all", read_all).post("/notifications/{id}/read", read_one);
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    /// The 1-based page number; anything odd is page 1.
    pub fn number(&self) -> i64 {
        self.page.as_deref().and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1)
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct NotificationsPage {
    page: Page,
    items: Vec<Notification>,
    pager: Pager,
}

async fn list(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let number = query.number();
    let id = user.id;
    let (items, total) = state
        .db
        .run(move |c| {
            let items = notifications::list(c, id, (number - 1) * PER_PAGE, PER_PAGE)?;
            Ok::<_, diesel::result::Error>((items, notifications::count(c, id)?))
        })
        .await?;
    let pager = Pager::counted(number, PER_PAGE, total, |n| format!("/notifications?page={n}"));
    render(StatusCode::OK, &NotificationsPage { page, items, pager })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReadForm {
    /// Where to go afterwards (the notification's link), same site only.
    pub next: String,
}

/// Marks one notification read, then follows it (or returns to the list).
async fn read_one(
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ReadForm>,
) -> AppResult<HttpResponse> {
    let id: i64 = path.parse().map_err(|_| crate::error::AppError::NotFound)?;
    let user_id = user.id;
    let found = state.db.run(move |c| notifications::mark_read(c, user_id, id)).await?;
    if found.read_at.is_none() {
        state.hub.poke(&[user_id]);
    }
    Ok(see_other(&safe_next(Some(&form.next)).unwrap_or_else(|| "/notifications".into())))
}

async fn read_all(
    req: HttpRequest,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let user_id = user.id;
    let changed = state.db.run(move |c| notifications::mark_all_read(c, user_id)).await?;
    if changed > 0 {
        state.hub.poke(&[user_id]);
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "All notifications are marked as read.");
    Ok(see_other("/notifications"))
}
