//! The job search engine (`src/search`): how it ranks (a fixed set of jobs
//! and the queries that must find them first), and how its index follows
//! the database (every status change, another instance, a restart, a broken
//! index, `reindex`). Queries with a typo are answered by the index only
//! (the database search has no typo tolerance), so they show it is in use.

use diesel::RunQueryDsl;

use crate::both_backends;
use crate::helpers::{Resp, TestApp, wait_for};

fn titles(resp: &Resp) -> Vec<String> {
    resp.select(".job-card-title")
}

async fn search(app: &TestApp, q: &str) -> Vec<String> {
    let resp = app.client().get(&format!("/jobs?q={}", q.replace(' ', "+"))).await;
    resp.assert_status(200);
    titles(&resp)
}

/// Waits (with a deadline) until the index has applied every change made
/// so far: what only the index answers (suggestions, similar jobs, Jobs
/// for you) is asked after it.
async fn indexed(app: &TestApp) {
    let version = app.db.run(|c| jobconnect::db::jobs::index_state(c)).await.unwrap().version;
    let deadline = crate::helpers::deadline();
    assert!(app.search.caught_up(version, deadline).await, "the index applied version {version} within {deadline:?}");
}

async fn sql(app: &TestApp, statement: String) {
    app.db.run(move |c| diesel::sql_query(statement).execute(c)).await.unwrap();
}

/// Jobs of several trades, each query's intended answer among them.
const JOBS: &[(&str, &str)] = &[
    ("Senior Rust Engineer", "Build our payment backend in Rust and PostgreSQL."),
    ("Frontend Developer (React)", "Build accessible interfaces with React, TypeScript and CSS."),
    ("JavaScript Developer", "Node and browser JavaScript, testing with Jest."),
    ("Site Reliability Engineer", "Keep our Kubernetes clusters healthy. On-call rotation, Terraform."),
    ("Data Scientist", "Machine learning models in Python, statistics and experiments."),
    ("Machine Learning Engineer", "Train and deploy deep learning models with PyTorch."),
    ("Product Manager", "Own the roadmap of our mobile app."),
    ("UX Designer", "User research and prototypes in Figma for the web."),
    ("Registered Nurse", "Night shifts in the cardiology ward."),
    ("Accountant", "Monthly closing, VAT returns and bookkeeping."),
    ("Python Backend Developer", "Django and PostgreSQL APIs."),
    ("Kotlin Android Developer", "Build our Android app in Kotlin."),
    ("iOS Developer", "Swift and SwiftUI for iPhone apps."),
    ("Quality Assurance Tester", "Manual and automated testing of releases."),
    ("Human Resources Manager", "Recruiting, onboarding and payroll."),
    ("Office Manager", "Keep the office running: our Rust engineers need coffee."),
    ("DevOps Engineer", "CI/CD pipelines, Docker and AWS."),
    ("Golang Developer", "Microservices in Go."),
    ("Database Administrator", "Tuning and backups of large databases."),
    ("Customer Success Manager", "Help our customers succeed."),
    ("Sales Development Representative", "Outbound prospecting and booking demos."),
    ("Technical Writer", "Documentation for developers and operators."),
];

/// (query, the job that must come first).
const FIRST: &[(&str, &str)] = &[
    ("rust", "Senior Rust Engineer"),
    ("rust engineer", "Senior Rust Engineer"),
    ("kubernetes", "Site Reliability Engineer"),
    ("kubernets", "Site Reliability Engineer"),
    ("javascript", "JavaScript Developer"),
    ("js", "JavaScript Developer"),
    ("sre", "Site Reliability Engineer"),
    ("site reliability engineer", "Site Reliability Engineer"),
    ("k8s", "Site Reliability Engineer"),
    ("ml", "Machine Learning Engineer"),
    ("machine learning", "Machine Learning Engineer"),
    ("ux", "UX Designer"),
    ("user experience", "UX Designer"),
    ("pyhton", "Python Backend Developer"),
    ("kotl", "Kotlin Android Developer"),
    ("andr", "Kotlin Android Developer"),
    ("nurse", "Registered Nurse"),
    ("nurses", "Registered Nurse"),
    ("rn", "Registered Nurse"),
    ("accountant", "Accountant"),
    ("acountant", "Accountant"),
    ("bookkeeping", "Accountant"),
    ("qa", "Quality Assurance Tester"),
    ("hr", "Human Resources Manager"),
    ("golang", "Golang Developer"),
    ("go developer", "Golang Developer"),
    ("dba", "Database Administrator"),
    ("swift iphone", "iOS Developer"),
    ("ios", "iOS Developer"),
    ("customer success", "Customer Success Manager"),
    ("csm", "Customer Success Manager"),
    ("sdr", "Sales Development Representative"),
    ("devops", "DevOps Engineer"),
    ("frontend", "Frontend Developer (React)"),
    ("front end", "Frontend Developer (React)"),
    ("react", "Frontend Developer (React)"),
    ("figma", "UX Designer"),
    ("technical writer", "Technical Writer"),
    ("documentaton", "Technical Writer"),
    ("machine lear", "Machine Learning Engineer"),
];

