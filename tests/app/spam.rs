//! Anti-spam: per-user limits on applications and messages (counted from what
//! was written, so parallel requests cannot slip past), and the honeypot
//! field of the public forms robots fill in.

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Backend, Resp, TestUser};
use crate::seekers::apply_with_file;

fn pdf(text: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(pdf_with_text(text)).file_name("cv.pdf").mime_str("application/pdf").unwrap()
}

/// Past `APPLICATIONS_PER_HOUR` an application gets 429 with the form and
/// its message; nothing is written and the uploaded file is not kept.
async fn applications_are_limited_per_seeker(backend: Backend) {
    let app = crate::smtp::spawn_app(backend, |s| s.limits.applications_per_hour = 2).await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let ann = app.seeker("ann").await;
    let mut jobs = Vec::new();
    for title in ["Welder", "Fitter", "Rigger"] {
        jobs.push(app.job(acme, title).insert().await);
    }
    for job in &jobs[..2] {
        apply_with_file(&ann, *job, "Hello", pdf("Ann's resume")).await.assert_status(303);
    }
    let (applicants, resumes) = (app.count("applicants").await, app.count("resumes").await);
    let refused = apply_with_file(&ann, jobs[2], "Hello again", pdf("Ann's resume")).await;
    refused.assert_status(429);
    assert!(refused.text().contains("a lot of applications in the last hour"), "{}", refused.text());
    assert!(refused.body.contains("Hello again"), "the cover letter is kept");
    assert_eq!((app.count("applicants").await, app.count("resumes").await), (applicants, resumes));
    let stored = std::fs::read_dir(app.settings.upload_dir.join("resumes")).unwrap().count() as i64;
    assert_eq!(stored, resumes, "the refused upload is not kept");
    // Another seeker is not held back by Ann's limit.
    let carl = app.seeker("carl").await;
    apply_with_file(&carl, jobs[2], "Hi", pdf("Carl's resume")).await.assert_status(303);
    app.stop().await;
}

/// Past `MESSAGES_PER_HOUR` a message gets 429 with the thread and the text
/// typed; sent in parallel, exactly the limit gets through.
async fn messages_are_limited_per_sender(backend: Backend) {
    let app = crate::smtp::spawn_app(backend, |s| s.limits.messages_per_hour = 3).await;
    let bob = app.employer("bob", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &bob, "Welder").await;
    let path = format!("/applications/{applicant}/messages");
    let sends = (0..8).map(|n| {
        let (ann, path) = (&ann, &path);
        async move { ann.post_form(path, &[("body", &format!("Message {n}"))]).await.status.as_u16() }
    });
    let mut statuses = futures_util::future::join_all(sends).await;
    statuses.sort();
    assert_eq!(statuses, [303, 303, 303, 429, 429, 429, 429, 429], "exactly the limit gets through");
    assert_eq!(app.count("messages").await, 3);
    let refused = ann.post_form(&path, &[("body", "One more thing")]).await;
    refused.assert_status(429);
    assert!(refused.text().contains("a lot of messages in the last hour"), "{}", refused.text());
    assert!(refused.body.contains("One more thing"), "the text typed is kept");
    assert_eq!(app.count("messages").await, 3, "nothing stored");
    // The employer's own limit is separate.
    let reply = bob.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "Got them")]).await;
    reply.assert_status(303);
    app.stop().await;
}

