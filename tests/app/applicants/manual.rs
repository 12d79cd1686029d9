//! Adding applicants by hand (with or without a PDF), deleting their resume with them, and editing.

use diesel::prelude::*;
use jobconnect::db::schema::resumes;
use jobconnect::domain::{ApplicantStatus, EmploymentType, Stage};

use super::{events, files_in, names, snapshot, two_companies};
use crate::fixtures::pdf_with_text;
use crate::helpers::TestApp;

pub(super) async fn add_by_hand_with_and_without_a_pdf(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let form = bob.get("/applicants/new").await;
    form.assert_status(200);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form.body.contains("Rust Engineer") && !form.body.contains("Secret Project Lead"), "only our jobs");

    let before = app.count("applicants").await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Grace Hopper")
                .text("email", "Grace@Example.com")
                .text("phone", "+1 (555) 010-0000")
                .text("current_company", "US Navy")
                .text("position", "Rear Admiral")
                .text("location", "Arlington")
                .text("years_experience", "40")
                .text("status", "pending")
                .text("employment_type", "contract")
                .text("job", two.acme_job.to_string())
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    let a = app.applicant(id).await.unwrap();
    assert_eq!(a.company_id, two.acme);
    assert_eq!((a.email.as_str(), a.years_experience, a.job_id), ("grace@example.com", Some(40), Some(two.acme_job)));
    assert_eq!(
        (a.status, a.employment_type, a.stage),
        (ApplicantStatus::Pending, EmploymentType::Contract, Stage::Applied)
    );
    assert_eq!(a.source.as_str(), "manual");
    assert_eq!(a.resume_id, None);
    assert_eq!(events(app, id).await, [("created".to_string(), "Added by hand".to_string())]);
    assert_eq!(app.count("applicants").await, before + 1);

    // With a PDF: stored under a generated name, its text searchable.
    let pdf = pdf_with_text("Zanzibar logistics expert");
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Linus Pdf").text("status", "open").text("employment_type", "full_time").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf)
                    .file_name("../../cv linus.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    let resume_id = app.applicant(id).await.unwrap().resume_id.expect("the resume is linked");
    let (user_id, file_name, stored_name, text): (Option<i64>, String, String, String) = app
        .db
        .run(move |c| {
            resumes::table
                .find(resume_id)
                .select((resumes::user_id, resumes::file_name, resumes::stored_name, resumes::text_content))
                .first(c)
        })
        .await
        .unwrap();
    assert_eq!(user_id, None);
    assert_eq!(file_name, "cv linus.pdf");
    assert!(stored_name.starts_with("resumes/") && !stored_name.contains("linus"));
    assert!(app.settings.upload_dir.join(&stored_name).is_file());
    assert!(text.contains("Zanzibar"), "{text:?}");
    assert_eq!(names(&bob.get("/applicants?q=zanzibar").await), ["Linus Pdf"]);
    let page = bob.get(&format!("/applicants/{id}")).await;
    assert!(page.body.contains(&format!("href=\"/resumes/{resume_id}\"")), "the page links the resume");
    let download = bob.get(&format!("/resumes/{resume_id}")).await;
    download.assert_status(200);
    assert_eq!(download.header("content-disposition"), r#"attachment; filename="linus-pdf-resume.pdf""#);

    // Not a PDF: refused, the form kept, nothing stored.
    let rows = app.count("applicants").await;
    let resumes_before = app.count("resumes").await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Mallory")
                .text("email", "mallory@example.com")
                .text("status", "open")
                .text("employment_type", "full_time")
                .part(
                    "resume",
                    reqwest::multipart::Part::bytes(b"MZ\x90\x00 not a pdf".to_vec())
                        .file_name("cv.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("id=\"resume-error\""));
    assert!(resp.body.contains("value=\"Mallory\"") && resp.body.contains("value=\"mallory@example.com\""));
    assert_eq!(app.count("applicants").await, rows);
    assert_eq!(app.count("resumes").await, resumes_before);
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1, "only Linus's file");
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty(), "no temporary file left");

    // Bad fields: 422, every message by its field, values kept, a valid PDF not kept either.
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "")
                .text("email", "not-an-email")
                .text("phone", "call me")
                .text("years_experience", "-3")
                .text("status", "open")
                .text("employment_type", "full_time")
                .text("job", two.globex_job.to_string())
                .part(
                    "resume",
                    reqwest::multipart::Part::bytes(pdf_with_text("x"))
                        .file_name("cv.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    resp.assert_status(422);
    for field in ["name", "email", "phone", "years_experience", "job"] {
        assert!(resp.body.contains(&format!("id=\"{field}-error\"")), "{field}");
        assert!(resp.body.contains(&format!("aria-describedby=\"{field}-error\"")), "{field}");
    }
    assert!(resp.body.contains("value=\"not-an-email\"") && resp.body.contains("value=\"call me\""));
    assert_eq!(app.count("applicants").await, rows);
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1);
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty());

    // An admin picks the company first, and its jobs only.
    let root = app.admin("root").await;
    let pick = root.get("/applicants/new").await;
    pick.assert_status(200);
    assert!(pick.text().contains("Globex") && pick.text().contains("Acme"));
    let form = root.get(&format!("/applicants/new?company={}", two.globex)).await;
    assert!(form.body.contains("Secret Project Lead") && !form.body.contains("Rust Engineer"));
    let resp = root
        .post_multipart("/applicants/new", |f| {
            f.text("company_id", two.globex.to_string())
                .text("name", "For Globex")
                .text("status", "open")
                .text("employment_type", "temporary")
        })
        .await;
    resp.assert_status(303);
    assert!(names(&two.eve.get("/applicants").await).contains(&"For Globex".to_string()));
    // An employer cannot aim it at another company.
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("company_id", two.globex.to_string())
                .text("name", "Sneaky")
                .text("status", "open")
                .text("employment_type", "full_time")
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    assert_eq!(app.applicant(id).await.unwrap().company_id, two.acme);
}