both_backends!(
    filters_take_several_values_and_show_their_counts,
    results_sort_by_relevance_date_or_pay,
    the_relevance_set_finds_each_intended_job_first,
    the_index_follows_every_change_of_a_job,
    a_broken_index_is_rebuilt_while_search_keeps_working,
    reindex_rebuilds_the_index,
    the_search_box_suggests_titles_companies_and_skills,
    a_job_page_shows_similar_open_jobs,
    jobs_are_found_within_a_distance_of_a_city,
    jobs_for_you_rank_by_preferences_and_say_why,
    the_database_stand_in_sorts_and_counts_remote_countries,
    the_database_stand_in_follows_a_renamed_job
);

async fn the_relevance_set_finds_each_intended_job_first(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    for (title, description) in JOBS {
        app.job(acme, title).description(description).insert().await;
    }
    let mut wrong = Vec::new();
    for (query, first) in FIRST {
        let found = search(app, query).await;
        if found.first().map(String::as_str) != Some(*first) {
            wrong.push(format!("{query:?}: wanted {first:?} first, got {found:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} queries:\n{}", wrong.len(), FIRST.len(), wrong.join("\n"));
    // An exact match ranks above a near one; a word in the title above one
    // in the description only.
    let rust = search(app, "rust").await;
    assert_eq!(rust, ["Senior Rust Engineer", "Office Manager"]);
    // Every word must match; short words get no typo allowance.
    assert!(search(app, "rust kotlin").await.is_empty());
    assert!(search(app, "rast").await.is_empty(), "four letters: no typo allowed");
    assert!(search(app, "xyzzy").await.is_empty());
    // Search-as-you-type: a developer title first for a half-typed word.
    let typed = search(app, "develo").await;
    assert_eq!(typed.last().map(String::as_str), Some("Technical Writer"), "{typed:?}");
    assert!(typed[..typed.len() - 1].iter().all(|t| t.contains("Develop")), "{typed:?}");
    // The snippet marks the words found, typos included.
    let resp = app.client().get("/jobs?q=kubernets").await;
    assert!(resp.select(".job-card-summary mark").iter().any(|m| m == "Kubernetes"), "{}", resp.body);
}

/// (text, kind) of what /jobs/suggest offers for `typed`.
async fn suggestions(app: &TestApp, typed: &str) -> Vec<(String, String)> {
    let resp = app.client().get(&format!("/jobs/suggest?q={}", typed.replace(' ', "+"))).await;
    resp.assert_status(200);
    assert!(resp.header("content-type").starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_str(&resp.body).unwrap();
    json["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["text"].as_str().unwrap().to_string(), s["kind"].as_str().unwrap().to_string()))
        .collect()
}

async fn the_search_box_suggests_titles_companies_and_skills(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    for (title, description) in JOBS {
        app.job(acme, title).description(description).insert().await;
    }
    let eve = app.employer("eve", "Rustacean Labs").await;
    let labs = app.company_of(&eve).await;
    app.job(labs, "Rust Developer").description("Embedded Rust.").insert().await;
    app.job(labs, "Rust Developer").description("Async Rust services.").insert().await;
    app.job(labs, "Rust Compiler Intern").status("draft").insert().await;
    indexed(app).await;

    let offered = suggestions(app, "ru").await;
    let of = |kind: &str| offered.iter().filter(|(_, k)| k == kind).map(|(t, _)| t.as_str()).collect::<Vec<_>>();
    assert_eq!(of("title")[0], "Rust Developer", "the title most jobs share first: {offered:?}");
    assert!(of("title").contains(&"Senior Rust Engineer"), "{offered:?}");
    assert!(!of("title").contains(&"Rust Compiler Intern"), "a draft is never offered: {offered:?}");
    assert_eq!(of("company"), ["Rustacean Labs"], "{offered:?}");
    assert!(of("skill").contains(&"rust"), "{offered:?}");
    // More words narrow it; the last one is the start of a word.
    let titles: Vec<String> = suggestions(app, "machine lea").await.into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, ["Machine Learning Engineer"]);
    assert!(suggestions(app, "").await.is_empty());
    assert!(suggestions(app, "zzqx").await.is_empty());
    // Odd input is only text.
    assert!(suggestions(app, "<script>\"'&%25").await.is_empty());
    let long = "a".repeat(5_000);
    assert!(suggestions(app, &long).await.is_empty());
    // The search box asks for them (the datalist is filled by the page's script).
    let page = app.client().get("/jobs").await;
    assert_eq!(page.select_attr("#q", "data-suggest"), ["/jobs/suggest"]);
    assert_eq!(page.select_attr("#q", "list"), ["q-suggestions"]);
}

async fn a_job_page_shows_similar_open_jobs(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let mut ids = std::collections::HashMap::new();
    for (title, description) in JOBS {
        ids.insert(*title, app.job(acme, title).description(description).insert().await);
    }
    app.job(acme, "Machine Learning Researcher").description("Deep learning models.").status("closed").insert().await;
    indexed(app).await;
    let similar = |title: &'static str| {
        let id = ids[title];
        async move { app.client().get(&format!("/jobs/{id}")).await.select(".similar-list a") }
    };
    let ml = similar("Machine Learning Engineer").await;
    assert_eq!(ml.first().map(String::as_str), Some("Data Scientist"), "{ml:?}");
    assert!(!ml.iter().any(|t| t == "Machine Learning Engineer"), "not the job itself: {ml:?}");
    assert!(!ml.iter().any(|t| t == "Machine Learning Researcher"), "not a closed job: {ml:?}");
    assert!(ml.len() <= 4);
    let dev = similar("Python Backend Developer").await;
    // Its rare words: Python (Data Scientist), PostgreSQL (Senior Rust Engineer), Developer.
    for like in ["Senior Rust Engineer", "Data Scientist"] {
        assert!(dev.iter().any(|t| t == like), "{like} in {dev:?}");
    }
    assert!(!dev.iter().any(|t| t == "Registered Nurse" || t == "Accountant"), "{dev:?}");
    // A closed job's page shows none (it is gone for search too).
    let closed = ids["Accountant"];
    sql(app, format!("UPDATE jobs SET status = 'closed' WHERE id = {closed}")).await;
    assert!(app.client().get(&format!("/jobs/{closed}")).await.select(".similar-list a").is_empty());
    // With deleted documents in the index (before a merge: tantivy's own
    // MoreLikeThisQuery panicked on them), the pages still answer.
    for title in ["Human Resources Manager", "Data Scientist"] {
        sql(app, format!("UPDATE jobs SET title = title || ' ' WHERE id = {}", ids[title])).await;
    }
    indexed(app).await;
    let ml = similar("Machine Learning Engineer").await;
    assert_eq!(ml.first().map(String::as_str), Some("Data Scientist"), "{ml:?}");
}

async fn jobs_are_found_within_a_distance_of_a_city(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    for (title, remote, location) in [
        ("Berlin Welder", "onsite", "Berlin, Germany"),
        ("Potsdam Welder", "onsite", "Potsdam, DE"),
        ("Munich Welder", "hybrid", "Munich, Germany"),
        ("Hamburg Welder", "onsite", "Hamburg, Germany"),
        ("Köln Welder", "onsite", "Köln, Germany"),
        ("Paris Welder", "onsite", "Paris, France"),
        ("Remote Welder in Germany", "remote", "Remote (Germany, Austria)"),
        ("Remote Welder in France", "remote", "Remote (France)"),
        ("Remote Welder Anywhere", "remote", "Remote"),
        ("Nowhere Welder", "onsite", "Gotham"),
    ] {
        app.job(acme, title).remote(remote).location(location).insert().await;
    }
    indexed(app).await;
    let within = |place: &'static str, km: &'static str| async move {
        let resp = app.client().get(&format!("/jobs?q=welder&location={place}&radius={km}")).await;
        resp.assert_status(200);
        let mut found = titles(&resp);
        found.sort();
        (found, resp)
    };
    let remote = ["Remote Welder Anywhere", "Remote Welder in Germany"];
    let (found, resp) = within("Berlin", "50").await;
    assert_eq!(found, [&["Berlin Welder", "Potsdam Welder"][..], &remote].concat(), "Potsdam is 27 km away");
    assert_eq!(resp.select_attr(".chip", "aria-label"), ["Remove filter: Within 50 km of Berlin, DE"], "{}", resp.body);
    assert_eq!(resp.select_attr("#radius option[selected]", "value"), ["50"]);
    assert_eq!(within("Berlin,+DE", "10").await.0, [&["Berlin Welder"][..], &remote].concat());
    assert_eq!(within("koln", "10").await.0, [&["Köln Welder"][..], &remote].concat(), "accents folded");
    assert_eq!(within("Munich", "200").await.0, [&["Munich Welder"][..], &remote].concat(), "Berlin is 500 km");
    let (found, _) = within("Versailles", "25").await;
    assert_eq!(found, ["Paris Welder", "Remote Welder Anywhere", "Remote Welder in France"]);
    // Without a distance the place is matched by its words, as before.
    let resp = app.client().get("/jobs?q=welder&location=Berlin").await;
    assert_eq!(titles(&resp), ["Berlin Welder"]);
    // A place that is no city we know: said, and matched by its words.
    let (found, resp) = within("Gotham", "50").await;
    assert_eq!(found, ["Nowhere Welder"]);
    assert!(resp.text().contains("is not a city we know"), "{}", resp.text());
    // A distance not offered is no distance.
    let resp = app.client().get("/jobs?q=welder&location=Berlin&radius=33").await;
    assert_eq!(titles(&resp), ["Berlin Welder"]);
    // The place field lists the cities with jobs, and suggests others as one types.
    let page = app.client().get("/jobs").await;
    let listed = page.select_attr("#location-suggestions option", "value");
    for city in ["Berlin, DE", "Potsdam, DE", "Munich, DE", "Paris, FR"] {
        assert!(listed.iter().any(|c| c == city), "{city} in {listed:?}");
    }
    let resp = app.client().get("/jobs/places?q=pots").await;
    let json: serde_json::Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(json["suggestions"][0]["text"], "Potsdam, DE");
    let resp = app.client().get("/jobs/places?q=london,+ca").await;
    let json: serde_json::Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(json["suggestions"][0]["text"], "London, CA");
    for odd in ["", "a", "%3Cscript%3E", "%E2%80%AE"] {
        let resp = app.client().get(&format!("/jobs/places?q={odd}")).await;
        resp.assert_status(200);
        assert!(resp.body.contains(r#""suggestions":[]"#), "{odd}: {}", resp.body);
    }
}

async fn jobs_for_you_rank_by_preferences_and_say_why(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let ann = app.seeker("ann").await;
    // Without preferences or skills: asked to say what she looks for.
    let page = ann.get("/jobs?for=me").await;
    page.assert_status(200);
    assert!(page.text().contains("Tell us what you are looking for"), "{}", page.text());
    assert!(ann.get("/").await.text().contains("set your job preferences"));

    let job = |title: &'static str, place: &'static str, remote: &'static str, pay: Option<i64>| {
        app.job(acme, title).location(place).remote(remote).salary(pay, pay, "year")
    };
    job("Backend Developer", "Berlin, Germany", "hybrid", Some(70_000)).description("Rust services.").insert().await;
    job("Backend Developer", "Munich, Germany", "hybrid", Some(90_000)).description("Rust services.").insert().await;
    job("Rust Engineer", "Remote", "remote", None).description("Anywhere.").insert().await;
    job("Data Analyst", "Potsdam, Germany", "onsite", Some(40_000)).description("Reports in SQL.").insert().await;
    job("Office Manager", "Berlin, Germany", "onsite", None).description("Keep things running.").insert().await;
    sql(app, format!("UPDATE users SET skills = 'Rust, SQL' WHERE id = {}", ann.id)).await;
    let prefs = [
        ("titles", "Backend Developer"),
        ("employment_types", "full_time"),
        ("locations", "Berlin"),
        ("remote", "hybrid"),
        ("salary_min", "60000"),
        ("categories", ""),
    ];
    ann.post_form("/profile/preferences", &prefs).await.assert_status(303);
    indexed(app).await;

    let page = ann.get("/jobs?for=me").await;
    page.assert_status(200);
    let found = titles(&page);
    assert_eq!(found.first().map(String::as_str), Some("Backend Developer"), "{found:?}");
    let mut rest = found[1..].to_vec();
    rest.sort();
    assert_eq!(rest, ["Data Analyst", "Rust Engineer"], "not Munich (500 km), not the office job: {found:?}");
    let why = page.select(".job-card-why .why");
    for reason in ["Title like “Backend Developer”", "Skills: Rust", "Near Berlin (0 km)", "Hybrid", "Full-time"] {
        assert!(why.iter().any(|w| w == reason), "{reason} in {why:?}");
    }
    assert!(why.iter().any(|w| w.starts_with("Pays EUR 60,000+")), "{why:?}");
    assert!(why.iter().any(|w| w == "Remote, from anywhere"), "{why:?}");
    assert!(why.iter().any(|w| w.starts_with("Near Berlin (2")), "Potsdam: {why:?}");
    // Her home shows the best fits.
    let home = ann.get("/").await;
    assert_eq!(home.select("#for-you-title"), ["Jobs for you"]);
    assert!(home.text().contains("Title like “Backend Developer”"), "{}", home.text());
    // Only for seekers.
    assert!(app.client().get("/jobs?for=me").await.location().starts_with("/login"));
    bob.get("/jobs?for=me").await.assert_status(404);
    // Ten titles at most, as for the other lists.
    let many = (0..11).map(|i| format!("Title {i}")).collect::<Vec<_>>().join("\n");
    let mut too_many = prefs.to_vec();
    too_many[0].1 = &many;
    ann.post_form("/profile/preferences", &too_many).await.assert_status(422);

    // Turned into an alert: the daily e-mail brings new jobs that fit.
    let offer = ann.get("/profile/preferences").await;
    assert!(offer.text().contains("E-mail me new jobs that fit"), "{}", offer.text());
    ann.post_form("/alerts", &[("query", "for=me&q=ignored")]).await.assert_status(303);
    assert_eq!(ann.get("/alerts").await.select(".alert-search"), ["your job preferences"]);
    assert!(ann.get("/profile/preferences").await.text().contains("You get new ones by e-mail"));
    job("Backend Developer", "Potsdam, Germany", "hybrid", Some(65_000)).insert().await;
    job("Office Manager", "Potsdam, Germany", "onsite", None).insert().await;
    let settings = std::sync::Arc::new(app.settings.clone());
    let tomorrow = jobconnect::db::now() + time::Duration::days(1);
    assert_eq!(jobconnect::mail::digest::send_due(&app.db, &settings, &app.search, tomorrow).await.unwrap(), 1);
    let to = ann.email.clone();
    let body: String = app
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::outbox;
            outbox::table.filter(outbox::recipient.eq(to)).select(outbox::body_text).first::<String>(c)
        })
        .await
        .unwrap();
    assert!(body.contains("Backend Developer") && !body.contains("Office Manager"), "{body}");
}

/// While the index is built the database answers: the same order and the
/// same countries as the index, without typos or synonyms.
async fn the_database_stand_in_sorts_and_counts_remote_countries(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = |title: &str| app.job(acme, title);
    job("Welder Low").salary(Some(30_000), None, "year").insert().await;
    job("Welder High").salary(Some(90_000), None, "year").insert().await;
    job("Welder Remote Austria").remote("remote").location("Remote (Austria)").insert().await;
    job("Welder Unpaid").location("Paris, France").insert().await;
    let ask = |query: &'static str| async move {
        let params = jobconnect::domain::JobListParams::parse(query);
        let q = params.to_search(20);
        let found = app.db.run(move |c| jobconnect::db::jobs::search(c, &q, jobconnect::db::now())).await.unwrap();
        found.jobs.into_iter().map(|c| c.job.title).collect::<Vec<_>>()
    };
    for query in ["q=welder&sort=pay", "sort=pay"] {
        let found = ask(query).await;
        assert_eq!(found[..2], ["Welder High", "Welder Low"], "{query}: {found:?}");
    }
    assert_eq!(ask("q=welder&sort=newest").await[0], "Welder Unpaid");
    let mut austria = ask("q=welder&country=AT").await;
    austria.sort();
    assert_eq!(austria, ["Welder Remote Austria"]);
    let mut either = ask("country=AT&country=FR").await;
    either.sort();
    assert_eq!(either, ["Welder Remote Austria", "Welder Unpaid"]);
}

/// The database stand-in (what answers while the index is built) follows a
/// change at once too: its text index is written by the same statement.
async fn the_database_stand_in_follows_a_renamed_job(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.job(acme, "Kubernetes Operator").description("A role.").insert().await;
    let ask = |query: &'static str| async move {
        let q = jobconnect::domain::JobListParams::parse(query).to_search(20);
        let found = app.db.run(move |c| jobconnect::db::jobs::search(c, &q, jobconnect::db::now())).await.unwrap();
        found.jobs.into_iter().map(|c| c.job.title).collect::<Vec<_>>()
    };
    assert_eq!(ask("q=kubernetes").await, ["Kubernetes Operator"]);
    sql(app, format!("UPDATE jobs SET title = 'Terraform Specialist' WHERE id = {job}")).await;
    assert!(ask("q=kubernetes").await.is_empty(), "the old title is gone at once");
    assert_eq!(ask("q=terraform").await, ["Terraform Specialist"]);
}

