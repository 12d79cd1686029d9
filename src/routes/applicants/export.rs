//! CSV export: exactly the filtered list (same query as the page), or a
//! selection. Rows are streamed in chunks, so a large export never sits whole
//! in memory; cells that a spreadsheet would run as a formula are defused.

use std::borrow::Cow;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::CurrentUser;
use crate::db::applicants::{self, ListRow, Scope};
use crate::domain::ApplicantListParams;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

const CHUNK: usize = 500;

const HEADER: [&str; 19] = [
    "ID",
    "Name",
    "E-mail",
    "Phone",
    "Current company",
    "Position",
    "Location",
    "Years of experience",
    "Job",
    "Company",
    "Stage",
    "Status",
    "Employment type",
    "Source",
    "Assignee",
    "Applied",
    "Updated",
    "Withdrawn",
    "Tags",
];

pub async fn filtered(req: HttpRequest, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let query = ApplicantListParams::from_query_string(req.query_string())?;
    let mut filter = query.filter(user.id, scope)?;
    let ids = state
        .db
        .run(move |c| {
            if let (Scope::Everything, None, Some(job)) = (scope, filter.company_id, filter.job_id) {
                if let Ok(job) = applicants::job_in_scope(c, scope, job) {
                    filter.company_id = Some(job.company_id);
                }
            }
            applicants::matching_ids(c, &filter)
        })
        .await?;
    Ok(csv_response(state, ids, "applicants"))
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab
/// or line break before one) as a formula: such cells get a leading `'`.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn iso(t: &time::PrimitiveDateTime) -> String {
    crate::format::iso(t)
}

fn write_rows(rows: &[ListRow], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new().from_writer(Vec::with_capacity(rows.len() * 200 + 512));
    if header {
        out.write_record(HEADER)?;
    }
    for row in rows {
        let a = &row.applicant;
        let fields: [Cow<str>; 19] = [
            a.id.to_string().into(),
            a.name.as_str().into(),
            a.email.as_str().into(),
            a.phone.as_str().into(),
            a.current_company.as_str().into(),
            a.position.as_str().into(),
            a.location.as_str().into(),
            a.years_experience.map(|y| y.to_string()).unwrap_or_default().into(),
            row.job_title.as_deref().unwrap_or("").into(),
            row.company_name.as_str().into(),
            a.stage.label().into(),
            a.status.label().into(),
            a.employment_type.label().into(),
            a.source.label().into(),
            row.assignee_name.as_deref().unwrap_or("").into(),
            iso(&a.created_at).into(),
            iso(&a.updated_at).into(),
            a.withdrawn_at.as_ref().map(iso).unwrap_or_default().into(),
            row.tags.join(", ").into(),
        ];
        out.write_record(fields.iter().map(|f| defuse(f).into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// Streams the rows of `ids` (in that order) as a CSV download.
pub fn csv_response(state: web::Data<AppState>, ids: Vec<i64>, basename: &str) -> HttpResponse {
    let chunks: Vec<Vec<i64>> = ids.chunks(CHUNK).map(<[i64]>::to_vec).collect();
    let first = chunks.is_empty();
    let stream = futures_util::stream::unfold(
        (state, chunks.into_iter(), true, first),
        |(state, mut chunks, header, empty)| async move {
            let mut bytes = Vec::new();
            if header {
                // A byte-order mark, so spreadsheets read the file as UTF-8.
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            let rows = match chunks.next() {
                Some(chunk) => state.db.run(move |c| applicants::rows_by_ids(c, &chunk)).await,
                None if header && empty => Ok(Vec::new()),
                None => return None,
            };
            let result = rows.and_then(|rows| write_rows(&rows, header).map_err(AppError::internal)).map(|csv| {
                bytes.extend_from_slice(&csv);
                Bytes::from(bytes)
            });
            if let Err(e) = &result {
                tracing::error!(error = %e, "CSV export stopped");
            }
            Some((result.map_err(actix_web::Error::from), (state, chunks, false, false)))
        },
    );
    let date = crate::format::iso(&crate::db::now());
    let filename = format!("{basename}-{}.csv", &date[..10]);
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(stream)
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formula_cells_are_defused() {
        for bad in ["=1+2", "+1", "-2", "@SUM(A1)", "\t=x", "\r=x"] {
            assert!(defuse(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(defuse("Ann Lee"), "Ann Lee");
        assert_eq!(defuse(""), "");
        assert_eq!(defuse("a=b"), "a=b");
    }
}
