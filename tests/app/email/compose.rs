//! `/applicants/{id}/email` and `/applicants/email`: e-mails written to
//! applicants, one or a selection, with or without a saved template.

use diesel::prelude::*;
use jobconnect::db::outbox::{MailState, OutgoingEmail};
use jobconnect::db::schema::{applicant_events, outbox};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, wait_for};
use crate::mail::*;

async fn composed_email_arrives_with_placeholders_filled(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    let path = format!("/applicants/{applicant}/email");

    let form = bob.get(&path).await;
    form.assert_status(200);
    assert!(form.text().contains("ann.lee@example.com"), "the recipient is shown");

    let fields = [
        ("subject", "Interview for {{job}}"),
        ("body", "Dear {{ name }},\r\n\r\nwe at {{company}} would like to meet you.\r\n\r\nBob"),
    ];
    let preview = bob.post_form(&path, &[&fields[..], &[("step", "preview")]].concat()).await;
    preview.assert_status(200);
    let text = preview.text();
    assert!(text.contains("Interview for Rust Engineer"), "{text}");
    assert!(text.contains("Dear Ann Lee,"), "{text}");
    assert!(text.contains("Nothing is sent until you press Send"));
    assert_eq!(app.count("outbox").await, 0, "a preview sends nothing");

    let sent = bob.post_form(&path, &[&fields[..], &[("step", "send")]].concat()).await;
    sent.assert_status(303);
    assert_eq!(sent.location(), path);

    let mail = delivered(&app, &smtp, 1).await.remove(0);
    assert_eq!(mail.rcpt_to(), "ann.lee@example.com");
    assert!(mail.header("to").unwrap().contains("<ann.lee@example.com>"), "{:?}", mail.header("to"));
    assert_eq!(mail.subject(), "Interview for Rust Engineer");
    assert_eq!(mail.text.trim_end(), "Dear Ann Lee,\n\nwe at Acme would like to meet you.\n\nBob");
    assert!(mail.header("from").unwrap().starts_with("Acme <no-reply@jobconnect.test>"), "{:?}", mail.header("from"));
    assert_eq!(mail.header("reply-to"), Some("bob@example.com"), "replies go to the employer");

    // On the applicant's timeline, with the outbox row; the page shows it sent.
    let (outbox_id, state, _, _) = outbox_rows(&app).await.remove(0);
    assert_eq!(state, "sent");
    let event = app
        .db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(applicant))
                .select((
                    applicant_events::kind,
                    applicant_events::detail,
                    applicant_events::outbox_id,
                    applicant_events::actor_id,
                ))
                .first::<(String, String, Option<i64>, Option<i64>)>(c)
        })
        .await
        .unwrap();
    assert_eq!(event, ("email".into(), "Interview for Rust Engineer".into(), Some(outbox_id), Some(bob.id)));
    let page = bob.get(&path).await;
    assert!(page.text().contains("Your e-mail to Ann Lee is on its way"), "flash after sending");
    let history = page.select(".mail-history li");
    assert_eq!(history.len(), 1);
    assert!(history[0].contains("Interview for Rust Engineer") && history[0].contains("Sent"), "{history:?}");
    app.stop().await;
}

