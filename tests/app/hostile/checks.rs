//! The oracle: what a refused request must leave as it was, and what every answer and every stored file must be.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::RunQueryDsl;

use super::get;
use super::values::{Bytes, RAW_MARKUP};
use crate::helpers::{Resp, TestApp, TestClient};

// ---------------------------------------------------------------------------
// What a refused request must leave as it was
// ---------------------------------------------------------------------------

/// The tables forms write, with the columns that say what they hold. Not
/// watched: log-in failures and the audit log (refusals write them on
/// purpose), and read markers, presence and delivery state (the mail worker
/// changes those). One-time tokens are watched once used: the worker makes
/// them, whenever it sends a link, but only a request uses one up.
const WATCHED: &[(&str, &str)] = &[
    (
        "users",
        "id, email, username, password_hash, role, company_id, display_name, headline, location, phone, skills, \
         avatar_path, is_active, session_epoch, updated_at",
    ),
    ("companies", "id, name, slug, website, description, location, logo_path, updated_at"),
    (
        "jobs",
        "id, company_id, title, description, location, remote, employment_type, category, salary_min, salary_max, \
         salary_currency, salary_period, status, closes_at, published_at, updated_at",
    ),
    ("saved_jobs", "user_id, job_id"),
    ("job_alerts", "id, user_id, query"),
    ("seeker_preferences", "user_id, employment_types, locations, remote, salary_min, categories, updated_at"),
    ("resumes", "id, user_id, file_name, stored_name, size_bytes, text_content, deleted_at"),
    (
        "applicants",
        "id, company_id, job_id, seeker_id, resume_id, assignee_id, name, email, phone, current_company, position, \
         location, years_experience, status, employment_type, stage, source, cover_letter, withdrawn_at, updated_at",
    ),
    ("applicant_notes", "id, applicant_id, author_id, body"),
    ("applicant_events", "id, applicant_id, actor_id, kind, detail"),
    ("outbox", "id, recipient, subject, body_text, applicant_id"),
    ("email_templates", "id, company_id, name, subject, body, updated_at"),
    ("messages", "id, applicant_id, sender_id, body"),
    ("notifications", "id, user_id, kind, title, body, link"),
    ("password_resets", "id, user_id, token_hash, used_at"),
];

/// Which rows of a table are watched (all, but for one-time tokens).
fn watched_rows(table: &str) -> &'static str {
    match table {
        "password_resets" => " WHERE used_at IS NOT NULL",
        _ => "",
    }
}

/// One query that lists every watched row as text (both backends).
fn watched_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        WATCHED
            .iter()
            .map(|(table, columns)| {
                let cells = columns
                    .split(',')
                    .map(|c| format!("COALESCE(CAST({} AS TEXT), '~')", c.trim()))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!("SELECT '{table}|' || {cells} FROM {table}{}", watched_rows(table))
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    })
}

/// Every stored file name the database knows.
const REFERENCED_FILES: &str = "SELECT stored_name FROM resumes \
     UNION ALL SELECT avatar_path FROM users WHERE avatar_path IS NOT NULL \
     UNION ALL SELECT logo_path FROM companies WHERE logo_path IS NOT NULL";

