//! `/profile`: the personal fields, the picture, the job preferences.

use diesel::prelude::*;
use jobconnect::db::schema::seeker_preferences;
use jobconnect::db::{self};

use crate::both_backends;
use crate::helpers::TestApp;
use crate::seekers::*;

async fn seeker_edits_the_profile(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let page = ann.get("/profile").await;
    page.assert_status(200);
    assert!(page.text().contains("Your profile"));
    let resp = ann
        .post_form(
            "/profile",
            &[
                ("display_name", "  Ann Lee "),
                ("headline", "Backend developer"),
                ("location", "Berlin"),
                ("phone", "+49 (30) 123-4567"),
                ("skills", "Rust, SQL, rust, Actix web"),
            ],
        )
        .await;
    resp.assert_status(303);
    let id = ann.id;
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!(user.display_name, "Ann Lee");
    assert_eq!((user.headline.as_str(), user.location.as_str()), ("Backend developer", "Berlin"));
    assert_eq!(user.phone, "+49 (30) 123-4567");
    assert_eq!(user.skills, "Rust, SQL, Actix web");
    let page = ann.get("/profile").await;
    assert!(page.text().contains("The profile is saved"));
    assert_eq!(page.select(".skill-list li"), vec!["Rust", "SQL", "Actix web"]);

    let resp = ann
        .post_form(
            "/profile",
            &[("display_name", "Ann <b>"), ("phone", "call me maybe"), ("headline", &"h".repeat(121))],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(resp.select(".field-error").len(), 2, "phone and headline");
    assert_eq!(value_of(&resp, "#display_name"), "Ann <b>", "values kept");
    assert!(!resp.body.contains("Ann <b>"), "escaped");
    assert_eq!(value_of(&resp, "#phone"), "call me maybe");
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!(user.phone, "+49 (30) 123-4567", "nothing saved");
}

async fn someone_elses_profile_is_404_but_admins_edit_it(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let ben = app.seeker("ben").await;
    let bob = app.employer("bob", "Acme").await;
    let path = format!("/users/{}/profile", ann.id);
    for client in [&ben.client, &bob.client] {
        client.get(&path).await.assert_status(404);
        client.post_form(&path, &[("display_name", "Hacked")]).await.assert_status(404);
    }
    let visitor = app.client();
    visitor.get(&path).await.assert_status(303);
    ann.get(&path).await.assert_status(200);

    let root = app.admin("root").await;
    let page = root.get(&path).await;
    page.assert_status(200);
    assert!(page.text().contains("Profile of ann"));
    root.post_form(&path, &[("display_name", "Ann (checked)"), ("location", "Paris")]).await.assert_status(303);
    let id = ann.id;
    let user = app.db.run(move |c| db::users::find(c, id)).await.unwrap();
    assert_eq!((user.display_name.as_str(), user.location.as_str()), ("Ann (checked)", "Paris"));
    let audited: i64 = app
        .db
        .run(move |c| {
            jobconnect::db::schema::audit_log::table
                .filter(jobconnect::db::schema::audit_log::action.eq("user.profile_edited"))
                .filter(jobconnect::db::schema::audit_log::target_id.eq(id))
                .count()
                .get_result(c)
        })
        .await
        .unwrap();
    assert_eq!(audited, 1, "the admin's edit is audited");
}

async fn profile_picture_upload_and_who_sees_it(app: &TestApp) {
    let (ann, bob, job) = ann_bob_and_a_job(app).await;
    let resp = ann.post_multipart("/profile/avatar", |f| f.part("avatar", file(png(), "me.png", "image/png"))).await;
    resp.assert_status(303);
    let id = ann.id;
    let first = app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.expect("stored");
    assert!(first.starts_with("images/") && first.ends_with(".png"));
    assert_eq!(files_in(app, "images").len(), 1);
    let profile = ann.get("/profile").await;
    let src = format!("/users/{id}/avatar?v=");
    assert!(profile.body.contains(&src), "the profile shows it");

    let url = format!("/users/{id}/avatar");
    let resp = ann.get(&url).await;
    resp.assert_status(200);
    assert_eq!(resp.header("content-type"), "image/png");
    assert_eq!(resp.header("x-content-type-options"), "nosniff");
    assert!(resp.header("content-disposition").starts_with("inline"));

    let ben = app.seeker("ben").await;
    let root = app.admin("root").await;
    ben.get(&url).await.assert_status(404);
    app.client().get(&url).await.assert_status(404);
    bob.get(&url).await.assert_status(404);
    root.get(&url).await.assert_status(200);
    apply_with_file(&ann, job, "Hi", pdf_part("P")).await.assert_status(303);
    bob.get(&url).await.assert_status(200);

    // Not a picture: refused, nothing kept, the old one stays.
    let html = file(b"<html><script>alert(1)</script>".to_vec(), "me.png", "image/png");
    let resp = ann.post_multipart("/profile/avatar", |f| f.part("avatar", html)).await;
    resp.assert_status(415);
    assert!(resp.text().contains("Upload a PNG, JPEG or WebP picture"));
    let big = file([png(), vec![0; app.settings.max_image_bytes as usize]].concat(), "big.png", "image/png");
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", big)).await.assert_status(413);
    assert_eq!(files_in(app, "images").len(), 1);
    assert!(files_in(app, "tmp").is_empty());

    // A new picture replaces the file; removing it removes the file.
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", file(png(), "new.png", "image/png")))
        .await
        .assert_status(303);
    let second = app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.unwrap();
    assert_ne!(first, second);
    assert_eq!(files_in(app, "images"), vec![second.trim_start_matches("images/").to_string()]);
    ben.post_form(&format!("/users/{id}/avatar/delete"), &[]).await.assert_status(404);
    ann.post_form("/profile/avatar/delete", &[]).await.assert_status(303);
    assert!(app.db.run(move |c| db::users::find(c, id)).await.unwrap().avatar_path.is_none());
    assert!(files_in(app, "images").is_empty());
    ann.get(&url).await.assert_status(404);
}

async fn seeker_sets_job_preferences(app: &TestApp) {
    let ann = app.seeker("ann").await;
    ann.get("/profile/preferences").await.assert_status(200);
    let fields = [
        ("employment_types", "contract"),
        ("employment_types", "full_time"),
        ("remote", "hybrid"),
        ("salary_min", "55,000"),
        ("locations", "Berlin, Germany\nRemote"),
        ("categories", "Engineering"),
    ];
    ann.post_form("/profile/preferences", &fields).await.assert_status(303);
    let page = ann.get("/profile/preferences").await;
    assert!(page.body.contains(r#"value="full_time" checked"#) && page.body.contains(r#"value="contract" checked"#));
    assert!(!page.body.contains(r#"value="internship" checked"#));
    assert!(page.body.contains(r#"value="hybrid" selected"#));
    let id = ann.id;
    let prefs = app.db.run(move |c| db::profiles::preferences(c, id)).await.unwrap().expect("saved");
    assert_eq!(prefs.employment_types, "full_time\ncontract");
    assert_eq!(prefs.locations, "Berlin, Germany\nRemote");
    assert_eq!((prefs.remote.as_str(), prefs.salary_min), ("hybrid", Some(55_000)));

    // Saving again replaces the row.
    ann.post_form("/profile/preferences", &[("remote", ""), ("salary_min", "")]).await.assert_status(303);
    let rows: i64 = app.db.run(|c| seeker_preferences::table.count().get_result(c)).await.unwrap();
    assert_eq!(rows, 1);
    let prefs = app.db.run(move |c| db::profiles::preferences(c, id)).await.unwrap().unwrap();
    assert_eq!((prefs.employment_types.as_str(), prefs.remote.as_str(), prefs.salary_min), ("", "", None));

    let resp = ann
        .post_form(
            "/profile/preferences",
            &[("employment_types", "astronaut"), ("remote", "mars"), ("salary_min", "lots")],
        )
        .await;
    resp.assert_status(422);
    assert_eq!(resp.select(".field-error").len(), 3);
    assert!(resp.body.contains(r#"value="lots""#));

    let bob = app.employer("bob", "Acme").await;
    bob.get("/profile/preferences").await.assert_status(404);
    bob.get("/profile").await.assert_status(200);
}

both_backends!(
    seeker_edits_the_profile,
    someone_elses_profile_is_404_but_admins_edit_it,
    profile_picture_upload_and_who_sees_it,
    seeker_sets_job_preferences,
);
