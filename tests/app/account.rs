//! Sign-up, log-in, log-out, password change, CSRF and throttling.

use crate::both_backends;
use crate::helpers::TestApp;

async fn register_as_seeker(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let home = ann.get("/").await;
    home.assert_status(200);
    assert!(home.text().contains("ann"), "the layout shows who is logged in");
    assert!(home.text().contains("Applications"), "a seeker's navigation");
    let role: String =
        app.db.run(move |c| jobconnect::db::users::find(c, ann.id).map(|u| u.role.as_str().to_string())).await.unwrap();
    assert_eq!(role, "seeker");
}

async fn register_as_employer_creates_the_company(app: &TestApp) {
    let bob = app.employer("bob", "Acme Robotics").await;
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

async fn duplicate_email_or_username_is_refused_and_the_form_kept(app: &TestApp) {
    app.seeker("ann").await;
    let client = app.client();
    let resp = client
        .post_form(
            "/register",
            &[("email", "ANN@example.com"), ("username", "ann2"), ("password", "long-enough-pw"), ("role", "seeker")],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("already exists"));
    assert!(
        resp.body.contains(r#"value="ann@example.com""#) || resp.body.contains(r#"value="ANN@example.com""#),
        "e-mail kept"
    );
    assert!(resp.body.contains(r#"value="ann2""#), "user name kept");
    assert!(!resp.body.contains("long-enough-pw"), "the password is never echoed");

    let resp = client
        .post_form(
            "/register",
            &[("email", "other@example.com"), ("username", "ANN"), ("password", "long-enough-pw"), ("role", "seeker")],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("user name is taken"));
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
    assert_eq!(resp.select(".field-error").len(), 3, "one message per bad field");
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
                ("email", "eve@example.com"),
                ("username", "eve"),
                ("password", "long-enough-pw"),
                ("role", "seeker"),
                ("is_admin", "true"),
                ("company_id", "1"),
            ],
        )
        .await;
    resp.assert_status(303);
    let id = app.user_id("eve").await;
    let user = app.db.run(move |c| jobconnect::db::users::find(c, id)).await.unwrap();
    assert_eq!(user.role.as_str(), "seeker");
    assert_eq!(user.company_id, None);
    let admin = client.get("/admin").await;
    assert_eq!(admin.status.as_u16(), 404, "a forged field grants nothing");
}

async fn log_in_by_username_and_by_email(app: &TestApp) {
    let ann = app.seeker("ann").await;
    for login in ["ann", "ANN@Example.com"] {
        let client = app.client();
        let resp = client.post_form("/login", &[("login", login), ("password", &ann.password)]).await;
        resp.assert_status(303);
        assert_eq!(resp.location(), "/jobs", "a seeker lands on the jobs");
        assert!(client.get("/").await.text().contains("Log out"), "logged in with {login}");
    }
}

async fn wrong_password_is_refused(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    let resp = client.post_form("/login", &[("login", "ann"), ("password", "wrong-password")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("do not match"));
    assert!(resp.body.contains(r#"value="ann""#), "the log-in name is kept");
    assert!(!client.get("/").await.text().contains("Log out"));
    // Unknown users get the same answer: nothing tells who has an account.
    let unknown = client.post_form("/login", &[("login", "nobody"), ("password", "wrong-password")]).await;
    unknown.assert_status(422);
    assert!(unknown.text().contains("do not match"));
    let _ = ann;
}

async fn login_returns_to_the_page_asked_for(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    let resp = client.get("/account/password").await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/login?next=%2Faccount%2Fpassword");
    let form = client.get(resp.location()).await;
    assert!(form.body.contains(r#"name="next" value="/account/password""#));
    let resp = client
        .post_form("/login", &[("login", "ann"), ("password", &ann.password), ("next", "/account/password")])
        .await;
    assert_eq!(resp.location(), "/account/password");
    // Never to another site.
    let client = app.client();
    let resp =
        client.post_form("/login", &[("login", "ann"), ("password", &ann.password), ("next", "//evil.example")]).await;
    assert_eq!(resp.location(), "/jobs");
}

async fn logout_ends_every_session(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    assert!(laptop.get("/").await.text().contains("Log out"));

    let resp = ann.post_form("/logout", &[]).await;
    resp.assert_status(303);
    assert!(!ann.get("/").await.text().contains("Log out"), "this session ended");
    assert!(!laptop.get("/").await.text().contains("Log out"), "the other session ended too");
    assert_eq!(laptop.get("/account/password").await.status.as_u16(), 303, "back to the log-in page");
}

async fn password_change_ends_other_sessions(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);

    let wrong = ann
        .post_form(
            "/account/password",
            &[("current_password", "not-it-at-all"), ("new_password", "a-new-long-password")],
        )
        .await;
    wrong.assert_status(422);
    assert!(wrong.text().contains("current password is not right"));

    let resp = ann
        .post_form("/account/password", &[("current_password", &ann.password), ("new_password", "a-new-long-password")])
        .await;
    resp.assert_status(303);
    let after = ann.get("/account/password").await;
    after.assert_status(200);
    assert!(after.text().contains("password is changed"), "flash shown, session kept");
    assert!(!laptop.get("/").await.text().contains("Log out"), "the other device is logged out");

    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(422);
    client.post_form("/login", &[("login", "ann"), ("password", "a-new-long-password")]).await.assert_status(303);
}

async fn post_without_csrf_token_is_403_and_changes_nothing(app: &TestApp) {
    let client = app.client();
    client.get("/register").await.assert_status(200);
    let fields =
        [("email", "x@example.com"), ("username", "xavier"), ("password", "long-enough-pw"), ("role", "seeker")];
    let resp = client.post_raw("/register", &fields).await;
    resp.assert_status(403);
    let mut forged = fields.to_vec();
    forged.push(("csrf_token", "0000"));
    client.post_raw("/register", &forged).await.assert_status(403);
    assert_eq!(app.count("users").await, 0);

    // Logged in, a forged log-out or password change does nothing either.
    let ann = app.seeker("ann").await;
    ann.post_raw("/logout", &[]).await.assert_status(403);
    ann.post_raw("/account/password", &[("current_password", &ann.password), ("new_password", "hijacked-password")])
        .await
        .assert_status(403);
    assert!(ann.get("/").await.text().contains("Log out"), "still logged in");
    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
}

async fn log_in_is_throttled_per_account(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    for _ in 0..5 {
        client.post_form("/login", &[("login", "ann"), ("password", "wrong-password")]).await.assert_status(422);
    }
    let resp = client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    resp.assert_status(429);
    assert!(resp.text().contains("Too many failed attempts"));
    assert!(!client.get("/").await.text().contains("Log out"), "even the right password waits");
    assert!(app.count("audit_log").await >= 1, "the throttled attempt is audited");
    // Another account from the same address is not locked by ann's failures.
    let bob = app.seeker("bob").await;
    app.client().post_form("/login", &[("login", "bob"), ("password", &bob.password)]).await.assert_status(303);
}

async fn log_in_is_throttled_per_address(app: &TestApp) {
    let client = app.client();
    for i in 0..20 {
        let login = format!("user{i}");
        client.post_form("/login", &[("login", &login), ("password", "wrong-password")]).await.assert_status(422);
    }
    client.post_form("/login", &[("login", "someone-else"), ("password", "wrong-password")]).await.assert_status(429);
}

async fn deactivated_user_is_refused_with_a_clear_message(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let id = ann.id;
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::users;
            diesel::update(users::table.find(id)).set(users::is_active.eq(false)).execute(c)
        })
        .await
        .unwrap();
    assert!(!ann.get("/").await.text().contains("Log out"), "an open session ends");
    let resp = app.client().post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    resp.assert_status(403);
    assert!(resp.text().contains("deactivated"));
}

both_backends!(
    register_as_seeker,
    register_as_employer_creates_the_company,
    employer_must_name_the_company,
    duplicate_email_or_username_is_refused_and_the_form_kept,
    invalid_fields_get_messages_next_to_them,
    forged_admin_role_on_register_is_refused,
    log_in_by_username_and_by_email,
    wrong_password_is_refused,
    login_returns_to_the_page_asked_for,
    logout_ends_every_session,
    password_change_ends_other_sessions,
    post_without_csrf_token_is_403_and_changes_nothing,
    log_in_is_throttled_per_account,
    log_in_is_throttled_per_address,
    deactivated_user_is_refused_with_a_clear_message,
);
