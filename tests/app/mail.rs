//! The mail service (`src/mail`): notices, the outbox worker, retries and
//! several instances, against a real SMTP server on loopback; and what the
//! e-mail tests share (`email`, `account::reset`).

use diesel::prelude::*;
use jobconnect::db::outbox::{MailState, OutgoingEmail};
use jobconnect::db::schema::{applicant_events, messages, outbox};
use jobconnect::db::{self, AnyConnection};
use jobconnect::domain::Stage;
use jobconnect::mail::notices;

use crate::both_backends;
use crate::helpers::ReservedPort;
use crate::helpers::{Backend, TestApp, TestUser, wait_for};
use crate::smtp::{SmtpServer, duplicates, second_instance, spawn_app};

/// The app sending to a fresh SMTP server.
pub(crate) async fn app_with_smtp(backend: Backend) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app(backend, move |s| s.smtp_url = Some(url)).await;
    (app, smtp)
}

/// The app sending to a fresh SMTP server, with no outbox worker: the
/// test sends what is due with `app.deliver_outbox()` (no waiting).
pub(crate) async fn app_sending_on_demand(backend: Backend) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = spawn_app(backend, move |s| {
        s.smtp_url = Some(url);
        s.background_workers = false;
    })
    .await;
    (app, smtp)
}

/// Sends what is due (`app.deliver_outbox()`, for an app from
/// `app_sending_on_demand`) and returns every message the server holds,
/// which must be `n`.
pub(crate) async fn delivered(app: &TestApp, smtp: &SmtpServer, n: usize) -> Vec<crate::smtp::Mail> {
    app.deliver_outbox().await;
    let mails = smtp.messages();
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject()).collect();
    assert_eq!(mails.len(), n, "{n} e-mails sent in all: {subjects:?}");
    mails
}

/// `(id, state, attempts, last_error)` of every outbox row, oldest first.
pub(crate) async fn outbox_rows(app: &TestApp) -> Vec<(i64, String, i32, Option<String>)> {
    app.db
        .run(|c| {
            outbox::table
                .select((outbox::id, outbox::state, outbox::attempts, outbox::last_error))
                .order(outbox::id)
                .load::<(i64, String, i32, Option<String>)>(c)
        })
        .await
        .unwrap()
}

pub(crate) async fn wait_for_state(app: &TestApp, id: i64, state: &str) -> (i64, String, i32, Option<String>) {
    wait_for(&format!("e-mail {id} to be {state}"), || async {
        outbox_rows(app).await.into_iter().find(|r| r.0 == id && r.1 == state)
    })
    .await
}

pub(crate) async fn count_state(app: &TestApp, state: &'static str) -> i64 {
    app.db.run(move |c| outbox::table.filter(outbox::state.eq(state)).count().get_result::<i64>(c)).await.unwrap()
}

/// An employer of Acme with an open job and one applicant for it.
pub(crate) struct Hiring {
    pub bob: TestUser,
    pub company: i64,
    pub applicant: i64,
}

pub(crate) async fn hiring(app: &TestApp) -> Hiring {
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let applicant = app.insert_applicant(company, Some(job), "Ann Lee", None).await;
    Hiring { bob, company, applicant }
}

