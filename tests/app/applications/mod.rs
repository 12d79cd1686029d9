//! `/applications`: a seeker's applications, their detail, withdrawing.

mod apply;

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_events, notifications};

use crate::both_backends;
use crate::helpers::{Resp, TestApp};
use crate::seekers::*;

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

both_backends!(my_applications_list_and_detail, withdrawing_keeps_the_application_for_the_company,);
