//! Form scenarios: account, profile and picture, employer and logo, seeker and resume, and CRM forms.

use std::sync::Mutex;

use proptest::collection::vec;
use proptest::prelude::*;

use super::checks::last_id;
use super::fields::{
    REDIRECTS, STAGES, TYPES, applicant_fields, ids_field, strings, with_applicant_fields, with_job_fields,
    with_profile_fields, with_template_fields,
};
use super::upload::{Kind, Upload};
use super::urlencoded::{Form, Who};
use super::values::{Bytes, IMG, SCRIPT, Val, field, ok, ok_owned, re, text};
use super::{apply, elsewhere, post_ok, scalar};
use crate::helpers::TestApp;

pub(super) async fn account_forms_survive_hostile_input(app: &TestApp) {
    let root = app.admin("root").await;
    let pat = app.seeker("pat").await;
    let lou = app.seeker("lou").await;
    let lin = app.seeker("lin").await;
    let rae = app.seeker("rae").await;
    let visitor = app.client();

    Form::new("log-out", Who::LoggedIn(&lou), "/logout").cases(24).run(app).await;

    let current = Mutex::new(pat.password.clone());
    Form::new("password change", Who::Client(&pat), "/account/password")
        .field_as(
            "current_password",
            prop_oneof![5 => Just(Val::Current), 3 => field(ok(&["wrong-password-1"]))].boxed(),
        )
        .field("new_password", re("[A-Za-z0-9 !#]{10,40}"))
        .password(&current)
        .shows("/account/password")
        .cases(64)
        .run(app)
        .await;

    let tokens: Vec<String> = (1..=4u32).map(|i| format!("{i:064x}")).collect();
    for token in &tokens {
        let (id, token) = (rae.id, token.clone());
        app.db
            .run(move |c| {
                jobconnect::db::tokens::create(c, jobconnect::db::outbox::LinkKind::PasswordReset, id, &token)
            })
            .await
            .unwrap();
    }
    Form::new("password reset", Who::Visitor, format!("/password/reset/{}", tokens[0]))
        .or_at(tokens[1..].iter().map(|t| format!("/password/reset/{t}")))
        .or_at(
            ["abc", "%00", &"A".repeat(64), &"a".repeat(65), "..%2F..%2Fadmin", &format!("{}%0A", tokens[1])]
                .map(|t| format!("/password/reset/{t}")),
        )
        .field("new_password", re("[A-Za-z0-9 ]{10,40}"))
        .cases(48)
        .run(app)
        .await;

    Form::new("forgotten password", Who::Client(&visitor), "/password/forgot")
        .field("email", ok(&["pat@example.com", "nobody@example.com", "PAT@Example.com", "rae@example.com"]))
        .cases(48)
        .run(app)
        .await;

    Form::new("register", Who::Visitor, "/register")
        .field("full_name", text("[A-Z][a-z]{1,12} [A-Z][a-z]{1,12}"))
        .field("email", re("[a-z]{4,12}@example\\.(com|org)"))
        .field("username", re("[a-z][a-z0-9_.-]{2,20}"))
        .field("password", re("[A-Za-z0-9 !#]{10,40}"))
        .field("role", ok(&["seeker", "employer"]))
        .field("company_name", text("[A-Z][a-z]{2,12}( GmbH| Ltd)?"))
        .shows("/")
        .shows("/register/sent")
        .shows_to(&root, "/admin/users")
        .cases(96)
        .run(app)
        .await;

    // Last: failed log-ins are throttled per address, which would stop the others.
    Form::new("log-in", Who::Visitor, "/login")
        .field(
            "login",
            ok_owned(vec![
                lin.username.clone(),
                lin.email.clone(),
                lin.email.to_uppercase(),
                format!(" {} ", lin.username),
                "nobody".into(),
            ]),
        )
        .field("password", ok_owned(vec![lin.password.clone(), "not-the-password".into()]))
        .field("next", ok(REDIRECTS))
        .min_accepted(0)
        .cases(64)
        .run(app)
        .await;
}

