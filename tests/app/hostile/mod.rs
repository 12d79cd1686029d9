//! Hostile input (SPEC §5): property-based tests that post random and
//! adversarial values to every form, upload and search page of the app.
//!
//! Each scenario spawns the app once (both backends) and runs a proptest
//! `TestRunner` per form with a fixed seed and a bounded number of cases. The
//! cases are generated and shrunk by proptest and driven through the real HTTP
//! server from inside the tokio test runtime (`block_in_place` +
//! `Handle::block_on`), so a failure prints the minimal failing request.
//!
//! For every case:
//! - the answer is never a 5xx, always one of 200/303/400/403/404/405/413/415/422/429,
//!   and a redirect never leaves the site;
//! - an HTML answer carries no unescaped markup from the input (no raw
//!   `<script>alert(1)</script>` or `<img src=x onerror=…>`, no event-handler
//!   attribute, no inline script, no `javascript:` link, JSON-LD that parses)
//!   and has its security headers;
//! - a wrong CSRF token is a 403 and a wrong content type a 415;
//! - a refused request changes nothing: the watched tables hold the same rows
//!   and the upload directory (with `tmp/`) the same files;
//! - an accepted request leaves no temporary file and no file without its row,
//!   and every page that shows what it stored still renders safely;
//! - a CSV answer has no cell a spreadsheet would run as a formula.
//!
//! Besides the forms: every route of `routes::table()` as visitor, seeker,
//! employer and admin with random ids, queries and bodies (url-encoded and
//! multipart); every other HTTP method on every route; tampered session
//! cookies and odd `Host`/`X-Forwarded-For`/`Origin` headers; markup stored
//! in every free-text field and looked for, escaped, on every page that shows
//! it; and scripts that post form after form without reading a page.
//!
//! `HOSTILE_SEED=<n>` explores other seeds; `HOSTILE_SCALE=<n>` multiplies
//! the number of cases.

mod checks;
mod fields;
mod forms;
mod markup;
mod routes;
mod search;
mod upload;
mod urlencoded;
mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use reqwest::Method;

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestClient, TestUser};
use checks::cut;
use forms::{
    account_forms_survive_hostile_input, crm_forms_survive_hostile_input,
    employer_forms_and_logos_survive_hostile_input, profile_forms_and_pictures_survive_hostile_input,
    seeker_forms_resumes_and_applications_survive_hostile_input,
};
use markup::{
    accepted_posts_without_reading_the_pages_keep_the_session_working, stored_markup_is_shown_escaped_everywhere,
};
use routes::every_route_survives_hostile_requests;
use search::admin_forms_and_search_pages_survive_hostile_input;

async fn send(
    client: &TestClient,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Result<Resp, String> {
    let mut request = client.http.request(method.clone(), format!("{}{}", client.base, path));
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    match request.send().await {
        Ok(resp) => Ok(TestClient::read(resp).await),
        Err(e) => Err(format!(
            "{method} {}: no answer (did the server drop the connection?): {:?}",
            cut(path, 200),
            e.without_url()
        )),
    }
}

async fn get(client: &TestClient, path: &str) -> Result<Resp, String> {
    send(client, Method::GET, path, None, None).await
}

/// Answers seen while a form was fuzzed.
#[derive(Default)]
struct Stats {
    statuses: Mutex<BTreeMap<u16, u32>>,
    accepted: AtomicU32,
}

impl Stats {
    fn record(&self, resp: &Resp) {
        *self.statuses.lock().unwrap().entry(resp.status.as_u16()).or_default() += 1;
    }

    fn accept(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    fn report(&self, app: &TestApp, label: &str, elapsed: Duration, min_accepted: u32) {
        let statuses = self.statuses.lock().unwrap();
        let seen: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        let accepted = self.accepted.load(Ordering::Relaxed);
        eprintln!("hostile [{:?}] {label}: {} in {elapsed:.1?}", app.backend, seen.join(" "));
        assert!(
            accepted >= min_accepted,
            "{label}: only {accepted} accepted case(s): the generator no longer reaches the form's success path"
        );
    }
}

// ---------------------------------------------------------------------------
// Running properties inside the tokio runtime
// ---------------------------------------------------------------------------

fn scaled(cases: u32) -> u32 {
    cases * std::env::var("HOSTILE_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1)
}

/// A fixed seed per property (the same on both backends), moved by `HOSTILE_SEED`.
fn seed(label: &str) -> [u8; 32] {
    let extra: u64 = std::env::var("HOSTILE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ extra;
    for b in label.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        // splitmix64
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// Runs `test` on `cases` generated values; on a failure proptest shrinks it
/// and this panics with the smallest failing value. Called from the async
/// test, it blocks this worker while each case drives the app.
fn check_property<S>(
    app: &TestApp,
    label: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) -> Duration
where
    S: Strategy,
    S::Value: fmt::Debug,
{
    let mut config = Config::with_cases(scaled(cases));
    config.failure_persistence = None;
    // Shrinking replays requests: bounded, so a failure is reported within a minute.
    config.max_shrink_iters = 300;
    config.max_shrink_time = 60_000;
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed(label)));
    let started = Instant::now();
    let result = tokio::task::block_in_place(|| runner.run(&strategy, |case| test(case).map_err(TestCaseError::fail)));
    match result {
        Ok(()) => started.elapsed(),
        Err(TestError::Fail(reason, case)) => {
            panic!("hostile [{:?}] {label}: {reason}\nminimal failing case: {case:#?}", app.backend)
        }
        Err(TestError::Abort(reason)) => panic!("hostile [{:?}] {label}: {reason}", app.backend),
    }
}

// ---------------------------------------------------------------------------
// Shared set-up and field sets
// ---------------------------------------------------------------------------

/// The same address with ids the user may not use, missing or malformed ones.
fn elsewhere(pattern: &str, others: &[i64]) -> Vec<String> {
    others
        .iter()
        .map(|id| id.to_string())
        .chain(["999999", "0", "-1", "abc", "9223372036854775808", "%00", "1.5", "%2e%2e"].map(String::from))
        .map(|id| pattern.replace("{}", &id))
        .collect()
}

async fn scalar(app: &TestApp, sql: String) -> i64 {
    app.db.run(move |c| diesel::dsl::sql::<diesel::sql_types::BigInt>(&sql).get_result::<i64>(c)).await.unwrap()
}

/// Applies with a new PDF, as the browser form does; returns the applicant id.
async fn apply(seeker: &TestUser, job: i64) -> i64 {
    let resp = seeker
        .post_multipart(&format!("/jobs/{job}/apply"), |form| {
            form.text("cover_letter", "Hello").text("consent", "yes").text("resume_id", "new").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf_with_text("A resume"))
                    .file_name("cv.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    assert_eq!(resp.status, 303, "{} applies to job {job}: {}", seeker.username, resp.text());
    resp.location().trim_start_matches("/applications/").parse().expect("the application's page")
}

async fn post_ok(user: &TestUser, path: &str, fields: &[(&str, &str)]) {
    let resp = user.post_form(path, fields).await;
    assert_eq!(resp.status, 303, "{path}: {}", resp.text());
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

both_backends!(
    account_forms_survive_hostile_input,
    profile_forms_and_pictures_survive_hostile_input,
    employer_forms_and_logos_survive_hostile_input,
    seeker_forms_resumes_and_applications_survive_hostile_input,
    crm_forms_survive_hostile_input,
    admin_forms_and_search_pages_survive_hostile_input,
    every_route_survives_hostile_requests,
    stored_markup_is_shown_escaped_everywhere,
    accepted_posts_without_reading_the_pages_keep_the_session_working,
);