async fn email_from_a_saved_template(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    bob.get("/email-templates").await.assert_status(200);
    let created = bob
        .post_form(
            "/email-templates/new",
            &[
                ("name", "Invitation"),
                ("subject", "{{company}}: let us talk about {{job}}"),
                ("body", "Hello {{name}}, are you free on Monday?"),
            ],
        )
        .await;
    created.assert_status(303);
    assert_eq!(created.location(), "/email-templates");
    let list = bob.get("/email-templates").await;
    assert!(list.text().contains("Template “Invitation” saved."));
    assert!(list.text().contains("{{company}}: let us talk about {{job}}"));
    let template_id: i64 = app
        .db
        .run(|c| {
            jobconnect::db::schema::email_templates::table.select(jobconnect::db::schema::email_templates::id).first(c)
        })
        .await
        .unwrap();

    // The template fills the form (by link, or by the button in the form).
    let path = format!("/applicants/{applicant}/email");
    let filled = bob.get(&format!("{path}?template={template_id}")).await;
    assert!(filled.body.contains(r#"value="{{company}}: let us talk about {{job}}""#));
    let chosen = bob
        .post_form(
            &path,
            &[("template_id", &template_id.to_string()), ("subject", ""), ("body", ""), ("step", "template")],
        )
        .await;
    chosen.assert_status(200);
    assert!(chosen.body.contains("Hello {{name}}, are you free on Monday?"));

    bob.post_form(
        &path,
        &[
            ("template_id", &template_id.to_string()),
            ("subject", "{{company}}: let us talk about {{job}}"),
            ("body", "Hello {{name}}, are you free on Monday?"),
            ("step", "send"),
        ],
    )
    .await
    .assert_status(303);
    let mail = delivered(&app, &smtp, 1).await.remove(0);
    assert_eq!(mail.subject(), "Acme: let us talk about Rust Engineer");
    assert_eq!(mail.text.trim_end(), "Hello Ann Lee, are you free on Monday?");

    // Unknown placeholders are refused; edit and delete work for the company only.
    let bad = bob
        .post_form(
            &format!("/email-templates/{template_id}/edit"),
            &[("name", "Invitation"), ("subject", "Hi {{salary}}"), ("body", "x")],
        )
        .await;
    bad.assert_status(422);
    assert!(bad.text().contains("{{salary}} is not a placeholder"));
    assert!(bad.body.contains(r#"value="Hi {{salary}}""#), "the value is kept");
    let eve = app.employer("eve", "Other Corp").await;
    eve.get(&format!("/email-templates/{template_id}/edit")).await.assert_status(404);
    eve.post_form(
        &format!("/email-templates/{template_id}/edit"),
        &[("name", "Mine"), ("subject", "s"), ("body", "b")],
    )
    .await
    .assert_status(404);
    eve.post_form(&format!("/email-templates/{template_id}/delete"), &[]).await.assert_status(404);
    assert!(!eve.get("/email-templates").await.text().contains("Invitation"), "each company sees its own");
    bob.post_form(
        &format!("/email-templates/{template_id}/edit"),
        &[("name", "Invite"), ("subject", "Hi"), ("body", "b")],
    )
    .await
    .assert_status(303);
    assert!(bob.get("/email-templates").await.text().contains("Invite"));
    bob.post_form(&format!("/email-templates/{template_id}/delete"), &[]).await.assert_status(303);
    assert_eq!(app.count("email_templates").await, 0);
    app.stop().await;
}

async fn selection_writes_to_each_applicant_of_the_company_only(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let Hiring { bob, company, applicant: ann } = hiring(&app).await;
    let cid = app.insert_applicant(company, None, "Carl Diaz", None).await;
    let eve = app.employer("eve", "Other Corp").await;
    let other_company = app.company_of(&eve).await;
    let stranger = app.insert_applicant(other_company, None, "Zed Stranger", None).await;

    let ids = [ann.to_string(), cid.to_string(), stranger.to_string()];
    let selection: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
    let form = bob.post_form("/applicants/email", &selection).await;
    form.assert_status(200);
    let text = form.text();
    assert!(text.contains("Ann Lee") && text.contains("Carl Diaz"), "{text}");
    assert!(!text.contains("Zed Stranger"), "another company's applicant is ignored");

    let mut fields = selection.clone();
    fields.extend([("subject", "News for {{name}}"), ("body", "Hi {{name}} from {{company}}"), ("step", "send")]);
    let sent = bob.post_form("/applicants/email", &fields).await;
    sent.assert_status(303);
    assert_eq!(sent.location(), "/applicants");
    let mails = delivered(&app, &smtp, 2).await;
    let mut got: Vec<(String, String, String)> = mails
        .iter()
        .map(|m| (m.rcpt_to().to_string(), m.subject().to_string(), m.text.trim_end().to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("ann.lee@example.com".to_string(), "News for Ann Lee".to_string(), "Hi Ann Lee from Acme".to_string()),
            ("carl.diaz@example.com".into(), "News for Carl Diaz".into(), "Hi Carl Diaz from Acme".into()),
        ]
    );
    assert_eq!(app.count("outbox").await, 2);
    assert_eq!(app.count("applicant_events").await, 2);

    // A selection of nothing the employer may see is a 404.
    let only_stranger = [("ids", stranger.to_string())];
    let only: Vec<(&str, &str)> = only_stranger.iter().map(|(k, v)| (*k, v.as_str())).collect();
    bob.post_form("/applicants/email", &only).await.assert_status(404);
    bob.post_form("/applicants/email", &[("ids", "abc")]).await.assert_status(404);
    app.stop().await;
}

async fn line_breaks_in_headers_are_refused(backend: Backend) {
    let (app, smtp) = app_with_smtp(backend).await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    let path = format!("/applicants/{applicant}/email");
    for step in ["preview", "send"] {
        let resp =
            bob.post_form(&path, &[("subject", "Hi\r\nBcc: victim@example.com"), ("body", "x"), ("step", step)]).await;
        resp.assert_status(422);
        assert!(resp.text().contains("line breaks"), "{step}");
        assert!(resp.body.contains(r#"aria-invalid="true""#));
    }
    let template = bob
        .post_form("/email-templates/new", &[("name", "T"), ("subject", "Hi\nBcc: x@example.com"), ("body", "x")])
        .await;
    template.assert_status(422);
    assert_eq!(app.count("outbox").await, 0);
    assert_eq!(app.count("email_templates").await, 0);

    // A row that got in some other way is refused by the worker, not sent.
    let bad = app
        .db
        .run(|c| {
            jobconnect::db::outbox::enqueue(
                c,
                &OutgoingEmail {
                    to: "ann@example.com".into(),
                    to_name: "Ann\r\nBcc: victim@example.com".into(),
                    subject: "Hello".into(),
                    text: "x".into(),
                    html: None,
                    applicant_id: None,
                    about_applicant_id: None,
                },
            )
        })
        .await
        .unwrap();
    let (_, _, _, error) = wait_for_state(&app, bad, "failed").await;
    assert!(error.unwrap().contains("refused"));
    // A clean e-mail queued after it arrives alone.
    queue_many(&app, 1, "Clean").await;
    let mails = smtp.wait_for_messages(1).await;
    wait_for("the clean e-mail to be sent", || async { (count_state(&app, "sent").await == 1).then_some(()) }).await;
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(mails[0].subject(), "Clean 0");
    app.stop().await;
}

async fn only_the_applicants_company_and_admins_may_write(app: &TestApp) {
    let Hiring { applicant, .. } = hiring(app).await;
    let path = format!("/applicants/{applicant}/email");
    let eve = app.employer("eve", "Other Corp").await;
    eve.get(&path).await.assert_status(404);
    eve.post_form(&path, &[("subject", "Hi"), ("body", "x"), ("step", "send")]).await.assert_status(404);
    let sam = app.seeker("sam").await;
    sam.get(&path).await.assert_status(404);
    sam.get("/email-templates").await.assert_status(404);
    app.client().get(&path).await.assert_status(303);
    app.client().get("/applicants/999999/email").await.assert_status(303);
    let root = app.admin("root").await;
    root.get(&path).await.assert_status(200);
    root.get("/applicants/999999/email").await.assert_status(404);
    root.get("/applicants/abc/email").await.assert_status(404);
    root.post_form(&path, &[("subject", "From the admins"), ("body", "x"), ("step", "send")]).await.assert_status(303);
    assert_eq!(app.count("outbox").await, 1);
}

async fn every_mail_form_needs_its_csrf_token(app: &TestApp) {
    let Hiring { bob, company, applicant } = hiring(app).await;
    app.seeker("ann").await;
    let template = app
        .db
        .run(move |c| jobconnect::db::email_templates::create(c, company, "T", "S", "B", None).map(|t| t.id))
        .await
        .unwrap();
    let root = app.admin("root").await;
    let failed = app
        .db
        .run(|c| {
            let id = jobconnect::db::outbox::enqueue(
                c,
                &OutgoingEmail {
                    to: "x@example.com".into(),
                    to_name: String::new(),
                    subject: "S".into(),
                    text: "B".into(),
                    html: None,
                    applicant_id: None,
                    about_applicant_id: None,
                },
            )?;
            diesel::update(outbox::table.find(id)).set(outbox::state.eq(MailState::Failed)).execute(c)?;
            Ok::<_, diesel::result::Error>(id)
        })
        .await
        .unwrap();
    let tables = ["outbox", "email_templates", "password_resets", "audit_log", "applicant_events"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(t).await);
    }
    let compose = format!("/applicants/{applicant}/email");
    let send = [("subject", "S"), ("body", "B"), ("step", "send")];
    for (who, path, fields) in [
        (&bob.client, compose.as_str(), &send[..]),
        (&bob.client, "/applicants/email", &[("ids", "1"), ("step", "send"), ("subject", "S"), ("body", "B")][..]),
        (&bob.client, "/email-templates/new", &[("name", "N"), ("subject", "S"), ("body", "B")][..]),
        (
            &bob.client,
            &format!("/email-templates/{template}/edit"),
            &[("name", "N"), ("subject", "S"), ("body", "B")][..],
        ),
        (&bob.client, &format!("/email-templates/{template}/delete"), &[][..]),
        (&root.client, &format!("/admin/outbox/{failed}/retry"), &[][..]),
        (&app.client(), "/password/forgot", &[("email", "ann@example.com")][..]),
        (&app.client(), &format!("/password/reset/{}", "a".repeat(64)), &[("new_password", "long-enough-pw")][..]),
    ] {
        who.get("/").await;
        who.post_raw(path, fields).await.assert_status(403);
        let mut forged = fields.to_vec();
        forged.push(("csrf_token", "forged"));
        who.post_raw(path, &forged).await.assert_status(403);
    }
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(t).await, n, "{t} unchanged");
    }
    assert_eq!(count_state(app, "failed").await, 1);
}

both_backends!(backend:
    composed_email_arrives_with_placeholders_filled,
    email_from_a_saved_template,
    selection_writes_to_each_applicant_of_the_company_only,
    line_breaks_in_headers_are_refused,
);

both_backends!(only_the_applicants_company_and_admins_may_write, every_mail_form_needs_its_csrf_token,);