async fn system_emails_arrive(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let applicant = app.insert_applicant(company, Some(job), "Ann", Some(ann.id)).await;
    let settings = app.settings.clone();
    let (ann_id, bob_id) = (ann.id, bob.id);
    let queued = app
        .db
        .run(move |c: &mut AnyConnection| {
            db::transaction(c, |c| {
                let mut ids = notices::application_received(c, &settings, applicant)?;
                ids.extend(notices::stage_changed(c, &settings, applicant, Stage::Interview, bob_id)?);
                let message: i64 = diesel::insert_into(messages::table)
                    .values((
                        messages::applicant_id.eq(applicant),
                        messages::sender_id.eq(Some(bob_id)),
                        messages::body.eq("Could you come in on Monday at 10?"),
                        messages::created_at.eq(db::now()),
                    ))
                    .returning(messages::id)
                    .get_result(c)?;
                ids.extend(notices::new_message(c, &settings, message, ann_id)?);
                Ok::<_, diesel::result::Error>(ids)
            })
        })
        .await
        .unwrap();
    assert_eq!(queued.len(), 4, "seeker + employer, stage, message");
    let mails = delivered(&app, &smtp, 4).await;
    let find = |to: &str, subject: &str| {
        mails.iter().find(|m| m.rcpt_to() == to && m.subject() == subject).unwrap_or_else(|| {
            panic!("no e-mail {subject:?} to {to}: {:?}", mails.iter().map(|m| m.subject()).collect::<Vec<_>>())
        })
    };
    let base = &app.settings.base_url;
    let received = find("ann@example.com", "Your application for Rust Engineer at Acme");
    assert!(received.text.contains("Thank you for applying for Rust Engineer at Acme"), "{}", received.text);
    assert!(received.text.contains(&format!("{base}/applications")));
    let html = received.html.as_deref().expect("an HTML part too");
    assert!(html.contains("<strong>Rust Engineer</strong>") && html.contains(&format!("href=\"{base}/applications\"")));
    let employer = find("bob@example.com", "New application: Ann for Rust Engineer");
    assert!(employer.text.contains(&format!("{base}/applicants/{applicant}")), "{}", employer.text);
    let stage = find("ann@example.com", "Your application for Rust Engineer: Interview");
    assert!(stage.text.contains("would like to interview you"), "{}", stage.text);
    let message = find("ann@example.com", "New message from bob (Acme) about Rust Engineer");
    assert!(message.text.contains("Could you come in on Monday at 10?"), "{}", message.text);

    // A candidate added by hand has no account: no stage e-mail.
    let manual = app.insert_applicant(company, Some(job), "Manual Mo", None).await;
    let settings = app.settings.clone();
    let none = app.db.run(move |c| notices::stage_changed(c, &settings, manual, Stage::Offer, bob_id)).await.unwrap();
    assert_eq!(none, None);
    app.stop().await;
}

/// Closing a job with "E-mail its open applicants" ticked tells each one
/// still in the running (a seeker's account address, or a hand-added
/// candidate's), in the transaction of the close, with a timeline line each;
/// closed and withdrawn applicants and an unticked close send nothing.
async fn closing_a_job_can_tell_its_open_applicants(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let (ann, carl) = (app.seeker("ann").await, app.seeker("carl").await);
    let ann_applicant = app.insert_applicant(company, Some(job), "Ann", Some(ann.id)).await;
    let carl_applicant = app.insert_applicant(company, Some(job), "Carl", Some(carl.id)).await;
    app.insert_applicant(company, Some(job), "Manual Mo", None).await;
    app.db
        .run(move |c| {
            use jobconnect::db::schema::applicants;
            diesel::update(applicants::table.find(carl_applicant)).set(applicants::status.eq("closed")).execute(c)
        })
        .await
        .unwrap();

    let resp = bob
        .post_form(&format!("/employer/jobs/{job}/close"), &[("notify_applicants", "on"), ("next", "/employer/jobs")])
        .await;
    resp.assert_status(303);
    assert!(bob.get(resp.location()).await.text().contains("Its 2 open applicants are told by e-mail."));
    assert_eq!(app.job_status(job).await, "closed");
    let mails = delivered(&app, &smtp, 2).await;
    let mut to: Vec<_> = mails.iter().map(|m| (m.rcpt_to().to_string(), m.subject().to_string())).collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("ann@example.com".to_string(), "Rust Engineer at Acme has closed".to_string()),
            ("manual.mo@example.com".to_string(), "Rust Engineer at Acme has closed".to_string()),
        ]
    );
    assert!(mails[0].text.contains("no longer taking applications"), "{}", mails[0].text);
    let events = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(ann_applicant).and(applicant_events::kind.eq("email")))
                .filter(applicant_events::outbox_id.is_not_null())
                .count()
                .get_result::<i64>(c)
        })
        .await
        .unwrap();
    assert_eq!(events, 1, "the timeline says so");

    // Without the box ticked: closed, nobody told.
    let quiet = app.open_job(company, "Go Engineer").await;
    app.insert_applicant(company, Some(quiet), "Dora", None).await;
    bob.post_form(&format!("/employer/jobs/{quiet}/close"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(quiet).await, "closed");
    assert_eq!(outbox_rows(&app).await.len(), 2, "no e-mail queued");
    app.stop().await;
}

