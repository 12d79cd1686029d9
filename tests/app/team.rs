//! A company's team: an owner invites by a signed, expiring, one-time link;
//! roles (owner, recruiter, viewer) decide what each member may do, on the
//! server for every request; a company always keeps an owner.

use diesel::prelude::*;
use jobconnect::db::schema::{company_invites, outbox, users};

use crate::both_backends;
use crate::helpers::{TestApp, TestClient, eml_messages, wait_for};

/// The invitation link e-mailed to `to`, as a path. The outbox row holds
/// "[link hidden]": the link is made when the e-mail is sent, so neither the
/// database nor the admins' outbox page can open it.
async fn invite_link(app: &TestApp, to: &'static str) -> String {
    let body: String = app
        .db
        .run(move |c| {
            outbox::table.filter(outbox::recipient.eq(to)).order(outbox::id.desc()).select(outbox::body_text).first(c)
        })
        .await
        .unwrap();
    assert!(body.contains("[link hidden]") && !body.contains("/team/join/"), "{body}");
    wait_for(&format!("the invitation e-mailed to {to}"), || async {
        eml_messages(&app.settings.mail_dir, to).iter().find_map(|m| {
            let at = m.text.find("/team/join/")?;
            Some(m.text[at..].split_whitespace().next()?.to_string())
        })
    })
    .await
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

/// A member's role in their company's team, as stored.
async fn role_of(app: &TestApp, username: &'static str) -> String {
    app.db
        .run(move |c| users::table.filter(users::username.eq(username)).select(users::company_role).first(c))
        .await
        .unwrap()
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

    // Invitations: a valid address. Whether it has an account already is
    // not told: the answer is the same (the invitee learns it on the link's page).
    let resp = bob.post_form("/employer/team/invite", &[("email", "not an address"), ("role", "recruiter")]).await;
    resp.assert_status(422);
    assert_eq!(resp.select("#email-error").len(), 1);
    let mut answers = Vec::new();
    for email in ["ann@example.com", "nobody@example.com"] {
        let resp = bob.post_form("/employer/team/invite", &[("email", email), ("role", "recruiter")]).await;
        let flashes = bob.get("/employer/team").await.select(".flashes p");
        answers.push((resp.status.as_u16(), resp.location().to_string(), flashes));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].2, ["Invitation sent."]);
    bob.post_form("/employer/team/invite", &[("email", "rita@example.com"), ("role", "boss")]).await.assert_status(422);
    bob.post_form("/employer/team/invite", &[("email", "rita@example.com"), ("role", "recruiter")])
        .await
        .assert_status(303);
    let link = invite_link(app, "rita@example.com").await;
    // A changed token is no invitation.
    // (The last hex digit changed to another: a "0" that was a "0" already
    // would be the link itself, one time in sixteen.)
    let last = if link.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &link[..link.len() - 1]);
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
    // However the path is spelled, she cannot make herself owner: the guard
    // is the handler's (`CompanyOwner`), not a reading of the path.
    let rita_self = app.user_id("rita").await.to_string();
    for path in ["/employer/%74eam/role", "/%65mployer/team/role", "/employer/team/%72ole", "/employer//team/role"] {
        let resp = rita.post_form(path, &[("user", &rita_self), ("role", "owner")]).await;
        resp.assert_status(404);
    }
    rita.post_form("/employer/%63ompany", &[("name", "Rita Corp")]).await.assert_status(404);
    assert_eq!(role_of(app, "rita").await, "recruiter");

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
    // Nor can a viewer read the team's addresses by another spelling.
    for path in ["/employer/%74eam", "/%65mployer/team", "/employer/team/"] {
        vic.get(path).await.assert_status(404);
    }

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

/// Two owners demote each other at the same moment, again and again: every
/// company keeps an owner (the team's changes take the company's row lock),
/// and each request gets a plain answer, never a 500.
async fn two_owners_demoting_each_other_at_once_leave_an_owner(app: &TestApp) {
    for round in 0..8 {
        let ann = app.employer(&format!("ann{round}"), &format!("Race {round}")).await;
        let company = app.company_of(&ann).await;
        let bea = app.team_member(&format!("bea{round}"), company, "owner").await;
        let (ann_field, bea_field) = (ann.id.to_string(), bea.id.to_string());
        let demote_bea = [("user", bea_field.as_str()), ("role", "recruiter")];
        let demote_ann = [("user", ann_field.as_str()), ("role", "recruiter")];
        let (a, b) = tokio::join!(
            ann.post_form("/employer/team/role", &demote_bea),
            bea.post_form("/employer/team/role", &demote_ann),
        );
        for resp in [&a, &b] {
            assert!([303, 404, 422].contains(&resp.status.as_u16()), "round {round}: {}", resp.status);
        }
        let owners: i64 = app
            .db
            .run(move |c| {
                users::table
                    .filter(users::company_id.eq(company).and(users::company_role.eq("owner")))
                    .count()
                    .get_result(c)
            })
            .await
            .unwrap();
        assert_eq!(owners, 1, "round {round}: exactly one of the two demotions went through");
    }
}