async fn the_index_follows_every_change_of_a_job(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.job(acme, "Kubernetes Operator").description("A role.").insert().await;
    // A typo only the index forgives: each answer below is the index's.
    assert_eq!(search(app, "kubernets").await, ["Kubernetes Operator"]);
    sql(app, format!("UPDATE jobs SET title = 'Terraform Specialist' WHERE id = {job}")).await;
    assert!(search(app, "kubernets").await.is_empty(), "the old title is gone at once");
    assert_eq!(search(app, "terrafrom").await, ["Terraform Specialist"]);
    for (change, back) in [
        ("status = 'closed'", "status = 'open'"),
        ("status = 'draft'", "status = 'open'"),
        ("status = 'closed', closed_by_admin = TRUE", "status = 'open', closed_by_admin = FALSE"),
    ] {
        sql(app, format!("UPDATE jobs SET {change} WHERE id = {job}")).await;
        assert!(search(app, "terrafrom").await.is_empty(), "{change}: not found");
        sql(app, format!("UPDATE jobs SET {back} WHERE id = {job}")).await;
        assert_eq!(search(app, "terrafrom").await, ["Terraform Specialist"], "{back}: found again");
    }
    // Past its closing date: not found, though nothing changed it yet.
    sql(app, format!("UPDATE jobs SET closes_at = '2001-01-01 00:00:00' WHERE id = {job}")).await;
    assert!(search(app, "terrafrom").await.is_empty());
    sql(app, format!("UPDATE jobs SET closes_at = NULL WHERE id = {job}")).await;
    // A renamed company is found by its new name.
    let card = |resp: Resp| (resp.select(".job-card-company a"), resp.select_attr(".job-card-company a", "href"));
    let (name, _) = card(app.client().get("/jobs?q=terrafrom").await);
    assert_eq!(name, ["Acme"]);
    sql(app, format!("UPDATE companies SET name = 'Zyxwvut Labs' WHERE id = {acme}")).await;
    assert_eq!(search(app, "zyxwvut").await, ["Terraform Specialist"]);
    // The card shown (kept in memory once shown) follows its company too.
    let (name, _) = card(app.client().get("/jobs?q=terrafrom").await);
    assert_eq!(name, ["Zyxwvut Labs"]);
    sql(app, format!("UPDATE companies SET slug = 'zyx-labs' WHERE id = {acme}")).await;
    let (_, link) = card(app.client().get("/jobs?q=terrafrom").await);
    assert!(link[0].contains("zyx-labs"), "{link:?}");
    // Old changes pruned: an index that has applied them goes on as before.
    let pruned = app.db.run(|c| jobconnect::db::jobs::prune_changes(c, 0)).await.unwrap();
    assert!(pruned > 0);
    assert_eq!(app.scalar("SELECT count(*) AS n FROM job_changes".into()).await, 1, "the last version's only");
    sql(app, format!("UPDATE jobs SET title = 'Helm Specialist' WHERE id = {job}")).await;
    assert_eq!(search(app, "zyxwvut").await, ["Helm Specialist"]);
    sql(app, format!("DELETE FROM jobs WHERE id = {job}")).await;
    assert!(search(app, "helm").await.is_empty(), "deleted");
    assert!(search(app, "zyxwvut").await.is_empty(), "deleted");
}

