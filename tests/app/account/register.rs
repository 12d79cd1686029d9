//! Signing up: the e-mailed confirmation link, the same answer for new and
//! taken addresses, the per-address limit, and one-time links that never
//! show in the outbox.

use diesel::prelude::*;
use jobconnect::db::schema::{outbox, users};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, eml_messages, link_in, wait_for, wait_for_eml_link};

fn sign_up_fields<'a>(email: &'a str, username: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("full_name", "Sam Signup"),
        ("email", email),
        ("username", username),
        ("password", "long-enough-pw"),
        ("role", "seeker"),
    ]
}

async fn is_confirmed(app: &TestApp, username: &'static str) -> bool {
    app.db
        .run(move |c| users::table.filter(users::username.eq(username)).select(users::email_confirmed).first(c))
        .await
        .unwrap()
}

/// E-mails queued for `to` whose subject starts with `subject`.
async fn queued(app: &TestApp, to: &'static str, subject: &'static str) -> i64 {
    app.db
        .run(move |c| {
            outbox::table
                .filter(outbox::recipient.eq(to).and(outbox::subject.like(format!("{subject}%"))))
                .count()
                .get_result::<i64>(c)
        })
        .await
        .unwrap()
}

async fn signing_up_as_a_seeker_takes_the_emailed_link(app: &TestApp) {
    let ann = app.sign_up("ann", "seeker", "").await;
    let home = ann.get("/").await;
    home.assert_status(200);
    assert!(home.text().contains("Your account is ready"), "the welcome after the link");
    assert!(home.text().contains("Applications"), "a seeker's navigation");
    let user = app.db.run(move |c| jobconnect::db::users::find(c, ann.id)).await.unwrap();
    assert_eq!((user.role.as_str(), user.email_confirmed), ("seeker", true));
    assert_eq!(user.display_name, "ann Fullname", "the name asked at sign-up is the one shown");
}

