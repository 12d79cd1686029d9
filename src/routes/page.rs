//! What every page's layout needs, and the helpers that turn templates into responses.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::{Payload, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::session::load_user;
use crate::auth::{CurrentUser, Flash, TypedSession};
use crate::db::messages::Scope;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::realtime::feed;
use crate::state::AppState;

/// The layout's context: who is looking, the form token, one-time messages.
pub struct Page {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    pub path: String,
    pub unread_notifications: i64,
    pub unread_messages: i64,
    /// Where `live.js` starts following (ids after these are new to this page).
    pub last_notification_id: i64,
    pub last_message_id: i64,
}

impl Page {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// An employer who owns the company (its team and profile are theirs).
    pub fn is_owner(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == Role::Employer && u.company_role == crate::domain::CompanyRole::Owner)
    }

    pub fn is_seeker(&self) -> bool {
        self.role() == Some(Role::Seeker)
    }

    pub fn is_employer(&self) -> bool {
        self.role() == Some(Role::Employer)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }

    /// The zone the viewer reads times in: their own (profile), else UTC.
    pub fn zone(&self) -> jiff::tz::TimeZone {
        crate::domain::zone::or_utc(self.user.as_ref().map_or("", |u| u.timezone.as_str()))
    }

    /// "7 Dec 2026" on the viewer's clock.
    pub fn date(&self, utc: &time::PrimitiveDateTime) -> String {
        crate::domain::zone::date(utc, &self.zone())
    }

    /// "7 Dec 2026, 15:30 CET" on the viewer's clock.
    pub fn datetime(&self, utc: &time::PrimitiveDateTime) -> String {
        crate::domain::zone::datetime(utc, &self.zone())
    }

    /// " · Thursday 10 December, 08:30 your time" beside a time given on
    /// another clock (an interview's), or "" when the reader's is the same.
    pub fn also_here(&self, utc: &time::PrimitiveDateTime, zone_name: &str) -> String {
        crate::domain::zone::on_reader_clock(utc, zone_name, &self.zone())
            .map(|t| format!(" · {t}"))
            .unwrap_or_default()
    }

    /// `aria-current="page"` for the navigation entry of the current section.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = self.path == prefix || (prefix != "/" && self.path.starts_with(&format!("{prefix}/")));
        if here { "page" } else { "false" }
    }
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(&req).await?;
            let header = match &user {
                Some(user) => {
                    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered");
                    let (id, scope) = (user.id, Scope::of(user.id, user.role, user.company_id));
                    state.db.run(move |c| feed::header(c, id, scope)).await?
                }
                None => feed::Header::default(),
            };
            let session = TypedSession::from_request(&req);
            Ok(Page {
                user,
                csrf_token: session.csrf_token()?,
                flashes: session.take_flashes(),
                path: req.path().to_string(),
                unread_notifications: header.unread_notifications,
                unread_messages: header.unread_messages,
                last_notification_id: header.last_notification_id,
                last_message_id: header.last_message_id,
            })
        })
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    page: Page,
    status: u16,
    title: &'static str,
    message: &'static str,
}

/// An HTML 404 shown to someone logged in keeps the site's header and their
/// account menu (`AppError` renders it without a request, so plainly).
pub fn not_found_in_layout<B: 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let html = res.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    Ok(ErrorHandlerResponse::Future(Box::pin(async move {
        let (req, res) = res.into_parts();
        let signed_in = matches!(load_user(&req).await, Ok(Some(_)));
        let page = if signed_in { Page::from_request(&req, &mut Payload::None).await.ok() } else { None };
        let Some(page) = page else {
            return Ok(ServiceResponse::new(req, res).map_into_left_body());
        };
        let (title, message) = AppError::NotFound.words();
        let body = NotFoundPage { page, status: 404, title, message }.render().map_err(AppError::from)?;
        let mut ours = HttpResponse::NotFound();
        for (name, value) in res.headers() {
            ours.insert_header((name.clone(), value.clone()));
        }
        let ours = ours.insert_header(("Cache-Control", "no-store")).body(body);
        Ok(ServiceResponse::new(req, ours).map_into_right_body())
    })))
}

/// Renders a template with the given status (200, 404, 422 for a form with errors…).
pub fn render(status: StatusCode, template: &impl Template) -> AppResult<HttpResponse> {
    Ok(html(status, template.render()?))
}

/// A rendered page as the answer.
pub fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// The answer to a successful POST: go to the next page (303 See Other).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", location_value(location))).finish()
}

/// A header value holds visible ASCII only: anything else in a path (`é` in
/// a search kept in `next`, say) is percent-encoded, as browsers would send
/// it, so the redirect still has its `Location`.
fn location_value(location: &str) -> String {
    let mut out = String::with_capacity(location.len());
    for c in location.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `?next=/path`: where a page returns to (pass it through `safe_next`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only same-site paths are followed after log-in, so `next` cannot send a
/// user to another site.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.chars().any(char::is_control);
    ok.then(|| next.to_string())
}

/// The request came from a page's script asking for JSON (`Accept:
/// application/json`): it updates the page in place instead of following a
/// redirect, and shows the message itself.
pub fn wants_json(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// Per-field messages of a form, in the order the fields were checked.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    /// The status of a page with this form: 200, or 422 when a field is wrong.
    pub fn status(&self) -> StatusCode {
        if self.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY }
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    /// Keeps the value when the parse succeeded, records the message when not.
    pub fn check<T, E: Into<String>>(&mut self, field: &'static str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for a field, or "" (templates test `!= ""`).
    pub fn get(&self, field: &str) -> &str {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str()).unwrap_or("")
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    /// `(field, message)` in the order found, for the error summary's links.
    pub fn items(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }

    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, m)| m.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redirects_keep_their_location() {
        let resp = super::see_other("/jobs?q=Zoë café&x=😀");
        assert_eq!(resp.headers().get("location").unwrap(), "/jobs?q=Zo%C3%AB%20caf%C3%A9&x=%F0%9F%98%80");
        assert_eq!(super::see_other("/applicants/3#notes").headers().get("location").unwrap(), "/applicants/3#notes");
    }

    #[test]
    fn safe_next_refuses_other_sites() {
        assert_eq!(super::safe_next(Some("/jobs?q=rust")), Some("/jobs?q=rust".into()));
        for bad in ["//evil.com", "https://evil.com", "/\\evil.com", "jobs", "/x\r\nSet-Cookie: a"] {
            assert_eq!(super::safe_next(Some(bad)), None, "{bad:?}");
        }
    }
}
