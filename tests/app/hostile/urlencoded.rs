//! Url-encoded forms: where the CSRF token goes, the declared content type, the case encoder and the `Form` driver.

use std::collections::BTreeSet;
use std::sync::Mutex;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use reqwest::Method;

use super::checks::{accepted, after_accept, check_response, snapshot, unchanged};
use super::values::{Bytes, Field, Val, enc, field_values, hostile, named, named_as, ok, push_pairs, wrong_token};
use super::{Stats, check_property, send};
use crate::helpers::{TestApp, TestClient, TestUser};

// ---------------------------------------------------------------------------
// Url-encoded forms
// ---------------------------------------------------------------------------

/// Where the CSRF token goes, if anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Csrf {
    First,
    Last,
    Missing,
    Wrong,
    Empty,
    /// A wrong token, then the right one (the first counts).
    WrongThenGood,
    GoodThenWrong,
}

impl Csrf {
    fn good(self) -> bool {
        matches!(self, Csrf::First | Csrf::Last | Csrf::GoodThenWrong)
    }
}

pub(super) fn csrf() -> BoxedStrategy<Csrf> {
    prop_oneof![
        10 => Just(Csrf::First),
        6 => Just(Csrf::Last),
        1 => Just(Csrf::Missing),
        1 => Just(Csrf::Wrong),
        1 => Just(Csrf::Empty),
        1 => Just(Csrf::WrongThenGood),
        1 => Just(Csrf::GoodThenWrong),
    ]
    .boxed()
}

/// The declared content type of a url-encoded body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ct {
    Form,
    FormCharset,
    Absent,
    Text,
    Json,
    Multipart,
}

impl Ct {
    pub(super) fn header(self) -> Option<&'static str> {
        match self {
            Ct::Form => Some("application/x-www-form-urlencoded"),
            Ct::FormCharset => Some("application/x-www-form-urlencoded; charset=UTF-8"),
            Ct::Absent => None,
            Ct::Text => Some("text/plain"),
            Ct::Json => Some("application/json"),
            Ct::Multipart => Some("multipart/form-data; boundary=x"),
        }
    }

    fn is_form(self) -> bool {
        matches!(self, Ct::Form | Ct::FormCharset | Ct::Absent)
    }
}

pub(super) fn content_type() -> BoxedStrategy<Ct> {
    prop_oneof![
        16 => Just(Ct::Form),
        1 => Just(Ct::FormCharset),
        1 => Just(Ct::Absent),
        1 => Just(Ct::Text),
        1 => Just(Ct::Json),
        1 => Just(Ct::Multipart),
    ]
    .boxed()
}

