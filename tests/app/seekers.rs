//! Seekers: profiles, pictures, preferences, PDF resumes, applying, "my
//! applications" and withdrawing — and every way an upload can go wrong.

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_events, applicants, jobs, notifications, resumes, seeker_preferences, users};
use jobconnect::db::{self};
use reqwest::multipart::{Form, Part};

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestClient, TestUser, wait_for};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A PDF of exactly `size` bytes: the text PDF, padded with a comment.
fn pdf_of_size(size: usize) -> Vec<u8> {
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

fn file(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_string()).mime_str(mime).unwrap()
}

pub fn pdf_part(text: &str) -> Part {
    file(pdf_with_text(text), "My CV.pdf", "application/pdf")
}

async fn upload_resume(user: &TestUser, part: Part) -> Resp {
    user.post_multipart("/resumes", |form| form.part("resume", part)).await
}

pub async fn apply_with_file(user: &TestUser, job_id: i64, cover: &str, part: Part) -> Resp {
    let cover = cover.to_string();
    user.post_multipart(&format!("/jobs/{job_id}/apply"), |form| {
        form.text("cover_letter", cover).text("consent", "yes").text("resume_id", "new").part("resume", part)
    })
    .await
}

async fn apply_with_resume(user: &TestUser, job_id: i64, resume_id: i64) -> Resp {
    user.post_multipart(&format!("/jobs/{job_id}/apply"), |form| {
        form.text("cover_letter", "Hello").text("consent", "yes").text("resume_id", resume_id.to_string())
    })
    .await
}

/// Sends a multipart body exactly as given (no token added unless included).
async fn post_raw_multipart(client: &TestClient, path: &str, boundary: &str, body: Vec<u8>) -> Resp {
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
type RawPart<'a> = (&'a str, Option<&'a [u8]>, &'a [u8]);

/// A multipart body from parts; the file name is written into the header
/// byte for byte.
fn raw_body(boundary: &str, parts: &[RawPart], close: bool) -> Vec<u8> {
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
async fn assert_nothing_stored(app: &TestApp, what: &str) {
    assert_eq!(app.count("resumes").await, 0, "{what}: no resume row");
    assert_eq!(files_in(app, "resumes"), Vec::<String>::new(), "{what}: no stored file");
    assert_eq!(files_in(app, "tmp"), Vec::<String>::new(), "{what}: no temporary file");
}

async fn resume_rows(app: &TestApp) -> Vec<jobconnect::db::resumes::Resume> {
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

async fn applicant_rows(app: &TestApp) -> Vec<jobconnect::db::applicants::Applicant> {
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
fn value_of(resp: &Resp, selector: &str) -> String {
    let doc = scraper::Html::parse_document(&resp.body);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_string()
}

/// The id at the end of a `Location` like `/applications/12`.
fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("no id in {location:?}"))
}

/// Ann (seeker) and Bob (employer of Acme) with an open job of Acme.
async fn ann_bob_and_a_job(app: &TestApp) -> (TestUser, TestUser, i64) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    (ann, bob, job)
}

// ---------------------------------------------------------------------------
// Resumes
// ---------------------------------------------------------------------------