pub(super) async fn texts(app: &TestApp, sql: &'static str) -> Vec<String> {
    app.db
        .run(move |c| diesel::dsl::sql::<diesel::sql_types::Text>(sql).load::<String>(c))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub(super) async fn last_id(app: &TestApp, table: &'static str) -> i64 {
    app.db
        .run(move |c| {
            diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT MAX(id) FROM {table}")).get_result::<i64>(c)
        })
        .await
        .unwrap()
}

/// The watched rows and the files under `UPLOAD_DIR` (with `tmp/`).
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Snapshot {
    rows: Vec<String>,
    files: BTreeSet<String>,
}

impl Snapshot {
    fn diff(&self, now: &Snapshot) -> String {
        let before: BTreeSet<&String> = self.rows.iter().collect();
        let after: BTreeSet<&String> = now.rows.iter().collect();
        let mut out = Vec::new();
        out.extend(before.difference(&after).take(6).map(|r| format!("  - {}", cut(r, 300))));
        out.extend(after.difference(&before).take(6).map(|r| format!("  + {}", cut(r, 300))));
        out.extend(self.files.difference(&now.files).map(|f| format!("  - file {f}")));
        out.extend(now.files.difference(&self.files).map(|f| format!("  + file {f}")));
        out.join("\n")
    }
}

pub(super) async fn snapshot(app: &TestApp) -> Snapshot {
    let mut rows = texts(app, watched_sql()).await;
    rows.sort();
    Snapshot { rows, files: upload_files(&app.settings.upload_dir) }
}

/// Every file under the upload directory, relative to it.
fn upload_files(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// A refused request left every watched row and every file as it was.
pub(super) async fn unchanged(app: &TestApp, before: &Snapshot, resp: &Resp) -> Result<(), String> {
    crate::helpers::poll(|| async {
        let now = snapshot(app).await;
        if now == *before {
            Ok(())
        } else {
            Err(format!("a refused request (answered {}) changed what is stored:\n{}", resp.status, before.diff(&now)))
        }
    })
    .await
}

fn generated_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((stem, ext)) => {
            stem.len() == 32
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
                && matches!(ext, "pdf" | "png" | "jpg" | "webp")
        }
        None => false,
    }
}

/// After an accepted request: no temporary file, every stored file named by
/// a row, under a generated name, holding what its folder is for; every
/// resume's display name harmless.
pub(super) async fn stored_files_are_sound(app: &TestApp) -> Result<(), String> {
    let root = app.settings.upload_dir.clone();
    crate::helpers::poll(|| async {
        let tmp: Vec<String> = upload_files(&root).into_iter().filter(|f| f.starts_with("tmp/")).collect();
        if tmp.is_empty() { Ok(()) } else { Err(format!("temporary files are left behind: {tmp:?}")) }
    })
    .await?;
    let referenced: BTreeSet<String> = texts(app, REFERENCED_FILES).await.into_iter().collect();
    for file in upload_files(&root) {
        let Some((folder, name)) = file.split_once('/') else {
            return Err(format!("{file} is stored at the top of UPLOAD_DIR"));
        };
        if folder == "tmp" {
            continue;
        }
        if !matches!(folder, "resumes" | "images") || name.contains('/') {
            return Err(format!("{file} is stored outside the upload folders"));
        }
        if !referenced.contains(&file) {
            return Err(format!("{file} is stored but no row names it"));
        }
        if !generated_name(name) {
            return Err(format!("{file} is not a generated name"));
        }
        let mut head = std::fs::read(root.join(&file)).unwrap_or_default();
        head.truncate(64);
        let fits = match folder {
            "resumes" => head.starts_with(b"%PDF-"),
            _ => matches!(infer::get(&head).map(|t| t.mime_type()), Some("image/png" | "image/jpeg" | "image/webp")),
        };
        if !fits {
            return Err(format!("{file} does not hold what its folder is for: {:?}", Bytes(head)));
        }
    }
    for name in texts(app, "SELECT file_name FROM resumes").await {
        if name.contains(['/', '\\']) || name.chars().any(char::is_control) || name.chars().count() > 120 {
            return Err(format!("a resume keeps an unsafe display name: {:?}", Bytes(name.into_bytes())));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// What every answer must be
// ---------------------------------------------------------------------------

// 405: a method the path does not take (a GET-only page posted to, say).
const ALLOWED: &[u16] = &[200, 303, 400, 403, 404, 405, 413, 415, 422, 429];

pub(super) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn around(s: &str, at: usize) -> String {
    let start = s[..at].char_indices().rev().nth(80).map(|(i, _)| i).unwrap_or(0);
    cut(&s[start..], 240)
}

fn same_site(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.starts_with("/\\")
        && !location.chars().any(char::is_control)
}

/// A refused request is anything but a redirect, or the redirect that asks to log in.
pub(super) fn accepted(resp: &Resp) -> bool {
    resp.status == 303 && !resp.location().starts_with("/login?next=")
}

pub(super) fn check_response(resp: &Resp) -> Result<(), String> {
    let status = resp.status.as_u16();
    if status >= 500 {
        return Err(format!("answered {status}: {}", cut(&resp.text(), 400)));
    }
    if !ALLOWED.contains(&status) {
        return Err(format!("answered {status}, which is none of {ALLOWED:?}"));
    }
    if status == 303 && !same_site(resp.location()) {
        return Err(format!("redirected off the site, to {:?}", resp.location()));
    }
    if resp.header("content-type").starts_with("text/html") {
        for header in ["content-security-policy", "x-content-type-options", "referrer-policy"] {
            if resp.header(header).is_empty() {
                return Err(format!("an HTML page ({status}) without {header}"));
            }
        }
        check_html(&resp.body)?;
    }
    if resp.header("content-type").starts_with("text/csv") {
        check_csv(&resp.body)?;
    }
    Ok(())
}

/// No cell of an export starts what a spreadsheet would run as a formula.
fn check_csv(body: &str) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| format!("the CSV does not parse: {e}"))?;
        if let Some(cell) = record.iter().find(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])) {
            return Err(format!("a CSV cell would run as a formula: {cell:?}"));
        }
    }
    Ok(())
}