/// A template may go out by itself on a move to a stage, and a bulk move may
/// send one it chooses, or none; another company's template moves nobody.
async fn stage_moves_send_the_stages_or_the_chosen_template(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let ann = app.insert_applicant(company, Some(job), "Ann", None).await;
    let (carl, dora) = (
        app.insert_applicant(company, Some(job), "Carl", None).await,
        app.insert_applicant(company, Some(job), "Dora", None).await,
    );
    let template = |name: &'static str, subject: &'static str, body: &'static str, stage: &'static str| {
        [("name", name), ("subject", subject), ("body", body), ("auto_stage", stage)]
    };
    let invite = template("Invite", "Interview for {{job}}", "Hello {{name}}, let us talk about {{job}}.", "interview");
    bob.post_form("/email-templates/new", &invite).await.assert_status(303);
    let no = template("Polite no", "Your application at {{company}}", "Dear {{name}}, thank you.", "");
    bob.post_form("/email-templates/new", &no).await.assert_status(303);
    let bad = bob.post_form("/email-templates/new", &template("X", "S", "B", "party")).await;
    bad.assert_status(422);
    assert!(bad.text().contains("Choose one of the stages"), "{}", bad.text());
    eve.post_form("/email-templates/new", &template("Theirs", "S", "B", "")).await.assert_status(303);
    let listed = bob.get("/email-templates").await;
    assert!(listed.text().contains("On Interview"), "{}", listed.text());
    let id_of = |name: &'static str| {
        app.db.run(move |c| {
            use jobconnect::db::schema::email_templates;
            email_templates::table.filter(email_templates::name.eq(name)).select(email_templates::id).first::<i64>(c)
        })
    };
    let (polite, theirs) = (id_of("Polite no").await.unwrap().to_string(), id_of("Theirs").await.unwrap().to_string());

    // One applicant moved to Interview: the stage's template, placeholders filled, on the timeline.
    bob.post_form(&format!("/applicants/{ann}/stage"), &[("stage", "interview"), ("tell", "yes")])
        .await
        .assert_status(303);
    let mails = delivered(&app, &smtp, 1).await;
    assert_eq!((mails[0].rcpt_to(), mails[0].subject()), ("ann@example.com", "Interview for Rust Engineer"));
    assert!(mails[0].text.contains("Hello Ann, let us talk about Rust Engineer."), "{}", mails[0].text);
    let emailed = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(ann).and(applicant_events::kind.eq("email")))
                .filter(applicant_events::outbox_id.is_not_null())
                .count()
                .get_result::<i64>(c)
        })
        .await
        .unwrap();
    assert_eq!(emailed, 1);

    // Rejecting a selection with a template: the reason page keeps the choice.
    let (carl_id, dora_id) = (carl.to_string(), dora.to_string());
    let mut reject = vec![("ids", carl_id.as_str()), ("ids", dora_id.as_str()), ("action", "stage")];
    reject.extend([("stage", "rejected"), ("template", polite.as_str()), ("tell", "yes"), ("next", "/applicants")]);
    let asked = bob.post_form("/applicants/bulk", &reject).await;
    asked.assert_status(422);
    assert!(asked.body.contains(&format!("name=\"template\" value=\"{polite}\"")), "{}", asked.body);
    assert!(asked.body.contains(r#"name="tell" value="yes""#), "the reason page keeps the tick");
    reject.push(("reason", "experience"));
    let done = bob.post_form("/applicants/bulk", &reject).await;
    done.assert_status(303);
    assert!(
        bob.get("/applicants").await.text().contains("Moved 2 applicants to Rejected. 2 e-mails are on their way.")
    );
    let mails = delivered(&app, &smtp, 3).await;
    let mut to: Vec<_> = mails[1..].iter().map(|m| (m.rcpt_to().to_string(), m.subject().to_string())).collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("carl@example.com".to_string(), "Your application at Acme".to_string()),
            ("dora@example.com".to_string(), "Your application at Acme".to_string()),
        ]
    );

    // No e-mail this time, even where the stage has one.
    let quiet = [("ids", carl_id.as_str()), ("action", "stage"), ("stage", "interview"), ("template", "none")];
    bob.post_form("/applicants/bulk", &quiet).await.assert_status(303);
    assert_eq!(app.applicant(carl).await.unwrap().stage, Stage::Interview);
    // Another company's template, or no number: refused, nobody moves.
    for bad in [theirs.as_str(), "polite"] {
        let stray =
            [("ids", dora_id.as_str()), ("action", "stage"), ("stage", "offer"), ("template", bad), ("tell", "yes")];
        let resp = bob.post_form("/applicants/bulk", &stray).await;
        resp.assert_status(422);
        assert_eq!(app.applicant(dora).await.unwrap().stage, Stage::Rejected, "{bad}");
    }
    assert_eq!(outbox_rows(&app).await.len(), 3, "nothing more queued");
    app.stop().await;
}