async fn seeker_uploads_lists_downloads_and_deletes_a_resume(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let resp = upload_resume(&ann, pdf_part("Experienced Zanzibar engineer")).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/resumes");

    let list = ann.get("/resumes").await;
    list.assert_status(200);
    let text = list.text();
    assert!(text.contains("My CV.pdf"), "the name is listed");
    assert!(text.contains("“My CV.pdf” is uploaded"), "a confirmation");
    let rows = resume_rows(app).await;
    assert_eq!(rows.len(), 1);
    let resume = &rows[0];
    assert!(text.contains(&jobconnect::format::bytes(&resume.size_bytes)), "the size is listed");
    assert!(text.contains(&jobconnect::format::date(&resume.created_at)), "the date is listed");
    assert_eq!(resume.user_id, Some(ann.id));
    assert!(resume.text_content.contains("Zanzibar"), "the text is extracted: {:?}", resume.text_content);
    assert!(resume.stored_name.starts_with("resumes/") && resume.stored_name.ends_with(".pdf"));
    assert!(!resume.stored_name.contains("CV"), "a generated name, never the client's");
    assert_eq!(files_in(app, "resumes").len(), 1);
    assert!(files_in(app, "tmp").is_empty());

    let download = ann.get(&format!("/resumes/{}", resume.id)).await;
    download.assert_status(200);
    assert_eq!(download.header("content-type"), "application/pdf");
    // Named after the person, never after the uploaded file.
    assert_eq!(download.header("content-disposition"), r#"attachment; filename="ann-resume.pdf""#);
    assert_eq!(download.header("x-content-type-options"), "nosniff");
    assert!(download.body.starts_with("%PDF-") && download.body.contains("Zanzibar"));

    let resp = ann.post_form(&format!("/resumes/{}/delete", resume.id), &[]).await;
    resp.assert_status(303);
    assert_eq!(app.count("resumes").await, 0, "unused: the row goes");
    assert!(files_in(app, "resumes").is_empty(), "and the file");
    ann.get(&format!("/resumes/{}", resume.id)).await.assert_status(404);
    assert!(ann.get("/resumes").await.text().contains("No resumes yet"));
}

async fn refused_uploads_leave_no_file_and_no_row(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let limit = app.settings.max_upload_bytes as usize;
    let cases: Vec<(&str, Part, u16, &str)> = vec![
        ("a PNG renamed .pdf", file(png(), "cv.pdf", "application/pdf"), 415, "not a PDF"),
        (
            "plain text renamed .pdf",
            file(b"Hello, I am a resume".to_vec(), "cv.pdf", "application/pdf"),
            415,
            "not a PDF",
        ),
        (
            "an HTML file",
            file(b"<html><script>alert(1)</script></html>".to_vec(), "cv.html", "text/html"),
            415,
            "not a PDF",
        ),
        ("a script", file(b"#!/bin/sh\nrm -rf /\n".to_vec(), "cv.pdf.sh", "application/x-sh"), 415, "not a PDF"),
        ("an empty file", file(Vec::new(), "empty.pdf", "application/pdf"), 422, "The file is empty"),
        ("one byte over the limit", file(pdf_of_size(limit + 1), "big.pdf", "application/pdf"), 413, "too large"),
    ];
    for (what, part, status, message) in cases {
        let resp = upload_resume(&ann, part).await;
        resp.assert_status(status);
        assert!(resp.text().contains(message), "{what}: the page says {message:?}");
        assert!(resp.body.contains(r#"aria-invalid="true""#), "{what}: the field is marked");
        assert_nothing_stored(app, what).await;
    }
    // No file chosen at all.
    let resp = ann.post_multipart("/resumes", |form| form).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Choose a PDF file"));
    assert_nothing_stored(app, "no file").await;

    // Exactly at the limit is fine.
    upload_resume(&ann, file(pdf_of_size(limit), "exact.pdf", "application/pdf")).await.assert_status(303);
    assert_eq!(app.count("resumes").await, 1);
    assert_eq!(resume_rows(app).await[0].size_bytes, limit as i64);
}

async fn truncated_or_abandoned_uploads_leave_nothing(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let token = ann.csrf().await;
    let pdf = pdf_with_text("Truncated");
    // The body ends in the middle of the file: no closing boundary.
    let mut body = raw_body("XyZ", &[("csrf_token", None, token.as_bytes()), ("resume", Some(b"cv.pdf"), &pdf)], false);
    body.truncate(body.len() - 40);
    let resp = post_raw_multipart(&ann, "/resumes", "XyZ", body).await;
    assert!(resp.status == 422 || resp.status == 400, "a truncated body is refused: {}", resp.status);
    assert_nothing_stored(app, "truncated body").await;

    // The client goes away mid-upload: the connection drops after half the file.
    let half = pdf_of_size(600 * 1024)[..300 * 1024].to_vec();
    let mut head = raw_body("AbC", &[("csrf_token", None, token.as_bytes())], false);
    head.extend_from_slice(b"--AbC\r\nContent-Disposition: form-data; name=\"resume\"; filename=\"cv.pdf\"\r\n\r\n");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(head), Ok(half), Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "gone"))];
    let sent = ann
        .http
        .post(format!("{}/resumes", ann.base))
        .header("content-type", "multipart/form-data; boundary=AbC")
        .header("content-length", "700000")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await;
    assert!(sent.is_err() || sent.unwrap().status().is_client_error(), "the upload did not succeed");
    wait_for("the temporary file to be removed", || async { files_in(app, "tmp").is_empty().then_some(()) }).await;
    assert_nothing_stored(app, "abandoned upload").await;
}

async fn path_traversal_file_names_are_display_text_only(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let token = ann.csrf().await;
    let pdf = pdf_with_text("Traversal");
    let names: [&[u8]; 4] = [b"../../etc/passwd.pdf", b"..\\\\x.pdf", b"..\\y.pdf", b"/etc/cron.d/z.pdf"];
    for name in names {
        let body = raw_body("B0und", &[("csrf_token", None, token.as_bytes()), ("resume", Some(name), &pdf)], true);
        let resp = post_raw_multipart(&ann, "/resumes", "B0und", body).await;
        resp.assert_status(303);
    }
    // A NUL byte in the name: refused as malformed, or kept as harmless text.
    let body = raw_body("B0und", &[("csrf_token", None, token.as_bytes()), ("resume", Some(b"nul\0.pdf"), &pdf)], true);
    let resp = post_raw_multipart(&ann, "/resumes", "B0und", body).await;
    assert!(resp.status == 303 || resp.status.is_client_error(), "NUL: {}", resp.status);

    let names: Vec<String> = resume_rows(app).await.into_iter().map(|r| r.file_name).collect();
    for expected in ["passwd.pdf", "x.pdf", "y.pdf", "z.pdf"] {
        assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
    }
    assert!(names.iter().all(|n| !n.contains('/') && !n.contains('\\') && !n.contains('\0')), "{names:?}");
    let list = ann.get("/resumes").await.text();
    assert!(list.contains("passwd.pdf") && !list.contains("../"), "shown sanitised");

    // Every stored file is a generated name inside UPLOAD_DIR/resumes.
    let stored = files_in(app, "resumes");
    assert_eq!(stored.len(), names.len());
    assert!(stored.iter().all(|n| n.len() == 36 && n.ends_with(".pdf")), "{stored:?}");
    let root = app.settings.upload_dir.parent().unwrap();
    let mut everything = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.path().is_dir() { stack.push(entry.path()) } else { everything.push(entry.path()) }
        }
    }
    for path in &everything {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(!["passwd.pdf", "x.pdf", "y.pdf", "z.pdf"].contains(&name.as_ref()), "{} was written", path.display());
    }
    assert!(!std::path::Path::new("/etc/passwd.pdf").exists());
    assert!(!std::path::Path::new("/etc/cron.d/z.pdf").exists());
}

