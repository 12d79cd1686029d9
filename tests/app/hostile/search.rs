//! Query strings on search and list pages (with the admin forms that share their scenario).

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;

use super::checks::{check_response, last_id, snapshot, unchanged};
use super::fields::{REDIRECTS, STAGES, TYPES, strings};
use super::urlencoded::{Form, Who, pick_path};
use super::values::{Bytes, IMG, RAW, SCRIPT, Val, hostile_short, ok, ok_owned, push_pairs};
use super::{Stats, apply, check_property, elsewhere, get};
use crate::helpers::{TestApp, TestClient};

#[derive(Clone, Debug)]
struct QueryCase {
    path: (usize, String),
    query: Vec<(Bytes, Val)>,
}

/// Numbers at the edges: paging, ids, amounts.
const NUMBERS: &[&str] = &[
    "1",
    "2",
    "0",
    "-1",
    "50",
    "99999",
    "100000",
    "100001",
    "1000000",
    "1000001",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "1e309",
    "NaN",
    "1.5",
    " 2 ",
    "60k",
    "99999999999k",
    "0x10",
];

/// Values that mean something to a query parameter of this name (so the
/// page gets past its parsing and uses them).
fn meaningful(key: &str) -> &'static [&'static str] {
    match key {
        "page" | "salary_min" | "job" | "company" | "assignee" | "template" | "actor" | "target" => NUMBERS,
        "remote" => &["onsite", "hybrid", "remote", "Remote", "none"],
        "type" | "employment_type" => TYPES,
        "stage" => STAGES,
        "status" | "state" => &["open", "pending", "closed", "draft", "queued", "sent", "failed", "active", "inactive"],
        "role" => &["seeker", "employer", "admin", "root"],
        "sort" => &["newest", "oldest", "name", "stage", "updated", "id; DROP TABLE users"],
        "category" => jobconnect::domain::CATEGORIES,
        "from" | "to" => &["2026-01-01", "1970-01-01", "9999-12-31", "2026-02-30", "-0001-01-01", "2026-1-1", "today"],
        "next" => REDIRECTS,
        "action" => &["login.throttled", "user.role_changed", "company.update", "%", "_", "'"],
        _ => {
            &["rust", "developer berlin", "Zoë", SCRIPT, IMG, "\"OR\"", "NEAR(rust", "rust*", "-rust", "%", "_", "a:b"]
        }
    }
}

fn query_value(key: &'static str) -> BoxedStrategy<Val> {
    prop_oneof![
        6 => ok(meaningful(key)).prop_map(|v| Val::One(Bytes(v))),
        4 => hostile_short().prop_map(|v| Val::One(Bytes(v))),
        1 => (ok(meaningful(key)), hostile_short()).prop_map(|(a, b)| Val::Many(vec![Bytes(a), Bytes(b)])),
        1 => select(RAW).prop_map(Val::Raw),
    ]
    .boxed()
}

pub(super) fn query_pairs(keys: &'static [&'static str]) -> BoxedStrategy<Vec<(Bytes, Val)>> {
    let known = select(keys).prop_flat_map(|k| (Just(Bytes(k.as_bytes().to_vec())), query_value(k)));
    let unknown = (hostile_short().prop_map(Bytes), query_value(""));
    vec(prop_oneof![8 => known, 1 => unknown], 0..6).boxed()
}

pub(super) fn encode_query(pairs: &[(Bytes, Val)]) -> String {
    let mut pieces = Vec::new();
    for (key, val) in pairs {
        push_pairs(&mut pieces, &key.0, val, "");
    }
    pieces.join("&")
}

/// Search and list pages: hostile query strings never fail them and never change anything.
async fn fuzz_queries(
    app: &TestApp,
    label: &'static str,
    who: &TestClient,
    paths: Vec<String>,
    keys: &'static [&'static str],
    cases: u32,
) {
    let handle = tokio::runtime::Handle::current();
    let stats = Stats::default();
    let strategy = (pick_path(paths), query_pairs(keys)).prop_map(|(path, query)| QueryCase { path, query }).boxed();
    let elapsed = check_property(app, label, cases, strategy, |case| {
        handle.block_on(async {
            let before = snapshot(app).await;
            let resp = get(who, &format!("{}?{}", case.path.1, encode_query(&case.query))).await?;
            stats.record(&resp);
            check_response(&resp)?;
            unchanged(app, &before, &resp).await
        })
    });
    stats.report(app, label, elapsed, 0);
}

