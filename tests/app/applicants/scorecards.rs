//! Scorecards: a job's criteria set by its company, each interviewer's
//! ratings of an applicant (replaced when rated again), averages on the
//! applicant page, private to the company.

use diesel::prelude::*;
use jobconnect::db::schema::scorecard_criteria;

use super::{events, two_companies};
use crate::helpers::TestApp;

pub(super) async fn scorecards_rate_applicants_for_the_company_only(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, job) = (&two.bob, two.acme_job);
    let sam = app.seeker("sam").await;
    let rated = app.insert_applicant(two.acme, Some(job), "Sam Seeker", Some(sam.id)).await;
    let path = format!("/employer/jobs/{job}/scorecard");
    for name in ["Problem solving", "Communication"] {
        bob.post_form(&path, &[("name", name)]).await.assert_status(303);
    }
    for bad in ["problem SOLVING", "  "] {
        let resp = bob.post_form(&path, &[("name", bad)]).await;
        resp.assert_status(422);
        assert_eq!(resp.select("#name-error").len(), 1, "{bad}");
    }
    two.eve.get(&path).await.assert_status(404);
    two.eve.post_form(&path, &[("name", "Spy")]).await.assert_status(404);
    sam.get(&path).await.assert_status(404);
    let ids: Vec<i64> = app
        .db
        .run(move |c| {
            scorecard_criteria::table
                .filter(scorecard_criteria::job_id.eq(job))
                .order(scorecard_criteria::id)
                .select(scorecard_criteria::id)
                .load(c)
        })
        .await
        .unwrap();
    let (solving, talking) = (format!("score-{}", ids[0]), format!("score-{}", ids[1]));
    let comment = format!("comment-{}", ids[0]);

    // Two interviewers rate; the page shows averages and everyone's ratings.
    let target = format!("/applicants/{rated}/scorecard");
    let resp = bob
        .post_form(&target, &[(solving.as_str(), "5"), (comment.as_str(), "Clear thinker"), (talking.as_str(), "3")])
        .await;
    resp.assert_status(303);
    let root = app.admin("root").await;
    root.post_form(&target, &[(solving.as_str(), "2"), (talking.as_str(), "")]).await.assert_status(303);
    let page = bob.get(&format!("/applicants/{rated}")).await;
    let rows = page.select("#scorecard tbody tr td:nth-of-type(1)");
    assert_eq!(rows, ["3.5", "3.0"]);
    assert!(page.select("#scorecard h2 .badge").contains(&"3.3 / 5".to_string()));
    assert!(page.text().contains("Rated by 2 people."));
    assert!(
        page.select("#scorecard details li").iter().any(|l| l.contains("5 · bob: Clear thinker")),
        "{:?}",
        page.select("#scorecard details li")
    );
    assert_eq!(page.select(&format!("#{solving} option[selected]")), ["5"], "the form holds the viewer's own score");
    assert!(
        events(app, rated).await.iter().any(|e| e == &("scorecard".to_string(), "Rated on 2 criteria".to_string()))
    );

    // Rated again: replaced, not added.
    bob.post_form(&target, &[(solving.as_str(), "4")]).await.assert_status(303);
    assert_eq!(app.count("scorecard_ratings").await, 3);
    assert_eq!(
        bob.get(&format!("/applicants/{rated}")).await.select("#scorecard tbody tr td:nth-of-type(1)"),
        ["3.0", "3.0"]
    );

    // Bad input: 422 with the form as sent, nothing changed.
    for fields in [
        vec![(solving.as_str(), "6")],
        vec![(solving.as_str(), "x")],
        vec![(comment.as_str(), "Words without a score")],
        vec![(solving.as_str(), "")],
    ] {
        let resp = bob.post_form(&target, &fields).await;
        resp.assert_status(422);
        assert_eq!(resp.select("#scorecard-error").len(), 1, "{fields:?}");
    }
    let resp = bob.post_form(&target, &[(comment.as_str(), "Kept as typed")]).await;
    assert!(resp.body.contains("value=\"Kept as typed\""));
    assert_eq!(app.count("scorecard_ratings").await, 3);

    // Private: not another company, not the candidate.
    two.eve.post_form(&target, &[(solving.as_str(), "1")]).await.assert_status(404);
    let seen_by_sam = sam.get(&format!("/applications/{rated}")).await;
    seen_by_sam.assert_status(200);
    assert!(!seen_by_sam.text().contains("Clear thinker") && !seen_by_sam.text().contains("Problem solving"));

    // A criterion deleted takes its ratings with it.
    let (first, second) = (ids[0].to_string(), ids[1].to_string());
    bob.post_form(&format!("{path}/delete"), &[("criterion", &first)]).await.assert_status(303);
    assert_eq!(app.count("scorecard_ratings").await, 1);
    two.eve.post_form(&format!("{path}/delete"), &[("criterion", &second)]).await.assert_status(404);
    let theirs = format!("/employer/jobs/{}/scorecard/delete", two.globex_job);
    bob.post_form(&theirs, &[("criterion", &second)]).await.assert_status(404);
    bob.post_form(&format!("{path}/delete"), &[("criterion", &first)]).await.assert_status(404);
}
