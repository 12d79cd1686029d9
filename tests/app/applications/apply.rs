//! `/jobs/{id}/apply`: applying, with a kept or a new resume.

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_events, jobs, notifications, users};
use jobconnect::db::{self};

use crate::both_backends;
use crate::helpers::TestApp;
use crate::seekers::*;

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

both_backends!(
    applying_creates_the_applicant_resume_event_and_notifications,
    applying_with_an_uploaded_resume,
    a_second_application_is_refused_with_a_clear_message,
    racing_applications_make_exactly_one_applicant,
    closed_draft_and_expired_jobs_take_no_applications,
    the_apply_form_sends_the_details_shown,
    only_seekers_apply,
    apply_form_errors_are_shown_and_the_letter_kept,
);