pub(super) async fn admin_forms_and_search_pages_survive_hostile_input(app: &TestApp) {
    let root = app.admin("root").await;
    let vic = app.seeker("vic").await;
    let vee = app.employer("vee", "Victim Co").await;
    let ada = app.admin("ada").await;
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;
    let victim_co = app.company_of(&vee).await;
    let job =
        app.job(acme, "Senior Rust Developer").description("Tokio, actix and diesel: build the CRM.").insert().await;
    app.job(acme, "Data Engineer")
        .location("Paris, France")
        .remote("remote")
        .employment_type("contract")
        .insert()
        .await;
    app.job(victim_co, "Designer \"UX\" & <Research>")
        .category("Design")
        .salary(Some(50_000), Some(70_000), "year")
        .insert()
        .await;
    let applicant = apply(&ann, job).await;
    app.insert_applicant(acme, Some(job), "Zoë O'Brien-Smith", None).await;
    let outbox = last_id(app, "outbox").await;

    Form::new("change a role", Who::Client(&root), format!("/admin/users/{}/role", vic.id))
        .or_at([format!("/admin/users/{}/role", vee.id), format!("/admin/users/{}/role", ada.id)])
        .or_at(elsewhere("/admin/users/{}/role", &[]))
        .field("role", ok(&["seeker", "employer", "admin"]))
        .field("company_id", ok_owned(strings(&[acme, victim_co], &["", "999999", "abc"])))
        .shows(format!("/admin/users/{}", vic.id))
        .shows("/admin/users")
        .shows("/admin/audit")
        .cases(64)
        .run(app)
        .await;
    Form::new("change a role (employer)", Who::Client(&bob), format!("/admin/users/{}/role", vic.id))
        .field("role", ok(&["admin"]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("deactivate and reactivate", Who::Client(&root), format!("/admin/users/{}/deactivate", vic.id))
        .or_at([
            format!("/admin/users/{}/reactivate", vic.id),
            format!("/admin/users/{}/deactivate", vee.id),
            format!("/admin/users/{}/reactivate", vee.id),
        ])
        .or_at(elsewhere("/admin/users/{}/deactivate", &[]))
        .shows("/admin/users")
        .cases(32)
        .run(app)
        .await;
    Form::new("retry an e-mail", Who::Client(&root), format!("/admin/outbox/{outbox}/retry"))
        .or_at(elsewhere("/admin/outbox/{}/retry", &[]))
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;

    let list_keys: &[&str] = &["q", "location", "remote", "type", "category", "salary_min", "page"];
    fuzz_queries(app, "GET /jobs", &visitor, vec!["/jobs".into(), "/".into()], list_keys, 96).await;
    fuzz_queries(
        app,
        "GET seeker pages",
        &ann,
        ["/jobs", "/saved-jobs", "/alerts", "/applications", "/resumes", "/notifications", "/messages"]
            .map(String::from)
            .to_vec(),
        &["q", "page", "location", "type", "next"],
        48,
    )
    .await;
    let crm_keys: &[&str] = &["q", "job", "stage", "status", "type", "assignee", "company", "sort", "page", "template"];
    fuzz_queries(
        app,
        "GET /applicants (employer)",
        &bob,
        vec![
            "/applicants".into(),
            "/applicants/board".into(),
            "/applicants/export.csv".into(),
            "/employer/jobs".into(),
            "/applicants/new".into(),
            format!("/applicants/{applicant}/email"),
        ],
        crm_keys,
        96,
    )
    .await;
    fuzz_queries(
        app,
        "GET /applicants (admin)",
        &root,
        ["/applicants", "/applicants/board", "/applicants/export.csv", "/applicants/new"].map(String::from).to_vec(),
        crm_keys,
        64,
    )
    .await;
    fuzz_queries(
        app,
        "GET /admin/users",
        &root,
        ["/admin/users", "/admin", "/admin/jobs", "/admin/companies"].map(String::from).to_vec(),
        &["q", "role", "state", "status", "page", "company", "sort"],
        64,
    )
    .await;
    fuzz_queries(
        app,
        "GET /admin/audit",
        &root,
        vec!["/admin/audit".into(), "/admin/audit.csv".into()],
        &["action", "actor", "target", "from", "to", "page"],
        64,
    )
    .await;
    fuzz_queries(app, "GET /admin/outbox", &root, vec!["/admin/outbox".into()], &["state", "page", "q"], 32).await;
    fuzz_queries(
        app,
        "GET /login",
        &visitor,
        ["/login", "/register", "/password/forgot"].map(String::from).to_vec(),
        &["next"],
        24,
    )
    .await;
    fuzz_queries(app, "GET /login (logged in)", &ann, vec!["/login".into()], &["next"], 24).await;
}