/// A sign-up or a password-reset request with the honeypot field filled in
/// gets the answer a person gets, and nothing is made or sent; it counts
/// against the address's limit like any other.
async fn the_honeypot_field_makes_robots_achieve_nothing(backend: Backend) {
    let app = crate::smtp::spawn_app(backend, |s| s.limits.signups_per_address = 2).await;
    let register = app.client().get("/register").await;
    assert_eq!(register.select(r#".hp-field[aria-hidden="true"] input[name="website"][tabindex="-1"]"#).len(), 1);
    let client = app.client();
    let (users, mails) = (app.count("users").await, app.count("outbox").await);
    let robot = [
        ("full_name", "Robo Tron"),
        ("email", "robot@example.com"),
        ("username", "robot"),
        ("password", "long-enough-pw"),
        ("role", "seeker"),
        ("website", "http://spam.example"),
    ];
    let resp = client.post_form("/register", &robot).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/register/sent");
    let resp = client.post_form("/password/forgot", &[("email", "robot@example.com"), ("website", "x")]).await;
    resp.assert_status(303);
    assert_eq!((app.count("users").await, app.count("outbox").await), (users, mails), "nothing made or sent");
    // The robot's sign-ups count: a person from the same address is next in line.
    client.post_form("/register", &robot).await.assert_status(303);
    let person = [
        ("full_name", "Ann Lee"),
        ("email", "ann@example.com"),
        ("username", "ann"),
        ("password", "long-enough-pw"),
        ("role", "seeker"),
    ];
    client.post_form("/register", &person).await.assert_status(429);
    app.stop().await;
}

async fn invite(user: &TestUser, who: &str) -> Resp {
    let email = format!("{who}@example.com");
    user.post_form("/employer/team/invite", &[("email", email.as_str()), ("role", "viewer")]).await
}

async fn add_by_hand(user: &TestUser, name: &'static str) -> Resp {
    user.post_multipart("/applicants/new", |f| {
        f.text("name", name).text("email", "x@example.com").text("status", "open").text("employment_type", "full_time")
    })
    .await
}

async fn write_to(user: &TestUser, ids: &[String]) -> Resp {
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
    fields.extend([("subject", "News for {{name}}"), ("body", "Hello {{name}}"), ("step", "send")]);
    user.post_form("/applicants/email", &fields).await
}

/// E-mail that leaves from the site's address is limited per user and per
/// company and hour: team invitations, applicants added by hand, e-mails to
/// applicants (each recipient of a selection counted). Past a limit: 429 with
/// the form as typed, nothing written, nothing queued.
async fn outbound_email_is_limited_per_user_and_company(backend: Backend) {
    use jobconnect::config::PerHour;
    let app = crate::smtp::spawn_app(backend, |s| {
        s.limits.invitations = PerHour { user: 2, company: 3 };
        s.limits.hand_added = PerHour { user: 2, company: 3 };
        s.limits.emails = PerHour { user: 3, company: 4 };
    })
    .await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let bea = app.team_member("bea", acme, "owner").await;

    // Invitations: Bob's own limit, then the company's with Bea.
    invite(&bob, "one").await.assert_status(303);
    invite(&bob, "two").await.assert_status(303);
    let (invites, outbox) = (app.count("company_invites").await, app.count("outbox").await);
    let refused = invite(&bob, "three").await;
    refused.assert_status(429);
    assert!(refused.body.contains("three@example.com"), "the address typed is kept");
    assert!(refused.text().contains("many invitations in an hour"));
    invite(&bea, "four").await.assert_status(303);
    invite(&bea, "five").await.assert_status(429);
    assert_eq!((app.count("company_invites").await, app.count("outbox").await), (invites + 1, outbox + 1));

    // Applicants added by hand.
    add_by_hand(&bob, "Hand One").await.assert_status(303);
    add_by_hand(&bob, "Hand Two").await.assert_status(303);
    let before = app.count("applicants").await;
    let refused = add_by_hand(&bob, "Hand Three").await;
    refused.assert_status(429);
    assert!(refused.body.contains("Hand Three") && refused.text().contains("many applicants added in an hour"));
    assert_eq!(app.count("applicants").await, before);

    // E-mails to applicants: a selection of two, then two more would pass 3.
    let ids: Vec<String> = app
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::applicants;
            applicants::table.filter(applicants::company_id.eq(acme)).select(applicants::id).load::<i64>(c)
        })
        .await
        .unwrap()
        .iter()
        .map(i64::to_string)
        .collect();
    write_to(&bob, &ids[..2]).await.assert_status(303);
    let outbox = app.count("outbox").await;
    let refused = write_to(&bob, &ids[..2]).await;
    refused.assert_status(429);
    assert!(refused.text().contains("more e-mails than one hour allows") && refused.body.contains("News for"));
    assert_eq!(app.count("outbox").await, outbox, "nothing queued");
    write_to(&bob, &ids[..1]).await.assert_status(303);
    app.stop().await;
}

both_backends!(backend:
    outbound_email_is_limited_per_user_and_company,
    applications_are_limited_per_seeker,
    messages_are_limited_per_sender,
    the_honeypot_field_makes_robots_achieve_nothing,
);