/// Every move to another stage tells a seeker who applied on the portal, in
/// kind words naming the stage only: the company's template for the stage
/// where it set one (one e-mail, not two), the portal's note otherwise, none
/// when "Tell the candidate" is unticked or the candidate was added by hand.
async fn a_move_tells_the_seeker_unless_unticked(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let applicant = app.insert_applicant(company, Some(job), "Ann Lee", Some(ann.id)).await;
    let by_hand = app.insert_applicant(company, Some(job), "Hal Hand", None).await;
    let template = [
        ("name", "Reviewing"),
        ("subject", "We are reading, {{name}}"),
        ("body", "Soon."),
        ("auto_stage", "screening"),
    ];
    bob.post_form("/email-templates/new", &template).await.assert_status(303);
    let page = bob.get(&format!("/applicants/{applicant}")).await;
    assert_eq!(page.select(r#"input[type="checkbox"][name="tell"][checked]"#).len(), 1, "ticked by default");
    let move_to = |stage: &'static str, tell: bool| {
        let mut form = vec![("stage", stage), ("reason", "experience")];
        if tell {
            form.push(("tell", "yes"));
        }
        form
    };
    let path = format!("/applicants/{applicant}/stage");

    bob.post_form(&path, &move_to("screening", true)).await.assert_status(303);
    let mails = delivered(&app, &smtp, 1).await;
    // The company's own letter goes where the application says; the portal's to the account.
    assert_eq!((mails[0].rcpt_to(), mails[0].subject()), ("ann.lee@example.com", "We are reading, Ann Lee"));

    bob.post_form(&path, &move_to("interview", true)).await.assert_status(303);
    assert!(bob.get(&format!("/applicants/{applicant}")).await.text().contains("The candidate is told by e-mail."));
    let mails = delivered(&app, &smtp, 2).await;
    assert_eq!(mails[1].subject(), "Your application for Rust Engineer: Interview");
    assert!(mails[1].text.contains("would like to interview you"), "{}", mails[1].text);
    assert!(mails[1].text.contains(&format!("/applications/{applicant}")), "links the application");

    bob.post_form(&path, &move_to("offer", false)).await.assert_status(303);
    assert_eq!(app.applicant(applicant).await.unwrap().stage, Stage::Offer);
    let hand = format!("/applicants/{by_hand}/stage");
    bob.post_form(&hand, &move_to("interview", true)).await.assert_status(303);

    bob.post_form(&path, &move_to("rejected", true)).await.assert_status(303);
    let mails = delivered(&app, &smtp, 3).await;
    assert_eq!(mails[2].subject(), "Your application for Rust Engineer at Acme");
    let text = &mails[2].text;
    assert!(text.contains("decided not to move forward") && text.contains("every success"), "{text}");
    for internal in ["experience", "Experience", "Rejected"] {
        assert!(!text.contains(internal), "the reason and the stage's name stay inside: {text}");
    }
    assert_eq!(outbox_rows(&app).await.len(), 3, "one e-mail per move told, none unticked or by hand");
    let emailed = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(applicant).and(applicant_events::kind.eq("email")))
                .count()
                .get_result::<i64>(c)
        })
        .await
        .unwrap();
    assert_eq!(emailed, 3, "each e-mail is on the timeline");
    app.stop().await;
}

