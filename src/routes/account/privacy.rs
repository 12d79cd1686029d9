//! A seeker's own data (GDPR): the privacy page, the download of everything
//! kept about them (`/account/data.zip`: `data.json` and their resumes), and
//! the erasure of their account.

use std::io::Write;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::reserve_attempt;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, client_ip, password};
use crate::db::{privacy, throttle};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/privacy.html")]
struct PrivacyPage {
    page: Page,
    errors: FieldErrors,
}

fn seeker(user: &CurrentUser) -> AppResult<()> {
    if user.role == Role::Seeker { Ok(()) } else { Err(AppError::NotFound) }
}

pub async fn show(page: Page, user: CurrentUser) -> AppResult<HttpResponse> {
    seeker(&user)?;
    render(StatusCode::OK, &PrivacyPage { page, errors: FieldErrors::default() })
}

/// `GET /account/data.zip`: built in memory (a seeker's resumes are a few
/// files of at most `MAX_UPLOAD_BYTES` each).
pub async fn download(user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    seeker(&user)?;
    let id = user.id;
    let (data, files) = state.db.run(move |c| privacy::export(c, id)).await?;
    let mut contents = Vec::new();
    for (name, stored) in files {
        let Some(path) = crate::storage::stored_path(&state.settings.upload_dir, &stored) else { continue };
        match tokio::fs::read(&path).await {
            Ok(bytes) => contents.push((name, bytes)),
            Err(e) => tracing::warn!(error = %e, file = stored, "a resume is missing from the data export"),
        }
    }
    let json = serde_json::to_vec_pretty(&data).map_err(AppError::internal)?;
    let zip = tokio::task::spawn_blocking(move || -> zip::result::ZipResult<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("data.json", options)?;
        zip.write_all(&json)?;
        for (name, bytes) in contents {
            zip.start_file(name, options)?;
            zip.write_all(&bytes)?;
        }
        Ok(zip.finish()?.into_inner())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let date = &crate::format::iso(&crate::db::now())[..10];
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"jobconnect-data-{date}.zip\"")))
        .insert_header(("Cache-Control", "no-store"))
        .body(zip))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EraseForm {
    pub current_password: String,
}

/// `POST /account/erase`: with the password, the account is erased for good.
pub async fn erase(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> AppResult<HttpResponse> {
    seeker(&user)?;
    let mut errors = FieldErrors::default();
    // A password guess like a log-in: the same throttle, on the same key.
    let account = throttle::account_key(Some(user.id), "");
    let Some(reservation) = reserve_attempt(&state, &account, &client_ip(&req)).await? else {
        errors.add("current_password", "Too many wrong passwords. Wait 15 minutes and try again.");
        return render(StatusCode::TOO_MANY_REQUESTS, &PrivacyPage { page, errors });
    };
    let hash = Some(user.password_hash.clone());
    if !password::verify(form.current_password, hash, state.settings.bcrypt_cost).await? {
        errors.add("current_password", "That is not your password: nothing was erased.");
        return render(StatusCode::UNPROCESSABLE_ENTITY, &PrivacyPage { page, errors });
    }
    let id = user.id;
    let files = state
        .db
        .run(move |c| {
            throttle::release(c, reservation)?;
            privacy::erase_account(c, id)
        })
        .await?;
    for stored in files {
        crate::storage::remove_stored(&state.settings.upload_dir, &stored).await;
    }
    // Every open page and device of the account loses its connection.
    state.hub.poke(&[id]);
    let session = TypedSession::from_request(&req);
    session.log_out();
    session.flash(FlashKind::Info, "Your account and your personal data are erased.");
    Ok(see_other("/"))
}
