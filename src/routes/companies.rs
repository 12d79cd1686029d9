//! Companies: the public page with open jobs, the logo, and the employer's
//! profile form and logo upload.

use std::convert::Infallible;

use crate::routes::Routes;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::jobs::view::{self, CardView};
use crate::actions;
use crate::auth::{CompanyOwner, CsrfForm, FlashKind, TypedSession};
use crate::db::audit::By;
use crate::db::companies::{self, Company, CompanyProfile};
use crate::db::jobs;
use crate::domain::SearchQuery;
use crate::domain::{DisplayText, PayRule};
use crate::error::{AppError, AppResult};
use crate::format;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;
use crate::storage::{self, Recorded, UploadSpec};

const JOBS_ON_PAGE: i64 = 50;

pub fn routes(r: &mut Routes) {
    r.get("/companies/{key}", show)
        .get("/companies/{key}/logo", logo)
        .get("/employer/company", edit_form)
        .post("/employer/company", update)
        .post("/employer/company/logo", upload_logo);
}

#[derive(Template)]
#[template(path = "companies/show.html")]
struct ShowPage {
    page: Page,
    company: Company,
    cards: Vec<CardView>,
    total: i64,
    own: bool,
}

impl ShowPage {
    fn company_path(&self) -> String {
        view::company_path(self.company.id, &self.company.slug)
    }

    fn logo_url(&self) -> Option<String> {
        view::logo_url(&self.company)
    }

    fn website_label(&self) -> String {
        let w = self.company.website.trim_start_matches("https://").trim_start_matches("http://");
        w.trim_end_matches('/').to_string()
    }

    fn paragraphs(&self) -> Vec<String> {
        self.company.description.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
    }

    fn jobs_heading(&self) -> String {
        match self.total {
            0 => "No open jobs right now".into(),
            1 => "1 open job".into(),
            n => format!("{} open jobs", format::thousands(&n)),
        }
    }
}

pub async fn show(
    page: Page,
    state: web::Data<AppState>,
    cache: web::Data<jobs::SearchCache>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let key = path.into_inner();
    if key.is_empty() || key.len() > 100 {
        return Err(AppError::NotFound);
    }
    let company = state.db.run(move |c| companies::find_by_key(c, &key)).await?;
    let q = SearchQuery { company_id: Some(company.id), page: 1, per_page: JOBS_ON_PAGE, ..Default::default() };
    let results = super::jobs::cached_search(&state, &cache, q).await?;
    let own = page.user.as_ref().is_some_and(|u| u.employer_company().ok() == Some(company.id));
    let cards = results.results.jobs.iter().map(|card| CardView::new(card.clone(), false)).collect();
    render(StatusCode::OK, &ShowPage { page, company, cards, total: results.results.total, own })
}

/// The logo, served inline with the type its content shows (never a guess
/// from the name) and `nosniff`.
pub async fn logo(state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let key = path.into_inner();
    let company = state.db.run(move |c| companies::find_by_key(c, &key)).await?;
    let stored = company.logo_path.ok_or(AppError::NotFound)?;
    let file = storage::stored_path(&state.settings.upload_dir, &stored).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&file).await.map_err(|_| AppError::NotFound)?;
    let mime = match infer::get(&bytes).map(|t| t.mime_type()) {
        Some(m @ ("image/png" | "image/jpeg" | "image/webp")) => m,
        _ => return Err(AppError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Disposition", "inline"))
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(bytes))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CompanyForm {
    pub name: String,
    pub website: String,
    pub description: String,
    pub location: String,
    pub pay_rule: String,
    /// Days after which rejected applicants are anonymised; empty: kept.
    pub retention_days: String,
    /// The zone closing dates and interview times are entered in (empty: UTC).
    pub timezone: String,
}

impl CompanyForm {
    pub fn from_company(c: &Company) -> Self {
        CompanyForm {
            name: c.name.clone(),
            website: c.website.clone(),
            description: c.description.clone(),
            location: c.location.clone(),
            pay_rule: c.pay_rule.as_str().into(),
            retention_days: c.retention_days.map(|d| d.to_string()).unwrap_or_default(),
            timezone: c.timezone.clone(),
        }
    }

    pub fn zones(&self) -> Vec<&str> {
        crate::domain::zone::choices(&self.timezone)
    }

    /// The choices of the pay-transparency select: (value, label, chosen).
    pub fn pay_rules(&self) -> Vec<(&'static str, &'static str, bool)> {
        PayRule::ALL.iter().map(|r| (r.as_str(), r.label(), r.as_str() == self.pay_rule)).collect()
    }

    pub fn validate(&self) -> Result<CompanyProfile, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayText::parse(&self.name, 2, 100));
        let website = errors.check("website", website(&self.website));
        let description =
            errors.check("description", crate::domain::text::multiline_within(&self.description, 0, 5000));
        let location = errors.check("location", DisplayText::parse(&self.location, 0, 100));
        // Not sent (an older form): no rule.
        let pay_rule = match self.pay_rule.trim() {
            "" => Some(PayRule::None),
            raw => errors.check(
                "pay_rule",
                raw.parse::<PayRule>().map_err(|_| "Choose the pay-transparency rule your job ads fall under."),
            ),
        };
        let retention_days = match self.retention_days.trim() {
            "" => Some(None),
            raw => errors.check(
                "retention_days",
                raw.parse::<i32>()
                    .ok()
                    .filter(|d| (30..=3650).contains(d))
                    .map(Some)
                    .ok_or("Keep rejected applicants from 30 to 3,650 days, or leave it empty to keep them."),
            ),
        };
        let timezone = errors.check("timezone", crate::domain::zone::field(&self.timezone));
        match (name, website, description, location, pay_rule, retention_days, timezone) {
            (
                Some(name),
                Some(website),
                Some(description),
                Some(location),
                Some(pay_rule),
                Some(retention_days),
                Some(timezone),
            ) if errors.is_empty() => Ok(CompanyProfile {
                name: name.into_inner(),
                website,
                description,
                location: location.into_inner(),
                pay_rule,
                retention_days,
                timezone,
            }),
            _ => Err(errors),
        }
    }
}

