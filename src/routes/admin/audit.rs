use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use time::macros::format_description;

use super::AdminNav;
use crate::auth::Admin;
use crate::db::admin::{self, AuditFilter, AuditRow};
use crate::error::{AppError, AppResult};
use crate::format::csv_cell;
use crate::routes::query::{page_link, page_number, query_string};
use crate::routes::{Page, Pager, Query, render};
use crate::state::AppState;

const PER_PAGE: i64 = 50;
/// The CSV export stops here; narrow the filters for more.
const EXPORT_LIMIT: i64 = 50_000;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    action: String,
    actor: String,
    target: String,
    from: String,
    to: String,
    page: String,
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        let date = |s: &str| time::Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok();
        AuditFilter {
            action: self.action.chars().take(100).collect(),
            actor: self.actor.trim().chars().take(100).collect(),
            target_type: self.target.chars().take(100).collect(),
            from: date(&self.from).map(|d| d.midnight()),
            // The "to" day is included.
            to: date(&self.to).and_then(|d| d.next_day()).map(|d| d.midnight()),
        }
    }

    fn params(&self) -> [(&'static str, &str); 5] {
        [
            ("action", &self.action),
            ("actor", &self.actor),
            ("target", &self.target),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    nav: AdminNav,
    query: AuditQuery,
    actions: Vec<String>,
    rows: Vec<AuditRow>,
    pager: Pager,
    export_url: String,
}

pub async fn list(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    Query(query): Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let filter = query.filter();
    let number = page_number(&query.page);
    let ((rows, total), actions) = state
        .db
        .run(move |c| {
            Ok::<_, diesel::result::Error>((
                admin::audit_entries(c, &filter, PER_PAGE, (number - 1) * PER_PAGE)?,
                admin::audit_actions(c)?,
            ))
        })
        .await?;
    let base = query_string(&query.params());
    let pager = Pager::counted(number, PER_PAGE, total, |p| page_link(&base, p));
    let export_url = format!("/admin/audit.csv{}", if base.is_empty() { String::new() } else { format!("?{base}") });
    render(StatusCode::OK, &AuditPage { page, nav: AdminNav("audit"), query, actions, rows, pager, export_url })
}

/// The filtered log as CSV, formula-safe.
pub async fn export(
    _admin: Admin,
    state: web::Data<AppState>,
    Query(query): Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let filter = query.filter();
    let (rows, _) = state.db.run(move |c| admin::audit_entries(c, &filter, EXPORT_LIMIT, 0)).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, record: &[String]| {
        out.write_record(record.iter().map(|v| csv_cell(v))).map_err(AppError::internal)
    };
    write(
        &mut out,
        &["time (UTC)", "actor", "action", "target type", "target id", "detail", "address"].map(String::from),
    )?;
    for row in rows {
        let e = row.entry;
        write(
            &mut out,
            &[
                crate::format::iso(&e.created_at),
                row.actor.unwrap_or_else(|| "system".into()),
                e.action,
                e.target_type,
                e.target_id.map(|i| i.to_string()).unwrap_or_default(),
                e.detail,
                e.ip,
            ],
        )?;
    }
    let body = out.into_inner().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"audit-log.csv\""))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
