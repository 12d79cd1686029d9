//! What the seekers' tests share (`resumes`, `applications`, `profile`,
//! `uploads`, …), and the CSRF check of every POST of their pages.

use diesel::prelude::*;
use jobconnect::db::schema::{applicants, resumes};
use jobconnect::db::{self};
use reqwest::multipart::{Form, Part};

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestClient, TestUser};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A PDF of exactly `size` bytes: the text PDF, padded with a comment.
pub(crate) fn pdf_of_size(size: usize) -> Vec<u8> {
    let mut pdf = pdf_with_text("Padded resume");
    assert!(pdf.len() + 2 < size);
    pdf.extend_from_slice(b"%");
    pdf.resize(size - 1, b'x');
    pdf.push(b'\n');
    pdf
}

/// The smallest PNG there is (1×1, transparent).
pub fn png() -> Vec<u8> {
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
        0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D,
        0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    PNG.to_vec()
}

pub(crate) fn file(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_string()).mime_str(mime).unwrap()
}

pub fn pdf_part(text: &str) -> Part {
    file(pdf_with_text(text), "My CV.pdf", "application/pdf")
}

pub(crate) async fn upload_resume(user: &TestUser, part: Part) -> Resp {
    user.post_multipart("/resumes", |form| form.part("resume", part)).await
}

pub async fn apply_with_file(user: &TestUser, job_id: i64, cover: &str, part: Part) -> Resp {
    let cover = cover.to_string();
    user.post_multipart(&format!("/jobs/{job_id}/apply"), |form| {
        form.text("cover_letter", cover).text("consent", "yes").text("resume_id", "new").part("resume", part)
    })
    .await
}

pub(crate) async fn apply_with_resume(user: &TestUser, job_id: i64, resume_id: i64) -> Resp {
    user.post_multipart(&format!("/jobs/{job_id}/apply"), |form| {
        form.text("cover_letter", "Hello").text("consent", "yes").text("resume_id", resume_id.to_string())
    })
    .await
}

