//! Stage, status and type changes, bulk moves and the board.

use jobconnect::domain::{ApplicantStatus, EmploymentType, RejectionReason, Stage};

use super::{csv_names, events, notifications_of, snapshot, sorted, two_companies};
use crate::helpers::TestApp;

pub(super) async fn stage_change_writes_history_and_tells_the_seeker(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let sam = app.seeker("sam").await;
    let id = app.insert_applicant(acme, Some(job), "Sam Seeker", Some(sam.id)).await;
    let manual = app.insert_applicant(acme, Some(job), "Hand Made", None).await;

    let resp = bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{id}"));
    assert_eq!(app.applicant(id).await.unwrap().stage, Stage::Interview);
    assert_eq!(events(app, id).await, [("stage".to_string(), "Applied → Interview".to_string())]);
    let told = notifications_of(app, sam.id).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "stage");
    assert_eq!(told[0].1, format!("/applications/{id}"));
    let data: serde_json::Value = serde_json::from_str(&told[0].2).unwrap();
    assert_eq!(data, serde_json::json!({"applicant_id": id, "stage": "interview", "label": "Interview"}));

    // The same stage again: no history, no notification.
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await.assert_status(303);
    assert_eq!(events(app, id).await.len(), 1);
    assert_eq!(notifications_of(app, sam.id).await.len(), 1);

    // The page shows the timeline with who did it.
    let page = bob.get(&format!("/applicants/{id}")).await;
    let timeline = page.select("#timeline li");
    assert_eq!(timeline.len(), 1);
    assert!(timeline[0].contains("Stage changed") && timeline[0].contains("Applied → Interview"), "{timeline:?}");
    assert!(timeline[0].contains("by bob"));

    // Rejecting asks why first (422 with a page that keeps the move), and
    // someone added by hand has no account to tell.
    let asked = bob.post_form(&format!("/applicants/{manual}/stage"), &[("stage", "rejected")]).await;
    asked.assert_status(422);
    assert!(asked.text().contains("Why is Hand Made rejected?"), "{}", asked.text());
    assert_eq!(asked.select(r#"form[action$="/stage"] input[name="stage"][value="rejected"]"#).len(), 1);
    assert_eq!(app.applicant(manual).await.unwrap().stage, Stage::Applied, "nothing moved yet");
    let bogus =
        bob.post_form(&format!("/applicants/{manual}/stage"), &[("stage", "rejected"), ("reason", "vibes")]).await;
    bogus.assert_status(422);
    assert!(bogus.text().contains("Choose one of the reasons."));
    let reason = [("stage", "rejected"), ("reason", "experience")];
    bob.post_form(&format!("/applicants/{manual}/stage"), &reason).await.assert_status(303);
    let rejected = app.applicant(manual).await.unwrap();
    assert_eq!((rejected.stage, rejected.rejection_reason), (Stage::Rejected, Some(RejectionReason::Experience)));
    assert_eq!(
        events(app, manual).await,
        [("stage".to_string(), "Applied → Rejected (Not enough experience)".to_string())]
    );
    assert!(bob.get(&format!("/applicants/{manual}")).await.text().contains("Rejected: Not enough experience"));
    assert_eq!(app.count("notifications").await, 1);
    // Moved on again, the reason goes (the timeline keeps it).
    bob.post_form(&format!("/applicants/{manual}/stage"), &[("stage", "screening")]).await.assert_status(303);
    assert_eq!(app.applicant(manual).await.unwrap().rejection_reason, None);

    // Status and type changes are history too.
    bob.post_form(&format!("/applicants/{id}/status"), &[("status", "pending")]).await.assert_status(303);
    bob.post_form(&format!("/applicants/{id}/type"), &[("employment_type", "contract")]).await.assert_status(303);
    let a = app.applicant(id).await.unwrap();
    assert_eq!((a.status, a.employment_type), (ApplicantStatus::Pending, EmploymentType::Contract));
    let kinds: Vec<String> = events(app, id).await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["stage", "status", "type"]);
}

pub(super) async fn bad_values_are_422_with_the_page_and_change_nothing(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    let before = snapshot(app, id).await;
    for (path, field, value) in [
        ("stage", "stage", "promoted"),
        ("status", "status", "maybe"),
        ("type", "employment_type", "freelance"),
        ("notes", "body", "   "),
    ] {
        let resp = two.bob.post_form(&format!("/applicants/{id}/{path}"), &[(field, value)]).await;
        resp.assert_status(422);
        assert!(resp.body.contains(&format!("id=\"{field}-error\"")), "{path}: message next to the field");
        assert!(resp.text().contains("Ann Lee"), "{path}: the applicant page again");
    }
    let long = "x".repeat(5001);
    let resp = two.bob.post_form(&format!("/applicants/{id}/notes"), &[("body", &long)]).await;
    resp.assert_status(422);
    assert!(resp.body.contains(&long), "the draft is kept");
    assert_eq!(snapshot(app, id).await, before);
    two.bob.get("/applicants?stage=promoted").await.assert_status(422);
    two.bob.get("/applicants?page=zero").await.assert_status(422);
    two.bob.get("/applicants?assignee=someone").await.assert_status(422);
    two.bob.get("/applicants/export.csv?sort=sideways").await.assert_status(422);
}

