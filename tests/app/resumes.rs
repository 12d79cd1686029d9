//! `/resumes`: a seeker's PDF resumes — upload, list, download, delete —
//! and every way an upload can go wrong.

use diesel::prelude::*;
use jobconnect::db::schema::users;
use reqwest::multipart::Part;

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{TestApp, wait_for};
use crate::seekers::*;

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
);