/// Sends a multipart body exactly as given (no token added unless included).
pub(crate) async fn post_raw_multipart(client: &TestClient, path: &str, boundary: &str, body: Vec<u8>) -> Resp {
    TestClient::read(
        client
            .http
            .post(format!("{}{}", client.base, path))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// One part of a hand-made multipart body: name, file name (for a file), content.
pub(crate) type RawPart<'a> = (&'a str, Option<&'a [u8]>, &'a [u8]);

/// A multipart body from parts; the file name is written into the header
/// byte for byte.
pub(crate) fn raw_body(boundary: &str, parts: &[RawPart], close: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        if let Some(file_name) = file_name {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(file_name);
            body.extend_from_slice(b"\"\r\nContent-Type: application/pdf");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    if close {
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    }
    body
}

pub fn files_in(app: &TestApp, folder: &str) -> Vec<String> {
    match std::fs::read_dir(app.settings.upload_dir.join(folder)) {
        Ok(dir) => dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Nothing was kept: no resume row, no stored file, no temporary file.
pub(crate) async fn assert_nothing_stored(app: &TestApp, what: &str) {
    assert_eq!(app.count("resumes").await, 0, "{what}: no resume row");
    assert_eq!(files_in(app, "resumes"), Vec::<String>::new(), "{what}: no stored file");
    assert_eq!(files_in(app, "tmp"), Vec::<String>::new(), "{what}: no temporary file");
}

pub(crate) async fn resume_rows(app: &TestApp) -> Vec<jobconnect::db::resumes::Resume> {
    app.db
        .run(|c| {
            resumes::table
                .order(resumes::id)
                .select(jobconnect::db::resumes::Resume::as_select())
                .load::<jobconnect::db::resumes::Resume>(c)
        })
        .await
        .unwrap()
}

pub(crate) async fn applicant_rows(app: &TestApp) -> Vec<jobconnect::db::applicants::Applicant> {
    app.db
        .run(|c| {
            applicants::table
                .order(applicants::id)
                .select(jobconnect::db::applicants::Applicant::as_select())
                .load::<jobconnect::db::applicants::Applicant>(c)
        })
        .await
        .unwrap()
}

/// The `value` of the input matching `selector`.
pub(crate) fn value_of(resp: &Resp, selector: &str) -> String {
    let doc = scraper::Html::parse_document(&resp.body);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_string()
}

/// The id at the end of a `Location` like `/applications/12`.
pub(crate) fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("no id in {location:?}"))
}

/// Ann (seeker) and Bob (employer of Acme) with an open job of Acme.
pub(crate) async fn ann_bob_and_a_job(app: &TestApp) -> (TestUser, TestUser, i64) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    (ann, bob, job)
}

// ---------------------------------------------------------------------------
// CSRF on every POST of the area
// ---------------------------------------------------------------------------

async fn every_post_needs_the_csrf_token(app: &TestApp) {
    let (ann, _bob, job) = ann_bob_and_a_job(app).await;
    // Multipart forms without a token, and with a wrong one.
    for token in [None, Some("0".repeat(64))] {
        for (path, field) in
            [("/resumes", "resume"), (&format!("/jobs/{job}/apply") as &str, "resume"), ("/profile/avatar", "avatar")]
        {
            let mut form = Form::new().text("cover_letter", "hi").text("consent", "yes");
            if let Some(token) = &token {
                form = form.text("csrf_token", token.clone());
            }
            let part = if field == "avatar" { file(png(), "a.png", "image/png") } else { pdf_part("No token") };
            let resp = TestClient::read(
                ann.http.post(format!("{}{path}", ann.base)).multipart(form.part(field, part)).send().await.unwrap(),
            )
            .await;
            resp.assert_status(403);
            assert_nothing_stored(app, path).await;
            assert!(files_in(app, "images").is_empty());
        }
    }
    assert_eq!(app.count("applicants").await, 0);

    // The token after the file (not how browsers send it) is checked too.
    let token = ann.csrf().await;
    let pdf = pdf_with_text("Late token");
    let body = raw_body("Zz", &[("resume", Some(b"cv.pdf"), &pdf), ("csrf_token", None, b"wrong")], true);
    post_raw_multipart(&ann, "/resumes", "Zz", body).await.assert_status(403);
    assert_nothing_stored(app, "late wrong token").await;
    let body = raw_body("Zz", &[("resume", Some(b"cv.pdf"), &pdf), ("csrf_token", None, token.as_bytes())], true);
    post_raw_multipart(&ann, "/resumes", "Zz", body).await.assert_status(303);

    // A client with no session at all is refused before anything is written.
    let stranger = app.client();
    let resp = TestClient::read(
        stranger
            .http
            .post(app.url("/resumes"))
            .multipart(Form::new().part("resume", pdf_part("x")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(resp.status == 303 || resp.status == 403, "{}", resp.status);

    // Url-encoded forms.
    let resume = resume_rows(app).await[0].id;
    apply_with_resume(&ann, job, resume).await.assert_status(303);
    let application = applicant_rows(app).await[0].id;
    for path in [
        "/profile".to_string(),
        "/profile/preferences".to_string(),
        "/profile/avatar/delete".to_string(),
        format!("/resumes/{resume}/delete"),
        format!("/applications/{application}/withdraw"),
        format!("/users/{}/profile", ann.id),
    ] {
        ann.post_raw(&path, &[("display_name", "Forged"), ("remote", "remote")]).await.assert_status(403);
        ann.post_raw(&path, &[("display_name", "Forged"), ("csrf_token", "nope")]).await.assert_status(403);
    }
    let id = ann.id;
    assert_eq!(app.db.run(move |c| db::users::find(c, id)).await.unwrap().display_name, "");
    assert_eq!(app.count("seeker_preferences").await, 0);
    assert_eq!(app.count("resumes").await, 1);
    assert!(applicant_rows(app).await[0].withdrawn_at.is_none());
}

both_backends!(every_post_needs_the_csrf_token,);
