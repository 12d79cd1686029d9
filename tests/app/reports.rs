//! Hiring reports: the funnel counts how far each applicant got (a rejected
//! one keeps the stages it reached), time to hire, sources, as SVG with a
//! table and as CSV, for a company or one of its jobs, and for nobody else.

use crate::both_backends;
use crate::helpers::{Resp, TestApp, TestUser};

async fn moves(who: &TestUser, id: i64, stages: &[&str]) {
    for stage in stages {
        let resp =
            who.post_form(&format!("/applicants/{id}/stage"), &[("stage", stage), ("reason", "experience")]).await;
        resp.assert_status(303);
    }
}

/// The report's funnel table: (stage, reached).
fn funnel(resp: &Resp) -> Vec<(String, String)> {
    let rows = resp.select("section[aria-labelledby=funnel-title] tbody tr");
    rows.iter()
        .map(|r| {
            let cells: Vec<&str> = r.split(' ').collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

async fn reports_count_how_far_applicants_got(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let acme = app.company_of(&bob).await;
    let (rust, go) = (app.open_job(acme, "Rust Engineer").await, app.open_job(acme, "Go Engineer").await);
    let their_job = app.open_job(app.company_of(&eve).await, "Theirs").await;
    let sam = app.seeker("sam").await;
    let got_far = app.insert_applicant(acme, Some(rust), "Far Rejected", None).await;
    let hired = app.insert_applicant(acme, Some(rust), "Hired Portal", Some(sam.id)).await;
    app.insert_applicant(acme, Some(rust), "Just Applied", None).await;
    let straight = app.insert_applicant(acme, Some(go), "Straight Hire", None).await;
    moves(&bob, got_far, &["screening", "interview", "rejected"]).await;
    moves(&bob, hired, &["screening", "interview", "offer", "hired"]).await;
    moves(&bob, straight, &["hired"]).await;

    let page = bob.get("/reports").await;
    page.assert_status(200);
    let expected = [("Applied", "4"), ("Screening", "3"), ("Interview", "3"), ("Offer", "2"), ("Hired", "2")];
    assert_eq!(funnel(&page), pairs(&expected));
    let figures = page.select(".report-figure").join(" | ");
    assert!(
        figures.contains("4 applicants") && figures.contains("2 hired") && figures.contains("1 rejected"),
        "{figures}"
    );
    assert!(figures.contains("under a day median time to hire"), "{figures}");
    // The charts are images with names, and a bar per row of their tables.
    let svg = page.select("svg.report-chart[role=img][aria-labelledby]");
    assert_eq!(svg.len(), 2);
    assert_eq!(page.select("svg.report-chart rect").len(), 5 + 2);
    let sources = page.select("section[aria-labelledby=source-title] tbody tr");
    assert_eq!(sources, ["Applied on JobConnect 1 1", "Added by hand 3 1"]);

    // One job; its CSV.
    let one = bob.get(&format!("/reports?job={rust}")).await;
    let expected = [("Applied", "3"), ("Screening", "2"), ("Interview", "2"), ("Offer", "1"), ("Hired", "1")];
    assert_eq!(funnel(&one), pairs(&expected));
    let csv = bob.get(&format!("/reports.csv?job={rust}")).await;
    csv.assert_status(200);
    assert!(csv.header("content-disposition").contains(&format!("report-job-{rust}.csv")));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "section,item,count,percent of applied");
    assert!(lines.contains(&"funnel,Hired,1,33 %"), "{lines:?}");
    assert!(lines.contains(&"funnel,Rejected (now),1,33 %"), "{lines:?}");
    assert!(lines.contains(&"time to hire,hires,1,"), "{lines:?}");

    // Nobody else's: another company's job, seekers, bad ids.
    bob.get(&format!("/reports?job={their_job}")).await.assert_status(404);
    bob.get(&format!("/reports.csv?job={their_job}")).await.assert_status(404);
    bob.get("/reports?job=abc").await.assert_status(404);
    sam.get("/reports").await.assert_status(404);
    assert_eq!(funnel(&eve.get("/reports").await), Vec::<(String, String)>::new(), "Globex has no applicants");
    // Admins name the company; without one they are asked to.
    let root = app.admin("root").await;
    assert!(root.get("/reports").await.text().contains("Pick a company"));
    root.get("/reports.csv").await.assert_status(404);
    let expected = [("Applied", "4"), ("Screening", "3"), ("Interview", "3"), ("Offer", "2"), ("Hired", "2")];
    assert_eq!(funnel(&root.get(&format!("/reports?company={acme}")).await), pairs(&expected));
}

both_backends!(reports_count_how_far_applicants_got);
