//! Duplicate candidates: found within a company by e-mail (any case) or phone
//! (however written), merged by hand, never across companies, and undone.

use diesel::prelude::*;
use jobconnect::db::schema::applicants;

use super::{events, names, sorted, two_companies};
use crate::helpers::TestApp;

async fn set_contact(app: &TestApp, id: i64, email: &'static str, phone: &'static str) {
    app.db
        .run(move |c| {
            diesel::update(applicants::table.find(id))
                .set((applicants::email.eq(email), applicants::phone.eq(phone)))
                .execute(c)
        })
        .await
        .unwrap();
}

pub(super) async fn duplicates_are_found_and_merged_within_a_company(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, ours) = (&two.bob, two.ours);
    let again = app.insert_applicant(two.acme, None, "Ann Lee", None).await;
    let annie = app.insert_applicant(two.acme, None, "Annie L", None).await;
    let stranger = app.insert_applicant(two.acme, None, "Carl Other", None).await;
    let elsewhere = app.insert_applicant(two.globex, None, "Ann Lee", None).await;
    set_contact(app, ours, "ann.lee@example.com", "+1 (555) 010-7788").await;
    set_contact(app, again, "ANN.LEE@example.com", "").await;
    set_contact(app, annie, "annie@example.com", "1 555 010 7788").await;
    set_contact(app, stranger, "carl@example.com", "x12").await;
    set_contact(app, elsewhere, "ann.lee@example.com", "+1 (555) 010-7788").await;

    // The page names this company's look-alikes, and why.
    let page = bob.get(&format!("/applicants/{ours}")).await;
    assert_eq!(page.select("#duplicates li a strong"), ["Ann Lee", "Annie L"]);
    let why = page.select("#duplicates .crm-sub").join(" | ");
    assert!(why.contains("same e-mail") && why.contains("same phone"), "{why}");
    // One seeker's applications to two jobs are two applications, not duplicates.
    let sam = app.seeker("sam").await;
    let go_job = app.open_job(two.acme, "Go Engineer").await;
    let first = app.insert_applicant(two.acme, Some(two.acme_job), "Sam Seeker", Some(sam.id)).await;
    app.insert_applicant(two.acme, Some(go_job), "Sam Seeker", Some(sam.id)).await;
    assert!(bob.get(&format!("/applicants/{first}")).await.select("#duplicates").is_empty());
    // The duplicates page groups them; the other company's page does not see them.
    let groups = bob.get("/applicants/duplicates").await;
    groups.assert_status(200);
    assert_eq!(sorted(groups.select(".crm-dup-group li a strong")), ["Ann Lee", "Ann Lee", "Annie L"]);
    assert!(two.eve.get("/applicants/duplicates").await.select(".crm-dup-group").is_empty());

    // Merged: hidden from the list and its search, kept whole, on both timelines.
    let resp = bob.post_form(&format!("/applicants/{ours}/merge"), &[("other", &again.to_string())]).await;
    resp.assert_status(303);
    assert_eq!(app.applicant(again).await.unwrap().merged_into, Some(ours));
    assert_eq!(names(&bob.get("/applicants?q=ann").await), ["Ann Lee"]);
    assert_eq!(names(&bob.get("/applicants?q=ann&stage=applied").await), ["Ann Lee"]);
    assert_eq!(
        names(&bob.get("/applicants?sort=name").await),
        ["Ann Lee", "Annie L", "Carl Other", "Sam Seeker", "Sam Seeker"]
    );
    let kept = bob.get(&format!("/applicants/{ours}")).await;
    assert_eq!(kept.select("#merged li a strong"), ["Ann Lee"]);
    assert_eq!(kept.select("#duplicates li a strong"), ["Annie L"], "a merged record is no longer offered");
    let hidden = bob.get(&format!("/applicants/{again}")).await;
    hidden.assert_status(200);
    assert!(hidden.select(".crm-merged").iter().any(|t| t.contains("Merged into Ann Lee")));
    let merges = |id| async move { events(app, id).await.into_iter().filter(|e| e.0 == "merged").count() };
    assert_eq!((merges(ours).await, merges(again).await), (1, 1));
    assert_eq!(app.count("audit_log").await, 1);

    // Refused: itself, into a merged record, a merged one again (422); across
    // companies or from another company (404). Nothing changes.
    for (keep, other, status) in
        [(ours, ours, 422), (again, annie, 422), (ours, elsewhere, 404), (elsewhere, ours, 404)]
    {
        let resp = bob.post_form(&format!("/applicants/{keep}/merge"), &[("other", &other.to_string())]).await;
        resp.assert_status(status);
    }
    two.eve
        .post_form(&format!("/applicants/{elsewhere}/merge"), &[("other", &ours.to_string())])
        .await
        .assert_status(404);
    two.eve.post_form(&format!("/applicants/{again}/unmerge"), &[]).await.assert_status(404);
    bob.post_form(&format!("/applicants/{ours}/merge"), &[("other", "abc")]).await.assert_status(422);
    assert_eq!(app.applicant(elsewhere).await.unwrap().merged_into, None);
    assert_eq!(app.applicant(annie).await.unwrap().merged_into, None);

    // Undone from the kept record's page: back as it was.
    let resp = bob
        .post_form(&format!("/applicants/{again}/unmerge"), &[("next", &format!("/applicants/{ours}#merged"))])
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{ours}#merged"));
    assert_eq!(app.applicant(again).await.unwrap().merged_into, None);
    assert_eq!(names(&bob.get("/applicants?q=ann").await), ["Ann Lee", "Ann Lee"]);
    assert_eq!(app.count("audit_log").await, 2);
}
