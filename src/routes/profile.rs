//! Profiles: the personal fields, the picture, and a seeker's job preferences.
//!
//! `/profile…` is the logged-in user's own; admins edit anyone's at
//! `/users/{id}/profile` (the owner may use that address too; everyone else
//! gets a 404). Pictures are served at `/users/{id}/avatar` to the owner,
//! admins and the employers of a company the person applied to.

use std::convert::Infallible;

use crate::routes::Routes;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::actions;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, MaybeUser, NoFields, OwnAccount, TypedSession, client_ip};
use crate::db::audit::By;
use crate::db::profiles::{self, Preferences, ProfileChanges};
use crate::db::users::{self, User};
use crate::db::{self, alerts};
use crate::domain::wishes::NEAR_KM;
use crate::domain::{DisplayText, EmploymentType, RemoteMode, Role};
use crate::error::{AppError, AppResult};
use crate::routes::jobs::browse::FOR_ME;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;
use crate::storage::{self, Recorded, UploadSpec};

pub fn routes(r: &mut Routes) {
    r.get("/profile", own_form)
        .post("/profile", own_submit)
        .post("/profile/avatar", upload_avatar)
        .post("/profile/avatar/delete", own_avatar_delete)
        .get("/profile/preferences", preferences_form)
        .post("/profile/preferences", preferences_submit)
        .get("/users/{id}/profile", user_form)
        .post("/users/{id}/profile", user_submit)
        .get("/users/{id}/avatar", avatar)
        .post("/users/{id}/avatar/delete", user_avatar_delete);
}

// ---------------------------------------------------------------------------
// The profile form
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub display_name: String,
    pub headline: String,
    pub location: String,
    pub phone: String,
    pub skills: String,
    /// An IANA zone (empty: UTC); the page's script offers the browser's.
    pub timezone: String,
}

impl ProfileForm {
    fn of(user: &User) -> Self {
        ProfileForm {
            display_name: user.display_name.clone(),
            headline: user.headline.clone(),
            location: user.location.clone(),
            phone: user.phone.clone(),
            skills: user.skills.clone(),
            timezone: user.timezone.clone(),
        }
    }

    pub fn zones(&self) -> Vec<&str> {
        crate::domain::zone::choices(&self.timezone)
    }
}

/// Whose profile a page shows.
pub struct Subject {
    pub user: User,
    /// The viewer edits their own profile (else an admin edits someone's).
    pub is_self: bool,
}

impl Subject {
    pub fn action(&self) -> String {
        if self.is_self { "/profile".into() } else { format!("/users/{}/profile", self.user.id) }
    }

    pub fn avatar_url(&self) -> Option<String> {
        avatar_url(&self.user)
    }

    pub fn is_seeker(&self) -> bool {
        self.user.role == Role::Seeker
    }

    pub fn skill_list(&self) -> Vec<&str> {
        split_skills(&self.user.skills)
    }
}

/// The picture's address, versioned by its stored name so a new one shows at once.
pub fn avatar_url(user: &User) -> Option<String> {
    let stored = user.avatar_path.as_deref()?;
    let version = std::path::Path::new(stored).file_stem()?.to_string_lossy().chars().take(12).collect::<String>();
    Some(format!("/users/{}/avatar?v={version}", user.id))
}

#[derive(Template)]
#[template(path = "profile/profile.html")]
struct ProfilePage {
    page: Page,
    subject: Subject,
    form: ProfileForm,
    errors: FieldErrors,
    max_image: String,
}

fn profile_page(
    state: &AppState,
    page: Page,
    subject: Subject,
    form: ProfileForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let max_image = crate::format::bytes(&(state.settings.max_image_bytes as i64));
    render(status, &ProfilePage { page, subject, form, errors, max_image })
}

/// The person whose profile `viewer` opens at `/users/{id}/…`: themselves, or
/// anyone for an admin. Everyone else gets a 404.
async fn subject_for(state: &AppState, viewer: &CurrentUser, id: i64) -> AppResult<Subject> {
    if viewer.id == id {
        return Ok(Subject { user: (**viewer).clone(), is_self: true });
    }
    if !viewer.is_admin() {
        return Err(AppError::NotFound);
    }
    let user = state.db.run(move |c| users::find(c, id)).await?;
    Ok(Subject { user, is_self: false })
}

pub async fn own_form(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let subject = Subject { user: (*user).clone(), is_self: true };
    let form = ProfileForm::of(&subject.user);
    profile_page(&state, page, subject, form, FieldErrors::default(), StatusCode::OK)
}

pub async fn user_form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let subject = subject_for(&state, &user, path.into_inner()).await?;
    let form = ProfileForm::of(&subject.user);
    profile_page(&state, page, subject, form, FieldErrors::default(), StatusCode::OK)
}