/// "Post a job" and "Start hiring" open the sign-up with hiring chosen; other values change nothing.
async fn the_employer_links_choose_the_role(app: &TestApp) {
    let checked = |resp: crate::helpers::Resp| resp.select_attr("input[name=role][checked]", "value");
    assert_eq!(checked(app.client().get("/register?role=employer").await), ["employer"]);
    assert_eq!(checked(app.client().get("/register").await), ["seeker"]);
    assert_eq!(checked(app.client().get("/register?role=admin").await), ["seeker"]);
    let home = app.client().get("/").await;
    assert_eq!(home.select_attr(r#"a[href="/register?role=employer"]"#, "href").len(), 2, "Start hiring, Post a job");
}

async fn signing_up_as_an_employer_creates_the_company(app: &TestApp) {
    let bob = app.sign_up("bob", "employer", "Acme Robotics").await;
    let id = bob.id;
    let (role, company) = app
        .db
        .run(move |c| {
            let user = jobconnect::db::users::find(c, id)?;
            let company = jobconnect::db::companies::find(c, user.company_id.expect("employer has a company"))?;
            Ok::<_, diesel::result::Error>((user.role.as_str().to_string(), company.name))
        })
        .await
        .unwrap();
    assert_eq!((role.as_str(), company.as_str()), ("employer", "Acme Robotics"));
    assert!(bob.get("/").await.text().contains("Applicants"), "an employer's navigation");
}

async fn employer_must_name_the_company(app: &TestApp) {
    let client = app.client();
    let resp = client
        .post_form(
            "/register",
            &[("email", "e@example.com"), ("username", "emp"), ("password", "long-enough-pw"), ("role", "employer")],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("Company name"), "the company field explains itself");
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("companies").await, 0);
}

/// Nothing in the answer tells whether an address has an account: the
/// owner hears of the attempt by e-mail instead (a few times an hour at most).
async fn a_taken_address_gets_the_same_answer_as_a_new_one(app: &TestApp) {
    app.sign_up("ann", "seeker", "").await;
    let answer = |email: &'static str, username: &'static str| async move {
        let client = app.client();
        let resp = client.post_form("/register", &sign_up_fields(email, username)).await;
        let page = client.get(resp.location()).await;
        let text = page.text().to_lowercase().replace(&email.to_lowercase(), "ADDRESS");
        (resp.status, resp.location().to_string(), page.status, text)
    };
    let taken = answer("ANN@example.com", "ann2").await;
    let new = answer("new@example.com", "newbie").await;
    assert_eq!(taken.0.as_u16(), 303);
    assert_eq!(taken, new, "the same status, redirect and page for a taken address");
    assert!(taken.3.contains("check your inbox"));
    assert_eq!(app.count("users").await, 2, "ann and the new account; no second ann");

    let owner_told = wait_for("ann's notice", || async {
        eml_messages(&app.settings.mail_dir, "ann@example.com")
            .into_iter()
            .find(|m| m.subject() == "You already have a JobConnect account")
    })
    .await;
    assert!(owner_told.text.contains("/password/forgot"), "with the way back in");
    assert!(link_in(&owner_told.text, "/account/confirm/").is_none(), "and no link that opens anything");

    // A script cannot fill ann's inbox: three notices an hour, then silence.
    for n in 0..4 {
        let resp = app.client().post_form("/register", &sign_up_fields("ann@example.com", &format!("x{n}xx"))).await;
        assert_eq!(resp.location(), "/register/sent");
    }
    assert_eq!(queued(app, "ann@example.com", "You already have").await, 3);
}

async fn a_taken_user_name_is_refused_and_the_form_kept(app: &TestApp) {
    app.seeker("ann").await;
    let resp = app.client().post_form("/register", &sign_up_fields("other@example.com", "ANN")).await;
    resp.assert_status(422);
    assert!(resp.text().contains("user name is taken"));
    assert!(resp.body.contains(r#"value="other@example.com""#), "e-mail kept");
    assert!(resp.body.contains(r#"value="ANN""#), "user name kept");
    assert!(!resp.body.contains("long-enough-pw"), "the password is never echoed");
    assert_eq!(app.count("users").await, 1);
}

async fn invalid_fields_get_messages_next_to_them(app: &TestApp) {
    let client = app.client();
    let resp = client
        .post_form(
            "/register",
            &[("email", "not-an-email"), ("username", "x"), ("password", "short"), ("role", "seeker")],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(resp.select(".field-error").len(), 4, "one message per bad field, the missing name too");
    assert!(resp.text().contains("Enter your full name."), "{}", resp.text());
    // The summary comes first, takes focus and links each message to its field.
    let summary = r#".error-summary[role="alert"][tabindex="-1"][autofocus]"#;
    assert_eq!(resp.select(summary).len(), 1);
    let links = resp.select_attr(&format!("{summary} a"), "href");
    assert_eq!(links, ["#full_name", "#email", "#username", "#password"]);
    for link in &links {
        assert_eq!(resp.select(&format!("form {link}")).len(), 1, "{link} is a field of the form");
    }
    assert!(resp.body.contains(r#"aria-invalid="true""#));
    assert_eq!(app.count("users").await, 0);
}

async fn forged_admin_role_on_register_is_refused(app: &TestApp) {
    let client = app.client();
    let resp = client
        .post_form(
            "/register",
            &[("email", "eve@example.com"), ("username", "eve"), ("password", "long-enough-pw"), ("role", "admin")],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(app.count("users").await, 0, "no admin, no user at all");

    // Extra fields a client might forge are not read at all.
    let resp = client
        .post_form(
            "/register",
            &[
                ("full_name", "Eve Forger"),
                ("email", "eve@example.com"),
                ("username", "eve"),
                ("password", "long-enough-pw"),
                ("role", "seeker"),
                ("is_admin", "true"),
                ("company_id", "1"),
                ("email_confirmed", "true"),
            ],
        )
        .await;
    resp.assert_status(303);
    let id = app.user_id("eve").await;
    let user = app.db.run(move |c| jobconnect::db::users::find(c, id)).await.unwrap();
    assert_eq!((user.role.as_str(), user.company_id, user.email_confirmed), ("seeker", None, false));
    let link = wait_for_eml_link(&app.settings.mail_dir, "eve@example.com", "/account/confirm/").await;
    client.post_form(&link, &[]).await.assert_status(303);
    assert!(client.get("/").await.text().contains("Log out"), "eve is in");
    assert_eq!(client.get("/admin").await.status.as_u16(), 404, "a forged field grants nothing");
}

/// Until its address is confirmed an account cannot log in; the right
/// password sends a fresh link. Opening the link changes nothing: its button does.
async fn an_unconfirmed_account_cannot_log_in_until_the_link_is_used(app: &TestApp) {
    let visitor = app.client();
    visitor.post_form("/register", &sign_up_fields("carl@example.com", "carl")).await.assert_status(303);
    let login = |password: &'static str| async move {
        app.client().post_form("/login", &[("login", "carl"), ("password", password)]).await
    };
    let wrong = login("not-the-password").await;
    wrong.assert_status(422);
    assert!(wrong.text().contains("do not match"), "a wrong password learns nothing more");
    let right = login("long-enough-pw").await;
    right.assert_status(403);
    assert!(right.text().contains("Confirm your e-mail address first"));
    assert!(!right.text().contains("Log out"));
    assert_eq!(queued(app, "carl@example.com", "Confirm your").await, 2, "the right password sent a new link");

    let link = wait_for_eml_link(&app.settings.mail_dir, "carl@example.com", "/account/confirm/").await;
    let page = visitor.get(&link).await;
    page.assert_status(200);
    assert!(page.body.contains(&format!(r#"action="{link}""#)), "a button that posts");
    assert!(!is_confirmed(app, "carl").await, "a GET (a mail scanner, say) confirms nothing");
    visitor.post_raw(&link, &[]).await.assert_status(403);
    assert!(!is_confirmed(app, "carl").await, "nor a POST without the form's token");

    let done = visitor.post_form(&link, &[]).await;
    done.assert_status(303);
    assert_eq!(done.location(), "/jobs");
    assert!(is_confirmed(app, "carl").await);
    assert!(visitor.get("/").await.text().contains("Log out"), "the link logged carl in");
    // Each link works once; the other one was voided with it.
    app.client().post_form(&link, &[]).await.assert_status(404);
    app.client().get(&link).await.assert_status(404);
    login("long-enough-pw").await.assert_status(303);
}

/// Someone signs up with another person's address: the account waits for
/// the address owner, and a password reset (which only the owner can do)
/// confirms it with the owner's password, so the squatter never gets in.
async fn an_account_made_with_someone_elses_address_goes_to_its_owner(app: &TestApp) {
    app.client().post_form("/register", &sign_up_fields("dana@example.com", "squatter")).await.assert_status(303);
    let dana = app.client();
    dana.post_form("/register", &sign_up_fields("dana@example.com", "dana")).await.assert_status(303);
    dana.post_form("/password/forgot", &[("email", "dana@example.com")]).await.assert_status(303);
    let reset = wait_for_eml_link(&app.settings.mail_dir, "dana@example.com", "/password/reset/").await;
    dana.post_form(&reset, &[("new_password", "danas-own-password")]).await.assert_status(303);
    assert!(is_confirmed(app, "squatter").await, "the reset proved the address");
    let squatter = app.client().post_form("/login", &[("login", "squatter"), ("password", "long-enough-pw")]).await;
    squatter.assert_status(422);
    let owner = app.client();
    owner.post_form("/login", &[("login", "dana@example.com"), ("password", "danas-own-password")]).await;
    assert!(owner.get("/").await.text().contains("Log out"));
}

/// Reset and confirmation links exist only in the e-mail that leaves: the
/// stored e-mail, and every admin page showing it, holds "[link hidden]".
async fn one_time_links_are_hidden_from_the_outbox_and_admins(app: &TestApp) {
    let root = app.admin("root").await;
    app.seeker("ann").await;
    app.client().post_form("/password/forgot", &[("email", "ann@example.com")]).await.assert_status(303);
    app.client().post_form("/register", &sign_up_fields("erin@example.com", "erin")).await.assert_status(303);
    let reset = wait_for_eml_link(&app.settings.mail_dir, "ann@example.com", "/password/reset/").await;
    let confirm = wait_for_eml_link(&app.settings.mail_dir, "erin@example.com", "/account/confirm/").await;

    let stored: Vec<(i64, String, Option<String>)> =
        app.db.run(|c| outbox::table.select((outbox::id, outbox::body_text, outbox::body_html)).load(c)).await.unwrap();
    assert_eq!(stored.len(), 2);
    for (id, text, html) in &stored {
        for body in [text.as_str(), html.as_deref().unwrap_or_default()] {
            assert!(body.contains("[link hidden]"), "the stored e-mail marks where the link goes");
            assert!(link_in(body, "/password/reset/").is_none() && link_in(body, "/account/confirm/").is_none());
        }
        let shown = root.get(&format!("/admin/outbox/{id}")).await;
        shown.assert_status(200);
        assert!(shown.text().contains("[link hidden]"));
        let token = |path: &str| path.rsplit('/').next().unwrap().to_string();
        assert!(!shown.body.contains(&token(&reset)) && !shown.body.contains(&token(&confirm)));
    }
    // The links that left work.
    app.client().get(&reset).await.assert_status(200);
    app.client().get(&confirm).await.assert_status(200);
}

/// Sign-ups from one address are limited (bcrypt and e-mail cost something):
/// past the limit a 429 with the form, and nothing is made or sent.
async fn sign_ups_are_throttled_per_address(backend: Backend) {
    let app = crate::smtp::spawn_app(backend, |s| s.limits.signups_per_address = 3).await;
    app.seeker("ann").await;
    let client = app.client();
    client.post_form("/register", &sign_up_fields("ann@example.com", "first")).await.assert_status(303);
    for name in ["second", "third"] {
        let resp = client.post_form("/register", &sign_up_fields(&format!("{name}@example.com"), name)).await;
        resp.assert_status(303);
    }
    let (users, mails) = (app.count("users").await, app.count("outbox").await);
    let refused = client.post_form("/register", &sign_up_fields("fourth@example.com", "fourth")).await;
    refused.assert_status(429);
    assert!(refused.text().contains("Too many sign-ups"));
    assert!(refused.body.contains(r#"value="fourth@example.com""#), "the form is kept");
    assert_eq!((app.count("users").await, app.count("outbox").await), (users, mails), "nothing made or sent");
    // A form with mistakes is still answered as such (it costs nothing).
    client.post_form("/register", &sign_up_fields("not-an-address", "fifth")).await.assert_status(422);
    app.stop().await;
}

both_backends!(
    signing_up_as_a_seeker_takes_the_emailed_link,
    the_employer_links_choose_the_role,
    signing_up_as_an_employer_creates_the_company,
    employer_must_name_the_company,
    a_taken_address_gets_the_same_answer_as_a_new_one,
    a_taken_user_name_is_refused_and_the_form_kept,
    invalid_fields_get_messages_next_to_them,
    forged_admin_role_on_register_is_refused,
    an_unconfirmed_account_cannot_log_in_until_the_link_is_used,
    an_account_made_with_someone_elses_address_goes_to_its_owner,
    one_time_links_are_hidden_from_the_outbox_and_admins,
);

both_backends!(backend: sign_ups_are_throttled_per_address);