/// No markup from the input survives into the page: the raw payloads are
/// absent, no element has an event handler, no script is inline (JSON-LD
/// aside, which must parse), no link runs script, nothing embeds a frame.
pub(super) fn check_html(body: &str) -> Result<(), String> {
    for raw in RAW_MARKUP {
        if let Some(at) = body.find(raw) {
            return Err(format!("{raw:?} is in the page unescaped: …{}…", around(body, at)));
        }
    }
    let doc = scraper::Html::parse_document(body);
    let every = scraper::Selector::parse("*").expect("a valid selector");
    for el in doc.select(&every) {
        let v = el.value();
        let name = v.name();
        if matches!(name, "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base") {
            return Err(format!("the page holds a <{name}>: {}", cut(&el.html(), 200)));
        }
        for (attr, value) in v.attrs() {
            if attr.starts_with("on") {
                return Err(format!("<{name}> carries an event handler: {}", cut(&el.html(), 200)));
            }
            if matches!(attr, "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data") {
                let plain: String =
                    value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
                if ["javascript:", "vbscript:", "data:text/html"].iter().any(|p| plain.starts_with(p)) {
                    return Err(format!("<{name} {attr}> runs script: {}", cut(&el.html(), 200)));
                }
            }
        }
        if name == "meta" && v.attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh")) {
            return Err(format!("the page redirects itself: {}", el.html()));
        }
        if name == "script" {
            let text: String = el.text().collect();
            if v.attr("type") == Some("application/ld+json") {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("the JSON-LD does not parse ({e}): {}", cut(&text, 300)))?;
            } else if v.attr("src").is_none() || !text.trim().is_empty() {
                return Err(format!("the page holds an inline script: {}", cut(&el.html(), 200)));
            }
        }
    }
    Ok(())
}

/// After an accepted post: files are sound, and the page it leads to and the
/// pages that show what it stored render (safely).
pub(super) async fn after_accept(
    app: &TestApp,
    client: &TestClient,
    resp: &Resp,
    views: &[(Option<&TestClient>, String)],
) -> Result<(), String> {
    stored_files_are_sound(app).await?;
    let to = resp.location().split('#').next().unwrap_or("/").to_string();
    let next = get(client, &to).await?;
    check_response(&next).map_err(|e| format!("the page it led to ({to}): {e}"))?;
    for (who, path) in views {
        let page = get(who.unwrap_or(client), path).await?;
        check_response(&page).map_err(|e| format!("{path}: {e}"))?;
        if page.status != 200 {
            return Err(format!("{path} answers {} after an accepted post", page.status));
        }
    }
    Ok(())
}