/// Applying on the portal e-mails the seeker and each employer of the company,
/// queued in the transaction of the application.
async fn applying_emails_the_seeker_and_each_employer(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let resp = crate::seekers::apply_with_file(&ann, job, "Hello!", crate::seekers::pdf_part("Ann's resume")).await;
    resp.assert_status(303);
    let mails = delivered(&app, &smtp, 2).await;
    let mut to: Vec<_> = mails.iter().map(|m| (m.rcpt_to().to_string(), m.subject().to_string())).collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("ann@example.com".to_string(), "Your application for Rust Engineer at Acme".to_string()),
            ("bob@example.com".to_string(), "New application: ann for Rust Engineer".to_string()),
        ]
    );
    app.stop().await;
}

async fn smtp_down_email_waits_then_is_delivered_once(backend: Backend) {
    // Reserved, not listening: the app's connections are refused until the server starts on it.
    let reserved = ReservedPort::new();
    let port = reserved.port;
    let app = spawn_app(backend, move |s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    let path = format!("/applicants/{applicant}/email");
    bob.post_form(&path, &[("subject", "Hello {{name}}"), ("body", "Are you there?"), ("step", "send")])
        .await
        .assert_status(303);
    let id = outbox_rows(&app).await[0].0;
    let (_, _, attempts, error) = wait_for_state(&app, id, "retrying").await;
    assert!(attempts >= 1);
    assert!(error.is_some_and(|e| !e.is_empty()), "the error is recorded");
    // The row goes back and forth between retrying and sending: wait for the page to say it waits.
    let page = wait_for("the page to say the e-mail waits", || async {
        let page = bob.get(&path).await;
        page.select(".mail-history li").first().is_some_and(|h| h.contains("Waiting to retry")).then_some(page)
    })
    .await;
    assert!(!page.select(".mail-history .mail-error").is_empty(), "with the reason");

    let smtp = SmtpServer::start_on(reserved).await;
    smtp.wait_for_messages(1).await;
    wait_for_state(&app, id, "sent").await;
    // A later e-mail arrives after it; the first was not sent a second time.
    bob.post_form(&path, &[("subject", "Second"), ("body", "Marker"), ("step", "send")]).await.assert_status(303);
    let mails = smtp.wait_for_messages(2).await;
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject()).collect();
    assert_eq!(subjects, ["Hello Ann Lee", "Second"]);
    assert!(bob.get(&path).await.select(".mail-history li")[1].contains("Sent"));
    app.stop().await;
}

/// Queues `n` e-mails straight into the outbox (the rows are the subject, not a form).
pub(crate) async fn queue_many(app: &TestApp, n: usize, prefix: &str) {
    let prefix = prefix.to_string();
    app.db
        .run(move |c| {
            db::transaction(c, |c| {
                for i in 0..n {
                    jobconnect::db::outbox::enqueue(
                        c,
                        &OutgoingEmail {
                            to: format!("user{i}@example.com"),
                            to_name: format!("User {i}"),
                            subject: format!("{prefix} {i}"),
                            text: format!("Body {i}"),
                            html: None,
                            applicant_id: None,
                            about_applicant_id: None,
                        },
                    )?;
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .await
        .unwrap();
}

/// PostgreSQL: several claimers on one outbox never get the same row, and two
/// app instances draining it send every e-mail exactly once.
async fn two_instances_send_every_row_exactly_once(backend: Backend) {
    if backend == Backend::Sqlite {
        return; // one instance per SQLite file; its single worker is covered everywhere else
    }
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let first = spawn_app(backend, |s| s.background_workers = false).await;
    queue_many(&first, 400, "Bulk").await;

    // Four claimers at once, straight on the data layer.
    let mut claimers = Vec::new();
    for _ in 0..4 {
        let pool = first.db.pool().clone();
        claimers.push(tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            let mut mine = Vec::new();
            loop {
                let batch = jobconnect::db::outbox::claim_due(&mut conn, 13).unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|r| r.id));
            }
        }));
    }
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    let distinct: std::collections::BTreeSet<i64> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 400, "every row claimed once");
    assert_eq!(distinct.len(), 400, "no row claimed twice");
    // Back to the queue for the real workers.
    first
        .db
        .run(|c| {
            diesel::update(outbox::table)
                .set((
                    outbox::state.eq("queued"),
                    outbox::attempts.eq(0),
                    outbox::locked_until.eq(None::<time::PrimitiveDateTime>),
                ))
                .execute(c)
        })
        .await
        .unwrap();

    let tweak = |url: String| {
        move |s: &mut jobconnect::config::Settings| {
            s.smtp_url = Some(url);
            s.mail_delivery.batch_size = 10;
            s.mail_delivery.concurrency = 4;
        }
    };
    let a = second_instance(&first, tweak(url.clone())).await;
    let b = second_instance(&first, tweak(url)).await;
    let mails = smtp.wait_for_messages(400).await;
    wait_for("every row sent", || async { (count_state(&first, "sent").await == 400).then_some(()) }).await;
    let again = smtp.messages();
    assert_eq!(again.len(), 400, "no e-mail twice");
    assert!(duplicates(mails.iter().map(|m| m.message_id())).is_empty());
    assert!(duplicates(again.iter().map(|m| m.subject())).is_empty());
    a.stop().await;
    b.stop().await;
    first.stop().await;
}