/// An http(s) address ("acme.example" becomes "https://acme.example"), or "".
fn website(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    if raw.len() > 200 {
        return Err("Use an address of at most 200 characters.");
    }
    let with_scheme = if raw.contains("://") { raw.to_string() } else { format!("https://{raw}") };
    match url::Url::parse(&with_scheme) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| h.contains('.')) => {
            Ok(u.to_string())
        }
        _ => Err("Enter a web address like https://example.com."),
    }
}

#[derive(Template)]
#[template(path = "companies/edit.html")]
struct EditPage {
    page: Page,
    company: Company,
    form: CompanyForm,
    errors: FieldErrors,
    logo_error: String,
    max_bytes: i64,
}

impl EditPage {
    fn limit(&self) -> String {
        format::bytes(&self.max_bytes)
    }

    fn logo_url(&self) -> Option<String> {
        view::logo_url(&self.company)
    }

    fn public_path(&self) -> String {
        view::company_path(self.company.id, &self.company.slug)
    }
}

pub async fn edit_form(
    page: Page,
    CompanyOwner { company_id, .. }: CompanyOwner,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let company = state.db.run(move |c| companies::find(c, company_id)).await?;
    let form = CompanyForm::from_company(&company);
    render(
        StatusCode::OK,
        &EditPage {
            page,
            company,
            form,
            errors: FieldErrors::default(),
            logo_error: String::new(),
            max_bytes: state.settings.max_image_bytes as i64,
        },
    )
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    CompanyOwner { user, company_id }: CompanyOwner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CompanyForm>,
) -> AppResult<HttpResponse> {
    let profile = match form.validate() {
        Ok(p) => p,
        Err(errors) => {
            let company = state.db.run(move |c| companies::find(c, company_id)).await?;
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage {
                    page,
                    company,
                    form,
                    errors,
                    logo_error: String::new(),
                    max_bytes: state.settings.max_image_bytes as i64,
                },
            );
        }
    };
    save_profile(&req, &state, user.id, company_id, profile).await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "Company profile saved.");
    Ok(see_other("/employer/company"))
}

/// Writes a company's profile and its audit row (by an employer or an admin).
pub async fn save_profile(
    req: &HttpRequest,
    state: &AppState,
    actor: i64,
    company_id: i64,
    profile: CompanyProfile,
) -> AppResult<Company> {
    let ip = crate::auth::client_ip(req);
    state.db.run(move |c| actions::people::edit_company(c, &By { user_id: actor, ip: &ip }, company_id, &profile)).await
}

pub async fn upload_logo(
    req: HttpRequest,
    page: Page,
    CompanyOwner { company_id, user }: CompanyOwner,
    state: web::Data<AppState>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let mut form =
        crate::auth::csrf::read_multipart(&req, payload, &UploadSpec::image("logo", &state.settings)).await?;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let problem = match form.take_file("logo") {
        None => Some("Choose a PNG, JPEG or WebP picture.".to_string()),
        Some(upload) => match upload.check() {
            Err(problem) => {
                status = problem.form_status();
                Some(problem.message(upload.kind).to_string())
            }
            Ok(()) => {
                let stored = storage::store(&state.db, upload, user.id, move |c, file| {
                    let replaced = companies::set_logo(c, company_id, &file.name)?;
                    Ok(Ok::<_, Infallible>(Recorded { value: (), replaced }))
                });
                let Ok(()) = stored.await?;
                tracing::info!(company_id, "company logo replaced");
                TypedSession::from_request(&req).flash(FlashKind::Success, "Logo updated.");
                return Ok(see_other("/employer/company"));
            }
        },
    };
    let company = state.db.run(move |c| companies::find(c, company_id)).await?;
    let form = CompanyForm::from_company(&company);
    render(
        status,
        &EditPage {
            page,
            company,
            form,
            errors: FieldErrors::default(),
            logo_error: problem.unwrap_or_default(),
            max_bytes: state.settings.max_image_bytes as i64,
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn websites_are_http_addresses() {
        assert_eq!(super::website("acme.example").unwrap(), "https://acme.example/");
        assert_eq!(super::website("").unwrap(), "");
        for bad in ["javascript:alert(1)", "ftp://x.example", "https://localhost", "not a url"] {
            assert!(super::website(bad).is_err(), "{bad}");
        }
    }
}
