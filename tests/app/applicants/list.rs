//! The list: filters, search, sort, pages, large lists and the CSV export.

use jobconnect::domain::{ApplicantStatus, EmploymentType, Stage};

use super::{csv_names, csv_rows, hrefs, names, sorted, two_companies};
use crate::helpers::TestApp;

pub(super) async fn list_filters_sorts_and_pages(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let id = app.insert_applicant(acme, (i % 2 == 0).then_some(job), &format!("Person {i:02}"), None).await;
        app.set_applicant_state(
            id,
            Stage::ALL[i % 6],
            ApplicantStatus::ALL[i % 3],
            EmploymentType::ALL[i % 5],
            (i % 4 == 0).then_some(bob.id),
        )
        .await;
        ids.push(id);
    }
    let expect = |keep: &dyn Fn(usize) -> bool| -> Vec<String> {
        sorted((0..30).filter(|i| keep(*i)).map(|i| format!("Person {i:02}")).collect())
    };

    let all = bob.get("/applicants").await;
    all.assert_status(200);
    assert!(all.text().contains("30 applicants"));
    let first = names(&all);
    assert_eq!(first.len(), 25, "25 a page");
    assert_eq!(first[0], "Person 29", "newest first");
    let second = bob.get("/applicants?page=2").await;
    assert_eq!(names(&second), ["Person 04", "Person 03", "Person 02", "Person 01", "Person 00"]);
    assert!(names(&bob.get("/applicants?page=3").await).is_empty());

    assert_eq!(sorted(names(&bob.get("/applicants?stage=interview").await)), expect(&|i| i % 6 == 2));
    assert_eq!(sorted(names(&bob.get("/applicants?status=closed").await)), expect(&|i| i % 3 == 2));
    assert_eq!(sorted(names(&bob.get("/applicants?type=internship").await)), expect(&|i| i % 5 == 3));
    assert_eq!(sorted(names(&bob.get(&format!("/applicants?job={job}")).await)), expect(&|i| i % 2 == 0));
    assert_eq!(sorted(names(&bob.get("/applicants?assignee=me").await)), expect(&|i| i % 4 == 0));
    assert_eq!(sorted(names(&bob.get(&format!("/applicants?assignee={}", bob.id)).await)), expect(&|i| i % 4 == 0));
    assert_eq!(sorted(names(&bob.get("/applicants?assignee=none").await)), expect(&|i| i % 4 != 0));
    let combined = bob.get(&format!("/applicants?job={job}&status=open&stage=applied")).await;
    assert_eq!(sorted(names(&combined)), expect(&|i| i % 2 == 0 && i % 3 == 0 && i % 6 == 0));
    assert!(combined.body.contains("value=\"applied\" selected"), "the form shows the filters in use");

    let by_name = bob.get("/applicants?sort=name").await;
    assert_eq!(names(&by_name)[..3], ["Person 00", "Person 01", "Person 02"]);
    let oldest = bob.get("/applicants?sort=oldest&page=2").await;
    assert_eq!(names(&oldest), ["Person 25", "Person 26", "Person 27", "Person 28", "Person 29"]);
    // Pipeline order: every applied before every screening, and so on.
    let by_stage = bob.get("/applicants?sort=stage&status=open").await;
    let stages: Vec<String> = by_stage.select("table.crm-table td span.stage");
    let ranks: Vec<usize> = stages.iter().map(|s| Stage::ALL.iter().position(|x| x.label() == s).unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{stages:?}");
    // Page links keep the filters.
    let paged = bob.get("/applicants?sort=name&type=").await;
    assert!(hrefs(&paged).contains(&"/applicants?sort=name&page=2".to_string()), "pagination keeps the query");
    // No match: a helpful empty state.
    let none = bob.get("/applicants?stage=applied&status=pending").await;
    none.assert_status(200);
    assert!(none.text().contains("No applicants match"));
}