pub(super) async fn admin_delete_removes_a_resume_uploaded_by_hand(app: &TestApp) {
    let two = two_companies(app).await;
    let resp = two
        .bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Temp Person").text("status", "open").text("employment_type", "full_time").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf_with_text("hello"))
                    .file_name("cv.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1);
    let root = app.admin("root").await;
    root.post_form(&format!("/applicants/{id}/delete"), &[]).await.assert_status(303);
    assert!(app.applicant(id).await.is_none());
    assert_eq!(app.count("resumes").await, 0);
    assert!(files_in(&app.settings.upload_dir.join("resumes")).is_empty(), "the file went with it");
}

pub(super) async fn edit_keeps_the_form_on_bad_input_and_records_what_changed(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, id) = (&two.bob, two.ours);
    let form = bob.get(&format!("/applicants/{id}/edit")).await;
    form.assert_status(200);
    assert!(form.body.contains("value=\"Ann Lee\"") && form.body.contains("value=\"ann.lee@example.com\""));
    let before = snapshot(app, id).await;
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee"),
                ("email", "ann@@x"),
                ("years_experience", "many"),
                ("status", "open"),
                ("employment_type", "full_time"),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("value=\"ann@@x\"") && resp.body.contains("value=\"many\""));
    assert!(resp.body.contains("id=\"email-error\"") && resp.body.contains("id=\"years_experience-error\""));
    assert_eq!(snapshot(app, id).await, before);
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee-Smith"),
                ("email", "ann.lee@example.com"),
                ("phone", "+44 20 7946 0000"),
                ("status", "open"),
                ("employment_type", "full_time"),
                ("job", &two.acme_job.to_string()),
            ],
        )
        .await;
    resp.assert_status(303);
    let a = app.applicant(id).await.unwrap();
    assert_eq!((a.name.as_str(), a.phone.as_str()), ("Ann Lee-Smith", "+44 20 7946 0000"));
    assert_eq!(events(app, id).await, [("edited".to_string(), "Changed name, phone".to_string())]);
    // Another company's job cannot be chosen.
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee-Smith"),
                ("status", "open"),
                ("employment_type", "full_time"),
                ("job", &two.globex_job.to_string()),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("id=\"job-error\""));
    assert_eq!(app.applicant(id).await.unwrap().job_id, Some(two.acme_job));
}
