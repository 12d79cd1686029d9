//! Jobs: search and filters, pagination, the job page, employer posting,
//! visibility across companies, closing dates, saved jobs, company pages.

use crate::both_backends;
use crate::helpers::{Resp, TestApp, csrf_from, wait_for};

/// The titles of the job cards on a page, in order.
fn titles(resp: &Resp) -> Vec<String> {
    resp.select(".job-card-title")
}

fn has_title(resp: &Resp, title: &str) -> bool {
    titles(resp).iter().any(|t| t == title)
}

fn path(raw: &str) -> String {
    raw.replace(' ', "+")
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8, 0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5, 0xc3,
    0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

pub fn job_form<'a>(title: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("title", title),
        ("description", "Build and run reliable services with a small, friendly team.\n\n- Write Rust\n- Review code"),
        ("location", "Berlin, Germany"),
        ("remote", "hybrid"),
        ("employment_type", "full_time"),
        ("category", "Engineering"),
        ("salary_min", "60000"),
        ("salary_max", "80000"),
        ("salary_currency", "EUR"),
        ("salary_period", "year"),
        ("closes_at", ""),
    ];
    for (key, value) in extra {
        if let Some(f) = fields.iter_mut().find(|(k, _)| k == key) {
            f.1 = value;
        } else {
            fields.push((key, value));
        }
    }
    fields
}

async fn search_ranks_title_matches_above_description_matches(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let in_title =
        app.job(acme, "Kubernetes Engineer").description("Run our clusters with a calm team.").insert().await;
    // Newer, and names the word twice, but only in its description.
    let in_body = app
        .job(acme, "Office Manager")
        .description("Keep the office running. Our kubernetes people need coffee; kubernetes is everywhere here.")
        .insert()
        .await;
    for title in ["Chef", "Nurse", "Accountant", "Teacher", "Barista"] {
        app.job(acme, title).insert().await;
    }
    let resp = app.client().get("/jobs?q=kubernetes").await;
    resp.assert_status(200);
    assert_eq!(titles(&resp), ["Kubernetes Engineer", "Office Manager"], "title match first, only matches");
    assert!(resp.body.contains(&format!("/jobs/{in_title}")) && resp.body.contains(&format!("/jobs/{in_body}")));
    // The matched word is highlighted, and only as our own <mark>.
    assert!(resp.select(".job-card-summary mark").iter().any(|m| m.eq_ignore_ascii_case("kubernetes")));
    // Words are stemmed the same way in documents and queries.
    assert_eq!(titles(&app.client().get("/jobs?q=Engineers").await), ["Kubernetes Engineer"]);
    // Every word must match.
    assert_eq!(titles(&app.client().get("/jobs?q=kubernetes+coffee").await), ["Office Manager"]);
}