pub(super) async fn search_finds_by_name_email_and_resume_words(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let sam = app.seeker("sam").await;
    let annabel = app.insert_applicant(acme, None, "Annabel Lee", None).await;
    app.insert_applicant(acme, None, "Bob Stone", None).await;
    let carla = app.insert_applicant(acme, None, "Carla Diaz", None).await;
    let dan = app.insert_applicant(acme, None, "Dan Brown", Some(sam.id)).await;
    let carla_cv = app.insert_resume(None, "Kubernetes operator; Terraform and Go. Led a team of 5.").await;
    app.link_resume(carla, carla_cv).await;
    let dan_cv = app.insert_resume(Some(sam.id), "JavaScript developer, React").await;
    app.link_resume(dan, dan_cv).await;
    let globex_cv = app.insert_resume(None, "kubernetes at scale").await;
    app.link_resume(two.theirs, globex_cv).await;

    let find = |q: &str| {
        let path = format!("/applicants?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
        async move { sorted(names(&bob.get(&path).await)) }
    };
    assert_eq!(find("kubernetes").await, ["Carla Diaz"]);
    assert_eq!(find("KUBERNETES terraform").await, ["Carla Diaz"]);
    assert_eq!(find("kubernetes haskell").await, Vec::<String>::new(), "every word must match");
    assert_eq!(find("ann").await, ["Ann Lee"], "whole words");
    assert_eq!(find("Annabel").await, ["Annabel Lee"]);
    assert_eq!(find("annabel.lee@example.com").await, ["Annabel Lee"]);
    assert_eq!(find("stone").await, ["Bob Stone"]);
    assert_eq!(find("javascript").await, ["Dan Brown"]);
    assert_eq!(find("java").await, Vec::<String>::new(), "resume words match whole");
    assert_eq!(find("example").await.len(), 5, "e-mail parts are words too");
    assert_eq!(find("\"*) OR (NEAR").await, Vec::<String>::new(), "search syntax is just text");
    // The filters the index carries as tags are not words anyone can search for.
    for tag in [format!("company{acme}"), "stageapplied".into(), "statusopen".into(), "assigneenone".into()] {
        assert!(find(&tag).await.is_empty(), "{tag}");
    }
    assert_eq!(find("   ").await.len(), 5, "an empty search lists everyone");
    // Search combines with filters.
    app.set_applicant_state(carla, Stage::Interview, ApplicantStatus::Open, EmploymentType::FullTime, None).await;
    assert_eq!(sorted(names(&bob.get("/applicants?q=kubernetes&stage=interview").await)), ["Carla Diaz"]);
    assert!(names(&bob.get("/applicants?q=kubernetes&stage=offer").await).is_empty());
    assert_eq!(
        sorted(names(&bob.get("/applicants?q=kubernetes&status=open&type=full_time&assignee=none").await)),
        ["Carla Diaz"]
    );
    assert!(names(&bob.get("/applicants?q=kubernetes&assignee=me").await).is_empty());
    assert!(names(&bob.get(&format!("/applicants?q=kubernetes&job={}", two.acme_job)).await).is_empty());
    assert!(names(&bob.get("/applicants?q=kubernetes&type=contract").await).is_empty());

    // The index follows changes: new resume text, a new name.
    app.set_resume_text(carla_cv, "Haskell and Rust").await;
    assert_eq!(find("haskell").await, ["Carla Diaz"]);
    assert!(find("kubernetes").await.is_empty());
    let resp = bob
        .post_form(
            &format!("/applicants/{annabel}/edit"),
            &[
                ("name", "Annabel Quist"),
                ("email", "aq@example.com"),
                ("status", "open"),
                ("employment_type", "full_time"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(find("quist").await, ["Annabel Quist"]);
    assert!(find("annabel.lee").await.is_empty());
    // A deleted applicant is no longer found.
    let root = app.admin("root").await;
    root.post_form(&format!("/applicants/{dan}/delete"), &[]).await.assert_status(303);
    assert!(find("javascript").await.is_empty());
}

pub(super) async fn csv_matches_the_filters_and_defuses_formulas(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let mut expected = Vec::new();
    for (i, name) in
        ["=HYPERLINK(\"http://evil\")", "+49 Plus", "-Minus", "@At", "Plain Jane", "Other Stage"].iter().enumerate()
    {
        let id = app.insert_applicant(acme, Some(two.acme_job), name, None).await;
        let stage = if i == 5 { Stage::Offer } else { Stage::Screening };
        app.set_applicant_state(id, stage, ApplicantStatus::Open, EmploymentType::Contract, None).await;
        if i != 5 {
            expected.push(*name);
        }
    }
    let list = bob.get("/applicants?stage=screening&type=contract&sort=name").await;
    let shown = names(&list);
    assert_eq!(shown.len(), 5);
    assert!(
        hrefs(&list).contains(&"/applicants/export.csv?stage=screening&type=contract&sort=name".to_string()),
        "the page links the export of exactly this list"
    );

    let resp = bob.get("/applicants/export.csv?stage=screening&type=contract&sort=name").await;
    resp.assert_status(200);
    assert!(resp.header("content-type").starts_with("text/csv"));
    let disposition = resp.header("content-disposition");
    assert!(disposition.starts_with("attachment;") && disposition.contains(".csv"), "{disposition}");
    let rows = csv_rows(&resp.body);
    assert_eq!(rows[0][..3], ["ID", "Name", "E-mail"]);
    let exported = csv_names(&resp.body);
    // The same applicants, in the same order as the page, formulas defused.
    let defused: Vec<String> =
        shown.iter().map(|n| if n.starts_with(['=', '+', '-', '@']) { format!("'{n}") } else { n.clone() }).collect();
    assert_eq!(exported, defused);
    assert!(exported.contains(&"'=HYPERLINK(\"http://evil\")".to_string()));
    assert!(exported.contains(&"Plain Jane".to_string()));
    for row in &rows[1..] {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "no live formula: {cell:?}");
        }
        assert_eq!(row[10], "Screening");
        assert_eq!(row[12], "Contract");
        assert_eq!(row[8], "Rust Engineer");
        assert_eq!(row[9], "Acme");
    }
    // Unfiltered: every Acme applicant and nobody else.
    let everything = csv_names(&bob.get("/applicants/export.csv").await.body);
    assert_eq!(everything.len(), 7);
    assert!(!everything.iter().any(|n| n.contains("Zoe")));
    // An empty result is still a valid file with its header.
    let empty = bob.get("/applicants/export.csv?q=nobodyatall").await;
    assert_eq!(csv_rows(&empty.body).len(), 1);
}

pub(super) async fn admins_see_every_company_and_filter_by_company(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let all = root.get("/applicants").await;
    all.assert_status(200);
    assert_eq!(sorted(names(&all)), ["Ann Lee", "Zoe Hidden"]);
    assert!(all.text().contains("Globex"), "the company is shown");
    assert_eq!(names(&root.get(&format!("/applicants?company={}", two.globex)).await), ["Zoe Hidden"]);
    let by_job = root.get(&format!("/applicants?job={}", two.acme_job)).await;
    assert_eq!(names(&by_job), ["Ann Lee"]);
    assert_eq!(company_shown(&by_job), "Acme", "a job implies its company");
    root.get(&format!("/applicants/{}", two.theirs)).await.assert_status(200);
    root.get(&format!("/applicants/board?job={}", two.globex_job)).await.assert_status(200);
    assert_eq!(sorted(csv_names(&root.get("/applicants/export.csv").await.body)), ["Ann Lee", "Zoe Hidden"]);
    root.post_form(&format!("/applicants/{}/stage", two.theirs), &[("stage", "offer")]).await.assert_status(303);
    assert_eq!(app.applicant(two.theirs).await.unwrap().stage, Stage::Offer);
}

/// The admin's company filter as shown.
fn company_shown(resp: &crate::helpers::Resp) -> String {
    let doc = scraper::Html::parse_document(&resp.body);
    let input = scraper::Selector::parse("input#f-company").unwrap();
    doc.select(&input).next().and_then(|i| i.value().attr("value")).unwrap_or_default().to_string()
}

/// Among a thousand companies an admin types a name, or its start, instead of
/// scrolling a list.
pub(super) async fn admins_find_a_company_by_its_name(app: &TestApp) {
    let two = two_companies(app).await;
    let labs = app.employer("lea", "Acme Labs").await;
    let labs_company = app.company_of(&labs).await;
    app.insert_applicant(labs_company, None, "Lou Labs", None).await;
    let root = app.admin("root").await;
    for (typed, expected, shown) in [
        ("globex", vec!["Zoe Hidden"], "Globex"),
        ("GLO", vec!["Zoe Hidden"], "Globex"),
        // The whole name wins over a longer one that starts with it.
        ("acme", vec!["Ann Lee"], "Acme"),
        ("acme l", vec!["Lou Labs"], "Acme Labs"),
    ] {
        let resp = root.get(&format!("/applicants?company={}", typed.replace(' ', "+"))).await;
        resp.assert_status(200);
        assert_eq!(names(&resp), expected, "{typed}");
        assert_eq!(company_shown(&resp), shown, "{typed}");
        assert!(hrefs(&resp).iter().any(|h| h.starts_with("/applicants/export.csv?company=")), "links carry the id");
    }
    let several = root.get("/applicants?company=ac").await;
    several.assert_status(422);
    assert!(several.text().contains("Several companies match “ac”: Acme, Acme Labs. Type more of the name."));
    assert!(names(&several).is_empty());
    assert_eq!(company_shown(&several), "ac", "what was typed stays");
    let none = root.get("/applicants?company=50%25").await;
    none.assert_status(422);
    assert!(none.text().contains("No company's name starts with “50%”."), "{}", none.text());
    // Employers are held to their own company, whatever they type.
    assert_eq!(names(&two.bob.get("/applicants?company=globex").await), ["Ann Lee"]);
}

pub(super) async fn withdrawn_applications_are_marked(app: &TestApp) {
    let two = two_companies(app).await;
    app.withdraw_applicant(two.ours).await;
    let list = two.bob.get("/applicants").await;
    assert!(list.select("tr.is-withdrawn").iter().any(|r| r.contains("Ann Lee") && r.contains("Withdrawn")));
    let page = two.bob.get(&format!("/applicants/{}", two.ours)).await;
    assert!(page.select(".crm-withdrawn").iter().any(|t| t.contains("Application withdrawn")));
    let csv = csv_rows(&two.bob.get("/applicants/export.csv").await.body);
    assert!(!csv[1][17].is_empty(), "the export says when");
}

pub(super) async fn large_lists_count_to_a_thousand_and_page_in_order(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let ids = app.insert_many_applicants(two.acme, 1100, "Bulk Person").await;
    app.insert_many_applicants(two.globex, 30, "Bulk Person Globex").await;
    let newest_first: Vec<String> = (0..1100).rev().map(|i| format!("Bulk Person {i:04}")).collect();
    for path in ["/applicants?sort=newest", "/applicants?q=bulk", "/applicants?q=bulk+person&status=open"] {
        let first = bob.get(path).await;
        first.assert_status(200);
        assert!(first.text().contains("1,000+ applicants"), "{path}: the count stops at the cap");
        let sep = if path.contains('?') { '&' } else { '?' };
        let second = bob.get(&format!("{path}{sep}page=2")).await;
        let got: Vec<String> = names(&first).into_iter().chain(names(&second)).collect();
        assert_eq!(got, newest_first[..50], "{path}: newest first across pages");
        assert!(hrefs(&second).iter().any(|h| h.ends_with("page=3")), "{path}: a next page is offered");
        let deep = bob.get(&format!("{path}{sep}page=44")).await;
        assert_eq!(names(&deep), newest_first[1075..1100], "{path}: the last page past the count");
        if path.contains("q=") {
            assert!(!hrefs(&deep).iter().any(|h| h.ends_with("page=45")), "{path}: and nothing after it");
        } else {
            assert_eq!(names(&bob.get(&format!("{path}{sep}page=45")).await), ["Ann Lee"], "the oldest comes last");
        }
    }
    // Oldest first, and pipeline order, with a search matching more than the cap.
    let oldest = bob.get("/applicants?q=bulk&sort=oldest").await;
    assert_eq!(names(&oldest)[..3], ["Bulk Person 0000", "Bulk Person 0001", "Bulk Person 0002"]);
    let by_stage = bob.get("/applicants?q=bulk&sort=stage&page=8").await;
    let stages: Vec<String> = by_stage.select("table.crm-table td span.stage");
    assert_eq!(stages.len(), 25);
    // 1100 applicants cycle through six stages: 184 applied, so page 8 (rows 176-200) crosses into screening.
    assert_eq!(stages.iter().filter(|s| *s == "Applied").count(), 9, "{stages:?}");
    assert_eq!(stages.iter().filter(|s| *s == "Screening").count(), 16, "{stages:?}");
    assert_eq!(
        names(&by_stage)[0],
        "Bulk Person 0048",
        "applied, newest first: 1098, 1092, … (row 176 is 1098 - 6 * 175)"
    );
    let by_name = bob.get("/applicants?q=bulk&sort=name&page=2").await;
    assert_eq!(names(&by_name)[0], "Bulk Person 0025");
    // A rarer word among them: exact count, in the chosen order.
    let few = bob.get("/applicants?q=person&stage=hired&sort=name").await;
    assert!(few.text().contains("183 applicants"), "{}", few.text());
    assert_eq!(names(&few)[..2], ["Bulk Person 0004", "Bulk Person 0010"]);
    // Globex's 30 stay out of all of it, and the CSV still holds every row.
    assert!(!bob.get("/applicants?q=globex").await.body.contains("Bulk Person Globex"));
    let csv = csv_names(&bob.get("/applicants/export.csv?q=bulk").await.body);
    assert_eq!(csv.len(), 1100);
    assert_eq!(ids.len(), 1100);
}

/// Open applicants nobody has touched for a week are pointed out on the
/// list's landing view and found with the "Waiting" filter (also within a
/// search); any action (here a note) takes an applicant off it.
pub(super) async fn waiting_applicants_are_pointed_out(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let forgotten = app.insert_applicant(acme, None, "Forgotten Fay", None).await;
    let closed = app.insert_applicant(acme, None, "Closed Cleo", None).await;
    app.insert_applicant(acme, None, "Fresh Finn", None).await;
    app.set_applicant_state(closed, Stage::Rejected, ApplicantStatus::Closed, EmploymentType::FullTime, None).await;
    for id in [forgotten, closed] {
        app.db
            .run(move |c| {
                use diesel::prelude::*;
                use jobconnect::db::schema::applicants;
                let long_ago = jobconnect::db::now() - time::Duration::days(10);
                diesel::update(applicants::table.find(id)).set(applicants::updated_at.eq(long_ago)).execute(c)
            })
            .await
            .unwrap();
    }
    let landing = bob.get("/applicants").await;
    let reminder = landing.select(".idle-reminder");
    assert_eq!(reminder.len(), 1, "{}", landing.text());
    assert!(reminder[0].contains("1 applicant has waited 7 days or more"), "{reminder:?}");
    assert!(hrefs(&landing).contains(&"/applicants?idle=7".to_string()));
    assert_eq!(names(&bob.get("/applicants?idle=7").await), ["Forgotten Fay"]);
    assert_eq!(names(&bob.get("/applicants?idle=7&q=fay").await), ["Forgotten Fay"], "with a search too");
    assert!(names(&bob.get("/applicants?idle=7&q=finn").await).is_empty());
    assert!(names(&bob.get("/applicants?idle=30").await).is_empty());
    bob.get("/applicants?idle=5").await.assert_status(422);
    // A filtered view has no reminder.
    assert!(bob.get("/applicants?stage=applied").await.select(".idle-reminder").is_empty());

    bob.post_form(&format!("/applicants/{forgotten}/notes"), &[("body", "Called her today.")]).await.assert_status(303);
    assert!(bob.get("/applicants").await.select(".idle-reminder").is_empty(), "a note is an action");
    assert!(names(&bob.get("/applicants?idle=7").await).is_empty());
}
