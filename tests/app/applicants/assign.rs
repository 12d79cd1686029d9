//! Admin-only actions: assigning applicants (to whom) and deleting them.

use diesel::prelude::*;
use jobconnect::db::schema::audit_log;

use super::{events, names, notifications_of, snapshot, two_companies};
use crate::helpers::TestApp;

pub(super) async fn only_admins_assign_and_delete(app: &TestApp) {
    let two = two_companies(app).await;
    // Bob's forged requests carry a valid token: only his role stops them.
    let before = snapshot(app, two.ours).await;
    two.bob
        .post_form(&format!("/applicants/{}/assign", two.ours), &[("assignee", &two.bob.id.to_string())])
        .await
        .assert_status(404);
    two.bob.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(404);
    two.bob
        .post_form(
            "/applicants/bulk",
            &[("ids", &two.ours.to_string()), ("action", "assign"), ("assignee", &two.bob.id.to_string())],
        )
        .await
        .assert_status(404);
    assert_eq!(snapshot(app, two.ours).await, before);
    assert!(app.applicant(two.ours).await.is_some());
    assert_eq!(app.count("audit_log").await, 0);
    assert!(
        !two.bob.get(&format!("/applicants/{}", two.ours)).await.body.contains("/assign\""),
        "no assign form for employers"
    );

    let root = app.admin("root").await;
    let page = root.get(&format!("/applicants/{}", two.ours)).await;
    page.assert_status(200);
    assert!(page.body.contains(&format!("action=\"/applicants/{}/assign\"", two.ours)));
    let resp =
        root.post_form(&format!("/applicants/{}/assign", two.ours), &[("assignee", &two.bob.id.to_string())]).await;
    resp.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(two.bob.id));
    assert!(events(app, two.ours).await.iter().any(|(k, d)| k == "assigned" && d == "Assigned to bob"));
    let notes = notifications_of(app, two.bob.id).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, "assignment");
    assert_eq!(notes[0].1, format!("/applicants/{}", two.ours));
    let audit: Vec<(String, Option<i64>, String, Option<i64>)> = app
        .db
        .run(|c| {
            audit_log::table
                .filter(audit_log::action.like("applicant.%"))
                .select((audit_log::action, audit_log::target_id, audit_log::ip, audit_log::actor_id))
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(audit, [("applicant.assign".to_string(), Some(two.ours), "127.0.0.1".to_string(), Some(root.id))]);
    let mine = two.bob.get("/applicants?assignee=me").await;
    assert_eq!(names(&mine), ["Ann Lee"], "Bob finds what is assigned to him");

    // Delete: notes and history go with it, and it is audited.
    two.bob.post_form(&format!("/applicants/{}/notes", two.ours), &[("body", "a note")]).await.assert_status(303);
    root.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(303);
    assert!(app.applicant(two.ours).await.is_none());
    assert_eq!(app.count("applicant_notes").await, 0);
    assert!(events(app, two.ours).await.is_empty());
    two.bob.get(&format!("/applicants/{}", two.ours)).await.assert_status(404);
    let deleted: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.eq("applicant.delete")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    root.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(404);
}

pub(super) async fn assignment_target_must_be_an_active_employer_of_the_company_or_an_admin(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let other_admin = app.admin("ops").await;
    let sam = app.seeker("sam").await;
    // A colleague of Bob at Acme, then deactivated.
    let carl = app.employer("carl", "Carl Co").await;
    app.db
        .run({
            let (carl, acme) = (carl.id, two.acme);
            move |c| {
                diesel::update(jobconnect::db::schema::users::table.find(carl))
                    .set(jobconnect::db::schema::users::company_id.eq(Some(acme)))
                    .execute(c)
            }
        })
        .await
        .unwrap();
    let path = format!("/applicants/{}/assign", two.ours);
    for (who, target) in [
        ("an employer of another company", two.eve.id.to_string()),
        ("a seeker", sam.id.to_string()),
        ("nobody at all", "999999".to_string()),
        ("garbage", "root".to_string()),
    ] {
        let resp = root.post_form(&path, &[("assignee", &target)]).await;
        resp.assert_status(422);
        assert!(resp.text().contains("Tom") || resp.text().contains("Ann Lee"), "{who}: the page is shown again");
        assert!(resp.body.contains("assignee-error"), "{who}: the message sits by the field");
        assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, None, "{who}");
    }
    // An active colleague is fine; once deactivated, no longer.
    root.post_form(&path, &[("assignee", &carl.id.to_string())]).await.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(carl.id));
    app.deactivate(carl.id).await;
    root.post_form(&path, &[("assignee", "none")]).await.assert_status(303);
    root.post_form(&path, &[("assignee", &carl.id.to_string())]).await.assert_status(422);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, None);
    // Any active admin may hold any company's applicants.
    root.post_form(&path, &[("assignee", &other_admin.id.to_string())]).await.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(other_admin.id));
    let assigns: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.eq("applicant.assign")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(assigns, 3, "only the accepted assignments are audited");

    // Bulk: one selected applicant of another company makes the target invalid for all.
    let resp = root
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &two.ours.to_string()),
                ("ids", &two.theirs.to_string()),
                ("action", "assign"),
                ("assignee", &two.bob.id.to_string()),
                ("next", "/applicants?stage=applied"),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("active employer of their company"));
    assert_eq!(app.applicant(two.theirs).await.unwrap().assignee_id, None);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(other_admin.id));
    let resp = root
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &two.ours.to_string()),
                ("ids", &two.theirs.to_string()),
                ("action", "assign"),
                ("assignee", &root.id.to_string()),
                ("next", "/applicants?stage=applied"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/applicants?stage=applied");
    assert_eq!(app.applicant(two.theirs).await.unwrap().assignee_id, Some(root.id));
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(root.id));
    assert!(notifications_of(app, root.id).await.is_empty(), "assigning to oneself notifies nobody");
}