/// Fields nobody asked for: privileges, ids, prototype keys, garbage.
pub(super) fn extra_fields() -> BoxedStrategy<Vec<(Bytes, Bytes)>> {
    let name = prop_oneof![
        3 => ok(&["is_admin", "role", "company_id", "user_id", "id", "admin", "__proto__", "ids[]", "", "csrf", "seeker_id"]),
        1 => hostile(),
    ];
    prop_oneof![
        4 => Just(Vec::new()),
        1 => vec((name, hostile()).prop_map(|(k, v)| (Bytes(k), Bytes(v))), 1..4),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
pub(super) struct FormCase {
    pub(super) path: (usize, String),
    pub(super) fields: Vec<(&'static str, Val)>,
    pub(super) extra: Vec<(Bytes, Bytes)>,
    pub(super) csrf: Csrf,
    pub(super) ct: Ct,
}

pub(super) fn pick_path(paths: Vec<String>) -> BoxedStrategy<(usize, String)> {
    let n = paths.len();
    let index = if n == 1 { Just(0usize).boxed() } else { prop_oneof![5 => Just(0usize), 2 => 0..n].boxed() };
    index.prop_map(move |i| (i, paths[i].clone())).boxed()
}

fn form_case(paths: Vec<String>, fields: &[Field]) -> BoxedStrategy<FormCase> {
    (pick_path(paths), field_values(fields), extra_fields(), csrf(), content_type())
        .prop_map(|(path, fields, extra, csrf, ct)| FormCase { path, fields, extra, csrf, ct })
        .boxed()
}

pub(super) fn encode_form(case: &FormCase, token: &str, current: &str) -> Vec<u8> {
    let mut pieces = Vec::new();
    let good = format!("csrf_token={token}");
    let bad = format!("csrf_token={}", wrong_token(token));
    match case.csrf {
        Csrf::First => pieces.push(good.clone()),
        Csrf::Wrong => pieces.push(bad.clone()),
        Csrf::Empty => pieces.push("csrf_token=".into()),
        Csrf::WrongThenGood => pieces.extend([bad.clone(), good.clone()]),
        Csrf::GoodThenWrong => pieces.extend([good.clone(), bad.clone()]),
        Csrf::Last | Csrf::Missing => {}
    }
    for (name, val) in &case.fields {
        push_pairs(&mut pieces, name.as_bytes(), val, current);
    }
    for (k, v) in &case.extra {
        pieces.push(format!("{}={}", enc(&k.0), enc(&v.0)));
    }
    if case.csrf == Csrf::Last {
        pieces.push(good);
    }
    pieces.join("&").into_bytes()
}

// ---------------------------------------------------------------------------
// Drivers
// ---------------------------------------------------------------------------

/// Who sends a form.
pub(super) enum Who<'a> {
    /// This client, for every case.
    Client(&'a TestClient),
    /// A new visitor for every case.
    Visitor,
    /// A new log-in of this user for every case (to log out).
    LoggedIn(&'a TestUser),
}

/// What the server reads from a password form (to follow a changed password).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct NewPassword {
    new_password: String,
}

async fn log_in(client: &TestClient, user: &TestUser) -> Result<(), String> {
    let resp = client.post_form("/login", &[("login", &user.username), ("password", &user.password)]).await;
    if resp.status != 303 {
        return Err(format!("{} could not log in: {}", user.username, resp.status));
    }
    Ok(())
}

/// The body names a field twice (or holds a piece that is not a pair).
fn repeats_a_field(body: &[u8]) -> bool {
    let mut seen = BTreeSet::new();
    body.split(|b| *b == b'&').any(|piece| !piece.contains(&b'='))
        || url::form_urlencoded::parse(body).any(|(k, _)| k != "csrf_token" && !seen.insert(k.into_owned()))
}

/// A url-encoded form to fuzz.
pub(super) struct Form<'a> {
    label: &'static str,
    who: Who<'a>,
    /// The target first; then other addresses (other owners, missing and malformed ids).
    paths: Vec<String>,
    fields: Vec<Field>,
    /// Pages that show what the form stores, checked after each accepted post.
    views: Vec<(Option<&'a TestClient>, String)>,
    cases: u32,
    min_accepted: u32,
    /// The only answers to a well-formed request to the target (a form the
    /// user may not use, say).
    expect: Option<&'static [u16]>,
    /// The user's password as it is now (`Val::Current`), followed across changes.
    password: Option<&'a Mutex<String>>,
}

impl<'a> Form<'a> {
    pub(super) fn new(label: &'static str, who: Who<'a>, path: impl Into<String>) -> Self {
        Form {
            label,
            who,
            paths: vec![path.into()],
            fields: Vec::new(),
            views: Vec::new(),
            cases: 32,
            min_accepted: 1,
            expect: None,
            password: None,
        }
    }

    pub(super) fn or_at(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.paths.extend(paths);
        self
    }

    pub(super) fn field(mut self, name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Self {
        self.fields.push(named(name, valid));
        self
    }

    pub(super) fn field_as(mut self, name: &'static str, strategy: BoxedStrategy<Val>) -> Self {
        self.fields.push(named_as(name, strategy));
        self
    }

    pub(super) fn with(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    pub(super) fn shows(mut self, path: impl Into<String>) -> Self {
        self.views.push((None, path.into()));
        self
    }

    pub(super) fn shows_to(mut self, client: &'a TestClient, path: impl Into<String>) -> Self {
        self.views.push((Some(client), path.into()));
        self
    }

    pub(super) fn cases(mut self, n: u32) -> Self {
        self.cases = n;
        self
    }

    pub(super) fn min_accepted(mut self, n: u32) -> Self {
        self.min_accepted = n;
        self
    }

    pub(super) fn expect(mut self, statuses: &'static [u16]) -> Self {
        self.expect = Some(statuses);
        self.min_accepted = 0;
        self
    }

    pub(super) fn password(mut self, current: &'a Mutex<String>) -> Self {
        self.password = Some(current);
        self
    }

    pub(super) async fn run(self, app: &TestApp) {
        let handle = tokio::runtime::Handle::current();
        let stats = Stats::default();
        let strategy = form_case(self.paths.clone(), &self.fields);
        let elapsed =
            check_property(app, self.label, self.cases, strategy, |case| handle.block_on(self.one(app, &case, &stats)));
        stats.report(app, self.label, elapsed, self.min_accepted);
    }

    async fn one(&self, app: &TestApp, case: &FormCase, stats: &Stats) -> Result<(), String> {
        let fresh;
        let client = match &self.who {
            Who::Client(client) => *client,
            Who::Visitor => {
                fresh = app.client();
                &fresh
            }
            Who::LoggedIn(user) => {
                fresh = app.client();
                log_in(&fresh, user).await?;
                &fresh
            }
        };
        let token = client.csrf().await;
        let current = self.password.map(|p| p.lock().unwrap().clone()).unwrap_or_default();
        let body = encode_form(case, &token, &current);
        let before = snapshot(app).await;
        let resp = send(client, Method::POST, &case.path.1, case.ct.header(), Some(body.clone())).await?;
        stats.record(&resp);
        check_response(&resp)?;
        let status = resp.status.as_u16();
        if case.path.0 == 0 {
            // Who may not use the form is told so before the token is read.
            let refusal = self.expect.unwrap_or(&[]);
            if !case.csrf.good() && ![403, 413].contains(&status) && !refusal.contains(&status) {
                return Err(format!("a bad CSRF token got {status}, not 403"));
            }
            if case.csrf.good() && !case.ct.is_form() && ![415, 413].contains(&status) && !refusal.contains(&status) {
                return Err(format!("a body sent as {:?} got {status}, not 415", case.ct.header()));
            }
            // A body that repeats a field is refused as unreadable (422) before anything is looked up.
            if let Some(expect) = self.expect
                && case.csrf.good()
                && case.ct.is_form()
                && !expect.contains(&status)
                && !(status == 422 && repeats_a_field(&body))
            {
                return Err(format!("answered {status}, not one of {expect:?}"));
            }
        }
        if accepted(&resp) {
            stats.accept();
            if let Some(current) = self.password
                && let Ok(form) = serde_html_form::from_bytes::<NewPassword>(&body)
            {
                *current.lock().unwrap() = form.new_password;
            }
            after_accept(app, client, &resp, &self.views).await
        } else {
            unchanged(app, &before, &resp).await
        }
    }
}