/// An upload called `cv.bat` (a PDF inside) is served as the person's PDF:
/// the client's name never reaches a download.
async fn downloads_carry_the_persons_name_never_the_uploaded_one(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let part = file(pdf_with_text("Batch"), "cv.bat", "application/x-msdownload");
    upload_resume(&ann, part).await.assert_status(303);
    let id = resume_rows(app).await[0].id;
    assert!(ann.get("/resumes").await.text().contains("cv.bat"), "the list shows what she uploaded");
    let download = ann.get(&format!("/resumes/{id}")).await;
    download.assert_status(200);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert_eq!(download.header("content-disposition"), r#"attachment; filename="ann-resume.pdf""#);
    assert_eq!(download.header("x-content-type-options"), "nosniff");
    // Her display name, made safe for a file name.
    ann.post_form("/profile", &[("display_name", "Ann \"../Lee\"")]).await.assert_status(303);
    let download = ann.get(&format!("/resumes/{id}")).await;
    assert_eq!(download.header("content-disposition"), r#"attachment; filename="ann-lee-resume.pdf""#);
}

async fn unreadable_pdf_is_accepted_with_empty_text(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let broken = b"%PDF-1.7\n this is not really a PDF at all \n%%EOF\n".to_vec();
    upload_resume(&ann, file(broken, "odd.pdf", "application/pdf")).await.assert_status(303);
    let rows = resume_rows(app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].text_content, "");
    assert!(ann.get("/resumes").await.text().contains("odd.pdf"));
}

async fn resume_download_is_for_owner_company_employers_and_admins_only(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let bea = app.employer("bea", "Acme Two").await; // Acme's colleague below
    let acme = app.company_of(&bob).await;
    let bea_id = bea.id;
    app.db
        .run(move |c| diesel::update(users::table.find(bea_id)).set(users::company_id.eq(acme)).execute(c))
        .await
        .unwrap();
    let carl = app.employer("carl", "Globex").await;
    let ben = app.seeker("ben").await;
    let root = app.admin("root").await;

    apply_with_file(&ann, job, "Hi", pdf_part("Ann resume")).await.assert_status(303);
    let sent = resume_rows(app).await[0].id;
    upload_resume(&ann, pdf_part("Not sent anywhere")).await.assert_status(303);
    let unsent = resume_rows(app).await[1].id;

    for (who, client) in
        [("owner", &ann.client), ("company employer", &bob.client), ("colleague", &bea.client), ("admin", &root.client)]
    {
        let resp = client.get(&format!("/resumes/{sent}")).await;
        resp.assert_status(200);
        assert_eq!(resp.header("content-type"), "application/pdf", "{who}");
        assert!(resp.header("content-disposition").starts_with("attachment;"), "{who}");
        assert_eq!(resp.header("x-content-type-options"), "nosniff", "{who}");
        assert!(resp.body.contains("Ann resume"), "{who} gets the file");
    }
    let visitor = app.client();
    for (who, client) in [("another seeker", &ben.client), ("another company", &carl.client), ("a visitor", &visitor)] {
        let resp = client.get(&format!("/resumes/{sent}")).await;
        resp.assert_status(404);
        assert!(!resp.body.contains("Ann resume"), "{who}");
    }
    // A resume not sent to Acme is not Acme's to see.
    bob.get(&format!("/resumes/{unsent}")).await.assert_status(404);
    ann.get(&format!("/resumes/{unsent}")).await.assert_status(200);
    root.get(&format!("/resumes/{unsent}")).await.assert_status(200);
    ann.get("/resumes/999999").await.assert_status(404);
    ann.get("/resumes/not-a-number").await.assert_status(404);
}

async fn deleting_a_sent_resume_hides_it_but_the_company_keeps_it(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    apply_with_file(&ann, job, "Hi", pdf_part("Kept for Acme")).await.assert_status(303);
    let resume = resume_rows(app).await.remove(0);

    let ben = app.seeker("ben").await;
    ben.post_form(&format!("/resumes/{}/delete", resume.id), &[]).await.assert_status(404);
    assert!(resume_rows(app).await[0].deleted_at.is_none(), "another seeker deletes nothing");

    let resp = ann.post_form(&format!("/resumes/{}/delete", resume.id), &[]).await;
    resp.assert_status(303);
    let after = resume_rows(app).await.remove(0);
    assert!(after.deleted_at.is_some(), "hidden, not removed");
    assert_eq!(files_in(app, "resumes").len(), 1, "the file stays");
    let list = ann.get("/resumes").await;
    assert!(!list.text().contains("My CV.pdf"), "gone from the seeker's list");
    assert!(list.text().contains("keep their copy"));
    ann.get(&format!("/resumes/{}", resume.id)).await.assert_status(404);
    let resp = bob.get(&format!("/resumes/{}", resume.id)).await;
    resp.assert_status(200);
    assert!(resp.body.contains("Kept for Acme"));
    // The application page says so.
    let id = applicant_rows(app).await[0].id;
    assert!(ann.get(&format!("/applications/{id}")).await.text().contains("deleted from your resumes"));
    // Deleting again is a 404: it is no longer in the list.
    ann.post_form(&format!("/resumes/{}/delete", resume.id), &[]).await.assert_status(404);
}

async fn a_seeker_keeps_at_most_twenty_resumes(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let small = pdf_with_text("Short");
    for i in 0..20 {
        upload_resume(&ann, file(small.clone(), &format!("cv{i}.pdf"), "application/pdf")).await.assert_status(303);
    }
    let resp = upload_resume(&ann, file(small, "cv21.pdf", "application/pdf")).await;
    resp.assert_status(422);
    assert!(resp.text().contains("at most 20 resumes"));
    assert_eq!(app.count("resumes").await, 20);
    assert_eq!(files_in(app, "resumes").len(), 20, "the refused file is removed");
    assert!(files_in(app, "tmp").is_empty());
}

// ---------------------------------------------------------------------------
// Applying
// ---------------------------------------------------------------------------

async fn applying_creates_the_applicant_resume_event_and_notifications(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let acme = app.company_of(&bob).await;
    // A colleague who has left (deactivated) is not told; an active one is.
    let bea = app.employer("bea", "Elsewhere").await;
    let old = app.employer("old", "Elsewhere Two").await;
    let (bea_id, old_id) = (bea.id, old.id);
    app.db
        .run(move |c| {
            diesel::update(users::table.filter(users::id.eq_any([bea_id, old_id])))
                .set(users::company_id.eq(acme))
                .execute(c)?;
            diesel::update(users::table.find(old_id)).set(users::is_active.eq(false)).execute(c)
        })
        .await
        .unwrap();
    ann.post_form(
        "/profile",
        &[("display_name", "Ann Lee"), ("phone", "+49 30 1234567"), ("location", "Berlin"), ("skills", "Rust")],
    )
    .await
    .assert_status(303);

    let form = ann.get(&format!("/jobs/{job}/apply")).await;
    form.assert_status(200);
    assert!(form.text().contains("Apply for Rust Developer"));
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));
    assert!(form.body.contains(r#"name="cover_letter""#) && form.body.contains(r#"name="resume""#));

    let resp = apply_with_file(&ann, job, "Dear Acme,\n\nI write Rust.", pdf_part("Polyglot Quokka wrangler")).await;
    resp.assert_status(303);
    let id = id_from(resp.location());
    assert_eq!(resp.location(), format!("/applications/{id}"));

    let a = applicant_rows(app).await.remove(0);
    assert_eq!(a.id, id);
    assert_eq!((a.company_id, a.job_id, a.seeker_id), (acme, Some(job), Some(ann.id)));
    assert_eq!(a.name, "Ann Lee");
    assert_eq!(a.email, "ann@example.com");
    assert_eq!((a.phone.as_str(), a.location.as_str()), ("+49 30 1234567", "Berlin"));
    assert_eq!(a.position, "Rust Developer");
    assert_eq!(a.cover_letter, "Dear Acme,\n\nI write Rust.");
    assert_eq!((a.stage.as_str(), a.status.as_str(), a.source.as_str()), ("applied", "open", "portal"));
    assert_eq!(a.employment_type.as_str(), "full_time", "from the job");
    assert!(a.withdrawn_at.is_none());
    let resume = resume_rows(app).await.remove(0);
    assert_eq!(a.resume_id, Some(resume.id));
    assert_eq!(resume.user_id, Some(ann.id));
    assert!(resume.text_content.contains("Quokka"), "searchable text: {:?}", resume.text_content);
    assert!(files_in(app, "tmp").is_empty());

    let events: Vec<(String, Option<i64>)> = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(id))
                .select((applicant_events::kind, applicant_events::actor_id))
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(events, vec![("applied".to_string(), Some(ann.id))]);

    let notes: Vec<(i64, String, String, String)> = app
        .db
        .run(|c| {
            notifications::table
                .order(notifications::user_id)
                .select((notifications::user_id, notifications::kind, notifications::link, notifications::data))
                .load(c)
        })
        .await
        .unwrap();
    let told: Vec<i64> = notes.iter().map(|n| n.0).collect();
    assert_eq!(told, vec![bob.id, bea.id], "every active employer of the company, no one else");
    for (_, kind, link, data) in &notes {
        assert_eq!(kind, "application");
        assert_eq!(link, &format!("/applicants/{id}"));
        let data: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(data, serde_json::json!({ "applicant_id": id, "job_id": job }));
    }

    let page = ann.get(&format!("/applications/{id}")).await;
    page.assert_status(200);
    assert!(page.text().contains("Your application for Rust Developer at Acme is sent"));
    assert!(page.text().contains("I write Rust."));
    assert!(page.body.contains(&format!(r#"href="/resumes/{}""#, resume.id)));

    // The apply page now says it is done.
    let again = ann.get(&format!("/jobs/{job}/apply")).await;
    assert!(again.text().contains("You have applied to this job"));
}

async fn applying_with_an_uploaded_resume(app: &TestApp) {
    let (ann, _bob, job) = ann_bob_and_a_job(app).await;
    upload_resume(&ann, pdf_part("Already here")).await.assert_status(303);
    let resume = resume_rows(app).await.remove(0);
    let form = ann.get(&format!("/jobs/{job}/apply")).await;
    assert!(form.body.contains(&format!(r#"value="{}" checked"#, resume.id)), "the newest resume is preselected");

    let resp = apply_with_resume(&ann, job, resume.id).await;
    resp.assert_status(303);
    assert_eq!(app.count("resumes").await, 1, "no copy");
    assert_eq!(applicant_rows(app).await[0].resume_id, Some(resume.id));

    // Someone else's resume cannot be used.
    let other_job = app.open_job(app.company_of(&_bob).await, "Second").await;
    let ben = app.seeker("ben").await;
    let resp = apply_with_resume(&ben, other_job, resume.id).await;
    resp.assert_status(422);
    assert!(resp.text().contains("no longer in your list"));
    assert_eq!(app.count("applicants").await, 1);
}

async fn a_second_application_is_refused_with_a_clear_message(app: &TestApp) {
    let (ann, _bob, job) = ann_bob_and_a_job(app).await;
    apply_with_file(&ann, job, "First", pdf_part("First")).await.assert_status(303);
    let resp = apply_with_file(&ann, job, "Second try", pdf_part("Second")).await;
    resp.assert_status(422);
    assert!(resp.text().contains("You have already applied to this job"), "{}", resp.text());
    assert_eq!(app.count("applicants").await, 1);
    assert_eq!(app.count("resumes").await, 1, "no row for the refused file");
    assert_eq!(files_in(app, "resumes").len(), 1, "and no file");
    assert!(files_in(app, "tmp").is_empty());
}

async fn racing_applications_make_exactly_one_applicant(app: &TestApp) {
    let (ann, _bob, job) = ann_bob_and_a_job(app).await;
    let (a, b, c) = tokio::join!(
        apply_with_file(&ann, job, "One", pdf_part("One")),
        apply_with_file(&ann, job, "Two", pdf_part("Two")),
        apply_with_file(&ann, job, "Three", pdf_part("Three")),
    );
    let mut statuses = vec![a.status.as_u16(), b.status.as_u16(), c.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, vec![303, 422, 422]);
    for resp in [a, b, c] {
        if resp.status == 422 {
            assert!(resp.text().contains("already applied"));
        }
    }
    assert_eq!(app.count("applicants").await, 1);
    assert_eq!(app.count("resumes").await, 1);
    assert_eq!(files_in(app, "resumes").len(), 1, "the losers' files are removed");
    assert!(files_in(app, "tmp").is_empty());
}

async fn closed_draft_and_expired_jobs_take_no_applications(app: &TestApp) {
    let (ann, bob, _job) = ann_bob_and_a_job(app).await;
    let acme = app.company_of(&bob).await;
    let closed = app.insert_job(acme, "Closed role", "closed").await;
    let draft = app.insert_job(acme, "Secret draft", "draft").await;
    let expired = app.open_job(acme, "Expired role").await;
    app.db
        .run(move |c| {
            let past = db::now() - time::Duration::days(1);
            diesel::update(jobs::table.find(expired)).set(jobs::closes_at.eq(Some(past))).execute(c)
        })
        .await
        .unwrap();

    for (job, title) in [(closed, "Closed role"), (expired, "Expired role")] {
        // Hidden like the job page; a form already open gets a clear
        // refusal, and nothing of the job it can no longer see.
        ann.get(&format!("/jobs/{job}/apply")).await.assert_status(404);
        let resp = apply_with_file(&ann, job, "Please", pdf_part("Late")).await;
        resp.assert_status(422);
        assert!(resp.text().contains("no longer accepting applications"));
        assert!(!resp.text().contains(title) && !resp.text().contains("friendly team"), "no job details");
        assert!(!resp.text().contains("Berlin") && !resp.body.contains("Acme"), "no place, no company");
    }
    ann.get(&format!("/jobs/{draft}/apply")).await.assert_status(404);
    apply_with_file(&ann, draft, "Please", pdf_part("Early")).await.assert_status(404);
    ann.get("/jobs/999999/apply").await.assert_status(404);
    assert_eq!(app.count("applicants").await, 0);
    assert_nothing_stored(app, "refused applications").await;
}

/// The apply form shows what the company receives, from the profile, and
/// sends what the seeker leaves there: name and e-mail required.
async fn the_apply_form_sends_the_details_shown(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    ann.post_form(
        "/profile",
        &[
            ("display_name", "Ann Lee"),
            ("headline", ""),
            ("location", "Berlin"),
            ("phone", "+49 30 1234567"),
            ("skills", ""),
        ],
    )
    .await
    .assert_status(303);
    let form = ann.get(&format!("/jobs/{job}/apply")).await;
    let value = |id: &str| form.select_attr(&format!("input#{id}"), "value");
    assert_eq!(value("name"), ["Ann Lee"]);
    assert_eq!(value("email"), [ann.email.clone()]);
    assert_eq!(value("phone"), ["+49 30 1234567"]);
    assert_eq!(value("location"), ["Berlin"]);

    let path = format!("/jobs/{job}/apply");
    let send = |name: &'static str, email: &'static str| {
        ann.post_multipart(&path, move |form| {
            form.text("name", name)
                .text("email", email)
                .text("phone", "")
                .text("location", "Hamburg")
                .text("cover_letter", "Hello")
                .text("consent", "yes")
                .text("resume_id", "new")
                .part("resume", pdf_part("CV"))
        })
    };
    for (name, email, field) in [("", "ann.work@example.com", "name"), ("Ann Lee", "not-an-address", "email")] {
        let resp = send(name, email).await;
        resp.assert_status(422);
        assert_eq!(resp.select(&format!("#{field}-error")).len(), 1, "{field}");
        assert_eq!(resp.select_attr("input#location", "value"), ["Hamburg"], "the edits are kept");
    }
    assert_eq!(app.count("applicants").await, 0);
    assert_nothing_stored(app, "refused details").await;

    send("Ann Lee-Weber", "ann.work@example.com").await.assert_status(303);
    let stored = applicant_rows(app).await.remove(0);
    assert_eq!(
        (stored.name.as_str(), stored.email.as_str(), stored.phone.as_str(), stored.location.as_str()),
        ("Ann Lee-Weber", "ann.work@example.com", "", "Hamburg")
    );
    let profile = ann.get("/profile").await;
    assert_eq!(profile.select_attr("input#location", "value"), ["Berlin"], "the profile is unchanged");
    assert!(bob.get(&format!("/applicants/{}", stored.id)).await.text().contains("Ann Lee-Weber"));
}

async fn only_seekers_apply(app: &TestApp) {
    let (_ann, bob, job) = ann_bob_and_a_job(app).await;
    let page = bob.get(&format!("/jobs/{job}/apply")).await;
    page.assert_status(403);
    assert!(page.text().contains("Only job seekers apply"));
    apply_with_file(&bob, job, "Me too", pdf_part("Employer")).await.assert_status(403);
    let root = app.admin("root").await;
    apply_with_file(&root, job, "Me too", pdf_part("Admin")).await.assert_status(403);
    let visitor = app.client();
    let resp = visitor.get(&format!("/jobs/{job}/apply")).await;
    resp.assert_status(303);
    assert!(resp.location().starts_with("/login?next=%2Fjobs%2F"), "{}", resp.location());
    assert_eq!(app.count("applicants").await, 0);
    assert_nothing_stored(app, "non-seekers").await;
}

async fn apply_form_errors_are_shown_and_the_letter_kept(app: &TestApp) {
    let (ann, _bob, job) = ann_bob_and_a_job(app).await;
    let resp =
        apply_with_file(&ann, job, "My <b>letter</b>", file(b"<html></html>".to_vec(), "cv.pdf", "application/pdf"))
            .await;
    resp.assert_status(415);
    assert!(resp.text().contains("That file is not a PDF"));
    assert_eq!(resp.select("textarea#cover_letter"), vec!["My <b>letter</b>"], "kept");
    assert!(!resp.body.contains("<b>letter"), "escaped");
    assert!(resp.body.contains(r#"aria-invalid="true""#));

    let resp = ann
        .post_multipart(&format!("/jobs/{job}/apply"), |form| {
            form.text("cover_letter", "No resume").text("consent", "yes").text("resume_id", "new")
        })
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("Choose your resume: a PDF file."), "ann has no resumes to choose from");

    let long = "x".repeat(10_001);
    let resp = apply_with_file(&ann, job, &long, pdf_part("Fine")).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Keep the cover letter under 10,000 characters"));

    let big = file(pdf_of_size(app.settings.max_upload_bytes as usize + 1), "big.pdf", "application/pdf");
    let resp = apply_with_file(&ann, job, "Big", big).await;
    resp.assert_status(413);
    assert!(resp.text().contains("too large"));

    assert_eq!(app.count("applicants").await, 0);
    assert_nothing_stored(app, "apply errors").await;
}

// ---------------------------------------------------------------------------
// My applications, withdrawing
// ---------------------------------------------------------------------------

async fn my_applications_list_and_detail(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let carl = app.employer("carl", "Globex").await;
    let globex_job = app.open_job(app.company_of(&carl).await, "Data Engineer").await;
    apply_with_file(&ann, job, "Acme letter", pdf_part("A")).await.assert_status(303);
    let resp = apply_with_file(&ann, globex_job, "Globex letter", pdf_part("B")).await;
    let globex_app = id_from(resp.location());
    let acme_app = applicant_rows(app).await[0].id;

    let list = ann.get("/applications").await;
    list.assert_status(200);
    let text = list.text();
    for expected in ["Rust Developer", "Acme", "Data Engineer", "Globex", "2 applications"] {
        assert!(text.contains(expected), "{expected:?} in the list");
    }
    assert_eq!(list.select(&format!(r#"[data-applicant-stage="{acme_app}"]"#)), vec!["Applied"]);
    assert_eq!(list.select(&format!(r#"[data-applicant-stage="{globex_app}"]"#)), vec!["Applied"]);

    // The company moves Ann to interview and notes something of its own.
    bob.post_form(&format!("/applicants/{acme_app}/stage"), &[("stage", "interview")]).await.assert_status(303);
    bob.post_form(&format!("/applicants/{acme_app}/notes"), &[("body", "Strong candidate, secret")])
        .await
        .assert_status(303);
    let list = ann.get("/applications").await;
    assert_eq!(list.select(&format!(r#"[data-applicant-stage="{acme_app}"]"#)), vec!["Interview"]);

    let detail = ann.get(&format!("/applications/{acme_app}")).await;
    detail.assert_status(200);
    let text = detail.text();
    assert!(text.contains("Acme letter") && text.contains("My CV.pdf"));
    assert!(text.contains("You applied") && text.contains("Moved to Interview"), "{text}");
    assert!(!text.contains("secret"), "the company's notes are not shown");
    // Job cards say where the seeker applied, and only to them.
    let cards = ann.get("/jobs").await.select("article.job-card");
    assert_eq!(cards.len(), 2);
    assert!(cards.iter().all(|c| c.contains("Applied")), "{cards:?}");
    let ben = app.seeker("ben").await;
    assert!(ben.get("/jobs").await.select("article.job-card").iter().all(|c| !c.contains("Applied")));
    // From the application: its thread and the job ad.
    let links = detail.select_attr("a.button", "href");
    assert!(links.contains(&format!("/applications/{acme_app}/messages")), "{links:?}");
    assert!(links.contains(&format!("/jobs/{job}")), "{links:?}");
    // /messages offers to start a conversation from each application until one starts.
    let starts = |page: Resp| page.select_attr(".inbox-start a", "href");
    let offered = starts(ann.get("/messages").await);
    assert_eq!(offered, [format!("/applications/{globex_app}/messages"), format!("/applications/{acme_app}/messages")]);
    let thread = format!("/applications/{acme_app}/messages");
    ann.post_form(&thread, &[("body", "When can we talk?")]).await.assert_status(303);
    assert_eq!(starts(ann.get("/messages").await), [format!("/applications/{globex_app}/messages")]);
    assert!(starts(bob.get("/messages").await).is_empty(), "employers start from the applicant");

    ben.get(&format!("/applications/{acme_app}")).await.assert_status(404);
    ben.get("/applications").await.assert_status(200);
    assert!(!ben.get("/applications").await.text().contains("Rust Developer"));
    bob.get("/applications").await.assert_status(404);
    app.client().get("/applications").await.assert_status(303);
}

async fn withdrawing_keeps_the_application_for_the_company(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let resp = apply_with_file(&ann, job, "Hello", pdf_part("W")).await;
    let id = id_from(resp.location());
    let ben = app.seeker("ben").await;
    ben.post_form(&format!("/applications/{id}/withdraw"), &[]).await.assert_status(404);
    bob.post_form(&format!("/applications/{id}/withdraw"), &[]).await.assert_status(404);
    assert!(applicant_rows(app).await[0].withdrawn_at.is_none());

    let resp = ann.post_form(&format!("/applications/{id}/withdraw"), &[]).await;
    resp.assert_status(303);
    let a = applicant_rows(app).await.remove(0);
    assert!(a.withdrawn_at.is_some());
    assert_eq!(a.status.as_str(), "closed");
    assert_eq!(app.count("applicants").await, 1, "still in the company's list");
    let kinds: Vec<String> = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(id))
                .order(applicant_events::id)
                .select(applicant_events::kind)
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(kinds, vec!["applied", "withdrawn"]);
    let bob_id = bob.id;
    let told: i64 = app
        .db
        .run(move |c| {
            notifications::table
                .filter(notifications::user_id.eq(bob_id))
                .filter(notifications::kind.eq("withdrawn"))
                .count()
                .get_result(c)
        })
        .await
        .unwrap();
    assert_eq!(told, 1, "the employer is told");
    let badges = bob.get("/notifications").await.select(".notification-meta .badge");
    assert!(badges.iter().any(|b| b == "Withdrawn"), "labelled for what happened: {badges:?}");

    let detail = ann.get(&format!("/applications/{id}")).await;
    assert!(detail.text().contains("You withdrew this application"));
    assert!(!detail.body.contains("/withdraw\""), "no second withdraw button");
    assert!(ann.get("/applications").await.text().contains("Withdrawn"));
    // Withdrawing twice changes nothing more.
    ann.post_form(&format!("/applications/{id}/withdraw"), &[]).await.assert_status(303);
    assert_eq!(app.count("applicant_events").await, 2);
    // The company can still open the resume.
    let resume = a.resume_id.unwrap();
    bob.get(&format!("/resumes/{resume}")).await.assert_status(200);
    // Applying again is refused.
    let resp = apply_with_file(&ann, job, "Again", pdf_part("Again")).await;
    resp.assert_status(422);
    assert!(resp.text().contains("already applied"));
}

// ---------------------------------------------------------------------------
// Profile, picture, preferences
// ---------------------------------------------------------------------------

async fn seeker_edits_the_profile(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let page = ann.get("/profile").await;
    page.assert_status(200);
    assert!(page.text().contains("Your profile"));
    let resp = ann
        .post_form(
            "/profile",
            &[
                ("display_name", "  Ann Lee "),
                ("headline", "Backend developer"),
                ("location", "Berlin"),
                ("phone", "+49 (30) 123-4567"),
                ("skills", "Rust, SQL, rust, Actix web"),
            ],
        )
        .await;
    resp.assert_status(303);
    let id = ann.id;
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!(user.display_name, "Ann Lee");
    assert_eq!((user.headline.as_str(), user.location.as_str()), ("Backend developer", "Berlin"));
    assert_eq!(user.phone, "+49 (30) 123-4567");
    assert_eq!(user.skills, "Rust, SQL, Actix web");
    let page = ann.get("/profile").await;
    assert!(page.text().contains("The profile is saved"));
    assert_eq!(page.select(".skill-list li"), vec!["Rust", "SQL", "Actix web"]);

    let resp = ann
        .post_form(
            "/profile",
            &[("display_name", "Ann <b>"), ("phone", "call me maybe"), ("headline", &"h".repeat(121))],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(resp.select(".field-error").len(), 2, "phone and headline");
    assert_eq!(value_of(&resp, "#display_name"), "Ann <b>", "values kept");
    assert!(!resp.body.contains("Ann <b>"), "escaped");
    assert_eq!(value_of(&resp, "#phone"), "call me maybe");
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!(user.phone, "+49 (30) 123-4567", "nothing saved");
}

async fn someone_elses_profile_is_404_but_admins_edit_it(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let ben = app.seeker("ben").await;
    let bob = app.employer("bob", "Acme").await;
    let path = format!("/users/{}/profile", ann.id);
    for client in [&ben.client, &bob.client] {
        client.get(&path).await.assert_status(404);
        client.post_form(&path, &[("display_name", "Hacked")]).await.assert_status(404);
    }
    let visitor = app.client();
    visitor.get(&path).await.assert_status(303);
    ann.get(&path).await.assert_status(200);

    let root = app.admin("root").await;
    let page = root.get(&path).await;
    page.assert_status(200);
    assert!(page.text().contains("Profile of ann"));
    root.post_form(&path, &[("display_name", "Ann (checked)"), ("location", "Paris")]).await.assert_status(303);
    let id = ann.id;
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!((user.display_name.as_str(), user.location.as_str()), ("Ann (checked)", "Paris"));
    let audited: i64 = app
        .db
        .run(move |c| {
            jobconnect::db::schema::audit_log::table
                .filter(jobconnect::db::schema::audit_log::action.eq("user.profile_edited"))
                .filter(jobconnect::db::schema::audit_log::target_id.eq(id))
                .count()
                .get_result(c)
        })
        .await
        .unwrap();
    assert_eq!(audited, 1, "the admin's edit is audited");
}

async fn profile_picture_upload_and_who_sees_it(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let resp = ann.post_multipart("/profile/avatar", |f| f.part("avatar", file(png(), "me.png", "image/png"))).await;
    resp.assert_status(303);
    let id = ann.id;
    let first = app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.expect("stored");
    assert!(first.starts_with("images/") && first.ends_with(".png"));
    assert_eq!(files_in(app, "images").len(), 1);
    let profile = ann.get("/profile").await;
    let src = format!("/users/{id}/avatar?v=");
    assert!(profile.body.contains(&src), "the profile shows it");

    let url = format!("/users/{id}/avatar");
    let resp = ann.get(&url).await;
    resp.assert_status(200);
    assert_eq!(resp.header("content-type"), "image/png");
    assert_eq!(resp.header("x-content-type-options"), "nosniff");
    assert!(resp.header("content-disposition").starts_with("inline"));

    let ben = app.seeker("ben").await;
    let root = app.admin("root").await;
    ben.get(&url).await.assert_status(404);
    app.client().get(&url).await.assert_status(404);
    bob.get(&url).await.assert_status(404);
    root.get(&url).await.assert_status(200);
    apply_with_file(&ann, job, "Hi", pdf_part("P")).await.assert_status(303);
    bob.get(&url).await.assert_status(200);

    // Not a picture: refused, nothing kept, the old one stays.
    let html = file(b"<html><script>alert(1)</script>".to_vec(), "me.png", "image/png");
    let resp = ann.post_multipart("/profile/avatar", |f| f.part("avatar", html)).await;
    resp.assert_status(415);
    assert!(resp.text().contains("Upload a PNG, JPEG or WebP picture"));
    let big = file([png(), vec![0; app.settings.max_image_bytes as usize]].concat(), "big.png", "image/png");
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", big)).await.assert_status(413);
    assert_eq!(files_in(app, "images").len(), 1);
    assert!(files_in(app, "tmp").is_empty());

    // A new picture replaces the file; removing it removes the file.
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", file(png(), "new.png", "image/png")))
        .await
        .assert_status(303);
    let second = app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.unwrap();
    assert_ne!(first, second);
    assert_eq!(files_in(app, "images"), vec![second.trim_start_matches("images/").to_string()]);
    ben.post_form(&format!("/users/{id}/avatar/delete"), &[]).await.assert_status(404);
    ann.post_form("/profile/avatar/delete", &[]).await.assert_status(303);
    assert!(app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.is_none());
    assert!(files_in(app, "images").is_empty());
    ann.get(&url).await.assert_status(404);
}

async fn seeker_sets_job_preferences(app: &TestApp) {
    let ann = app.seeker("ann").await;
    ann.get("/profile/preferences").await.assert_status(200);
    let fields = [
        ("employment_types", "contract"),
        ("employment_types", "full_time"),
        ("remote", "hybrid"),
        ("salary_min", "55,000"),
        ("locations", "Berlin, Germany\nRemote"),
        ("categories", "Engineering"),
    ];
    ann.post_form("/profile/preferences", &fields).await.assert_status(303);
    let page = ann.get("/profile/preferences").await;
    assert!(page.body.contains(r#"value="full_time" checked"#) && page.body.contains(r#"value="contract" checked"#));
    assert!(!page.body.contains(r#"value="internship" checked"#));
    assert!(page.body.contains(r#"value="hybrid" selected"#));
    let id = ann.id;
    let prefs = app.db.run(move |c| db::profiles::preferences(c, id)).await.unwrap().expect("saved");
    assert_eq!(prefs.employment_types, "full_time\ncontract");
    assert_eq!(prefs.locations, "Berlin, Germany\nRemote");
    assert_eq!((prefs.remote.as_str(), prefs.salary_min), ("hybrid", Some(55_000)));

    // Saving again replaces the row.
    ann.post_form("/profile/preferences", &[("remote", ""), ("salary_min", "")]).await.assert_status(303);
    let rows: i64 = app.db.run(|c| seeker_preferences::table.count().get_result(c)).await.unwrap();
    assert_eq!(rows, 1);
    let prefs = app.db.run(move |c| db::profiles::preferences(c, id)).await.unwrap().unwrap();
    assert_eq!((prefs.employment_types.as_str(), prefs.remote.as_str(), prefs.salary_min), ("", "", None));

    let resp = ann
        .post_form(
            "/profile/preferences",
            &[("employment_types", "astronaut"), ("remote", "mars"), ("salary_min", "lots")],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(resp.select(".field-error").len(), 3);
    assert!(resp.body.contains(r#"value="lots""#));

    let bob = app.employer("bob", "Acme").await;
    bob.get("/profile/preferences").await.assert_status(404);
    bob.get("/profile").await.assert_status(200);
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

both_backends!(
    seeker_uploads_lists_downloads_and_deletes_a_resume,
    refused_uploads_leave_no_file_and_no_row,
    truncated_or_abandoned_uploads_leave_nothing,
    path_traversal_file_names_are_display_text_only,
    downloads_carry_the_persons_name_never_the_uploaded_one,
    unreadable_pdf_is_accepted_with_empty_text,
    resume_download_is_for_owner_company_employers_and_admins_only,
    deleting_a_sent_resume_hides_it_but_the_company_keeps_it,
    a_seeker_keeps_at_most_twenty_resumes,
    applying_creates_the_applicant_resume_event_and_notifications,
    applying_with_an_uploaded_resume,
    a_second_application_is_refused_with_a_clear_message,
    racing_applications_make_exactly_one_applicant,
    closed_draft_and_expired_jobs_take_no_applications,
    only_seekers_apply,
    the_apply_form_sends_the_details_shown,
    apply_form_errors_are_shown_and_the_letter_kept,
    my_applications_list_and_detail,
    withdrawing_keeps_the_application_for_the_company,
    seeker_edits_the_profile,
    someone_elses_profile_is_404_but_admins_edit_it,
    profile_picture_upload_and_who_sees_it,
    seeker_sets_job_preferences,
    every_post_needs_the_csrf_token,
);