/// Waits until no process holds the index folder (a stopped server lets go
/// of it after its last request, and of the SQLite site before that).
async fn released(dir: std::path::PathBuf) {
    wait_for("the stopped server to release its index", || {
        let dir = dir.clone();
        async move { jobconnect::search::SearchIndex::open(&dir, None).ok().map(|i| i.shutdown()) }
    })
    .await
}

/// An instance whose data folder (and so search index) is `data`, on the
/// app's database (SQLite: on a site of its own in `data`, since one SQLite
/// site has one server).
async fn instance(app: &TestApp, data: &std::path::Path) -> TestApp {
    let url = match app.backend {
        crate::helpers::Backend::Sqlite => format!("sqlite://{}", data.join("site.db").display()),
        crate::helpers::Backend::Postgres => app.settings.database_url.clone(),
    };
    let mut settings = crate::helpers::test_settings(data, url);
    settings.background_workers = false;
    TestApp::start(app.backend, settings, None, tempfile::tempdir().unwrap()).await
}

async fn a_broken_index_is_rebuilt_while_search_keeps_working(app: &TestApp) {
    let keep = tempfile::tempdir().unwrap();
    let first = instance(app, keep.path()).await;
    first.index_built().await;
    let dir = first.settings.search_index_dir.clone();
    let bob = first.employer("bob", "Acme").await;
    let acme = first.company_of(&bob).await;
    first.job(acme, "Kubernetes Operator").insert().await;
    assert_eq!(search(&first, "kubernets").await, ["Kubernetes Operator"]);
    first.stop().await;
    released(dir.clone()).await;
    // While it is down, a change: the restarted instance catches up.
    let restarted = instance(app, keep.path()).await;
    restarted.job(acme, "Terraform Specialist").insert().await;
    assert_eq!(search(&restarted, "terrafrom").await, ["Terraform Specialist"]);
    restarted.stop().await;
    released(dir.clone()).await;
    // Every file of the index broken.
    for file in std::fs::read_dir(&dir).unwrap() {
        std::fs::write(file.unwrap().path(), b"not an index").unwrap();
    }
    let repaired = instance(app, keep.path()).await;
    // Words are found at once (by the database while the index is rebuilt) …
    assert_eq!(search(&repaired, "terraform").await, ["Terraform Specialist"]);
    // … and typos again once it is.
    wait_for("the rebuilt index", || {
        let repaired = &repaired;
        async move { (search(repaired, "terrafrom").await == ["Terraform Specialist"]).then_some(()) }
    })
    .await;
    assert_eq!(search(&repaired, "kubernets").await, ["Kubernetes Operator"]);
    repaired.stop().await;
}