pub async fn own_submit(
    req: HttpRequest,
    page: Page,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> AppResult<HttpResponse> {
    let subject = Subject { user: (*user).clone(), is_self: true };
    save_profile(req, page, &user, state, subject, form).await
}

pub async fn user_submit(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> AppResult<HttpResponse> {
    let subject = subject_for(&state, &user, path.into_inner()).await?;
    save_profile(req, page, &user, state, subject, form).await
}

/// The validated profile fields, ready to store.
struct ValidProfile {
    display_name: String,
    headline: String,
    location: String,
    phone: String,
    skills: String,
    timezone: String,
}

fn validate_profile(form: &ProfileForm) -> Result<ValidProfile, FieldErrors> {
    let mut errors = FieldErrors::default();
    let display_name = errors.check("display_name", DisplayText::parse(&form.display_name, 0, 80));
    let headline = errors.check("headline", DisplayText::parse(&form.headline, 0, 120));
    let location = errors.check("location", DisplayText::parse(&form.location, 0, 100));
    let phone = errors.check("phone", crate::domain::phone::parse(&form.phone));
    let skills = errors.check("skills", parse_skills(&form.skills));
    let timezone = errors.check("timezone", crate::domain::zone::field(&form.timezone));
    match (display_name, headline, location, phone, skills, timezone) {
        (Some(d), Some(h), Some(l), Some(p), Some(s), Some(z)) if errors.is_empty() => Ok(ValidProfile {
            display_name: d.into_inner(),
            headline: h.into_inner(),
            location: l.into_inner(),
            phone: p,
            skills: s,
            timezone: z,
        }),
        _ => Err(errors),
    }
}

async fn save_profile(
    req: HttpRequest,
    page: Page,
    viewer: &CurrentUser,
    state: web::Data<AppState>,
    subject: Subject,
    form: ProfileForm,
) -> AppResult<HttpResponse> {
    let valid = match validate_profile(&form) {
        Ok(v) => v,
        Err(errors) => {
            return profile_page(&state, page, subject, form, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (id, actor, ip) = (subject.user.id, viewer.id, client_ip(&req));
    state
        .db
        .run(move |c| {
            let changes = ProfileChanges {
                display_name: &valid.display_name,
                headline: &valid.headline,
                location: &valid.location,
                phone: &valid.phone,
                skills: &valid.skills,
                timezone: &valid.timezone,
                updated_at: db::now(),
            };
            actions::people::edit_profile(c, &By { user_id: actor, ip: &ip }, id, &changes)
        })
        .await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "The profile is saved.");
    Ok(see_other(&subject.action()))
}

/// Skills separated by commas: each trimmed, duplicates dropped, at most 30
/// of at most 40 characters. Stored as `"Rust, SQL"`.
pub fn parse_skills(raw: &str) -> Result<String, String> {
    let mut skills: Vec<String> = Vec::new();
    for skill in raw.split([',', '\n', ';']) {
        let skill = skill.split_whitespace().collect::<Vec<_>>().join(" ");
        if skill.is_empty() {
            continue;
        }
        if skill.chars().any(char::is_control) {
            return Err("Skills cannot contain control characters.".into());
        }
        if skill.chars().count() > 40 {
            return Err(format!("“{}…” is too long: keep each skill under 40 characters.", take(&skill, 20)));
        }
        if !skills.iter().any(|s| s.to_lowercase() == skill.to_lowercase()) {
            skills.push(skill);
        }
    }
    if skills.len() > 30 {
        return Err("List at most 30 skills.".into());
    }
    Ok(skills.join(", "))
}

fn take(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

pub fn split_skills(stored: &str) -> Vec<&str> {
    stored.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

// ---------------------------------------------------------------------------
// Pictures
// ---------------------------------------------------------------------------

/// Uploads the logged-in user's picture (multipart field `avatar`).
pub async fn upload_avatar(
    req: HttpRequest,
    page: Page,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let subject = Subject { user: (*user).clone(), is_self: true };
    let refuse = |page, subject: Subject, status, message: &str| {
        let mut errors = FieldErrors::default();
        errors.add("avatar", message);
        let form = ProfileForm::of(&subject.user);
        profile_page(&state, page, subject, form, errors, status)
    };
    let mut form =
        match crate::auth::csrf::read_multipart(&req, payload, &UploadSpec::image("avatar", &state.settings)).await {
            Ok(form) => form,
            Err(AppError::PayloadTooLarge) => {
                let max = crate::format::bytes(&(state.settings.max_image_bytes as i64));
                return refuse(
                    page,
                    subject,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("That picture is too large: the limit is {max}."),
                );
            }
            Err(e) => return Err(e),
        };
    let Some(upload) = form.take_file("avatar") else {
        return refuse(page, subject, StatusCode::UNPROCESSABLE_ENTITY, "Choose a picture to upload.");
    };
    if let Err(problem) = upload.check() {
        return refuse(page, subject, problem.status(), problem.message(upload.kind));
    }
    let id = user.id;
    let stored = storage::store(&state.db, upload, id, move |c, file| {
        let replaced = profiles::set_avatar(c, id, Some(&file.name))?;
        Ok(Ok::<_, Infallible>(Recorded { value: (), replaced }))
    });
    let Ok(()) = stored.await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "Your picture is updated.");
    Ok(see_other("/profile"))
}

pub async fn own_avatar_delete(
    req: HttpRequest,
    OwnAccount(user): OwnAccount,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    remove_avatar(&req, &user, &state, user.id).await?;
    Ok(see_other("/profile"))
}

/// An admin removes someone's picture (or the owner their own).
pub async fn user_avatar_delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let subject = subject_for(&state, &user, path.into_inner()).await?;
    remove_avatar(&req, &user, &state, subject.user.id).await?;
    Ok(see_other(&subject.action()))
}

async fn remove_avatar(req: &HttpRequest, viewer: &CurrentUser, state: &AppState, id: i64) -> AppResult<()> {
    let (actor, ip) = (viewer.id, client_ip(req));
    let old = state.db.run(move |c| actions::people::remove_avatar(c, &By { user_id: actor, ip: &ip }, id)).await?;
    if let Some(old) = old {
        storage::remove_stored(&state.settings.upload_dir, &old).await;
    }
    TypedSession::from_request(req).flash(FlashKind::Success, "The picture is removed.");
    Ok(())
}

/// Serves a picture inline, to those who may see it; 404 for everyone else.
pub async fn avatar(
    req: HttpRequest,
    MaybeUser(viewer): MaybeUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let viewer = viewer.ok_or(AppError::NotFound)?;
    let owner_id = path.into_inner();
    let viewer_user = (*viewer).clone();
    let stored = state
        .db
        .run(move |c| {
            if !profiles::may_see_avatar(c, owner_id, &viewer_user)? {
                return Ok::<_, AppError>(None);
            }
            Ok(users::find(c, owner_id)?.avatar_path)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let mime = match stored.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("webp") => "image/webp",
        _ => return Err(AppError::NotFound),
    };
    let disposition = ContentDisposition { disposition: DispositionType::Inline, parameters: vec![] };
    serve_file(&req, &state, &stored, mime, disposition, "private, max-age=3600").await
}

/// Streams a stored file from disk with the given type and disposition.
pub async fn serve_file(
    req: &HttpRequest,
    state: &AppState,
    stored_name: &str,
    mime: &str,
    disposition: ContentDisposition,
    cache_control: &'static str,
) -> AppResult<HttpResponse> {
    let path = storage::stored_path(&state.settings.upload_dir, stored_name).ok_or_else(|| {
        tracing::warn!(file = stored_name, "a stored name points outside UPLOAD_DIR");
        AppError::NotFound
    })?;
    let opened = web::block(move || actix_files::NamedFile::open(path)).await?;
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(file = stored_name, "a stored file is missing");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    let mime: actix_web::mime::Mime = mime.parse().map_err(AppError::internal)?;
    let mut response = file.set_content_type(mime).set_content_disposition(disposition).into_response(req);
    let headers = response.headers_mut();
    headers.insert(
        actix_web::http::header::X_CONTENT_TYPE_OPTIONS,
        actix_web::http::header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static(cache_control),
    );
    Ok(response)
}

// ---------------------------------------------------------------------------
// Job preferences (seekers)
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreferencesForm {
    pub titles: String,
    pub employment_types: Vec<String>,
    pub locations: String,
    pub remote: String,
    pub salary_min: String,
    pub categories: String,
}

impl PreferencesForm {
    fn of(prefs: Option<&Preferences>) -> Self {
        let Some(p) = prefs else { return PreferencesForm::default() };
        PreferencesForm {
            titles: p.titles.clone(),
            employment_types: p.employment_types.lines().map(str::to_string).collect(),
            locations: p.locations.clone(),
            remote: p.remote.clone(),
            salary_min: p.salary_min.map(|s| s.to_string()).unwrap_or_default(),
            categories: p.categories.clone(),
        }
    }

    pub fn has_type(&self, t: &EmploymentType) -> bool {
        self.employment_types.iter().any(|v| v == t.as_str())
    }
}

#[derive(Template)]
#[template(path = "profile/preferences.html")]
struct PreferencesPage {
    page: Page,
    form: PreferencesForm,
    errors: FieldErrors,
    types: &'static [EmploymentType],
    remote_modes: &'static [RemoteMode],
    pay_currency: String,
    near_km: u32,
    /// Preferences are stored: Jobs for you and its alert are offered.
    saved: bool,
    /// The seeker has the alert of Jobs for you.
    alert: bool,
}

/// The preferences page; `form: None` shows the stored preferences.
async fn preferences_page(
    page: Page,
    state: &AppState,
    form: Option<PreferencesForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let user = page.user.as_ref().map(|u| u.id).unwrap_or_default();
    let (stored, alert) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((profiles::preferences(c, user)?, alerts::exists(c, user, FOR_ME)?))
        })
        .await?;
    let saved = stored.is_some();
    let form = form.unwrap_or_else(|| PreferencesForm::of(stored.as_ref()));
    let pay_currency = state.settings.pay_currency.clone();
    let (types, remote_modes, near_km) = (EmploymentType::ALL, RemoteMode::ALL, NEAR_KM);
    render(status, &PreferencesPage { page, form, errors, types, remote_modes, pay_currency, near_km, saved, alert })
}

pub async fn preferences_form(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    preferences_page(page, &state, None, FieldErrors::default(), StatusCode::OK).await
}

pub async fn preferences_submit(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let prefs = match validate_preferences(user.id, &form) {
        Ok(p) => p,
        Err(errors) => {
            return preferences_page(page, &state, Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    state.db.run(move |c| profiles::save_preferences(c, &prefs)).await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "Your job preferences are saved.");
    Ok(see_other("/profile/preferences"))
}

fn validate_preferences(user_id: i64, form: &PreferencesForm) -> Result<Preferences, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut types: Vec<EmploymentType> = Vec::new();
    for raw in &form.employment_types {
        match raw.parse::<EmploymentType>() {
            Ok(t) if !types.contains(&t) => types.push(t),
            Ok(_) => {}
            Err(_) => errors.add("employment_types", "Choose employment types from the list."),
        }
    }
    // Stored in the list's order, whatever order the browser sent.
    types.sort_by_key(|t| EmploymentType::ALL.iter().position(|a| a == t));
    let remote = match form.remote.trim() {
        "" => Some(String::new()),
        v => errors.check(
            "remote",
            v.parse::<RemoteMode>().map(|m| m.as_str().to_string()).map_err(|_| "Choose a work mode from the list."),
        ),
    };
    let salary_min = errors.check("salary_min", crate::domain::money::parse_amount(&form.salary_min));
    let locations = errors.check("locations", parse_lines(&form.locations, 10, 100, "locations"));
    let categories = errors.check("categories", parse_lines(&form.categories, 10, 60, "categories"));
    let titles = errors.check("titles", parse_lines(&form.titles, 10, 100, "job titles"));
    match (remote, salary_min, locations, categories, titles) {
        (Some(remote), Some(salary_min), Some(locations), Some(categories), Some(titles)) if errors.is_empty() => {
            Ok(Preferences {
                user_id,
                titles,
                employment_types: types.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("\n"),
                locations,
                remote,
                salary_min,
                categories,
                updated_at: db::now(),
            })
        }
        _ => Err(errors),
    }
}

/// One value per line (so "Berlin, Germany" stays whole): trimmed, no duplicates, bounded.
pub fn parse_lines(raw: &str, max_items: usize, max_chars: usize, what: &str) -> Result<String, String> {
    let mut items: Vec<String> = Vec::new();
    for item in raw.lines() {
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        if item.is_empty() {
            continue;
        }
        if item.chars().any(char::is_control) || item.chars().count() > max_chars {
            return Err(format!("Keep each of your {what} under {max_chars} characters."));
        }
        if !items.iter().any(|i| i.to_lowercase() == item.to_lowercase()) {
            items.push(item);
        }
    }
    if items.len() > max_items {
        return Err(format!("List at most {max_items} {what}."));
    }
    Ok(items.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_are_trimmed_and_deduplicated() {
        assert_eq!(parse_skills(" Rust ,sql, rust,\n  Actix   web ,").unwrap(), "Rust, sql, Actix web");
        assert!(parse_skills(&"x".repeat(41)).is_err());
        assert!(parse_skills(&(0..31).map(|i| format!("s{i}")).collect::<Vec<_>>().join(",")).is_err());
        assert_eq!(split_skills("Rust, SQL"), vec!["Rust", "SQL"]);
    }

    #[test]
    fn lists_are_one_value_per_line() {
        assert_eq!(
            parse_lines("Berlin, Germany\r\n remote \n\nberlin, germany", 10, 100, "locations").unwrap(),
            "Berlin, Germany\nremote"
        );
        assert!(parse_lines("a\nb\nc", 2, 100, "locations").is_err());
    }
}
