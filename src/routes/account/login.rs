use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::landing_for;
use crate::auth::{CsrfForm, FlashKind, NoFields, OwnAccount, TypedSession, client_ip, password};
use crate::db::audit::{self, AuditRecord};
use crate::db::outbox::{self, LinkKind};
use crate::db::{throttle, users};
use crate::error::AppResult;
use crate::mail::notices;
use crate::routes::{FieldErrors, NextQuery, Page, render, safe_next, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    page: Page,
    form: LoginForm,
    errors: FieldErrors,
}

pub async fn form(page: Page, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if let Some(user) = &page.user {
        return Ok(see_other(next.as_deref().unwrap_or(landing_for(user.role))));
    }
    let form = LoginForm { next: next.unwrap_or_default(), ..Default::default() };
    render(StatusCode::OK, &LoginPage { page, form, errors: FieldErrors::default() })
}

fn refuse(page: Page, mut form: LoginForm, status: StatusCode, message: &str) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    errors.add("login", message);
    form.password.clear();
    render(status, &LoginPage { page, form, errors })
}

pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&req);
    let key = form.login.trim().to_lowercase();
    if key.is_empty() || form.password.is_empty() {
        return refuse(
            page,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your e-mail or user name and your password.",
        );
    }
    // No account has a control character in its e-mail or user name, and
    // PostgreSQL refuses NUL in text: such a value matches nobody, unasked.
    if key.chars().any(char::is_control) {
        return refuse(
            page,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "That e-mail or user name and password do not match.",
        );
    }
    let user = {
        let key = key.clone();
        state.db.run(move |c| users::find_by_login(c, &key)).await?
    };
    let account = throttle::account_key(user.as_ref().map(|u| u.id), &key);
    let Some(reservation) = reserve_attempt(&state, &account, &ip).await? else {
        return refuse(
            page,
            form,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. Wait 15 minutes, or reset your password.",
        );
    };
    let ok = password::verify(
        form.password.clone(),
        user.as_ref().map(|u| u.password_hash.clone()),
        state.settings.bcrypt_cost,
    )
    .await?;
    let user = match user {
        Some(user) if ok => user,
        // The reservation stays: it is the failure that counts.
        _ => {
            return refuse(
                page,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
                "That e-mail or user name and password do not match.",
            );
        }
    };
    let id = user.id;
    state.db.run(move |c| throttle::release(c, reservation)).await?;
    if !user.is_active {
        return refuse(
            page,
            form,
            StatusCode::FORBIDDEN,
            "This account has been deactivated. Contact the site's administrators.",
        );
    }
    if !user.email_confirmed {
        // The password is right, so the address owner asks: a fresh link
        // (a few an hour at most).
        let settings = state.settings.clone();
        let unconfirmed = user.clone();
        state
            .db
            .run(move |c| {
                let since = crate::db::now() - time::Duration::hours(1);
                if outbox::links_queued_since(c, LinkKind::ConfirmEmail, unconfirmed.id, since)? < 3 {
                    notices::confirm_email(c, &settings, &unconfirmed)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .await?;
        state.outbox.wake();
        return refuse(
            page,
            form,
            StatusCode::FORBIDDEN,
            "Confirm your e-mail address first: we have sent you a new link. Open it, and you are in.",
        );
    }
    state.db.run(move |c| users::record_login(c, id)).await?;
    let session = TypedSession::from_request(&req);
    session.log_in(&user)?;
    tracing::info!(user_id = user.id, "logged in");
    let next = safe_next(Some(&form.next)).unwrap_or_else(|| landing_for(user.role).to_string());
    Ok(see_other(&next))
}

/// Reserves one password attempt for `account` from `ip` (see `db::throttle`);
/// None, audited, when the window is used up.
pub async fn reserve_attempt(state: &AppState, account: &str, ip: &str) -> AppResult<Option<throttle::Reservation>> {
    let (key, address) = (account.to_string(), ip.to_string());
    let reservation = state
        .db
        .run(move |c| {
            let reservation = throttle::reserve(c, &key, &address)?;
            if reservation.is_none() {
                audit::record(
                    c,
                    AuditRecord {
                        actor_id: None,
                        action: "login.throttled",
                        target_type: "login",
                        target_id: None,
                        detail: key,
                        ip: &address,
                    },
                )?;
            }
            Ok::<_, diesel::result::Error>(reservation)
        })
        .await?;
    if reservation.is_none() {
        tracing::warn!(%ip, "password attempts throttled");
    }
    Ok(reservation)
}

/// Logs out everywhere: every session of this user ends.
pub async fn logout(
    req: HttpRequest,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let id = user.id;
    state.db.run(move |c| users::bump_session_epoch(c, id)).await?;
    // Open pages of every device lose their live connection too.
    state.hub.poke(&[id]);
    let session = TypedSession::from_request(&req);
    session.log_out();
    session.flash(FlashKind::Info, "You are logged out.");
    Ok(see_other("/"))
}
