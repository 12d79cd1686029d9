//! Tags: a company's own words on its applicants, one by one or for a
//! selection, and the list filtered by them.

use super::{csv_rows, names, sorted, two_companies};
use crate::helpers::TestApp;

pub(super) async fn tags_group_applicants_and_filter_the_list(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let beth = app.insert_applicant(two.acme, None, "Beth Rust", None).await;
    let cy = app.insert_applicant(two.acme, None, "Cy Rust", None).await;
    let (ours, beth_id, cy_id, theirs) =
        (two.ours.to_string(), beth.to_string(), cy.to_string(), two.theirs.to_string());

    // From the applicant's page: kept lower-case, spaces collapsed.
    let resp = bob.post_form(&format!("/applicants/{ours}/tags"), &[("tag", "  Senior   Dev ")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{ours}#tags"));
    let page = bob.get(&format!("/applicants/{ours}")).await;
    assert_eq!(page.select(".crm-tag a"), ["senior dev"]);
    // Bad tags: the page again with the error, nothing stored.
    for bad in ["   ", "<b>", "a,b", &"x".repeat(31)] {
        let resp = bob.post_form(&format!("/applicants/{ours}/tags"), &[("tag", bad)]).await;
        resp.assert_status(422);
        assert_eq!(resp.select("#tag-error").len(), 1, "{bad}: the field says why");
    }
    assert_eq!(app.count("applicant_tags").await, 1);

    // A selection: the one already tagged is counted once.
    let tag_two = [("ids", ours.as_str()), ("ids", beth_id.as_str()), ("action", "tag"), ("tag", "Senior Dev")];
    bob.post_form("/applicants/bulk", &tag_two).await.assert_status(303);
    assert!(bob.get("/applicants").await.text().contains("Tagged 1 applicant “senior dev”."));
    assert_eq!(app.count("applicant_tags").await, 2);

    // The filter, alone and with a search (which then reads more than the full-text index).
    let list = bob.get("/applicants?tag=senior+dev").await;
    list.assert_status(200);
    assert_eq!(sorted(names(&list)), ["Ann Lee", "Beth Rust"]);
    assert_eq!(list.select(".crm-row-tags a"), ["senior dev", "senior dev"], "each row shows its tags");
    assert_eq!(names(&bob.get("/applicants?tag=senior+dev&q=rust").await), ["Beth Rust"]);
    let csv = csv_rows(&bob.get("/applicants/export.csv?tag=senior+dev&sort=name").await.body);
    assert_eq!(
        (csv[0][18].as_str(), csv[1][18].as_str(), csv.len()),
        ("Tags", "senior dev", 3),
        "the export filters and says"
    );
    assert_eq!(sorted(names(&bob.get("/applicants?q=rust").await)), ["Beth Rust", "Cy Rust"]);
    bob.get("/applicants?tag=%3Cb%3E").await.assert_status(422);

    // Another company's applicant: 404, nothing changes; its employer sees none of Acme's tags.
    bob.post_form(&format!("/applicants/{theirs}/tags"), &[("tag", "spy")]).await.assert_status(404);
    let stray = [("ids", ours.as_str()), ("ids", theirs.as_str()), ("action", "tag"), ("tag", "spy")];
    bob.post_form("/applicants/bulk", &stray).await.assert_status(404);
    assert_eq!(app.count("applicant_tags").await, 2);
    let eve_list = two.eve.get("/applicants?tag=senior+dev").await;
    assert!(names(&eve_list).is_empty());
    assert!(!eve_list.body.contains("senior dev</option>"), "the filter offers only the company's own tags");
    assert!(bob.get("/applicants").await.body.contains("<option value=\"senior dev\">senior dev (2)</option>"));
    let bad_bulk = bob.post_form("/applicants/bulk", &[("ids", cy_id.as_str()), ("action", "tag"), ("tag", "")]).await;
    bad_bulk.assert_status(422);
    assert!(bad_bulk.body.contains(&format!("value=\"{cy}\" id=\"sel-{cy}\" checked")), "the selection is kept");

    // Off again: in bulk, and from the page.
    let untag = [("ids", ours.as_str()), ("action", "untag"), ("tag", "senior dev")];
    bob.post_form("/applicants/bulk", &untag).await.assert_status(303);
    assert_eq!(names(&bob.get("/applicants?tag=senior+dev").await), ["Beth Rust"]);
    let resp = bob.post_form(&format!("/applicants/{beth_id}/tags/remove"), &[("tag", "senior dev")]).await;
    resp.assert_status(303);
    assert_eq!(app.count("applicant_tags").await, 0);

    // At most 20 tags on one applicant.
    for i in 0..20 {
        bob.post_form(&format!("/applicants/{cy_id}/tags"), &[("tag", &format!("t{i}"))]).await.assert_status(303);
    }
    let resp = bob.post_form(&format!("/applicants/{cy_id}/tags"), &[("tag", "one more")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("at most 20 tags"), "{}", resp.text());
    assert_eq!(app.count("applicant_tags").await, 20);
}
