use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::reserve_attempt;
use crate::actions::account;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, OwnAccount, TypedSession, client_ip, password};
use crate::db::throttle;
use crate::domain::Password;
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: Page,
    errors: FieldErrors,
}

pub async fn form(page: Page, _user: CurrentUser) -> AppResult<HttpResponse> {
    render(StatusCode::OK, &PasswordPage { page, errors: FieldErrors::default() })
}

/// Changes the password and ends every other session of the user.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    // Left empty: a field to fill in, not a wrong guess.
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password.");
        errors.check("new_password", Password::parse(&form.new_password));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { page, errors });
    }
    // The current password is a password guess like a log-in: the same
    // throttle, on the same account key.
    let account = throttle::account_key(Some(user.id), "");
    let Some(reservation) = reserve_attempt(&state, &account, &client_ip(&req)).await? else {
        errors.add("current_password", "Too many wrong passwords. Wait 15 minutes and try again.");
        return render(StatusCode::TOO_MANY_REQUESTS, &PasswordPage { page, errors });
    };
    let current_ok =
        password::verify(form.current_password.clone(), Some(user.password_hash.clone()), state.settings.bcrypt_cost)
            .await?;
    if current_ok {
        state.db.run(move |c| throttle::release(c, reservation)).await?;
    } else {
        errors.add("current_password", "Your current password is not right.");
    }
    let new = errors.check("new_password", Password::parse(&form.new_password));
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { page, errors });
    };
    let hash = password::hash(new.expose().to_string(), state.settings.bcrypt_cost).await?;
    let (id, settings, owner) = (user.id, state.settings.clone(), (*user).clone());
    let epoch =
        state.db.run(move |c| account::change_password(c, &settings, &owner, &hash, "on your account page")).await?;
    state.outbox.wake();
    // Open pages of the other devices lose their live connection.
    state.hub.poke(&[id]);
    let session = TypedSession::from_request(&req);
    session.set_epoch(epoch)?;
    session.flash(FlashKind::Success, "Your password is changed. Other devices have been logged out.");
    Ok(see_other("/account/password"))
}