async fn each_filter_narrows_the_list(app: &TestApp) {
    let bob = app.employer("bob", "Acme Robotics").await;
    let acme = app.company_of(&bob).await;
    let eve = app.employer("eve", "Globex").await;
    let globex = app.company_of(&eve).await;
    app.job(acme, "Remote Rust Developer").remote("remote").location("Remote (Europe)").insert().await;
    app.job(acme, "Hybrid Designer").remote("hybrid").category("Design").location("Paris, France").insert().await;
    app.job(globex, "Contract Analyst")
        .employment_type("contract")
        .category("Data")
        .location("Munich, Germany")
        .salary(Some(90), Some(110), "hour")
        .insert()
        .await;
    app.job(globex, "Junior Clerk").salary(Some(30_000), Some(35_000), "year").location("Hamburg").insert().await;
    app.job(globex, "Senior Clerk").salary(Some(70_000), None, "year").location("Berlin, Germany").insert().await;

    let client = app.client();
    let check = |query: &'static str, expected: &'static [&'static str]| {
        let client = &client;
        async move {
            let resp = client.get(&format!("/jobs?{query}")).await;
            resp.assert_status(200);
            let mut got = titles(&resp);
            got.sort();
            let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            want.sort();
            assert_eq!(got, want, "{query}");
        }
    };
    check("remote=remote", &["Remote Rust Developer"]).await;
    check("remote=hybrid", &["Hybrid Designer"]).await;
    check("type=contract", &["Contract Analyst"]).await;
    check("category=Design", &["Hybrid Designer"]).await;
    check("category=Data&type=contract", &["Contract Analyst"]).await;
    check("location=germany", &["Contract Analyst", "Senior Clerk"]).await;
    check("location=Munich", &["Contract Analyst"]).await;
    // Yearly equivalents: 110/hour is about 228,800 a year.
    check("salary_min=60000", &["Contract Analyst", "Senior Clerk"]).await;
    check("salary_min=200k", &["Contract Analyst"]).await;
    // The words search the company name and the location too.
    check("q=globex+clerk", &["Junior Clerk", "Senior Clerk"]).await;
    check("q=paris", &["Hybrid Designer"]).await;
    check("q=rust&remote=remote&type=full_time", &["Remote Rust Developer"]).await;
    check("q=rust&remote=onsite", &[]).await;
    // Unknown values do not filter (and never fail).
    check(
        "remote=moon&type=x&category=Nope&salary_min=lots",
        &["Remote Rust Developer", "Hybrid Designer", "Contract Analyst", "Junior Clerk", "Senior Clerk"],
    )
    .await;

    // The filters stay in the form and in the links of the page.
    let resp = client.get("/jobs?q=clerk&location=Berlin&type=full_time").await;
    assert!(resp.body.contains(r#"value="clerk""#));
    assert!(resp.body.contains(r#"value="Berlin""#));
    assert_eq!(resp.select_attr("input[name=type][checked]", "value"), ["full_time"]);
    let chips = resp.select(".chip");
    assert!(chips.iter().any(|c| c.contains("Full-time")), "{chips:?}");
}

async fn pagination_edges_answer_cleanly(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    for n in 1..=25 {
        app.job(acme, &format!("Welder {n:02}")).insert().await;
    }
    let client = app.client();
    let first = client.get("/jobs").await;
    first.assert_status(200);
    assert_eq!(titles(&first).len(), 20);
    assert_eq!(titles(&first)[0], "Welder 25", "newest first");
    assert!(first.text().contains("25 open jobs"));
    let second = client.get("/jobs?page=2").await;
    assert_eq!(titles(&second), ["Welder 05", "Welder 04", "Welder 03", "Welder 02", "Welder 01"]);
    for bad in ["0", "-1", "abc", "99999999999999999999999", "1.5", ""] {
        let resp = client.get(&format!("/jobs?page={bad}")).await;
        resp.assert_status(200);
        assert_eq!(titles(&resp), titles(&first), "page={bad} is page 1");
    }
    let beyond = client.get("/jobs?page=3").await;
    beyond.assert_status(200);
    assert!(titles(&beyond).is_empty());
    assert!(beyond.text().contains("There is no page 3"));
    let far = client.get("/jobs?page=4000000").await;
    far.assert_status(200);
    assert!(far.text().contains("There is no page"));
    // Page links keep the search.
    let searched = client.get("/jobs?q=welder&type=full_time").await;
    assert_eq!(
        searched.select_attr(r#"a[rel="next"]"#, "href"),
        ["/jobs?q=welder&type=full_time&page=2"],
        "next keeps filters"
    );
}

async fn drafts_are_hidden_from_everyone_but_their_company_and_closed_jobs_take_no_applications(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let eve = app.employer("eve", "Globex").await;
    let ann = app.seeker("ann").await;
    let root = app.admin("root").await;
    let draft = app.job(acme, "Secret Draft").status("draft").insert().await;
    let closed = app.job(acme, "Old Closed").status("closed").insert().await;
    let open = app.job(acme, "Open Welder").insert().await;
    let taken_down = app.job(acme, "Spam Post").insert().await;
    root.post_form(&format!("/admin/jobs/{taken_down}/close"), &[]).await.assert_status(303);

    let visitor = app.client();
    for client in [&visitor, &ann.client, &eve.client] {
        let list = client.get("/jobs").await;
        assert_eq!(titles(&list), ["Open Welder"]);
        client.get(&format!("/jobs/{draft}")).await.assert_status(404);
        client.get(&format!("/jobs/{taken_down}")).await.assert_status(404);
        // A closed job is still readable, but gone for search engines and
        // with nothing to apply with.
        let page = client.get(&format!("/jobs/{closed}")).await;
        page.assert_status(410);
        assert!(page.text().contains("No longer accepting applications"), "{}", page.text());
        assert!(page.text().contains("Old Closed"));
        assert_eq!(page.header("x-robots-tag"), "noindex");
        assert_eq!(page.select_attr(r#"meta[name="robots"]"#, "content"), ["noindex"]);
        assert!(!page.body.contains("application/ld+json"), "no JSON-LD for a closed job");
        assert!(page.select_attr("a", "href").iter().all(|h| !h.ends_with("/apply")), "no Apply link");
        assert!(page.select("form[action$='/save']").is_empty(), "no Save button");
        client.get(&format!("/jobs/{open}")).await.assert_status(200);
        let company = client.get(&format!("/companies/{acme}")).await;
        assert_eq!(titles(&company), ["Open Welder"]);
    }
    assert!(visitor.get("/jobs?q=secret").await.text().contains("No jobs match"), "drafts are not searchable");
    // The company's employer and admins see them, marked as such.
    for client in [&bob.client, &root.client] {
        let page = client.get(&format!("/jobs/{draft}")).await;
        page.assert_status(200);
        assert!(page.text().contains("This job is a draft"));
        client.get(&format!("/jobs/{closed}")).await.assert_status(200);
        let page = client.get(&format!("/jobs/{taken_down}")).await;
        page.assert_status(200);
        assert!(page.text().contains("closed by an administrator"), "{}", page.text());
    }
    // Another employer cannot even preview them.
    eve.get(&format!("/employer/jobs/{draft}/preview")).await.assert_status(404);
    eve.get(&format!("/employer/jobs/{draft}/edit")).await.assert_status(404);
    // JSON-LD only for listed jobs.
    assert!(!bob.get(&format!("/jobs/{draft}")).await.body.contains("application/ld+json"));
    app.client().get("/jobs/0").await.assert_status(404);
    app.client().get("/jobs/abc").await.assert_status(404);
    app.client().get("/jobs/99999999").await.assert_status(404);
}

async fn employer_cannot_touch_another_companys_jobs(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let eve = app.employer("eve", "Globex").await;
    let draft = app.job(acme, "Acme Draft").status("draft").insert().await;
    let open = app.job(acme, "Acme Open").insert().await;
    let closed = app.job(acme, "Acme Closed").status("closed").insert().await;

    let edit = job_form("Hijacked", &[]);
    for id in [draft, open, closed] {
        eve.post_form(&format!("/employer/jobs/{id}/edit"), &edit).await.assert_status(404);
        for action in ["publish", "close", "reopen"] {
            eve.post_form(&format!("/employer/jobs/{id}/{action}"), &[]).await.assert_status(404);
        }
    }
    assert_eq!(app.job_status(draft).await, "draft");
    assert_eq!(app.job_status(open).await, "open");
    assert_eq!(app.job_status(closed).await, "closed");
    let list = eve.get("/employer/jobs").await;
    assert!(!list.text().contains("Acme"), "eve's list holds only Globex jobs");
    let page = app.client().get(&format!("/jobs/{open}")).await;
    assert!(page.text().contains("Acme Open") && !page.text().contains("Hijacked"));
    // Seekers and visitors have no employer pages at all.
    let ann = app.seeker("ann").await;
    ann.get("/employer/jobs").await.assert_status(404);
    ann.post_form(&format!("/employer/jobs/{open}/close"), &[]).await.assert_status(404);
    assert_eq!(app.client().get("/employer/jobs").await.status.as_u16(), 303, "visitors are asked to log in");
    assert_eq!(app.job_status(open).await, "open");
}

async fn employer_posts_previews_publishes_closes_and_reopens(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let form = bob.get("/employer/jobs/new").await;
    form.assert_status(200);
    assert!(form.body.contains(r#"name="salary_currency""#));
    let created = bob.post_form("/employer/jobs/new", &job_form("Rust Developer", &[])).await;
    created.assert_status(303);
    let preview_path = created.location().to_string();
    assert!(preview_path.starts_with("/employer/jobs/") && preview_path.ends_with("/preview"), "{preview_path}");
    let id: i64 = preview_path.split('/').nth(3).unwrap().parse().unwrap();
    assert_eq!(app.job_status(id).await, "draft");
    let preview = bob.get(&preview_path).await;
    preview.assert_status(200);
    assert!(preview.text().contains("Rust Developer") && preview.text().contains("EUR 60,000–80,000 per year"));
    assert!(!has_title(&app.client().get("/jobs").await, "Rust Developer"), "a draft is not listed");

    bob.post_form(&format!("/employer/jobs/{id}/publish"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(id).await, "open");
    assert!(has_title(&app.client().get("/jobs").await, "Rust Developer"));
    let public = app.client().get(&format!("/jobs/{id}")).await;
    public.assert_status(200);
    assert!(public.body.contains(&format!(r#"href="/jobs/{id}/apply""#)), "the Apply button");

    // Edit: the change shows at once.
    let edited = bob
        .post_form(&format!("/employer/jobs/{id}/edit"), &job_form("Senior Rust Developer", &[("remote", "remote")]))
        .await;
    edited.assert_status(303);
    let public = app.client().get(&format!("/jobs/{id}")).await;
    assert!(public.text().contains("Senior Rust Developer"));
    assert!(has_title(&app.client().get("/jobs?q=senior&remote=remote").await, "Senior Rust Developer"), "reindexed");

    // The list counts applicants.
    let company = app.company_of(&bob).await;
    app.insert_applicant(company, Some(id), "Ann Lee", None).await;
    let list = bob.get("/employer/jobs").await;
    list.assert_status(200);
    let row = list.select("tbody tr").into_iter().find(|r| r.contains("Senior Rust Developer")).expect("the job's row");
    assert!(row.contains("Open"), "{row}");
    assert!(list.body.contains(&format!(r#"href="/applicants?job={id}">1</a>"#)), "one applicant, linked to the CRM");

    // Close asks first: the list links a page that says what happens, then the form closes.
    let ask = list.select_attr(&format!(r#"a[href^="/employer/jobs/{id}/close"]"#), "href");
    assert_eq!(ask.len(), 1, "a link, not a one-click form");
    assert!(list.select(&format!(r#"form[action="/employer/jobs/{id}/close"]"#)).is_empty());
    let confirm = bob.get(&ask[0]).await;
    confirm.assert_status(200);
    assert!(confirm.text().contains("1 applicant is still in the running."), "{}", confirm.text());
    assert_eq!(confirm.select_attr(r#"input[name="next"]"#, "value"), ["/employer/jobs?page=1"]);
    assert_eq!(app.job_status(id).await, "open", "asking changes nothing");
    bob.post_form(&format!("/employer/jobs/{id}/close"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(id).await, "closed");
    assert!(!has_title(&app.client().get("/jobs").await, "Senior Rust Developer"));
    let asked_again = bob.get(&ask[0]).await;
    assert_eq!(asked_again.location(), format!("/employer/jobs/{id}/preview"), "a closed job is not asked about");
    bob.post_form(&format!("/employer/jobs/{id}/reopen"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(id).await, "open");
    assert!(has_title(&app.client().get("/jobs").await, "Senior Rust Developer"));
    // Closing twice says so and changes nothing.
    bob.post_form(&format!("/employer/jobs/{id}/publish"), &[]).await.assert_status(303);
    assert!(bob.get("/employer/jobs").await.text().contains("open already"));
}

async fn bad_job_form_input_is_422_with_the_form_kept(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let long_title = "T".repeat(5000);
    let long_text = "x".repeat(20_001);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (job_form("", &[]), "title"),
        (job_form("Welder", &[("salary_min", "90000"), ("salary_max", "50000")]), "salary_max"),
        (job_form("Welder", &[("remote", "moon")]), "remote"),
        (job_form("Welder", &[("employment_type", "forever")]), "employment_type"),
        (job_form("Welder", &[("category", "Astrology")]), "category"),
        (job_form("Welder", &[("salary_currency", "XXX")]), "salary_currency"),
        (job_form("Welder", &[("salary_period", "decade")]), "salary_period"),
        (job_form("Welder", &[("salary_min", "-5")]), "salary_min"),
        (job_form("Welder", &[("salary_min", "1e9")]), "salary_min"),
        (job_form(&long_title, &[]), "title"),
        (job_form("Welder", &[("description", &long_text)]), "description"),
        (job_form("Welder", &[("description", "")]), "description"),
        (job_form("Welder", &[("closes_at", "2001-01-01T10:00")]), "closes_at"),
        (job_form("Welder", &[("closes_at", "tomorrow")]), "closes_at"),
        (job_form("Line\nbreak", &[]), "title"),
    ];
    for (fields, field) in cases {
        let resp = bob.post_form("/employer/jobs/new", &fields).await;
        resp.assert_status(422);
        assert!(resp.body.contains(&format!(r#"id="{field}-error""#)), "message next to {field}");
        assert!(resp.body.contains(r#"aria-invalid="true""#));
        let kept = resp.body.contains("Build and run reliable services") || field == "description";
        assert!(kept, "the other values are kept");
    }
    // Unknown fields are ignored, a missing form is refused cleanly.
    bob.post_form("/employer/jobs/new", &[]).await.assert_status(422);
    assert_eq!(app.count("jobs").await, 0, "nothing was written");
    // Editing keeps the rules.
    let company = app.company_of(&bob).await;
    let id = app.job(company, "Welder").insert().await;
    let resp = bob.post_form(&format!("/employer/jobs/{id}/edit"), &job_form("", &[])).await;
    resp.assert_status(422);
    assert_eq!(titles(&app.client().get("/jobs").await), ["Welder"]);
}

async fn closing_date_hides_the_job_at_once_and_the_task_closes_it(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let expired = app.job(acme, "Expired Welder").insert().await;
    let live = app.job(acme, "Live Welder").insert().await;
    app.set_closes_at(expired, Some(jobconnect::db::now() - time::Duration::minutes(1))).await;
    let list = app.client().get("/jobs").await;
    assert_eq!(titles(&list), ["Live Welder"], "hidden even before the task runs");
    // Expired before the task ran: already "no longer accepting applications".
    let page = app.client().get(&format!("/jobs/{expired}")).await;
    page.assert_status(410);
    assert!(page.text().contains("No longer accepting applications"));
    assert!(!app.client().get("/jobs?q=welder").await.text().contains("Expired"));

    // An employer sets a closing date a few seconds ahead: the job closes by itself.
    let soon = jobconnect::db::now() + time::Duration::seconds(2);
    let soon = soon.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]")).unwrap();
    let resp =
        bob.post_form(&format!("/employer/jobs/{live}/edit"), &job_form("Live Welder", &[("closes_at", &soon)])).await;
    resp.assert_status(303);
    assert_eq!(app.job_status(live).await, "open");
    wait_for("the closing task to close the job", || async { (app.job_status(live).await == "closed").then_some(()) })
        .await;
    wait_for("the task to close the expired job too", || async {
        (app.job_status(expired).await == "closed").then_some(())
    })
    .await;
    assert!(titles(&app.client().get("/jobs").await).is_empty());
    // Reopening a job whose date passed is refused until the date changes.
    bob.post_form(&format!("/employer/jobs/{live}/reopen"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(live).await, "closed");
    assert!(bob.get("/employer/jobs").await.text().contains("closing date of this job has passed"));
}

async fn seekers_save_and_unsave_jobs(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.job(acme, "Welder").insert().await;
    let draft = app.job(acme, "Draft Welder").status("draft").insert().await;
    let ann = app.seeker("ann").await;

    assert!(ann.get("/saved-jobs").await.text().contains("No saved jobs yet"));
    let list = ann.get("/jobs?q=welder").await;
    assert!(list.body.contains(&format!(r#"action="/jobs/{job}/save""#)), "a save button on each card");
    // Without a script the form returns to the same card: its anchor rides along.
    let back = list.select_attr(&format!("form[action='/jobs/{job}/save'] input[name=next]"), "value");
    assert_eq!(back, vec![format!("/jobs?q=welder#job-{job}")]);
    assert_eq!(list.select_attr(&format!("#job-{job} .job-card-title a"), "href"), vec![format!("/jobs/{job}")]);
    let saved = ann.post_form(&format!("/jobs/{job}/save"), &[("next", &back[0])]).await;
    saved.assert_status(303);
    assert_eq!(saved.location(), back[0], "back where the seeker was");
    ann.post_form(&format!("/jobs/{job}/save"), &[]).await.assert_status(303);
    assert_eq!(app.count("saved_jobs").await, 1, "saving twice keeps one");
    let page = ann.get("/saved-jobs").await;
    page.assert_status(200);
    assert!(page.text().contains("Welder"));
    assert!(ann.get(&format!("/jobs/{job}")).await.body.contains(&format!(r#"action="/jobs/{job}/unsave""#)));
    // An off-site `next` is not followed.
    let resp = ann.post_form(&format!("/jobs/{job}/unsave"), &[("next", "https://evil.example/")]).await;
    assert_eq!(resp.location(), format!("/jobs/{job}"));
    assert!(ann.get("/saved-jobs").await.text().contains("No saved jobs yet"));
    // Drafts cannot be saved; only seekers save.
    ann.post_form(&format!("/jobs/{draft}/save"), &[]).await.assert_status(404);
    bob.post_form(&format!("/jobs/{job}/save"), &[]).await.assert_status(404);
    bob.get("/saved-jobs").await.assert_status(404);
    let visitor = app.client();
    assert_eq!(visitor.get("/saved-jobs").await.status.as_u16(), 303);
    assert_eq!(app.count("saved_jobs").await, 0);
    // A saved job that closes stays in the list, marked closed.
    ann.post_form(&format!("/jobs/{job}/save"), &[]).await.assert_status(303);
    bob.post_form(&format!("/employer/jobs/{job}/close"), &[]).await.assert_status(303);
    let page = ann.get("/saved-jobs").await;
    assert!(page.text().contains("Welder") && page.text().contains("Closed"));
    // ...and can still be taken off it; an unknown job is 404.
    ann.post_form(&format!("/jobs/{job}/unsave"), &[]).await.assert_status(303);
    assert_eq!(app.count("saved_jobs").await, 0);
    ann.post_form("/jobs/999999/unsave", &[]).await.assert_status(404);
}

async fn job_ads_link_web_addresses_and_keep_apply_in_reach(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let text = "See https://acme.example/team?x=1&y=2. Not javascript://%0aalert(1) nor <a href=x>this</a>.";
    let job = app.job(acme, "Welder").description(text).insert().await;
    let page = app.client().get(&format!("/jobs/{job}")).await;
    let links = page.select_attr(".job-description a", "href");
    assert_eq!(links, vec!["https://acme.example/team?x=1&y=2"], "only the web address is a link");
    assert_eq!(page.select_attr(".job-description a", "rel"), vec!["nofollow ugc noopener"]);
    assert!(page.text().contains("nor <a href=x>this</a>."), "the employer's markup stays text");
    // The phone bar's Apply: for visitors and seekers, not for the company.
    let apply = format!(".apply-bar a[href='/jobs/{job}/apply']");
    assert_eq!(page.select(&apply), vec!["Apply now"]);
    let ann = app.seeker("ann").await;
    assert_eq!(ann.get(&format!("/jobs/{job}")).await.select(&apply).len(), 1);
    assert!(bob.get(&format!("/jobs/{job}")).await.select(".apply-bar").is_empty());
}

async fn places_are_structured_for_search_engines(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let place = [("remote", "onsite"), ("city", "Austin"), ("region", "Texas"), ("country", "USA")];
    let resp = bob.post_form("/employer/jobs/new", &job_form("Welder", &place)).await;
    resp.assert_status(303);
    let id: i64 = resp.location().split('/').nth(3).unwrap().parse().unwrap();
    bob.post_form(&format!("/employer/jobs/{id}/publish"), &[]).await.assert_status(303);
    let page = app.client().get(&format!("/jobs/{id}")).await;
    let ld = json_ld(&page);
    let address = serde_json::json!({
        "@type": "PostalAddress", "addressLocality": "Austin", "addressRegion": "Texas", "addressCountry": "US"
    });
    assert_eq!(ld["jobLocation"]["address"], address);
    assert!(page.text().contains("Austin, Texas, USA"), "the label keeps the employer's words");
    let form = bob.get(&format!("/employer/jobs/{id}/edit")).await;
    assert_eq!(form.select_attr("#country", "value"), vec!["USA"], "shown again as written");
    assert!(form.select_attr("datalist#countries option", "value").contains(&"Germany".to_string()));

    // Remote: the countries people may live in, as ISO codes.
    let remote = [("remote", "remote"), ("remote_countries", "UK, Germany")];
    bob.post_form(&format!("/employer/jobs/{id}/edit"), &job_form("Welder", &remote)).await.assert_status(303);
    let ld = json_ld(&app.client().get(&format!("/jobs/{id}")).await);
    let countries = serde_json::json!([{ "@type": "Country", "name": "GB" }, { "@type": "Country", "name": "DE" }]);
    assert_eq!(ld["applicantLocationRequirements"], countries);
    assert!(ld.get("jobLocation").is_none());

    // What is not a place is refused, field by field, and nothing changes.
    let bad = [("remote", "hybrid"), ("city", ""), ("country", "Atlantis")];
    let refused = bob.post_form(&format!("/employer/jobs/{id}/edit"), &job_form("Welder", &bad)).await;
    refused.assert_status(422);
    assert!(refused.text().contains("“Atlantis” is not a country we know"));
    assert!(refused.text().contains("Enter the city where the work is done."));
    let bad = [("remote", "remote"), ("remote_countries", "France, Narnia")];
    let refused = bob.post_form(&format!("/employer/jobs/{id}/edit"), &job_form("Welder", &bad)).await;
    refused.assert_status(422);
    assert!(refused.text().contains("“Narnia” is not a country we know"));
    let ld = json_ld(&app.client().get(&format!("/jobs/{id}")).await);
    assert_eq!(ld["applicantLocationRequirements"], countries, "unchanged");
}

/// Pay is compared in the site's currency (EUR here), at the shipped ECB
/// rates of 30 October 2026 (1 EUR = 1.1172 USD = 175.68 JPY = 0.8338 GBP).
async fn pay_is_compared_in_one_currency(app: &TestApp) {
    use diesel::prelude::*;
    use jobconnect::db::schema::{data_fixes, jobs};
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let dollars =
        app.job(acme, "Dollar Welder").salary(Some(100_000), Some(111_720), "year").currency("USD").insert().await;
    app.job(acme, "Yen Welder").salary(None, Some(17_568_000), "year").currency("JPY").insert().await;
    app.job(acme, "Pound Welder").salary(Some(4_000), Some(5_000), "month").currency("GBP").insert().await;
    app.job(acme, "Shilling Welder").salary(None, Some(90_000_000), "year").currency("KES").insert().await;
    let found = titles(&app.client().get("/jobs?salary_min=90000").await);
    assert_eq!(
        sorted(found),
        ["Dollar Welder", "Yen Welder"],
        "USD and JPY reach EUR 100,000; GBP 60,000 a year does not"
    );
    let found = titles(&app.client().get("/jobs?salary_min=70000").await);
    assert_eq!(sorted(found), ["Dollar Welder", "Pound Welder", "Yen Welder"], "GBP 60,000 is EUR 71,960");
    let page = app.client().get(&format!("/jobs/{dollars}")).await;
    assert!(page.text().contains("(about EUR 100,000 a year)"), "the original currency, and the site's");
    assert!(page.text().contains("USD 100,000–111,720"), "{}", page.text());
    let list = app.client().get("/jobs").await;
    assert!(list.text().contains("ECB rates of 30 October 2026"), "the filter says how it compares");

    // Through the form, the yearly pay is stored with the job.
    let pay = [("salary_min", "4000"), ("salary_max", "5000"), ("salary_currency", "CHF"), ("salary_period", "month")];
    let resp = bob.post_form("/employer/jobs/new", &job_form("Franc Welder", &pay)).await;
    resp.assert_status(303);
    let id: i64 = resp.location().split('/').nth(3).unwrap().parse().unwrap();
    let yearly =
        move |id: i64| app.db.run(move |c| jobs::table.find(id).select(jobs::pay_yearly).first::<Option<i64>>(c));
    assert_eq!(yearly(id).await.unwrap(), Some(65_260), "CHF 60,000 a year at 0.9194 per euro");

    // A new rate table recomputes every job once (a data fix named by the rates).
    app.db.run(|c| diesel::update(jobs::table).set(jobs::pay_yearly.eq(None::<i64>)).execute(c)).await.unwrap();
    let rates = jobconnect::domain::money::Rates::shipped();
    let name = format!("pay {}", rates.version());
    let fixed = app.db.run(|c| diesel::delete(data_fixes::table.find(name)).execute(c)).await.unwrap();
    assert_eq!(fixed, 1, "the running site had recomputed with these rates");
    let rerun = |rates: jobconnect::domain::money::Rates| {
        app.db.run(move |c| {
            let name = format!("pay {}", rates.version());
            jobconnect::db::data_fixes::once(c, &name, |c| jobconnect::db::jobs::normalise_pay(c, &rates))
        })
    };
    assert_eq!(rerun(rates.clone()).await.unwrap(), Some(4), "four jobs with a known currency");
    assert_eq!(rerun(rates).await.unwrap(), None, "once per rate table");
    assert_eq!(yearly(dollars).await.unwrap(), Some(100_000));
}

fn sorted(mut titles: Vec<String>) -> Vec<String> {
    titles.sort();
    titles
}

/// Jobs written before places were structured are read once, at start.
async fn older_free_text_places_are_structured_once(app: &TestApp) {
    use diesel::prelude::*;
    use jobconnect::db::schema::{data_fixes, jobs};
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let berlin = app.job(acme, "Welder").location("Berlin, Germany").insert().await;
    let remote = app.job(acme, "Writer").remote("remote").location("Remote (UK, Ireland)").insert().await;
    let vague = app.job(acme, "Diver").location("Somewhere nice").insert().await;
    let place = |id: i64| {
        app.db.run(move |c| {
            jobs::table.find(id).select((jobs::city, jobs::region, jobs::country, jobs::remote_countries)).first::<(
                String,
                String,
                String,
                String,
            )>(
                c
            )
        })
    };
    let forgotten = app
        .db
        .run(|c| {
            diesel::update(jobs::table)
                .set((jobs::city.eq(""), jobs::region.eq(""), jobs::country.eq(""), jobs::remote_countries.eq("")))
                .execute(c)?;
            diesel::delete(data_fixes::table.find("job_places")).execute(c)
        })
        .await
        .unwrap();
    assert_eq!(forgotten, 1, "the fix had run when the site was made");
    app.db.run(|c| jobconnect::db::run_migrations(c).map_err(jobconnect::error::AppError::internal)).await.unwrap();
    let empty = String::new;
    assert_eq!(place(berlin).await.unwrap(), ("Berlin".into(), empty(), "DE".into(), empty()));
    assert_eq!(place(remote).await.unwrap(), (empty(), empty(), empty(), "GB IE".to_string()));
    assert_eq!(place(vague).await.unwrap(), ("Somewhere nice".into(), empty(), empty(), empty()));
    // Done once: a job written by hand afterwards is left as it is.
    app.db.run(move |c| diesel::update(jobs::table.find(berlin)).set(jobs::country.eq("")).execute(c)).await.unwrap();
    app.db.run(|c| jobconnect::db::run_migrations(c).map_err(jobconnect::error::AppError::internal)).await.unwrap();
    assert_eq!(place(berlin).await.unwrap().2, "");
}

async fn job_page_carries_valid_json_ld(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let title = r#"Dev </script><script>alert("x")</script> & <b>"#;
    let id = app
        .job(acme, title)
        .remote("remote")
        .location("Remote (Germany, Austria)")
        .employment_type("contract")
        .salary(Some(50), Some(70), "hour")
        .description("Line one.\n\n- a <i>bullet</i>")
        .insert()
        .await;
    let resp = app.client().get(&format!("/jobs/{id}")).await;
    resp.assert_status(200);
    assert!(!resp.body.contains("</script><script>alert"), "no way out of the script element");
    assert!(!resp.body.contains("<i>bullet</i>") && !resp.body.contains("<b>"), "user text is escaped");
    let start = resp.body.find(r#"<script type="application/ld+json">"#).expect("JSON-LD present");
    let rest = &resp.body[start + r#"<script type="application/ld+json">"#.len()..];
    let json = &rest[..rest.find("</script>").unwrap()];
    assert!(json.contains("\\u003c"), "< is escaped as \\u003c");
    let ld: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(ld["@context"], "https://schema.org/");
    assert_eq!(ld["@type"], "JobPosting");
    assert_eq!(ld["title"], title);
    assert_eq!(ld["hiringOrganization"]["name"], "Acme");
    assert_eq!(ld["employmentType"], "CONTRACTOR");
    assert_eq!(ld["jobLocationType"], "TELECOMMUTE");
    let countries = serde_json::json!([{ "@type": "Country", "name": "DE" }, { "@type": "Country", "name": "AT" }]);
    assert_eq!(ld["applicantLocationRequirements"], countries, "a remote job says where applicants may live");
    assert!(ld.get("validThrough").is_none(), "no closing date, no validThrough");
    assert_eq!(ld["baseSalary"]["value"]["unitText"], "HOUR");
    assert_eq!(ld["baseSalary"]["value"]["minValue"], 50);
    assert!(ld["datePosted"].as_str().unwrap().starts_with("20"));

    // Hybrid is not remote: a place, no TELECOMMUTE; a closing date is validThrough.
    let closes = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    let closes = time::PrimitiveDateTime::new(closes.date(), closes.time());
    let hybrid = app.job(acme, "Hybrid Designer").remote("hybrid").location("Paris").closes_at(closes).insert().await;
    let ld = json_ld(&app.client().get(&format!("/jobs/{hybrid}")).await);
    assert!(ld.get("jobLocationType").is_none(), "hybrid is not TELECOMMUTE: {ld}");
    assert!(ld.get("applicantLocationRequirements").is_none());
    assert_eq!(ld["jobLocation"]["address"]["addressLocality"], "Paris");
    assert!(ld["validThrough"].as_str().unwrap().starts_with(&closes.year().to_string()));
}

/// The JSON-LD of a job page.
fn json_ld(resp: &Resp) -> serde_json::Value {
    resp.assert_status(200);
    let start = resp.body.find(r#"<script type="application/ld+json">"#).expect("JSON-LD present");
    let rest = &resp.body[start + r#"<script type="application/ld+json">"#.len()..];
    serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).expect("valid JSON")
}

/// Where the company's pay-transparency rule demands it, a job is published,
/// reopened or kept live only with a pay range; elsewhere pay stays optional.
async fn pay_range_is_required_where_the_company_rule_demands_it(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let loose = app.job(acme, "No Pay Yet").status("draft").insert().await;
    bob.post_form(&format!("/employer/jobs/{loose}/publish"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(loose).await, "open", "no rule: pay is optional");

    let profile = |rule: &'static str| {
        [("name", "Acme"), ("website", ""), ("description", ""), ("location", "Berlin"), ("pay_rule", rule)]
    };
    let form = bob.get("/employer/company").await;
    assert_eq!(form.select_attr("select#pay_rule option[selected]", "value"), ["none"]);
    bob.post_form("/employer/company", &profile("atlantis")).await.assert_status(422);
    bob.post_form("/employer/company", &profile("eu")).await.assert_status(303);
    let form = bob.get("/employer/jobs/new").await;
    assert!(form.text().contains("a job is published only with a minimum and a maximum salary"), "the form says so");

    let no_pay = app.job(acme, "Welder").status("draft").insert().await;
    let half = app.job(acme, "Fitter").status("draft").salary(Some(40_000), None, "year").insert().await;
    let ranged = app.job(acme, "Rigger").status("draft").salary(Some(40_000), Some(50_000), "year").insert().await;
    for job in [no_pay, half] {
        let resp = bob.post_form(&format!("/employer/jobs/{job}/publish"), &[]).await;
        resp.assert_status(303);
        let back = bob.get(resp.location()).await;
        assert!(back.text().contains("must state the pay"), "{}", back.text());
        assert_eq!(app.job_status(job).await, "draft", "not published without a range");
    }
    bob.post_form(&format!("/employer/jobs/{ranged}/publish"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(ranged).await, "open");
    let page = app.client().get(&format!("/jobs/{ranged}")).await;
    assert!(page.text().contains("40,000–50,000 per year"), "the range is on the job page: {}", page.text());
    assert!(app.client().get("/jobs").await.text().contains("40,000–50,000 per year"), "and in the list");

    // A live ad cannot drop its range; a draft may (it is checked at publishing).
    let edit =
        bob.post_form(&format!("/employer/jobs/{ranged}/edit"), &job_form("Rigger", &[("salary_max", "")])).await;
    edit.assert_status(422);
    assert!(edit.text().contains("must state the pay"));
    let edit = bob
        .post_form(
            &format!("/employer/jobs/{no_pay}/edit"),
            &job_form("Welder", &[("salary_min", ""), ("salary_max", "")]),
        )
        .await;
    edit.assert_status(303);
    // Closed and reopened: the rule holds at reopening too.
    bob.post_form(&format!("/employer/jobs/{loose}/close"), &[]).await.assert_status(303);
    bob.post_form(&format!("/employer/jobs/{loose}/reopen"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(loose).await, "closed", "reopening needs the range now");
}

async fn search_words_are_never_query_syntax(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    app.job(acme, "Rust Developer").insert().await;
    let client = app.client();
    for q in [
        "%22",
        "%22rust",
        "rust%22+OR+%22x",
        "*",
        "rust*",
        "OR",
        "NEAR(rust+developer)",
        "title%3Arust",
        "%7Blocation%7D+%3A+x",
        "rust+%26+developer",
        "!rust",
        "-rust",
        "rust+AND+NOT+x",
        "%27%3B+DROP+TABLE+jobs%3B--",
        "%5C",
        "%FF%FE",
        "%E2%82",
        "%28%28%28",
        "%3A*",
        "the",
    ] {
        for query in [format!("q={q}"), format!("location={q}"), format!("q={q}&location={q}&remote=remote")] {
            let resp = client.get(&format!("/jobs?{query}")).await;
            resp.assert_status(200);
            assert!(resp.body.contains("jobs-page"), "{query}: the normal page");
        }
    }
    // NUL is no text at all: refused, like in every other parameter.
    client.get("/jobs?q=a%00b").await.assert_status(422);
    assert_eq!(titles(&client.get("/jobs?q=%22rust%22+OR").await), ["Rust Developer"], "quotes are separators");
    assert_eq!(titles(&client.get("/jobs?q=NEAR(rust").await), Vec::<String>::new(), "near is a word like others");
    assert_eq!(titles(&client.get("/jobs?q=rust:developer").await), ["Rust Developer"]);
    let long = format!("/jobs?q={}", path(&"rust ".repeat(500)));
    client.get(&long).await.assert_status(200);
    assert_eq!(app.count("jobs").await, 1);
}

async fn every_post_needs_the_csrf_token(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let id = app.job(acme, "Welder").insert().await;
    let draft = app.job(acme, "Draft").status("draft").insert().await;
    let ann = app.seeker("ann").await;
    let form = job_form("Changed", &[]);
    for (who, path) in [
        (&bob, "/employer/jobs/new".to_string()),
        (&bob, format!("/employer/jobs/{id}/edit")),
        (&bob, format!("/employer/jobs/{draft}/publish")),
        (&bob, format!("/employer/jobs/{id}/close")),
        (&bob, format!("/employer/jobs/{id}/reopen")),
        (&bob, "/employer/company".to_string()),
        (&ann, format!("/jobs/{id}/save")),
        (&ann, format!("/jobs/{id}/unsave")),
    ] {
        who.post_raw(&path, &form).await.assert_status(403);
        let mut wrong = form.clone();
        wrong.push(("csrf_token", "not-the-token"));
        who.post_raw(&path, &wrong).await.assert_status(403);
    }
    let resp = bob
        .client
        .http
        .post(app.url("/employer/company/logo"))
        .multipart(
            reqwest::multipart::Form::new().part("logo", reqwest::multipart::Part::bytes(PNG).file_name("l.png")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(app.count("jobs").await, 2);
    assert_eq!(app.job_status(id).await, "open");
    assert_eq!(app.job_status(draft).await, "draft");
    assert_eq!(app.count("saved_jobs").await, 0);
    let company = app.client().get(&format!("/companies/{acme}")).await;
    assert!(company.text().contains("Acme") && !company.text().contains("Changed"));
    assert!(!app.settings.upload_dir.join("images").exists() || dir_is_empty(&app.settings.upload_dir.join("images")));
}

fn dir_is_empty(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(true)
}

async fn company_logo_is_checked_by_content(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let images = app.settings.upload_dir.join("images");
    // A text file named .png is refused, and nothing is kept.
    let resp = bob
        .post_multipart("/employer/company/logo", |f| {
            f.part(
                "logo",
                reqwest::multipart::Part::bytes(b"just some text, not a picture".to_vec()).file_name("logo.png"),
            )
        })
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("Upload a PNG, JPEG or WebP picture"));
    assert!(dir_is_empty(&images), "no file left in UPLOAD_DIR/images");
    assert!(dir_is_empty(&app.settings.upload_dir.join("tmp")), "no temporary file left");
    // Too large: 413.
    let big = vec![0u8; app.settings.max_image_bytes as usize + 1];
    let resp = bob
        .post_multipart("/employer/company/logo", |f| {
            f.part("logo", reqwest::multipart::Part::bytes(big).file_name("big.png"))
        })
        .await;
    resp.assert_status(413);
    assert!(dir_is_empty(&images));
    app.client().get(&format!("/companies/{acme}/logo")).await.assert_status(404);
    // A real PNG is stored and served inline with its type.
    let resp = bob
        .post_multipart("/employer/company/logo", |f| {
            f.part(
                "logo",
                reqwest::multipart::Part::bytes(PNG.to_vec())
                    .file_name("../../logo.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            )
        })
        .await;
    resp.assert_status(303);
    assert_eq!(std::fs::read_dir(&images).unwrap().count(), 1);
    let page = app.client().get(&format!("/companies/{acme}")).await;
    assert!(page.body.contains(&format!("/companies/{acme}/logo?v=")), "the page shows the logo");
    let logo = app.client().get(&format!("/companies/{acme}/logo")).await;
    logo.assert_status(200);
    assert_eq!(logo.header("content-type"), "image/png");
    assert_eq!(logo.header("x-content-type-options"), "nosniff");
    assert!(logo.header("content-disposition").starts_with("inline"));
    // Replacing it removes the old file.
    bob.post_multipart("/employer/company/logo", |f| {
        f.part("logo", reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("b.png"))
    })
    .await
    .assert_status(303);
    assert_eq!(std::fs::read_dir(&images).unwrap().count(), 1);
    // Only employers have a company to upload for.
    let ann = app.seeker("ann").await;
    ann.post_multipart("/employer/company/logo", |f| {
        f.part("logo", reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("c.png"))
    })
    .await
    .assert_status(404);
}

async fn company_page_and_profile(app: &TestApp) {
    let bob = app.employer("bob", "Acme Robotics").await;
    let acme = app.company_of(&bob).await;
    app.job(acme, "Welder").insert().await;
    let client = app.client();
    for key in [acme.to_string(), "acme-robotics".to_string()] {
        let page = client.get(&format!("/companies/{key}")).await;
        page.assert_status(200);
        assert!(page.text().contains("Acme Robotics") && page.text().contains("1 open job"));
    }
    client.get("/companies/no-such-company").await.assert_status(404);
    client.get("/companies/999999").await.assert_status(404);

    let form = bob.get("/employer/company").await;
    form.assert_status(200);
    let resp = bob
        .post_form(
            "/employer/company",
            &[
                ("name", "Acme Robotics"),
                ("website", "javascript:alert(1)"),
                ("description", "We build robots."),
                ("location", "Berlin"),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains(r#"id="website-error""#) && resp.body.contains("We build robots."));
    let resp = bob
        .post_form(
            "/employer/company",
            &[
                ("name", "Acme Robots"),
                ("website", "acme.example"),
                ("description", "We build robots.\n\nAnd we <b>like</b> them."),
                ("location", "Berlin, Germany"),
            ],
        )
        .await;
    resp.assert_status(303);
    let page = client.get("/companies/acme-robotics").await;
    assert!(page.text().contains("Acme Robots") && page.text().contains("And we <b>like</b> them."), "escaped text");
    assert!(page.body.contains(r#"href="https://acme.example/""#));
    assert!(has_title(&client.get("/jobs?q=robots").await, "Welder"), "the new name is searchable");
    let ann = app.seeker("ann").await;
    ann.get("/employer/company").await.assert_status(404);
}

async fn home_page_shows_the_latest_jobs(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    app.job(acme, "Welder").insert().await;
    app.job(acme, "Hidden Draft").status("draft").insert().await;
    let home = app.client().get("/").await;
    home.assert_status(200);
    assert_eq!(titles(&home), ["Welder"]);
}

both_backends!(
    search_ranks_title_matches_above_description_matches,
    each_filter_narrows_the_list,
    pagination_edges_answer_cleanly,
    drafts_are_hidden_from_everyone_but_their_company_and_closed_jobs_take_no_applications,
    employer_cannot_touch_another_companys_jobs,
    employer_posts_previews_publishes_closes_and_reopens,
    bad_job_form_input_is_422_with_the_form_kept,
    closing_date_hides_the_job_at_once_and_the_task_closes_it,
    seekers_save_and_unsave_jobs,
    job_page_carries_valid_json_ld,
    places_are_structured_for_search_engines,
    older_free_text_places_are_structured_once,
    pay_is_compared_in_one_currency,
    job_ads_link_web_addresses_and_keep_apply_in_reach,
    pay_range_is_required_where_the_company_rule_demands_it,
    search_words_are_never_query_syntax,
    every_post_needs_the_csrf_token,
    company_logo_is_checked_by_content,
    company_page_and_profile,
    home_page_shows_the_latest_jobs,
    visitors_share_the_rendered_list_but_never_a_token,
);

/// The job list is rendered once for visitors without an account and shown
/// again with each visitor's own CSRF token; anyone signed in, or a visitor
/// with a message waiting, gets a page of their own.
async fn visitors_share_the_rendered_list_but_never_a_token(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    app.job(acme, "Welder").insert().await;
    let (first, second) = (app.client(), app.client());
    let (a, b) = (first.get("/jobs?q=welder").await, second.get("/jobs?q=welder").await);
    let (token_a, token_b) = (csrf_from(&a.body).unwrap(), csrf_from(&b.body).unwrap());
    assert_ne!(token_a, token_b, "each visitor has a session of their own");
    assert!(!b.body.contains(&token_a), "the page shown again carries the second visitor's token only");
    assert_eq!(a.body.replace(&token_a, "TOKEN"), b.body.replace(&token_b, "TOKEN"), "the same page");
    assert_eq!(titles(&b), ["Welder"]);
    // The token shown is the one the second visitor's session checks.
    let login = |token| [("login", "nobody"), ("password", "wrong-password"), ("csrf_token", token)];
    second.post_raw("/login", &login(&token_b)).await.assert_status(422);
    second.post_raw("/login", &login(&token_a)).await.assert_status(403);
    // A seeker sees their own header and saved jobs, never the visitors' page.
    let ann = app.seeker("ann").await;
    let own = ann.client.get("/jobs?q=welder").await;
    assert!(own.body.contains("ann"), "the seeker's own header");
    assert!(!own.body.contains(&token_a) && !own.body.contains(&token_b));
}

/// The data version of the job lists, as the database has it.
async fn stored_version(app: &TestApp) -> i64 {
    app.db
        .run(|c| {
            use diesel::prelude::*;
            diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT version FROM jobs_version WHERE id = 1").get_result(c)
        })
        .await
        .unwrap()
}

/// PostgreSQL tells every instance each new version of the jobs data
/// (NOTIFY), so a cached list needs no round trip to stay exact: the
/// instance that writes knows the version once its write returns, the other
/// one hears it without asking, and neither serves a stale page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_hears_of_a_change_to_the_jobs_at_once() {
    let Some(a) = TestApp::spawn_postgres().await else { return };
    let b = a.second_instance().await;
    let bob = a.employer("bob", "Acme").await;
    let job = a.open_job(a.company_of(&bob).await, "Rust engineer").await;
    for app in [&a, &b] {
        // Each fills its cache (and learns the version by reading it once).
        assert!(app.client().get("/jobs?q=rust").await.text().contains("Rust engineer"));
    }
    let renamed = [
        ("title", "Go engineer"),
        ("description", "A role on a friendly team that writes Go."),
        ("location", "Berlin"),
        ("remote", "onsite"),
        ("employment_type", "full_time"),
        ("category", "Engineering"),
        ("salary_currency", "EUR"),
        ("salary_period", "year"),
    ];
    bob.post_form(&format!("/employer/jobs/{job}/edit"), &renamed).await.assert_status(303);
    let version = stored_version(&a).await;
    assert_eq!(a.db.jobs_version().get(), Some(version), "the writing instance knows at once");
    let list = a.client().get("/jobs?q=rust").await;
    assert!(!list.text().contains("Rust engineer"), "and serves no stale page");
    wait_for("B to hear of the change", || async { (b.db.jobs_version().get() == Some(version)).then_some(()) }).await;
    let list = b.client().get("/jobs?q=go").await;
    assert!(list.text().contains("Go engineer"), "B serves the change");
    assert!(!b.client().get("/jobs?q=rust").await.text().contains("Rust engineer"));
    // A statement that changes no job (the closing task finding nothing to
    // close) moves no version, so no instance throws its pages away.
    a.db.run(|c| jobconnect::db::jobs::close_expired(c, jobconnect::db::now())).await.unwrap();
    assert_eq!(stored_version(&a).await, version);
    b.stop().await;
    a.stop().await;
}