pub(super) async fn bulk_stage_move_and_export_selected(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let sam = app.seeker("sam").await;
    let a = app.insert_applicant(acme, None, "Alpha", Some(sam.id)).await;
    let b = app.insert_applicant(acme, None, "Beta", None).await;
    let c = app.insert_applicant(acme, None, "Gamma", None).await;
    let resp = bob
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &a.to_string()),
                ("ids", &b.to_string()),
                ("action", "stage"),
                ("stage", "screening"),
                ("next", "/applicants?sort=name"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/applicants?sort=name");
    for id in [a, b] {
        assert_eq!(app.applicant(id).await.unwrap().stage, Stage::Screening);
        assert_eq!(events(app, id).await, [("stage".to_string(), "Applied → Screening".to_string())]);
    }
    assert_eq!(app.applicant(c).await.unwrap().stage, Stage::Applied);
    assert_eq!(notifications_of(app, sam.id).await.len(), 1, "the seeker among them is told");
    let flash = bob.get("/applicants").await;
    assert!(flash.text().contains("Moved 2 applicants to Screening."));

    // Rejecting a selection asks why once for all of them, keeping the selection.
    let (a_id, b_id) = (a.to_string(), b.to_string());
    let mut reject = vec![("ids", a_id.as_str()), ("ids", b_id.as_str()), ("action", "stage"), ("stage", "rejected")];
    reject.push(("next", "/applicants?sort=name"));
    let asked = bob.post_form("/applicants/bulk", &reject).await;
    asked.assert_status(422);
    assert!(asked.text().contains("Why are these 2 applicants rejected?"), "{}", asked.text());
    assert_eq!(asked.select(r#"form[action="/applicants/bulk"] input[name="ids"]"#).len(), 2);
    assert_eq!(app.applicant(a).await.unwrap().stage, Stage::Screening, "nothing moved yet");
    reject.push(("reason", "position_filled"));
    bob.post_form("/applicants/bulk", &reject).await.assert_status(303);
    for id in [a, b] {
        let rejected = app.applicant(id).await.unwrap();
        assert_eq!(
            (rejected.stage, rejected.rejection_reason),
            (Stage::Rejected, Some(RejectionReason::PositionFilled))
        );
    }
    // Another company's applicant in the selection: 404, as for the move itself.
    let theirs = two.theirs.to_string();
    let stray = [("ids", theirs.as_str()), ("action", "stage"), ("stage", "rejected")];
    bob.post_form("/applicants/bulk", &stray).await.assert_status(404);

    // Nothing selected, or no stage: 422 with the list again.
    let resp = bob.post_form("/applicants/bulk", &[("action", "stage"), ("stage", "offer")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Select at least one applicant"));
    let resp = bob.post_form("/applicants/bulk", &[("ids", &c.to_string()), ("action", "stage"), ("stage", "")]).await;
    resp.assert_status(422);
    assert!(resp.body.contains(&format!("value=\"{c}\" id=\"sel-{c}\" checked")), "the selection is kept");
    bob.post_form("/applicants/bulk", &[("ids", "x"), ("action", "stage"), ("stage", "offer")])
        .await
        .assert_status(422);
    bob.post_form("/applicants/bulk", &[("ids", &c.to_string()), ("action", "dance")]).await.assert_status(422);
    assert_eq!(app.applicant(c).await.unwrap().stage, Stage::Applied);
    // Offsite return paths are not followed.
    let resp = bob
        .post_form(
            "/applicants/bulk",
            &[("ids", &c.to_string()), ("action", "stage"), ("stage", "offer"), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(resp.location(), "/applicants");

    let resp = bob
        .post_form("/applicants/bulk", &[("ids", &c.to_string()), ("ids", &a.to_string()), ("action", "export")])
        .await;
    resp.assert_status(200);
    assert!(resp.header("content-disposition").starts_with("attachment;"));
    assert_eq!(sorted(csv_names(&resp.body)), ["Alpha", "Gamma"]);
}

pub(super) async fn board_shows_the_pipeline_and_moves_cards(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme, job) = (&two.bob, two.acme, two.acme_job);
    let b = app.insert_applicant(acme, Some(job), "Ben Offer", None).await;
    app.set_applicant_state(b, Stage::Offer, ApplicantStatus::Open, EmploymentType::FullTime, None).await;
    let w = app.insert_applicant(acme, Some(job), "Wendy Withdrawn", None).await;
    app.withdraw_applicant(w).await;
    app.insert_applicant(acme, None, "No Job", None).await;

    let pick = bob.get("/applicants/board").await;
    pick.assert_status(200);
    assert!(pick.body.contains(&format!("/applicants/board?job={job}")), "jobs to pick from");
    assert!(!pick.body.contains("Secret Project Lead"));

    let board = bob.get(&format!("/applicants/board?job={job}")).await;
    board.assert_status(200);
    let columns = board.select(".crm-column h2");
    assert_eq!(columns, ["Applied", "Screening", "Interview", "Offer", "Hired", "Rejected"]);
    let applied = board.select(".crm-column-applied .crm-card-name");
    assert_eq!(sorted(applied), ["Ann Lee", "Wendy Withdrawn"]);
    assert_eq!(board.select(".crm-column-offer .crm-card-name"), ["Ben Offer"]);
    assert!(!board.body.contains("No Job"));
    assert_eq!(board.select(".crm-card.is-withdrawn .crm-card-name"), ["Wendy Withdrawn"]);
    assert!(board.body.contains(&format!("action=\"/applicants/{}/stage\"", two.ours)), "each card has a move form");

    let back = format!("/applicants/board?job={job}");
    let resp =
        bob.post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "interview"), ("next", &back)]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), back);
    let board = bob.get(&back).await;
    assert_eq!(board.select(".crm-column-interview .crm-card-name"), ["Ann Lee"]);
    // Only paths inside the CRM are followed.
    let resp = bob
        .post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "offer"), ("next", "https://evil.example/")])
        .await;
    assert_eq!(resp.location(), format!("/applicants/{}", two.ours));
    bob.get("/applicants/board?job=abc").await.assert_status(404);
    bob.get("/applicants/board?job=999999").await.assert_status(404);
}
