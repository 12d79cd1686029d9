//! Feeds for crawlers and job boards: RSS, Indeed's XML and the sitemaps
//! carry exactly the listed jobs, well-formed and escaped, and answer 304 to
//! a client that holds the current version.

use diesel::prelude::*;
use jobconnect::db::schema::jobs;

use crate::both_backends;
use crate::helpers::{Resp, TestApp};

/// The document, parsed (a malformed one fails the test here).
fn xml(resp: &Resp) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(&resp.body).unwrap_or_else(|e| panic!("well-formed XML: {e}\n{}", resp.body))
}

fn texts(doc: &roxmltree::Document, tag: &str) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name(tag)).map(|n| n.text().unwrap_or_default().to_string()).collect()
}

async fn feeds_list_the_listed_jobs_and_revalidate(app: &TestApp) {
    let bob = app.employer("bob", "Acme & Sons").await;
    let acme = app.company_of(&bob).await;
    let open = app
        .job(acme, "R&D <Lead>\u{FFFE}\u{FFFF}")
        .description("Build things & ship them.\u{1}\u{FFFF}")
        .salary(Some(50000), Some(70000), "year")
        .remote("remote")
        .insert()
        .await;
    app.insert_job(acme, "Draft Role", "draft").await;
    app.insert_job(acme, "Closed Role", "closed").await;
    app.job(acme, "Expired Role").closes_at(jobconnect::db::now() - time::Duration::days(1)).insert().await;
    let visitor = app.client();

    // RSS: the listed job only, its text escaped.
    let rss = visitor.get("/jobs.xml").await;
    rss.assert_status(200);
    assert!(rss.header("content-type").starts_with("application/rss+xml"));
    let doc = xml(&rss);
    assert_eq!(texts(&doc, "title")[1..], ["R&D <Lead> at Acme & Sons".to_string()]);
    let guids = texts(&doc, "guid");
    assert!(guids.len() == 1 && guids[0].ends_with(&format!("/jobs/{open}")), "{guids:?}");
    assert!(
        !rss.body.contains("Draft Role") && !rss.body.contains("Closed Role") && !rss.body.contains("Expired Role")
    );

    // Indeed: every listed job with its pay, type and remote mode.
    let indeed = visitor.get("/feeds/indeed.xml").await;
    indeed.assert_status(200);
    let doc = xml(&indeed);
    assert_eq!(texts(&doc, "referencenumber"), [open.to_string()]);
    assert_eq!(texts(&doc, "salary"), ["50000-70000 EUR per year"]);
    assert_eq!(texts(&doc, "jobtype"), ["fulltime"]);
    assert_eq!(texts(&doc, "remotetype"), ["Remote"]);
    assert_eq!(texts(&doc, "description"), ["Build things & ship them."], "what XML forbids is left out");
    assert_eq!(texts(&doc, "title"), ["R&D <Lead>"]);

    // The sitemaps: an index, the companies, the listed jobs by window.
    let index = visitor.get("/sitemap.xml").await;
    let locs = texts(&xml(&index), "loc");
    assert_eq!(locs.len(), 2, "{locs:?}");
    assert!(locs[0].ends_with("/sitemaps/companies.xml") && locs[1].ends_with("/sitemaps/jobs-1.xml"), "{locs:?}");
    let jobs_map = visitor.get("/sitemaps/jobs-1.xml").await;
    assert_eq!(texts(&xml(&jobs_map), "loc").len(), 1);
    assert!(jobs_map.body.contains(&format!("/jobs/{open}</loc>")));
    let companies = visitor.get("/sitemaps/companies.xml").await;
    assert!(texts(&xml(&companies), "loc")[0].contains("/companies/"));
    visitor.get("/sitemaps/jobs-2.xml").await.assert_status(404);
    visitor.get("/sitemaps/jobs-0.xml").await.assert_status(404);

    // Revalidation: the entity tag or the date gets a 304 until the jobs change.
    let (etag, modified) = (rss.header("etag").to_string(), rss.header("last-modified").to_string());
    assert!(etag.starts_with("W/\""), "{etag}");
    let with = |name: &'static str, value: String| {
        let http = visitor.http.clone();
        let url = format!("{}/jobs.xml", visitor.base);
        async move { http.get(url).header(name, value).send().await.unwrap() }
    };
    let again = with("If-None-Match", etag.clone()).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(with("If-Modified-Since", modified.clone()).await.status(), 304);
    app.db
        .run(move |c| diesel::update(jobs::table.find(open)).set(jobs::status.eq("closed")).execute(c))
        .await
        .unwrap();
    let changed = with("If-None-Match", etag.clone()).await;
    assert_eq!(changed.status(), 200);
    let body = changed.text().await.unwrap();
    assert!(!body.contains("R&amp;D"), "the closed job left the feed");
}

/// More jobs than one window of the streamed Indeed feed: each exactly once,
/// newest first, and the document closed.
async fn indeed_feed_streams_every_listed_job_once(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let now = jobconnect::db::now();
    app.db
        .run(move |c| {
            c.transaction(|c| {
                for i in 0..1203 {
                    let at = now - time::Duration::minutes(i);
                    diesel::insert_into(jobs::table)
                        .values((
                            jobs::company_id.eq(acme),
                            jobs::title.eq(format!("Role {i:04}")),
                            jobs::description.eq("A role."),
                            jobs::location.eq("Berlin"),
                            jobs::status.eq("open"),
                            jobs::published_at.eq(Some(at)),
                            jobs::created_at.eq(at),
                            jobs::updated_at.eq(at),
                        ))
                        .execute(c)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .await
        .unwrap();
    let feed = app.client().get("/feeds/indeed.xml").await;
    feed.assert_status(200);
    let titles = texts(&xml(&feed), "title");
    let expected: Vec<String> = (0..1203).map(|i| format!("Role {i:04}")).collect();
    assert_eq!(titles, expected);
    assert!(feed.body.ends_with("</source>\n"));
}

both_backends!(feeds_list_the_listed_jobs_and_revalidate, indeed_feed_streams_every_listed_job_once);
