//! A tour of every HTML page of the route table, each as the role that
//! uses it, over data that stresses layouts (a long link in a job ad, a long
//! name, a thread, an e-mail template): the phone-width test
//! (tests/browser/phones.rs) and the HTML validator test (`html.rs`) walk it.

use crate::helpers::{TestApp, TestUser};

/// GET routes that answer with something else than a page.
pub const NOT_PAGES: &[&str] = &[
    "/account/data.zip",
    "/admin/audit.csv",
    "/applicants/export.csv",
    "/companies/{key}/logo",
    "/feeds/indeed.xml",
    "/healthz",
    "/jobs.xml",
    "/jobs/places",
    "/jobs/suggest",
    "/reports.csv",
    "/resumes/{id}",
    "/sitemap.xml",
    "/sitemaps/{file}",
    "/static/{path:.*}",
    "/users/{id}/avatar",
    "/ws",
];

pub const LONG_LINK: &str = "https://careers.acme.example/apply/engineering/embedded/2026/very-long-reference-\
                         ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz?utm_source=jobconnect";

pub struct Tour {
    pub seeker: TestUser,
    pub employer: TestUser,
    pub admin: TestUser,
    /// (who, their user, [(route pattern, path)]): a visitor has no user.
    pub stops: Vec<(&'static str, Option<usize>, Vec<(&'static str, String)>)>,
}

impl Tour {
    pub fn user(&self, index: usize) -> &TestUser {
        [&self.seeker, &self.employer, &self.admin][index]
    }

    /// Page routes of the route table that the tour does not visit.
    pub fn missing(&self) -> Vec<&'static str> {
        let toured: Vec<&str> = self.stops.iter().flat_map(|(_, _, pages)| pages.iter().map(|(p, _)| *p)).collect();
        jobconnect::routes::table()
            .into_iter()
            .filter(|(method, _)| method == actix_web::http::Method::GET)
            .map(|(_, pattern)| pattern)
            .filter(|p| !toured.contains(p) && !NOT_PAGES.contains(p))
            .collect()
    }
}

/// The tour's data and its stops.
pub async fn set_up(app: &TestApp) -> Tour {
    let bob = app.employer("bob", "Acme Robotics").await;
    let acme = app.company_of(&bob).await;
    let description = format!("Build our robots.\n\nApply through {LONG_LINK} or read\nTOKEN{}", "x".repeat(120));
    let job = app.job(acme, "Embedded Rust Engineer with a rather long title").description(&description).insert().await;
    let other = app.job(acme, "Office Manager").insert().await;
    let ann = app.seeker("ann").await;
    let applicant = app.insert_applicant(acme, Some(job), "Ann Applicant-Withaverylongfamilyname", Some(ann.id)).await;
    bob.post_form(&format!("/applicants/{applicant}/messages"), &[("body", LONG_LINK)]).await.assert_status(303);
    let fields = [("name", "Invitation"), ("subject", "Come and talk"), ("body", LONG_LINK), ("auto_stage", "")];
    bob.post_form("/email-templates/new", &fields).await.assert_status(303);
    let root = app.admin("root").await;
    let template = app.max_id("email_templates").await;
    let outbox = app.max_id("outbox").await;
    let slug = app.company_slug(acme).await;

    let visitor: Vec<(&str, String)> = vec![
        ("/", "/".into()),
        ("/jobs", "/jobs".into()),
        ("/jobs/{id}", format!("/jobs/{job}")),
        ("/companies/{key}", format!("/companies/{slug}")),
        ("/login", "/login".into()),
        ("/register", "/register?role=employer".into()),
        ("/register/sent", "/register/sent".into()),
        ("/password/forgot", "/password/forgot".into()),
        ("/password/reset/{token}", "/password/reset/not-a-token".into()),
        ("/account/confirm/{token}", "/account/confirm/not-a-token".into()),
        ("/team/join/{token}", "/team/join/not-a-token".into()),
    ];
    let seeker: Vec<(&str, String)> = vec![
        ("/jobs", "/jobs?q=robots&remote=onsite".into()),
        ("/jobs/{id}", format!("/jobs/{job}")),
        ("/jobs/{id}/apply", format!("/jobs/{other}/apply")),
        ("/applications", "/applications".into()),
        ("/applications/{id}", format!("/applications/{applicant}")),
        ("/applications/{id}/messages", format!("/applications/{applicant}/messages")),
        ("/messages", "/messages".into()),
        ("/notifications", "/notifications".into()),
        ("/saved-jobs", "/saved-jobs".into()),
        ("/resumes", "/resumes".into()),
        ("/alerts", "/alerts".into()),
        ("/profile", "/profile".into()),
        ("/profile/preferences", "/profile/preferences".into()),
        ("/account/password", "/account/password".into()),
        ("/account/privacy", "/account/privacy".into()),
    ];
    let employer: Vec<(&str, String)> = vec![
        ("/employer", "/employer".into()),
        ("/employer/jobs", "/employer/jobs".into()),
        ("/employer/jobs/new", "/employer/jobs/new".into()),
        ("/employer/jobs/{id}/edit", format!("/employer/jobs/{job}/edit")),
        ("/employer/jobs/{id}/preview", format!("/employer/jobs/{job}/preview")),
        ("/employer/jobs/{id}/close", format!("/employer/jobs/{job}/close")),
        ("/employer/jobs/{id}/questions", format!("/employer/jobs/{job}/questions")),
        ("/employer/jobs/{id}/scorecard", format!("/employer/jobs/{job}/scorecard")),
        ("/employer/company", "/employer/company".into()),
        ("/employer/team", "/employer/team".into()),
        ("/employer/pipeline", "/employer/pipeline".into()),
        ("/employer/interviews", "/employer/interviews".into()),
        ("/applicants", "/applicants".into()),
        ("/applicants/board", "/applicants/board".into()),
        ("/applicants/duplicates", "/applicants/duplicates".into()),
        ("/applicants/new", "/applicants/new".into()),
        ("/applicants/{id:\\d+}", format!("/applicants/{applicant}")),
        ("/applicants/{id:\\d+}/edit", format!("/applicants/{applicant}/edit")),
        ("/applicants/{id}/email", format!("/applicants/{applicant}/email")),
        ("/applicants/{id}/messages", format!("/applicants/{applicant}/messages")),
        ("/email-templates", "/email-templates".into()),
        ("/email-templates/new", "/email-templates/new".into()),
        ("/email-templates/{id}/edit", format!("/email-templates/{template}/edit")),
        ("/reports", "/reports".into()),
    ];
    let admin: Vec<(&str, String)> = vec![
        ("/admin", "/admin".into()),
        ("/admin/users", "/admin/users".into()),
        ("/admin/users/{id}", format!("/admin/users/{}", ann.id)),
        ("/users/{id}/profile", format!("/users/{}/profile", ann.id)),
        ("/admin/companies", "/admin/companies".into()),
        ("/admin/companies/{id}", format!("/admin/companies/{acme}")),
        ("/admin/jobs", "/admin/jobs".into()),
        ("/admin/outbox", "/admin/outbox".into()),
        ("/admin/outbox/{id}", format!("/admin/outbox/{outbox}")),
        ("/admin/audit", "/admin/audit".into()),
    ];

    Tour {
        seeker: ann,
        employer: bob,
        admin: root,
        stops: vec![
            ("visitor", None, visitor),
            ("seeker", Some(0), seeker),
            ("employer", Some(1), employer),
            ("admin", Some(2), admin),
        ],
    }
}