/// A server that answers and refuses the recipient (550): the refusal is
/// recorded, retried until the attempts run out, and nothing is delivered.
async fn a_refusing_server_fails_the_email_with_its_answer(backend: Backend) {
    let smtp = SmtpServer::start_refusing().await;
    let url = smtp.url();
    let app = spawn_app(backend, move |s| {
        s.smtp_url = Some(url);
        s.mail_delivery.max_attempts = 2;
    })
    .await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    bob.post_form(&format!("/applicants/{applicant}/email"), &[("subject", "Offer"), ("body", "x"), ("step", "send")])
        .await
        .assert_status(303);
    let id = outbox_rows(&app).await[0].0;
    let (_, _, attempts, error) = wait_for_state(&app, id, "failed").await;
    assert_eq!(attempts, 2);
    let error = error.unwrap();
    assert!(error.contains("550") || error.contains("Mailbox unavailable"), "the server's answer is kept: {error}");
    assert!(smtp.messages().is_empty(), "nothing was delivered");
    app.stop().await;
}

async fn without_smtp_mail_goes_to_eml_files(app: &TestApp) {
    let dir = app.settings.mail_dir.clone();
    queue_many(app, 2, "Local").await;
    let files = wait_for("two .eml files", || {
        let dir = dir.clone();
        async move {
            let files: Vec<String> = std::fs::read_dir(&dir)
                .ok()?
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect();
            // A file may be listed while the transport is still writing it.
            let complete = |subject: &str| files.iter().any(|f| f.contains(subject) && f.contains("\r\n\r\n"));
            (files.len() == 2 && complete("Subject: Local 0") && complete("Subject: Local 1")).then_some(files)
        }
    })
    .await;
    assert!(files.iter().all(|f| f.contains("To: ")), "each file is a whole message");
    wait_for("both recorded as sent", || async { (count_state(app, "sent").await == 2).then_some(()) }).await;
}

async fn a_claim_left_by_a_crashed_worker_is_taken_over(app: &TestApp) {
    // Two rows a worker claimed before it died: one lease is over, one still runs.
    // One transaction, so the running worker never sees them half-written.
    let (stale, leased) = app
        .db
        .run(|c| {
            db::transaction(c, |c| {
                let mut ids = Vec::new();
                for (subject, lease) in [("Stale", -1), ("Leased", 10)] {
                    let id = jobconnect::db::outbox::enqueue(
                        c,
                        &OutgoingEmail {
                            to: "ann@example.com".into(),
                            to_name: String::new(),
                            subject: subject.into(),
                            text: "x".into(),
                            html: None,
                            applicant_id: None,
                            about_applicant_id: None,
                        },
                    )?;
                    diesel::update(outbox::table.find(id))
                        .set((
                            outbox::state.eq(MailState::Sending),
                            outbox::attempts.eq(1),
                            outbox::locked_until.eq(Some(db::now() + time::Duration::minutes(lease))),
                        ))
                        .execute(c)?;
                    ids.push(id);
                }
                Ok::<_, diesel::result::Error>((ids[0], ids[1]))
            })
        })
        .await
        .unwrap();
    let (_, _, attempts, _) = wait_for_state(app, stale, "sent").await;
    assert_eq!(attempts, 2, "the crashed attempt counts");
    let rows = outbox_rows(app).await;
    let held = rows.iter().find(|r| r.0 == leased).unwrap();
    assert_eq!((held.1.as_str(), held.2), ("sending", 1), "a running lease is not taken");
}