/// A company can always be recovered: an admin sets a member's part in the
/// team (here: makes the recruiter owner), audited; a made-up part is a 422.
async fn an_admin_sets_a_members_company_role(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let rita = app.team_member("rita", acme, "recruiter").await;
    let root = app.admin("root").await;
    let path = format!("/admin/users/{}/role", rita.id);
    let acme_field = acme.to_string();
    let page = root.get(&format!("/admin/users/{}", rita.id)).await;
    assert_eq!(page.select("#company_role option[selected]"), ["Recruiter"]);
    let fields =
        |part: &'static str| [("role", "employer"), ("company_id", acme_field.as_str()), ("company_role", part)];
    root.post_form(&path, &fields("boss")).await.assert_status(422);
    assert_eq!(role_of(app, "rita").await, "recruiter");
    root.post_form(&path, &fields("owner")).await.assert_status(303);
    assert_eq!(role_of(app, "rita").await, "owner");
    let detail: String = app
        .db
        .run(|c| {
            use jobconnect::db::schema::audit_log;
            audit_log::table.filter(audit_log::action.eq("user.role_changed")).select(audit_log::detail).first(c)
        })
        .await
        .unwrap();
    assert!(detail.ends_with(&format!("(company {acme}, owner)")), "{detail}");
    // Her sessions ended with the change; logged in again, she runs the team.
    assert!(rita.get("/applicants").await.location().starts_with("/login"));
    rita.forget_csrf();
    rita.post_form("/login", &[("login", "rita"), ("password", rita.password.as_str())]).await.assert_status(303);
    rita.get("/employer/team").await.assert_status(200);
}

/// Every change of a team is in the audit log; an invitation dies with its
/// sender's authority; a member who leaves takes none of the company's
/// notifications along.
async fn team_changes_are_audited_and_invitations_die_with_their_inviter(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let bea = app.team_member("bea", acme, "owner").await;
    let vic = app.team_member("vic", acme, "viewer").await;
    let root = app.admin("root").await;

    // Bea invites an owner, then stops being one: the link opens nothing.
    bea.post_form("/employer/team/invite", &[("email", "mal@example.com"), ("role", "owner")]).await.assert_status(303);
    let link = invite_link(app, "mal@example.com").await;
    app.client().get(&link).await.assert_status(200);
    let bea_field = bea.id.to_string();
    bob.post_form("/employer/team/role", &[("user", bea_field.as_str()), ("role", "recruiter")])
        .await
        .assert_status(303);
    app.client().get(&link).await.assert_status(404);
    let client = app.client();
    client.get("/").await;
    client.post_form(&link, &[("username", "mal"), ("password", "a-long-secret-1")]).await.assert_status(404);
    assert_eq!(app.count("users").await, 4, "no account was made");
    // Deactivated by an admin, an owner's invitations stop working too.
    bob.post_form("/employer/team/invite", &[("email", "ned@example.com"), ("role", "viewer")])
        .await
        .assert_status(303);
    let link = invite_link(app, "ned@example.com").await;
    root.post_form(&format!("/admin/users/{}/deactivate", bob.id), &[]).await.assert_status(303);
    app.client().get(&link).await.assert_status(404);
    root.post_form(&format!("/admin/users/{}/reactivate", bob.id), &[]).await.assert_status(303);
    app.client().get(&link).await.assert_status(200);
    // The admins' outbox shows no link either.
    let outbox_page = root.get("/admin/outbox").await.body;
    assert!(!outbox_page.contains("/team/join/"));

    // Vic leaves with nothing of the company's.
    app.notify(vic.id, "message", "Ann wrote about Rust Engineer", serde_json::json!(null)).await;
    bob.forget_csrf();
    bob.post_form("/login", &[("login", "bob"), ("password", bob.password.as_str())]).await.assert_status(303);
    let vic_field = vic.id.to_string();
    bob.post_form("/employer/team/remove", &[("user", vic_field.as_str())]).await.assert_status(303);
    let left: i64 = app
        .db
        .run(move |c| {
            use jobconnect::db::schema::notifications;
            notifications::table.filter(notifications::user_id.eq(vic.id)).count().get_result(c)
        })
        .await
        .unwrap();
    assert_eq!(left, 0);

    let actions: Vec<String> = app
        .db
        .run(|c| {
            use jobconnect::db::schema::audit_log;
            audit_log::table
                .filter(audit_log::action.like("team.%"))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(actions, ["team.invite", "team.role", "team.invite", "team.remove"]);
    // Nothing of the invitees' addresses is kept there.
    let details: Vec<String> = app
        .db
        .run(|c| {
            use jobconnect::db::schema::audit_log;
            audit_log::table.filter(audit_log::action.like("team.%")).select(audit_log::detail).load(c)
        })
        .await
        .unwrap();
    assert!(details.iter().all(|d| !d.contains('@')), "{details:?}");
}

both_backends!(
    teams_invite_and_roles_limit_what_members_do,
    team_changes_are_audited_and_invitations_die_with_their_inviter,
    two_owners_demoting_each_other_at_once_leave_an_owner,
    an_admin_sets_a_members_company_role,
);
