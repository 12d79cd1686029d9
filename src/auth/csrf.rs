//! CSRF: every POST form carries `csrf_token`, compared with the session's.
//!
//! `CsrfForm<T>` reads a url-encoded body (bounded), checks the token (403
//! otherwise, before anything else happens) and only then parses the fields.
//! Multipart handlers read their form with `read_multipart`, which checks
//! the token as the first field arrives, before any file is written.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::TypedSession;
use crate::error::AppError;
use crate::state::AppState;
use crate::storage::{self, MultipartForm, UploadSpec};

pub const FIELD: &str = "csrf_token";

/// Checks a submitted token against the session's, in constant time.
pub fn verify(req: &HttpRequest, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = TypedSession::from_request(req).existing_csrf_token().ok_or(AppError::Csrf)?;
    let submitted = submitted.ok_or(AppError::Csrf)?;
    let same = submitted.len() == expected.len()
        && submitted.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(AppError::Csrf) }
}

/// A multipart form whose CSRF token has been checked (403 otherwise, with
/// every temporary file removed). Browsers send the token as the form's first
/// field: a wrong one stops the upload before any file is written.
pub async fn read_multipart(
    req: &HttpRequest,
    payload: actix_multipart::Multipart,
    spec: &UploadSpec,
) -> Result<MultipartForm, AppError> {
    // Refuse before writing anything: a body that is not a multipart form, or
    // a request from a session that never received a form token.
    if !req.content_type().eq_ignore_ascii_case("multipart/form-data") {
        return Err(AppError::UnsupportedMediaType);
    }
    if TypedSession::from_request(req).existing_csrf_token().is_none() {
        return Err(AppError::Csrf);
    }
    let form = storage::read_multipart(payload, spec, |name, value| match name {
        FIELD => verify(req, Some(value)),
        _ if name.contains('\0') || value.contains('\0') => Err(AppError::Unprocessable("NUL in a form field".into())),
        _ => Ok(()),
    })
    .await?;
    verify(req, form.fields.get(FIELD).map(String::as_str))?;
    Ok(form)
}

/// A url-encoded form whose CSRF token has been checked.
pub struct CsrfForm<T>(pub T);

/// For buttons that post nothing but the token.
#[derive(Debug, serde::Deserialize)]
pub struct NoFields {}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let limit = req.app_data::<web::Data<AppState>>().map(|s| s.settings.max_form_bytes).unwrap_or(256 * 1024);
            let is_form = req.content_type().is_empty() || req.content_type() == "application/x-www-form-urlencoded";
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| AppError::Unprocessable("the request body could not be read".into()))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned());
            verify(&req, token.as_deref())?;
            if !is_form {
                return Err(AppError::UnsupportedMediaType);
            }
            serde_html_form::from_bytes::<T>(&body).map(CsrfForm).map_err(|e| AppError::Unprocessable(e.to_string()))
        })
    }
}