async fn reindex_rebuilds_the_index(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    app.job(acme, "Kubernetes Operator").insert().await;
    let epoch = || app.scalar("SELECT index_epoch AS n FROM jobs_version".into());
    let before = epoch().await;
    // While the server holds its index: the epoch moves and the server rebuilds.
    let settings = app.settings.clone();
    tokio::task::spawn_blocking(move || jobconnect::commands::reindex(&settings)).await.unwrap().unwrap();
    assert_eq!(epoch().await, before + 1);
    wait_for("the rebuilt index", || async {
        (search(app, "kubernets").await == ["Kubernetes Operator"]).then_some(())
    })
    .await;
    // A folder no server holds is built by the command itself.
    let keep = tempfile::tempdir().unwrap();
    let mut settings = app.settings.clone();
    settings.search_index_dir = keep.path().join("index");
    tokio::task::spawn_blocking(move || jobconnect::commands::reindex(&settings)).await.unwrap().unwrap();
    let index = jobconnect::search::SearchIndex::open(&keep.path().join("index"), None).unwrap();
    assert_eq!(index.size().0, 1, "one open job indexed");
    index.shutdown();
}

/// PostgreSQL runs several instances: a change made through one is found
/// by the index of another (woken by the jobs notice). Another instance
/// hears of a change a moment after its commit (its cached pages stay valid
/// until the notice arrives), so each answer is waited for, with a deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_applies_the_changes_of_the_first() {
    let Some(app) = TestApp::spawn_postgres().await else { return };
    let other = app.second_instance().await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let finds = |q: &'static str, want: &'static [&'static str]| {
        let other = &other;
        wait_for("the other instance's answer", move || async move { (search(other, q).await == want).then_some(()) })
    };
    let job = app.job(acme, "Kubernetes Operator").description("A role.").insert().await;
    finds("kubernets", &["Kubernetes Operator"]).await;
    sql(&app, format!("UPDATE jobs SET title = 'Terraform Specialist' WHERE id = {job}")).await;
    finds("terrafrom", &["Terraform Specialist"]).await;
    finds("kubernets", &[]).await;
    sql(&app, format!("UPDATE jobs SET status = 'closed' WHERE id = {job}")).await;
    finds("terrafrom", &[]).await;
    other.stop().await;
    app.stop().await;
}