pub(super) async fn profile_forms_and_pictures_survive_hostile_input(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let sue = app.seeker("sue").await;
    let bob = app.employer("bob", "Acme").await;
    let root = app.admin("root").await;

    with_profile_fields(Form::new("own profile (seeker)", Who::Client(&ann), "/profile"))
        .shows("/profile")
        .shows_to(&root, "/admin/users")
        .shows_to(&root, format!("/admin/users/{}", ann.id))
        .shows_to(&root, format!("/users/{}/profile", ann.id))
        .cases(80)
        .run(app)
        .await;
    with_profile_fields(Form::new("own profile (employer)", Who::Client(&bob), "/profile"))
        .shows("/profile")
        .shows("/")
        .cases(32)
        .run(app)
        .await;
    with_profile_fields(Form::new(
        "someone's profile (admin)",
        Who::Client(&root),
        format!("/users/{}/profile", sue.id),
    ))
    .or_at(elsewhere("/users/{}/profile", &[]))
    .shows(format!("/users/{}/profile", sue.id))
    .shows("/admin/audit")
    .shows_to(&sue, "/profile")
    .cases(48)
    .run(app)
    .await;
    with_profile_fields(Form::new(
        "someone else's profile (seeker)",
        Who::Client(&ann),
        format!("/users/{}/profile", sue.id),
    ))
    .or_at(elsewhere("/users/{}/profile", &[bob.id, root.id]))
    .expect(&[404, 413])
    .cases(32)
    .run(app)
    .await;

    Form::new("job preferences", Who::Client(&ann), "/profile/preferences")
        .field_as(
            "employment_types",
            prop_oneof![
                3 => vec(ok(TYPES), 0..4).prop_map(|v| Val::Many(v.into_iter().map(Bytes).collect())),
                2 => field(ok(TYPES)),
            ]
            .boxed(),
        )
        .field("locations", text("(Berlin|Paris)(\\n(Lisbon|Remote))?"))
        .field("remote", ok(&["", "onsite", "hybrid", "remote"]))
        .field("salary_min", ok(&["", "55000", "55,000", "60 000", "1_000"]))
        .field("categories", ok(&["", "Engineering", "Engineering\nDesign"]))
        .shows("/profile/preferences")
        .cases(64)
        .run(app)
        .await;
    Form::new("job preferences (employer)", Who::Client(&bob), "/profile/preferences")
        .field("remote", ok(&["remote"]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    Upload::new("profile picture (seeker)", &ann, "/profile/avatar", "avatar", Kind::Image)
        .shows("/profile")
        .shows(format!("/users/{}/avatar", ann.id))
        .shows_to(&root, format!("/users/{}/profile", ann.id))
        .cases(80)
        .run(app)
        .await;
    Upload::new("profile picture (employer)", &bob, "/profile/avatar", "avatar", Kind::Image)
        .shows("/profile")
        .cases(32)
        .run(app)
        .await;
    Form::new("remove a picture (admin)", Who::Client(&root), format!("/users/{}/avatar/delete", ann.id))
        .or_at(elsewhere("/users/{}/avatar/delete", &[]))
        .shows(format!("/users/{}/profile", ann.id))
        .cases(24)
        .run(app)
        .await;
    Form::new("remove someone's picture (seeker)", Who::Client(&sue), format!("/users/{}/avatar/delete", bob.id))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("remove own picture", Who::Client(&bob), "/profile/avatar/delete")
        .shows("/profile")
        .cases(12)
        .run(app)
        .await;
}

pub(super) async fn employer_forms_and_logos_survive_hostile_input(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let open = app.open_job(acme, "Rust Developer").await;
    let draft = app.insert_job(acme, "Draft Role", "draft").await;
    let theirs = app.open_job(globex, "Globex Role").await;
    let applicant = apply(&ann, open).await;

    with_job_fields(Form::new("new job", Who::Client(&bob), "/employer/jobs/new"))
        .shows("/employer/jobs")
        .cases(80)
        .run(app)
        .await;
    with_job_fields(Form::new("edit a job", Who::Client(&bob), format!("/employer/jobs/{open}/edit")))
        .or_at([format!("/employer/jobs/{draft}/edit")])
        .or_at(elsewhere("/employer/jobs/{}/edit", &[theirs]))
        .shows(format!("/employer/jobs/{open}/preview"))
        .shows("/employer/jobs")
        .shows_to(&visitor, format!("/jobs/{open}"))
        .shows_to(&visitor, "/jobs")
        .shows_to(&visitor, "/jobs?q=developer+engineer+script")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&ann, format!("/applications/{applicant}"))
        .shows_to(&ann, "/applications")
        .cases(80)
        .run(app)
        .await;
    with_job_fields(Form::new(
        "edit another company's job",
        Who::Client(&bob),
        format!("/employer/jobs/{theirs}/edit"),
    ))
    .expect(&[404, 413])
    .cases(24)
    .run(app)
    .await;
    Form::new("publish, close, reopen", Who::Client(&bob), format!("/employer/jobs/{open}/close"))
        .or_at([
            format!("/employer/jobs/{open}/reopen"),
            format!("/employer/jobs/{draft}/publish"),
            format!("/employer/jobs/{open}/publish"),
        ])
        .or_at(elsewhere("/employer/jobs/{}/close", &[theirs]))
        .field("next", ok(REDIRECTS))
        .shows("/employer/jobs")
        .cases(48)
        .run(app)
        .await;
    post_ok(&bob, &format!("/employer/jobs/{open}/reopen"), &[]).await;

    Form::new("company profile", Who::Client(&bob), "/employer/company")
        .field("name", text("[A-Z][a-z]{2,12}( GmbH| Ltd)?"))
        .field(
            "website",
            ok(&[
                "",
                "https://acme.example",
                "acme.example",
                "http://acme.example/jobs?x=1",
                "https://acme.example/\"><b>",
            ]),
        )
        .field("description", text("([A-Z][a-z ,.]{0,60}\\n\\n){0,3}"))
        .field("location", text("(Berlin|Paris|Lisbon)?"))
        .shows("/employer/company")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&visitor, "/jobs")
        .shows_to(&visitor, format!("/jobs/{open}"))
        .shows_to(&root, "/admin/audit")
        .shows_to(&root, "/applicants")
        .cases(80)
        .run(app)
        .await;
    Upload::new("company logo", &bob, "/employer/company/logo", "logo", Kind::Image)
        .shows("/employer/company")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&visitor, format!("/companies/{acme}/logo"))
        .cases(80)
        .run(app)
        .await;
    Upload::new("company logo (seeker)", &ann, "/employer/company/logo", "logo", Kind::Image)
        .expect(&[404])
        .cases(12)
        .run(app)
        .await;

    with_template_fields(Form::new("new e-mail template", Who::Client(&bob), "/email-templates/new"))
        .shows("/email-templates")
        .shows(format!("/applicants/{applicant}/email"))
        .cases(64)
        .run(app)
        .await;
    let template = last_id(app, "email_templates").await;
    post_ok(&carl, "/email-templates/new", &[("name", "Theirs"), ("subject", "Hi"), ("body", "Hello {{name}}")]).await;
    let their_template = last_id(app, "email_templates").await;
    with_template_fields(Form::new(
        "edit an e-mail template",
        Who::Client(&bob),
        format!("/email-templates/{template}/edit"),
    ))
    .or_at(elsewhere("/email-templates/{}/edit", &[their_template]))
    .shows("/email-templates")
    .shows(format!("/email-templates/{template}/edit"))
    .shows(format!("/applicants/{applicant}/email?template={template}"))
    .cases(64)
    .run(app)
    .await;
    Form::new(
        "delete another company's template",
        Who::Client(&bob),
        format!("/email-templates/{their_template}/delete"),
    )
    .expect(&[404, 413])
    .cases(12)
    .run(app)
    .await;
    Form::new("delete an e-mail template", Who::Client(&bob), format!("/email-templates/{template}/delete"))
        .or_at(elsewhere("/email-templates/{}/delete", &[]))
        .shows("/email-templates")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;

    // The company's pipeline steps.
    let step_name =
        || prop_oneof![re("[A-Z][a-z]{2,12}( call)?"), ok(&["", IMG, "Phone screen", "phone SCREEN"])].boxed();
    Form::new("new pipeline step", Who::Client(&bob), "/employer/pipeline")
        .field("name", step_name())
        .field("category", ok(&["screening", "interview", "", "party", "rejected"]))
        .shows("/employer/pipeline")
        .shows(format!("/applicants/{applicant}"))
        .shows("/applicants")
        .cases(48)
        .run(app)
        .await;
    let step = last_id(app, "company_steps").await;
    post_ok(&carl, "/employer/pipeline", &[("name", "Theirs"), ("category", "offer")]).await;
    let their_step = last_id(app, "company_steps").await;
    Form::new("rename a pipeline step", Who::Client(&bob), format!("/employer/pipeline/{step}/rename"))
        .or_at(elsewhere("/employer/pipeline/{}/rename", &[their_step]))
        .field("name", step_name())
        .shows("/employer/pipeline")
        .cases(32)
        .run(app)
        .await;
    Form::new("order pipeline steps", Who::Client(&bob), format!("/employer/pipeline/{step}/move"))
        .or_at(elsewhere("/employer/pipeline/{}/move", &[their_step]))
        .field("direction", ok(&["up", "down", "", "sideways"]))
        .shows("/employer/pipeline")
        .cases(24)
        .run(app)
        .await;
    Form::new("move to a step", Who::Client(&bob), format!("/applicants/{applicant}/stage"))
        .field(
            "stage",
            ok_owned(vec![format!("step-{step}"), format!("step-{their_step}"), "step-0".into(), "screening".into()]),
        )
        .field("reason", ok(&["", "experience"]))
        .shows(format!("/applicants/{applicant}"))
        .shows("/applicants/board")
        .cases(24)
        .run(app)
        .await;
    Form::new("delete a pipeline step", Who::Client(&bob), format!("/employer/pipeline/{step}/delete"))
        .or_at(elsewhere("/employer/pipeline/{}/delete", &[their_step]))
        .shows("/employer/pipeline")
        .shows(format!("/applicants/{applicant}"))
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;
}

