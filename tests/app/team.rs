//! A company's team: an owner invites by a signed, expiring, one-time link;
//! roles (owner, recruiter, viewer) decide what each member may do, on the
//! server for every request; a company always keeps an owner.

use diesel::prelude::*;
use jobconnect::db::schema::{company_invites, outbox, users};

use crate::both_backends;
use crate::helpers::{TestApp, TestClient};

/// The invitation link e-mailed to `to` (the newest), as a path.
async fn invite_link(app: &TestApp, to: &'static str) -> String {
    let body: String = app
        .db
        .run(move |c| {
            outbox::table.filter(outbox::recipient.eq(to)).order(outbox::id.desc()).select(outbox::body_text).first(c)
        })
        .await
        .unwrap();
    let at = body.find("/team/join/").expect("the e-mail holds the link");
    body[at..].split_whitespace().next().unwrap().to_string()
}

/// Opens an invitation link and makes the account; the client is then logged in.
async fn join(app: &TestApp, link: &str, username: &str) -> TestClient {
    let client = app.client();
    client.get(link).await.assert_status(200);
    let resp = client.post_form(link, &[("username", username), ("password", "a-long-secret-1")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/applicants");
    client.forget_csrf();
    client
}

async fn teams_invite_and_roles_limit_what_members_do(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let applicant = app.insert_applicant(acme, Some(job), "Ann Lee", None).await;
    app.seeker("ann").await;
    let team = bob.get("/employer/team").await;
    team.assert_status(200);
    assert!(team.text().contains("bob@example.com"));

    // Invitations: a valid address, new to the site.
    for (email, says) in [("not an address", "#email-error"), ("ann@example.com", "#email-error")] {
        let resp = bob.post_form("/employer/team/invite", &[("email", email), ("role", "recruiter")]).await;
        resp.assert_status(422);
        assert_eq!(resp.select(says).len(), 1, "{email}");
    }
    bob.post_form("/employer/team/invite", &[("email", "rita@example.com"), ("role", "boss")]).await.assert_status(422);
    bob.post_form("/employer/team/invite", &[("email", "rita@example.com"), ("role", "recruiter")])
        .await
        .assert_status(303);
    let link = invite_link(app, "rita@example.com").await;
    // A changed token is no invitation.
    let forged = format!("{}0", &link[..link.len() - 1]);
    app.client().get(&forged).await.assert_status(404);
    app.client().get("/team/join/1-9999999999.00").await.assert_status(404);
    let short = app.client();
    let resp = short.post_form(&link, &[("username", "rita"), ("password", "short")]).await;
    resp.assert_status(422);
    let rita = join(app, &link, "rita").await;
    app.client().get(&link).await.assert_status(404);
    let (role, company): (String, Option<i64>) = app
        .db
        .run(|c| {
            users::table.filter(users::username.eq("rita")).select((users::company_role, users::company_id)).first(c)
        })
        .await
        .unwrap();
    assert_eq!((role.as_str(), company), ("recruiter", Some(acme)));

    // A recruiter runs applicants, not the team nor the company profile.
    rita.get("/applicants").await.assert_status(200);
    rita.post_form(&format!("/applicants/{applicant}/notes"), &[("body", "Rita was here.")]).await.assert_status(303);
    rita.get("/employer/team").await.assert_status(404);
    rita.get("/employer/company").await.assert_status(404);
    rita.post_form("/employer/team/invite", &[("email", "x@example.com"), ("role", "owner")]).await.assert_status(404);

    // A viewer reads and changes nothing of the company's.
    bob.post_form("/employer/team/invite", &[("email", "vic@example.com"), ("role", "viewer")])
        .await
        .assert_status(303);
    let vic = join(app, &invite_link(app, "vic@example.com").await, "vic").await;
    vic.get("/applicants").await.assert_status(200);
    vic.get(&format!("/applicants/{applicant}")).await.assert_status(200);
    vic.get("/reports").await.assert_status(200);
    let notes = app.count("applicant_notes").await;
    for (path, fields) in [
        (format!("/applicants/{applicant}/notes"), vec![("body", "Viewer note")]),
        (format!("/applicants/{applicant}/stage"), vec![("stage", "offer")]),
        ("/applicants/bulk".to_string(), vec![("ids", "1"), ("action", "export")]),
        ("/employer/jobs/new".to_string(), vec![("title", "Sneaky")]),
        ("/email-templates/new".to_string(), vec![("name", "X")]),
        (format!("/employer/jobs/{job}/close"), vec![]),
        ("/employer/pipeline".to_string(), vec![("name", "Step"), ("category", "screening")]),
    ] {
        vic.post_form(&path, &fields).await.assert_status(404);
    }
    assert_eq!(app.count("applicant_notes").await, notes);
    assert_eq!(app.applicant(applicant).await.unwrap().stage.as_str(), "applied");
    assert_eq!(app.job_status(job).await, "open");
    // Their own things stay theirs.
    vic.post_form("/notifications/read-all", &[]).await.assert_status(303);

    // Roles change at once (the member's sessions end); the last owner stays.
    let rita_id: i64 =
        app.db.run(|c| users::table.filter(users::username.eq("rita")).select(users::id).first(c)).await.unwrap();
    let rita_field = rita_id.to_string();
    bob.post_form("/employer/team/role", &[("user", &rita_field), ("role", "viewer")]).await.assert_status(303);
    assert!(rita.get("/applicants").await.location().starts_with("/login"), "logged out by the change");
    let bob_field = bob.id.to_string();
    let resp = bob.post_form("/employer/team/role", &[("user", &bob_field), ("role", "recruiter")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("needs an owner"));
    bob.post_form("/employer/team/remove", &[("user", &bob_field)]).await.assert_status(422);
    // Another company's owner reaches none of it.
    eve.post_form("/employer/team/role", &[("user", &rita_field), ("role", "owner")]).await.assert_status(404);
    eve.post_form("/employer/team/remove", &[("user", &rita_field)]).await.assert_status(404);

    // Removed: a seeker account without the company.
    let vic_id: i64 =
        app.db.run(|c| users::table.filter(users::username.eq("vic")).select(users::id).first(c)).await.unwrap();
    bob.post_form("/employer/team/remove", &[("user", &vic_id.to_string())]).await.assert_status(303);
    assert!(vic.get("/applicants").await.location().starts_with("/login"));
    let (role, company): (String, Option<i64>) =
        app.db.run(move |c| users::table.find(vic_id).select((users::role, users::company_id)).first(c)).await.unwrap();
    assert_eq!((role.as_str(), company), ("seeker", None));

    // Revoked or expired links open nothing.
    bob.post_form("/employer/team/invite", &[("email", "late@example.com"), ("role", "viewer")])
        .await
        .assert_status(303);
    let late = invite_link(app, "late@example.com").await;
    let invite: i64 = app
        .db
        .run(|c| {
            company_invites::table
                .filter(company_invites::email.eq("late@example.com"))
                .select(company_invites::id)
                .first(c)
        })
        .await
        .unwrap();
    eve.post_form("/employer/team/revoke", &[("invite", &invite.to_string())]).await.assert_status(404);
    bob.post_form("/employer/team/revoke", &[("invite", &invite.to_string())]).await.assert_status(303);
    app.client().get(&late).await.assert_status(404);
    bob.post_form("/employer/team/invite", &[("email", "old@example.com"), ("role", "viewer")])
        .await
        .assert_status(303);
    let old = invite_link(app, "old@example.com").await;
    let past = jobconnect::db::now() - time::Duration::days(1);
    app.db
        .run(move |c| {
            diesel::update(company_invites::table.filter(company_invites::email.eq("old@example.com")))
                .set(company_invites::expires_at.eq(past))
                .execute(c)
        })
        .await
        .unwrap();
    app.client().get(&old).await.assert_status(404);
}

both_backends!(teams_invite_and_roles_limit_what_members_do);