/// Stopping the app mid-drain: sends in flight finish and are recorded, the
/// rest go back to the queue; a new instance sends those, nothing twice.
async fn shutdown_mid_drain_loses_and_repeats_nothing(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_database) = crate::helpers::fresh_database(backend, dir.path()).await.expect("a database");
    let mut settings = crate::helpers::test_settings(dir.path(), url);
    crate::smtp::quick_mail(&mut settings);
    settings.smtp_url = Some(smtp.url());
    settings.mail_delivery.batch_size = 50;
    settings.mail_delivery.concurrency = 4;
    // Fill the outbox before any worker runs.
    let db = jobconnect::db::Db::new(&settings.database_url, 2).unwrap();
    let migrating = db.clone();
    tokio::task::spawn_blocking(move || migrating.migrate()).await.unwrap().unwrap();
    let total = 600;
    db.run(move |c| {
        db::transaction(c, |c| {
            for i in 0..total {
                jobconnect::db::outbox::enqueue(
                    c,
                    &OutgoingEmail {
                        to: format!("user{i}@example.com"),
                        to_name: String::new(),
                        subject: format!("Drain {i}"),
                        text: "x".into(),
                        html: None,
                        applicant_id: None,
                        about_applicant_id: None,
                    },
                )?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .await
    .unwrap();

    let app = jobconnect::startup::Application::build(settings.clone()).await.unwrap();
    let handle = app.handle();
    let running = tokio::spawn(app.run_until_stopped());
    smtp.wait_for_messages(20).await;
    handle.stop(true).await;
    running.await.unwrap().unwrap();

    let count = |state: &'static str| {
        let db = db.clone();
        async move {
            db.run(move |c| outbox::table.filter(outbox::state.eq(state)).count().get_result::<i64>(c)).await.unwrap()
        }
    };
    assert_eq!(count("sending").await, 0, "no claim left behind");
    let sent = count("sent").await;
    assert_eq!(smtp.messages().len() as i64, sent, "every e-mail that went out is recorded");
    eprintln!("stopped after {sent} of {total}");

    let again = jobconnect::startup::Application::build(settings).await.unwrap();
    let handle = again.handle();
    let running = tokio::spawn(again.run_until_stopped());
    let mails = smtp.wait_for_messages(total).await;
    wait_for("all sent", || async { (count("sent").await == total as i64).then_some(()) }).await;
    handle.stop(true).await;
    running.await.unwrap().unwrap();
    let mails_after = smtp.messages();
    assert_eq!(mails_after.len(), total, "each exactly once");
    assert!(duplicates(mails.iter().map(|m| m.subject())).is_empty());
    drop(db);
    if let (Some(name), Some(admin)) = (pg_database, crate::helpers::postgres_url()) {
        let _ = tokio::task::spawn_blocking(move || {
            let mut conn = diesel::PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn)
        })
        .await;
    }
}

both_backends!(backend:
    closing_a_job_can_tell_its_open_applicants,
    stage_moves_send_the_stages_or_the_chosen_template,
    system_emails_arrive,
    applying_emails_the_seeker_and_each_employer,
    a_move_tells_the_seeker_unless_unticked,
    smtp_down_email_waits_then_is_delivered_once,
    two_instances_send_every_row_exactly_once,
    a_refusing_server_fails_the_email_with_its_answer,
    shutdown_mid_drain_loses_and_repeats_nothing,
);

both_backends!(without_smtp_mail_goes_to_eml_files, a_claim_left_by_a_crashed_worker_is_taken_over,);
