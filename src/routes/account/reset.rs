//! Forgotten password: a one-time link by e-mail (valid an hour, stored
//! hashed), then a new password that ends every session of the account.

use actix_session::SessionExt;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{invalid_link, link_is_valid};
use crate::actions::account::{self, REQUESTED, Requested};
use crate::auth::{CsrfForm, FlashKind, TypedSession, client_ip, password};
use crate::db::outbox::LinkKind;
use crate::domain::{Email, Password};
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, honeypot, render, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    pub email: String,
    /// The honeypot: empty from people (see `routes::honeypot`).
    pub website: String,
}

#[derive(Template)]
#[template(path = "account/forgot.html")]
struct ForgotPage {
    page: Page,
    email: String,
    errors: FieldErrors,
}

pub async fn forgot_form(page: Page) -> AppResult<HttpResponse> {
    render(StatusCode::OK, &ForgotPage { page, email: String::new(), errors: FieldErrors::default() })
}

/// Always the same answer, whether an account uses the address or not.
pub async fn forgot_submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> AppResult<HttpResponse> {
    if honeypot::caught(&state, &form.website, REQUESTED, &client_ip(&req)).await? {
        return Ok(see_other("/password/forgot"));
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("email", message);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &ForgotPage { page, email: form.email, errors });
        }
    };
    let ip = client_ip(&req);
    let actor = page.user.as_ref().map(|u| u.id);
    let settings = state.settings.clone();
    let address = email.as_str().to_string();
    let outcome = state.db.run(move |c| account::request_password_reset(c, &settings, &address, actor, &ip)).await?;
    match outcome {
        Requested::Throttled => {
            tracing::warn!(ip = %client_ip(&req), "password reset requests throttled");
            let mut errors = FieldErrors::default();
            errors.add("email", "Too many requests from your network. Wait an hour and try again.");
            render(StatusCode::TOO_MANY_REQUESTS, &ForgotPage { page, email: form.email, errors })
        }
        Requested::Answered => {
            state.outbox.wake();
            TypedSession::from_request(&req).flash(
                FlashKind::Info,
                format!(
                    "If an account uses {}, we have sent it a link to choose a new password. \
                     Check your inbox; the link works for an hour.",
                    email.as_str()
                ),
            );
            Ok(see_other("/password/forgot"))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    pub new_password: String,
}

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    page: Page,
    token: String,
    errors: FieldErrors,
}

pub async fn reset_form(page: Page, state: web::Data<AppState>, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    if !link_is_valid(&state, LinkKind::PasswordReset, &token).await? {
        return invalid_link(page, LinkKind::PasswordReset);
    }
    render(StatusCode::OK, &ResetPage { page, token, errors: FieldErrors::default() })
}

pub async fn reset_submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    if !link_is_valid(&state, LinkKind::PasswordReset, &token).await? {
        return invalid_link(page, LinkKind::PasswordReset);
    }
    let new = match Password::parse(&form.new_password) {
        Ok(p) => p,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("new_password", message);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &ResetPage { page, token, errors });
        }
    };
    let hash = password::hash(new.expose().to_string(), state.settings.bcrypt_cost).await?;
    let (ip, settings) = (client_ip(&req), state.settings.clone());
    let changed = state.db.run(move |c| account::reset_password(c, &settings, &token, &hash, &ip)).await?;
    let Some(user_id) = changed else { return invalid_link(page, LinkKind::PasswordReset) };
    tracing::info!(user_id, "password reset");
    // Open pages of every device lose their live connection.
    state.hub.poke(&[user_id]);
    state.outbox.wake();
    if page.user.as_ref().is_some_and(|u| u.id == user_id) {
        // This browser's session ended with the others; start a clean one for the message.
        let session = req.get_session();
        session.clear();
        session.renew();
    }
    TypedSession::from_request(&req)
        .flash(FlashKind::Success, "Your password is changed, and every session was logged out. Log in with it now.");
    Ok(see_other("/login"))
}