/// The count a filter value shows in the side bar ("Remote 3 jobs" → 3).
fn count_of(resp: &Resp, label: &str) -> Option<u64> {
    resp.select(".facet-option").iter().find_map(|text| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let rest = text.strip_prefix(label)?.trim();
        rest.trim_end_matches('s').strip_suffix("job")?.trim().parse().ok()
    })
}

async fn filters_take_several_values_and_show_their_counts(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let jobs = [
        ("Rust Developer", "remote", "full_time", "Engineering", "Remote (Germany)", 90_000),
        ("Go Developer", "hybrid", "full_time", "Engineering", "Paris, France", 60_000),
        ("Data Developer", "onsite", "contract", "Data", "Munich, Germany", 40_000),
        ("Design Developer", "remote", "part_time", "Design", "Remote (France)", 20_000),
    ];
    for (title, remote, kind, category, place, pay) in jobs {
        app.job(acme, title)
            .remote(remote)
            .employment_type(kind)
            .category(category)
            .location(place)
            .salary(Some(pay), None, "year")
            .insert()
            .await;
    }
    let old = app.job(acme, "Old Developer").remote("onsite").insert().await;
    sql(app, format!("UPDATE jobs SET published_at = '2020-01-01 00:00:00' WHERE id = {old}")).await;

    let resp = app.client().get("/jobs?q=developer").await;
    assert_eq!(count_of(&resp, "Remote"), Some(2));
    assert_eq!(count_of(&resp, "On-site"), Some(2));
    assert_eq!(count_of(&resp, "Contract"), Some(1));
    assert_eq!(count_of(&resp, "Germany"), Some(3), "remote from Germany, Munich, and the old job in Berlin");
    assert_eq!(count_of(&resp, "Last 30 days"), Some(4), "the old job is older");
    assert_eq!(count_of(&resp, "EUR 50,000+"), Some(2));
    // Several values of a filter: any of them.
    let resp = app.client().get("/jobs?q=developer&remote=remote&remote=hybrid").await;
    let mut found = titles(&resp);
    found.sort();
    assert_eq!(found, ["Design Developer", "Go Developer", "Rust Developer"]);
    // A filter's own counts ignore its choice; the others' follow it.
    assert_eq!(count_of(&resp, "On-site"), Some(2), "choosing adds to the choice: {:?}", resp.select(".facet-option"));
    assert_eq!(count_of(&resp, "Full-time"), Some(2), "{:?}", resp.select(".facet-option"));
    assert_eq!(count_of(&resp, "France"), Some(2), "{:?}", resp.select(".facet-option"));
    let boxes = resp.select_attr(".facet-option input[name=remote][checked]", "value");
    assert_eq!(boxes, ["hybrid", "remote"], "the choice shows checked");
    // Filters combine, and each chip removes one value.
    let resp = app.client().get("/jobs?q=developer&remote=remote&remote=hybrid&country=FR").await;
    let mut found = titles(&resp);
    found.sort();
    assert_eq!(found, ["Design Developer", "Go Developer"]);
    assert!(resp.select_attr(".chip", "href").contains(&"/jobs?q=developer&remote=hybrid&country=FR".to_string()));
    assert_eq!(titles(&app.client().get("/jobs?posted=7&salary_min=50000&type=full_time").await).len(), 2);
    assert_eq!(titles(&app.client().get("/jobs?q=developer&posted=30").await).len(), 4);
    // Unknown values filter nothing and fail nothing.
    app.client().get("/jobs?country=XX&posted=9&sort=sideways&type=%FF").await.assert_status(200);
}

