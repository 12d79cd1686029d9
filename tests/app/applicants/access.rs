//! Who may see and change which applicants, and the CSRF token every change needs.

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_notes, audit_log};

use super::{files_in, names, snapshot, two_companies};
use crate::fixtures::pdf_with_text;
use crate::helpers::TestApp;

pub(super) async fn visitors_log_in_first_and_seekers_find_nothing(app: &TestApp) {
    let two = two_companies(app).await;
    let visitor = app.client();
    let resp = visitor.get("/applicants?stage=interview").await;
    resp.assert_status(303);
    assert!(resp.location().starts_with("/login?next=%2Fapplicants"), "{}", resp.location());
    let sam = app.seeker("sam").await;
    for path in [
        "/applicants".to_string(),
        format!("/applicants/{}", two.ours),
        format!("/applicants/{}/edit", two.ours),
        "/applicants/export.csv".to_string(),
        format!("/applicants/board?job={}", two.acme_job),
        "/applicants/new".to_string(),
    ] {
        sam.get(&path).await.assert_status(404);
    }
    let before = snapshot(app, two.ours).await;
    sam.post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "hired")]).await.assert_status(404);
    sam.post_form(&format!("/applicants/{}/notes", two.ours), &[("body", "hi")]).await.assert_status(404);
    assert_eq!(snapshot(app, two.ours).await, before);
}

pub(super) async fn employer_never_sees_another_companys_applicants(app: &TestApp) {
    let two = two_companies(app).await;
    let theirs_resume = app.insert_resume(None, "quantum basket weaving").await;
    app.link_resume(two.theirs, theirs_resume).await;
    app.db
        .run(move |c| {
            diesel::insert_into(applicant_notes::table)
                .values((
                    applicant_notes::applicant_id.eq(two.theirs),
                    applicant_notes::body.eq("private note of Globex"),
                    applicant_notes::created_at.eq(jobconnect::db::now()),
                ))
                .execute(c)
        })
        .await
        .unwrap();

    let list = two.bob.get("/applicants").await;
    list.assert_status(200);
    assert_eq!(names(&list), ["Ann Lee"]);
    assert!(!list.body.contains("Zoe Hidden") && !list.body.contains("Secret Project Lead"));

    // No URL trick widens the list: another company, its job, its applicant's words.
    for path in [
        format!("/applicants?company={}", two.globex),
        format!("/applicants?job={}", two.globex_job),
        "/applicants?q=Zoe".to_string(),
        "/applicants?q=quantum+basket".to_string(),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(200);
        assert!(!resp.body.contains("Zoe Hidden"), "{path}");
    }
    for path in [
        format!("/applicants/export.csv?company={}", two.globex),
        format!("/applicants/export.csv?job={}", two.globex_job),
        "/applicants/export.csv?q=quantum".to_string(),
        "/applicants/export.csv".to_string(),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(200);
        assert!(!resp.body.contains("Zoe"), "{path}");
    }
    // Its pages are 404, not 403: their existence is not confirmed.
    for path in [
        format!("/applicants/{}", two.theirs),
        format!("/applicants/{}/edit", two.theirs),
        format!("/applicants/board?job={}", two.globex_job),
        format!("/applicants/{}", two.theirs + 1000),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(404);
        assert!(!resp.body.contains("private note") && !resp.body.contains("Zoe"), "{path}");
    }
    // Eve sees hers (and finds her by resume words), not Bob's.
    let hers = two.eve.get("/applicants?q=quantum").await;
    assert_eq!(names(&hers), ["Zoe Hidden"]);
    assert_eq!(names(&two.eve.get("/applicants").await), ["Zoe Hidden"]);
}

