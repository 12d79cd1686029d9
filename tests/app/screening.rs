//! Screening questions: set per job by its company, asked on apply, checked
//! like every other field; a knock-out answer flags the applicant for a
//! person (a tag and a timeline line) and never moves it by itself.

use diesel::prelude::*;
use jobconnect::db::schema::screening_questions;
use jobconnect::domain::Stage;

use crate::both_backends;
use crate::helpers::{Resp, TestApp, TestUser};
use crate::seekers::pdf_part;

async fn apply(who: &TestUser, job: i64, answers: &[(i64, &str)]) -> Resp {
    let answers: Vec<(String, String)> = answers.iter().map(|(q, a)| (format!("q-{q}"), a.to_string())).collect();
    who.post_multipart(&format!("/jobs/{job}/apply"), move |mut form| {
        for (k, v) in answers {
            form = form.text(k, v);
        }
        form.text("cover_letter", "Hello")
            .text("consent", "yes")
            .text("resume_id", "new")
            .part("resume", pdf_part("Rust and SQL"))
    })
    .await
}

async fn screening_questions_flag_knock_outs_for_a_person(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let path = format!("/employer/jobs/{job}/questions");
    let permit = "Do you hold a work permit for Germany?";
    for (prompt, kind, knockout, required) in [
        (permit, "yes_no", "no", "on"),
        ("Years of Rust experience", "number", "3", "on"),
        ("Anything else we should know?", "text", "", ""),
    ] {
        let fields = [("prompt", prompt), ("kind", kind), ("knockout", knockout), ("required", required)];
        bob.post_form(&path, &fields).await.assert_status(303);
    }
    for (prompt, kind, knockout, field) in [
        ("Hi", "yes_no", "", "#prompt-error"),
        ("A fine question?", "text", "yes", "#knockout-error"),
        ("A fine question?", "yes_no", "maybe", "#knockout-error"),
        ("A fine question?", "number", "x", "#knockout-error"),
        ("A fine question?", "essay", "", "#kind-error"),
    ] {
        let resp = bob.post_form(&path, &[("prompt", prompt), ("kind", kind), ("knockout", knockout)]).await;
        resp.assert_status(422);
        assert_eq!(resp.select(field).len(), 1, "{prompt} {kind} {knockout}");
    }
    eve.get(&path).await.assert_status(404);
    eve.post_form(&path, &[("prompt", "Spy question?"), ("kind", "text")]).await.assert_status(404);
    let ids: Vec<i64> = app
        .db
        .run(move |c| {
            screening_questions::table
                .filter(screening_questions::job_id.eq(job))
                .order(screening_questions::position)
                .select(screening_questions::id)
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    let (q_permit, q_years, q_else) = (ids[0], ids[1], ids[2]);

    // The form asks them; a missing or malformed answer is a 422 that keeps what was typed.
    let ann = app.seeker("ann").await;
    let form = ann.get(&format!("/jobs/{job}/apply")).await;
    assert!(form.select("fieldset.screening legend").iter().any(|l| l.starts_with(permit)));
    let before = app.count("applicants").await;
    let resp = apply(&ann, job, &[(q_years, "5")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains(&format!("Answer “{permit}”.")), "{}", resp.text());
    assert!(resp.body.contains(&format!("name=\"q-{q_years}\" value=\"5\"")));
    apply(&ann, job, &[(q_permit, "perhaps"), (q_years, "5")]).await.assert_status(422);
    apply(&ann, job, &[(q_permit, "yes"), (q_years, "five")]).await.assert_status(422);
    assert_eq!(app.count("applicants").await, before, "nothing stored");
    assert_eq!(app.count("screening_answers").await, 0);

    // A knock-out: flagged, told on the timeline, still at Applied.
    let resp = apply(&ann, job, &[(q_permit, "no"), (q_years, "5")]).await;
    resp.assert_status(303);
    let ann_app: i64 = resp.location().trim_start_matches("/applications/").parse().unwrap();
    assert_eq!(app.applicant(ann_app).await.unwrap().stage, Stage::Applied);
    let page = bob.get(&format!("/applicants/{ann_app}")).await;
    let answers = page.select("#screening dd");
    assert_eq!(answers, ["No Knock-out: for you to decide", "5"]);
    assert!(page.select(".crm-tag a").contains(&"knock-out".to_string()));
    let timeline = page.select(".crm-event-detail").join(" | ");
    assert!(timeline.contains(&format!("Knock-out answers, for a person to decide: {permit} (no)")), "{timeline}");

    // Fine answers flag nothing; a number below the minimum does.
    let carl = app.seeker("carl").await;
    let resp = apply(&carl, job, &[(q_permit, "yes"), (q_years, "5"), (q_else, "I love Rust")]).await;
    resp.assert_status(303);
    let dora = app.seeker("dora").await;
    apply(&dora, job, &[(q_permit, "yes"), (q_years, "1")]).await.assert_status(303);
    let flagged = bob.get(&format!("/applicants?job={job}&tag=knock-out")).await;
    let mut names = flagged.select("table.crm-table a.crm-name");
    names.sort();
    assert_eq!(names, ["ann", "dora"]);
    assert_eq!(app.count("screening_answers").await, 2 + 3 + 2);
    // The seeker's own page shows no verdict.
    assert!(!ann.get(&format!("/applications/{ann_app}")).await.text().contains("Knock-out"));
}

both_backends!(screening_questions_flag_knock_outs_for_a_person);