pub(super) async fn seeker_forms_resumes_and_applications_survive_hostile_input(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let ben = app.seeker("ben").await;
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let mut jobs = Vec::new();
    for i in 0..6 {
        jobs.push(app.open_job(acme, &format!("Open Role {i}")).await);
    }
    let closed = app.insert_job(acme, "Closed Role", "closed").await;
    let draft = app.insert_job(acme, "Draft Role", "draft").await;
    let theirs = app.open_job(globex, "Globex Role").await;
    let mine = app.insert_resume(Some(ann.id), "Ann's resume").await;
    let bens = app.insert_resume(Some(ben.id), "Ben's resume").await;
    let ann_app = apply(&ann, jobs[0]).await;
    let ben_app = apply(&ben, jobs[1]).await;

    Upload::new("resume upload", &ann, "/resumes", "resume", Kind::Pdf).shows("/resumes").cases(80).run(app).await;
    Upload::new("resume upload (employer)", &bob, "/resumes", "resume", Kind::Pdf)
        .expect(&[404])
        .cases(12)
        .run(app)
        .await;

    Upload::new("apply", &ann, format!("/jobs/{}/apply", jobs[2]), "resume", Kind::Pdf)
        .or_at(jobs[3..].iter().map(|j| format!("/jobs/{j}/apply")))
        .or_at([closed, draft, theirs, jobs[0]].map(|j| format!("/jobs/{j}/apply")))
        .or_at(elsewhere("/jobs/{}/apply", &[]))
        .text("cover_letter", text("[A-Z][a-z ,.\\n]{0,200}"))
        .text("consent", ok(&["yes", "yes", "yes", "", "no"]))
        .text("resume_id", ok_owned(strings(&[mine, bens], &["new", ""])))
        .shows("/applications")
        .shows_to(&bob, "/applicants")
        .shows_to(&bob, "/applicants/board")
        .shows_to(&bob, "/notifications")
        .cases(80)
        .run(app)
        .await;
    Upload::new("apply (employer)", &bob, format!("/jobs/{}/apply", jobs[3]), "resume", Kind::Pdf)
        .text("resume_id", ok(&["new"]))
        .expect(&[403])
        .cases(12)
        .run(app)
        .await;

    Form::new("save a job", Who::Client(&ann), format!("/jobs/{}/save", jobs[1]))
        .or_at([format!("/jobs/{}/unsave", jobs[1]), format!("/jobs/{draft}/save"), format!("/jobs/{closed}/save")])
        .or_at(elsewhere("/jobs/{}/save", &[]))
        .field("next", ok(REDIRECTS))
        .shows("/saved-jobs")
        .shows("/jobs")
        .cases(48)
        .run(app)
        .await;

    Form::new("job alert", Who::Client(&ann), "/alerts")
        .field(
            "query",
            ok(&[
                "q=rust",
                "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "location=Berlin&remote=remote",
                "q=%22OR%22&type=contract",
                "q=NEAR(a+b)&category=Engineering",
                "salary_min=60k",
                "q=a&q=b",
                "location=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
            ]),
        )
        .shows("/alerts")
        .cases(64)
        .run(app)
        .await;
    post_ok(&ben, "/alerts", &[("query", "q=go")]).await;
    let bens_alert = last_id(app, "job_alerts").await;
    Form::new("delete someone else's alert", Who::Client(&ann), format!("/alerts/{bens_alert}/delete"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    let own_alert = scalar(app, format!("SELECT MAX(id) FROM job_alerts WHERE user_id = {}", ann.id)).await;
    Form::new("delete an alert", Who::Client(&ann), format!("/alerts/{own_alert}/delete"))
        .or_at(elsewhere("/alerts/{}/delete", &[]))
        .shows("/alerts")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;

    Form::new("message to the employer", Who::Client(&ann), format!("/applications/{ann_app}/messages"))
        .or_at(elsewhere("/applications/{}/messages", &[ben_app]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applications/{ann_app}/messages"))
        .shows("/messages")
        .shows_to(&bob, format!("/applicants/{ann_app}/messages"))
        .shows_to(&bob, "/messages")
        .shows_to(&bob, "/notifications")
        .shows_to(&bob, format!("/applicants/{ann_app}"))
        .cases(80)
        .run(app)
        .await;
    Form::new("message on someone else's application", Who::Client(&ann), format!("/applications/{ben_app}/messages"))
        .field("body", text("[A-Za-z ]{1,20}"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    let notification = scalar(app, format!("SELECT MAX(id) FROM notifications WHERE user_id = {}", bob.id)).await;
    Form::new("read a notification", Who::Client(&bob), format!("/notifications/{notification}/read"))
        .or_at(elsewhere("/notifications/{}/read", &[]))
        .field("next", ok(REDIRECTS))
        .shows("/notifications")
        .cases(32)
        .run(app)
        .await;
    Form::new("read every notification", Who::Client(&bob), "/notifications/read-all").cases(12).run(app).await;
    Form::new("withdraw someone else's application", Who::Client(&ben), format!("/applications/{ann_app}/withdraw"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("withdraw", Who::Client(&ben), format!("/applications/{ben_app}/withdraw"))
        .or_at(elsewhere("/applications/{}/withdraw", &[]))
        .shows("/applications")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;
}

pub(super) async fn crm_forms_survive_hostile_input(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let job = app.open_job(acme, "Rust Developer").await;
    let their_job = app.open_job(globex, "Globex Role").await;
    let portal = apply(&ann, job).await;
    let manual = app.insert_applicant(acme, Some(job), "Mia Manual", None).await;
    // E-mailed only (the edits above may leave `manual` without an address).
    let mailee = app.insert_applicant(acme, Some(job), "Mo Mail", None).await;
    let theirs = app.insert_applicant(globex, Some(their_job), "Gus Globex", None).await;
    let mut victims = Vec::new();
    for i in 0..3 {
        victims.push(app.insert_applicant(acme, None, &format!("Victim {i}"), None).await);
    }
    post_ok(&bob, "/email-templates/new", &[("name", "Hello"), ("subject", "Hi {{name}}"), ("body", "About {{job}}")])
        .await;
    let template = last_id(app, "email_templates").await;

    let mut new_applicant = Upload::new("add an applicant (employer)", &bob, "/applicants/new", "resume", Kind::Pdf);
    for (name, valid) in applicant_fields() {
        new_applicant = new_applicant.text(name, valid);
    }
    new_applicant
        .text("job", ok_owned(strings(&[job], &[""])))
        .shows("/applicants")
        .shows("/applicants/board")
        .shows("/applicants?q=script+alert")
        .shows_to(&root, "/applicants")
        .cases(80)
        .run(app)
        .await;
    let mut new_applicant = Upload::new("add an applicant (admin)", &root, "/applicants/new", "resume", Kind::Pdf);
    for (name, valid) in applicant_fields() {
        new_applicant = new_applicant.text(name, valid);
    }
    new_applicant
        .text("company_id", ok_owned(strings(&[acme, globex], &[])))
        .text("job", ok(&[""]))
        .shows("/applicants")
        .cases(48)
        .run(app)
        .await;

    with_applicant_fields(Form::new("edit an applicant", Who::Client(&bob), format!("/applicants/{manual}/edit")))
        .or_at([format!("/applicants/{portal}/edit")])
        .or_at(elsewhere("/applicants/{}/edit", &[theirs]))
        .field("job", ok_owned(strings(&[job, their_job], &["", "abc"])))
        .shows(format!("/applicants/{manual}"))
        .shows("/applicants")
        .shows("/applicants/board")
        .shows("/applicants/export.csv")
        .shows_to(&root, format!("/applicants/{manual}"))
        .cases(80)
        .run(app)
        .await;
    with_applicant_fields(Form::new(
        "edit another company's applicant",
        Who::Client(&bob),
        format!("/applicants/{theirs}/edit"),
    ))
    .expect(&[404, 413])
    .cases(24)
    .run(app)
    .await;

    Form::new("note", Who::Client(&bob), format!("/applicants/{manual}/notes"))
        .or_at(elsewhere("/applicants/{}/notes", &[theirs]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applicants/{manual}"))
        .shows_to(&root, format!("/applicants/{manual}"))
        .cases(64)
        .run(app)
        .await;
    Form::new("stage", Who::Client(&bob), format!("/applicants/{manual}/stage"))
        .or_at([format!("/applicants/{portal}/stage")])
        .or_at(elsewhere("/applicants/{}/stage", &[theirs]))
        .field("stage", ok(STAGES))
        .field("reason", ok(&["", "experience", "other", "vibes"]))
        .field(
            "next",
            ok(&["", "/applicants", "/applicants/board?job=1", "/applicants?stage=offer", "//evil.example", "/admin"]),
        )
        .shows(format!("/applicants/{manual}"))
        .shows("/applicants/board")
        .shows_to(&ann, format!("/applications/{portal}"))
        .shows_to(&ann, "/notifications")
        .cases(64)
        .run(app)
        .await;
    Form::new("status", Who::Client(&bob), format!("/applicants/{manual}/status"))
        .or_at(elsewhere("/applicants/{}/status", &[theirs]))
        .field("status", ok(&["open", "pending", "closed"]))
        .shows(format!("/applicants/{manual}"))
        .cases(48)
        .run(app)
        .await;
    Form::new("employment type", Who::Client(&bob), format!("/applicants/{manual}/type"))
        .or_at(elsewhere("/applicants/{}/type", &[theirs]))
        .field("employment_type", ok(TYPES))
        .shows(format!("/applicants/{manual}"))
        .cases(48)
        .run(app)
        .await;
    for (label, path) in [("tag", "tags"), ("untag", "tags/remove")] {
        Form::new(label, Who::Client(&bob), format!("/applicants/{manual}/{path}"))
            .or_at(elsewhere(&format!("/applicants/{{}}/{path}"), &[theirs]))
            .field("tag", ok(&["senior", "  Senior  Dev ", "", "<script>", "a,b", "node.js"]))
            .shows(format!("/applicants/{manual}"))
            .shows("/applicants?tag=senior")
            .cases(40)
            .run(app)
            .await;
    }
    let people = strings(&[bob.id, root.id, carl.id, ann.id], &["none", "999999", "", "me"]);
    Form::new("assign (admin)", Who::Client(&root), format!("/applicants/{manual}/assign"))
        .or_at(elsewhere("/applicants/{}/assign", &[]))
        .field("assignee", ok_owned(people.clone()))
        .shows(format!("/applicants/{manual}"))
        .shows_to(&bob, "/applicants?assignee=me")
        .cases(48)
        .run(app)
        .await;
    Form::new("assign (employer)", Who::Client(&bob), format!("/applicants/{manual}/assign"))
        .field("assignee", ok_owned(people.clone()))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    let others = strings(&[manual, portal, mailee, theirs], &["", "abc", "-1", "0", "999999"]);
    Form::new("merge", Who::Client(&bob), format!("/applicants/{mailee}/merge"))
        .or_at(elsewhere("/applicants/{}/merge", &[theirs]))
        .field("other", ok_owned(others))
        .field("next", ok(&["", "/applicants", "//evil.example"]))
        .shows(format!("/applicants/{mailee}"))
        .shows("/applicants")
        .shows("/applicants/duplicates")
        .min_accepted(0)
        .cases(40)
        .run(app)
        .await;
    for id in [manual, portal] {
        post_ok(&bob, &format!("/applicants/{id}/unmerge"), &[]).await;
    }
    Form::new("undo a merge", Who::Client(&bob), format!("/applicants/{manual}/unmerge"))
        .or_at(elsewhere("/applicants/{}/unmerge", &[theirs]))
        .field("next", ok(&["", "/applicants", "//evil.example"]))
        .shows(format!("/applicants/{manual}"))
        .cases(16)
        .run(app)
        .await;

    let ids = || {
        ids_field(
            "ids",
            strings(&[manual, portal, mailee], &[]),
            &[&theirs.to_string(), "abc", "-1", "0", "9223372036854775808", ""],
        )
    };
    for (label, who, cases) in [("bulk actions (employer)", &bob, 64), ("bulk actions (admin)", &root, 40)] {
        Form::new(label, Who::Client(who), "/applicants/bulk")
            .with(ids())
            .field("action", ok(&["stage", "assign", "export", "tag", "untag"]))
            .field("stage", ok(STAGES))
            .field("reason", ok(&["", "salary", "no_response", "vibes"]))
            .field("template", ok(&["", "none", "1", "2", "999999", "x"]))
            .field("tag", ok(&["senior", "  Senior  Dev ", "", "<b>", "c++"]))
            .field("assignee", ok_owned(people.clone()))
            .field(
                "next",
                ok(&[
                    "",
                    "/applicants",
                    "/applicants?stage=offer&page=2",
                    "/applicants?q=%3Cscript%3E",
                    "/applicants?page=99999999999",
                    "//evil.example",
                ]),
            )
            .shows("/applicants")
            .cases(cases)
            .run(app)
            .await;
    }

    let subject =
        || prop_oneof![re("[A-Z][a-z ]{2,30}"), ok(&["Hello {{name}}", "About {{job}}", IMG, "{{nope}}"])].boxed();
    let body = || {
        prop_oneof![re("[A-Z][a-z ,.\\n]{1,200}"), ok(&["Dear {{name}},\n\nAbout {{job}} at {{company}}.", SCRIPT])]
            .boxed()
    };
    let steps = || ok(&["template", "preview", "send", "send", ""]);
    let templates = || ok_owned(strings(&[template], &["", "999999", "abc"]));
    Form::new("e-mail an applicant", Who::Client(&bob), format!("/applicants/{mailee}/email"))
        .or_at(elsewhere("/applicants/{}/email", &[theirs]))
        .field("subject", subject())
        .field("body", body())
        .field("template_id", templates())
        .field("step", steps())
        .shows(format!("/applicants/{mailee}/email"))
        .shows(format!("/applicants/{mailee}"))
        .shows_to(&root, "/admin/outbox")
        .cases(80)
        .run(app)
        .await;
    Form::new("e-mail a selection", Who::Client(&bob), "/applicants/email")
        .with(ids())
        .field("subject", subject())
        .field("body", body())
        .field("template_id", templates())
        .field("step", steps())
        .shows("/applicants")
        .shows_to(&root, "/admin/outbox")
        .cases(64)
        .run(app)
        .await;
    Form::new("message to a candidate", Who::Client(&bob), format!("/applicants/{portal}/messages"))
        .or_at(elsewhere("/applicants/{}/messages", &[theirs, manual]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applicants/{portal}/messages"))
        .shows_to(&ann, format!("/applications/{portal}/messages"))
        .shows_to(&ann, "/notifications")
        .shows_to(&ann, "/messages")
        .cases(64)
        .run(app)
        .await;
    Form::new("delete an applicant (employer)", Who::Client(&bob), format!("/applicants/{}/delete", victims[2]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("delete an applicant (admin)", Who::Client(&root), format!("/applicants/{}/delete", victims[0]))
        .or_at(victims[1..].iter().map(|v| format!("/applicants/{v}/delete")))
        .or_at(elsewhere("/applicants/{}/delete", &[]))
        .shows("/applicants")
        .cases(32)
        .run(app)
        .await;
}