pub(super) async fn employer_cannot_change_another_companys_applicant(app: &TestApp) {
    let two = two_companies(app).await;
    let before = snapshot(app, two.theirs).await;
    let id = two.theirs;
    let posts: Vec<(String, Vec<(&str, String)>)> = vec![
        (format!("/applicants/{id}/stage"), vec![("stage", "hired".into())]),
        (format!("/applicants/{id}/status"), vec![("status", "closed".into())]),
        (format!("/applicants/{id}/type"), vec![("employment_type", "contract".into())]),
        (format!("/applicants/{id}/notes"), vec![("body", "sneaky".into())]),
        (
            format!("/applicants/{id}/edit"),
            vec![("name", "Renamed".into()), ("status", "open".into()), ("employment_type", "full_time".into())],
        ),
        (format!("/applicants/{id}/assign"), vec![("assignee", two.bob.id.to_string())]),
        (format!("/applicants/{id}/delete"), vec![]),
        // A selection that slips in another company's applicant changes nobody.
        (
            "/applicants/bulk".into(),
            vec![
                ("ids", two.ours.to_string()),
                ("ids", id.to_string()),
                ("action", "stage".into()),
                ("stage", "offer".into()),
            ],
        ),
        ("/applicants/bulk".into(), vec![("ids", id.to_string()), ("action", "export".into())]),
    ];
    let ours_before = snapshot(app, two.ours).await;
    for (path, fields) in &posts {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = two.bob.post_form(path, &fields).await;
        assert!(matches!(resp.status.as_u16(), 403 | 404), "{path}: {}", resp.status);
        assert!(!resp.body.contains("Zoe"), "{path} leaks nothing");
    }
    assert_eq!(snapshot(app, two.theirs).await, before, "nothing changed for Globex's applicant");
    assert_eq!(snapshot(app, two.ours).await, ours_before, "the bulk move was all or nothing");
    assert_eq!(app.count("audit_log").await, 0);
}

pub(super) async fn every_post_needs_the_csrf_token(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let id = two.ours;
    let before = snapshot(app, id).await;
    let bob_posts = [
        (format!("/applicants/{id}/stage"), vec![("stage", "hired")]),
        (format!("/applicants/{id}/status"), vec![("status", "closed")]),
        (format!("/applicants/{id}/type"), vec![("employment_type", "contract")]),
        (format!("/applicants/{id}/notes"), vec![("body", "forged")]),
        (
            format!("/applicants/{id}/edit"),
            vec![("name", "Forged"), ("status", "open"), ("employment_type", "full_time")],
        ),
        ("/applicants/bulk".to_string(), vec![("ids", "1"), ("action", "stage"), ("stage", "hired")]),
    ];
    for (path, fields) in &bob_posts {
        two.bob.post_raw(path, fields).await.assert_status(403);
        two.bob
            .post_raw(path, &[fields.as_slice(), &[("csrf_token", "not-the-token")]].concat())
            .await
            .assert_status(403);
    }
    let root_id = root.id.to_string();
    for (path, fields) in [
        (format!("/applicants/{id}/assign"), vec![("assignee", root_id.as_str())]),
        (format!("/applicants/{id}/delete"), vec![]),
        ("/applicants/bulk".to_string(), vec![("ids", "1"), ("action", "assign"), ("assignee", root_id.as_str())]),
    ] {
        root.post_raw(&path, &fields).await.assert_status(403);
    }
    // The multipart form checks the token too, and keeps no file.
    let form = reqwest::multipart::Form::new()
        .text("name", "Forged")
        .text("status", "open")
        .text("employment_type", "full_time")
        .part(
            "resume",
            reqwest::multipart::Part::bytes(pdf_with_text("x"))
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let resp = crate::helpers::TestClient::read(
        two.bob.http.post(app.url("/applicants/new")).multipart(form).send().await.unwrap(),
    )
    .await;
    resp.assert_status(403);
    assert!(files_in(&app.settings.upload_dir.join("resumes")).is_empty());
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty());
    assert_eq!(snapshot(app, id).await, before);
    assert!(app.applicant(id).await.is_some());
    assert_eq!(app.count("applicants").await, 2);
    let audited: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.like("applicant.%")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(audited, 0);
}
