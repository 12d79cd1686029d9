//! A seeker's PDF resumes: list, upload, download, delete. Downloads are also
//! open to the employers of a company the resume was submitted to (the CRM
//! links here) and to admins; everyone else gets a 404.

use crate::routes::Routes;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, MaybeUser, NoFields, TypedSession};
use crate::db::resumes::{self, Deleted, ListedResume, NewResume};
use crate::db::{self};
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;
use crate::storage::{self, Upload, UploadProblem, UploadSpec};

/// How many resumes a seeker keeps at once (hidden ones not counted).
pub const MAX_RESUMES: i64 = 20;

pub fn routes(r: &mut Routes) {
    r.get("/resumes", list)
        .post("/resumes", upload)
        .get("/resumes/{id}", download)
        .post("/resumes/{id}/delete", delete);
}

#[derive(Template)]
#[template(path = "resumes/list.html")]
struct ResumesPage {
    page: Page,
    resumes: Vec<ListedResume>,
    errors: FieldErrors,
    max_size: String,
    max_resumes: i64,
}

async fn list_page(
    state: &AppState,
    page: Page,
    user_id: i64,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let resumes = state.db.run(move |c| resumes::list_for_user(c, user_id)).await?;
    render(status, &ResumesPage { page, resumes, errors, max_size: max_size(state), max_resumes: MAX_RESUMES })
}

/// The resume size limit for people ("10.0 MB").
pub fn max_size(state: &AppState) -> String {
    crate::format::bytes(&(state.settings.max_upload_bytes as i64))
}

pub async fn list(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    list_page(&state, page, user.id, FieldErrors::default(), StatusCode::OK).await
}

/// Why an upload is refused, with its status and the message for the form.
pub fn refusal(problem: UploadProblem, upload: &Upload) -> (StatusCode, String) {
    (problem.status(), problem.message(upload.kind).to_string())
}

pub fn too_large_message(state: &AppState) -> String {
    format!("That file is too large: a resume can be at most {}.", max_size(state))
}

pub async fn upload(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let refuse = |page, status, message: String| {
        let mut errors = FieldErrors::default();
        errors.add("resume", message);
        list_page(&state, page, user.id, errors, status)
    };
    let mut form =
        match crate::auth::csrf::read_multipart(&req, payload, &UploadSpec::pdf("resume", &state.settings)).await {
            Ok(form) => form,
            Err(AppError::PayloadTooLarge) => {
                return refuse(page, StatusCode::PAYLOAD_TOO_LARGE, too_large_message(&state)).await;
            }
            Err(e) => return Err(e),
        };
    let Some(file) = form.take_file("resume") else {
        return refuse(page, StatusCode::UNPROCESSABLE_ENTITY, "Choose a PDF file to upload.".into()).await;
    };
    if let Err(problem) = file.check() {
        let (status, message) = refusal(problem, &file);
        return refuse(page, status, message).await;
    }
    let display_name = file.display_name.clone();
    let stored = store_resume(&state, user.id, file).await?;
    if stored.is_none() {
        return refuse(
            page,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("You can keep at most {MAX_RESUMES} resumes. Delete one you no longer use first."),
        )
        .await;
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, format!("“{display_name}” is uploaded."));
    Ok(see_other("/resumes"))
}

/// Stores the file and records it (`storage::store`). `None` when the
/// seeker already keeps `MAX_RESUMES`.
async fn store_resume(state: &AppState, user_id: i64, file: Upload) -> AppResult<Option<i64>> {
    let stored = storage::store(&state.db, file, user_id, move |c, file| {
        let row = NewResume {
            user_id: Some(user_id),
            file_name: &file.display_name,
            stored_name: &file.name,
            size_bytes: file.size,
            text_content: &file.text,
            created_at: db::now(),
        };
        Ok(resumes::insert_within(c, &row, MAX_RESUMES)?.map(|r| r.id.into()).ok_or(()))
    })
    .await?;
    Ok(stored.ok())
}

/// The file, to those who may have it: `attachment`, `application/pdf`, nosniff.
pub async fn download(
    req: HttpRequest,
    MaybeUser(viewer): MaybeUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    // Visitors too get a 404: a resume address confirms nothing.
    let viewer = viewer.ok_or(AppError::NotFound)?;
    let (id, viewer_user) = (path.into_inner(), (*viewer).clone());
    let (resume, person) = state
        .db
        .run(move |c| {
            let Some(resume) = resumes::find_for_viewer(c, id, &viewer_user)? else { return Ok(None) };
            let person = resumes::person_name(c, &resume)?;
            Ok::<_, diesel::result::Error>(Some((resume, person)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    // Named after the person, never after the uploader's file (`cv.bat`
    // stays on the resume list as display text only).
    let disposition = attachment(&download_name(&person));
    super::profile::serve_file(&req, &state, &resume.stored_name, "application/pdf", disposition, "private, no-store")
        .await
}

/// `<name>-resume.pdf`: lower-case ASCII words of the person's name.
fn download_name(person: &str) -> String {
    match crate::domain::slug(person) {
        slug if slug.is_empty() => "resume.pdf".into(),
        slug => format!("{slug}-resume.pdf"),
    }
}

fn attachment(file_name: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(file_name.into())],
    }
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Seeker])?;
    let (id, user_id) = (path.into_inner(), user.id);
    let deleted = state.db.run(move |c| resumes::delete_own(c, id, user_id)).await?.ok_or(AppError::NotFound)?;
    let session = TypedSession::from_request(&req);
    match deleted {
        Deleted::Removed { stored_name } => {
            storage::remove_stored(&state.settings.upload_dir, &stored_name).await;
            session.flash(FlashKind::Success, "The resume is deleted.");
        }
        Deleted::Hidden => session.flash(
            FlashKind::Success,
            "The resume is removed from your list. Companies you sent it to keep their copy with your application.",
        ),
    }
    Ok(see_other("/resumes"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn downloads_are_named_after_the_person_only() {
        assert_eq!(super::download_name("Ann Lee"), "ann-lee-resume.pdf");
        assert_eq!(super::download_name("../../x.bat \"; evil"), "x-bat-evil-resume.pdf");
        assert_eq!(super::download_name("Zoë O'Brien"), "zo-o-brien-resume.pdf");
        assert_eq!(super::download_name("\u{1F600}"), "resume.pdf");
        let cd = super::attachment("ann-lee-resume.pdf").to_string();
        assert_eq!(cd, "attachment; filename=\"ann-lee-resume.pdf\"");
    }
}