async fn results_sort_by_relevance_date_or_pay(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let low = app.job(acme, "Rust Engineer").salary(Some(40_000), None, "year").insert().await;
    let mid = app.job(acme, "Engineer").description("We write Rust.").salary(Some(70_000), None, "year").insert().await;
    let high =
        app.job(acme, "Staff Engineer").description("Some Rust.").salary(Some(9_000), None, "month").insert().await;
    for (id, day) in [(low, 3), (mid, 1), (high, 2)] {
        sql(app, format!("UPDATE jobs SET published_at = '2026-11-0{day} 00:00:00' WHERE id = {id}")).await;
    }
    assert_eq!(search(app, "rust").await[0], "Rust Engineer", "best match first");
    let order =
        |sort: &'static str| async move { titles(&app.client().get(&format!("/jobs?q=rust&sort={sort}")).await) };
    assert_eq!(order("newest").await, ["Rust Engineer", "Staff Engineer", "Engineer"]);
    assert_eq!(order("pay").await, ["Staff Engineer", "Engineer", "Rust Engineer"], "9,000 a month is the most");
    let resp = app.client().get("/jobs?q=rust&sort=pay").await;
    assert_eq!(resp.select_attr("#sort option[selected]", "value"), ["pay"]);
    assert!(resp.text().contains("highest pay first"));
}
