//! The rejection reason: every move to the rejected stage (one applicant, a
//! card on the board, a selection) needs one. Without it the same form comes
//! back as a page that asks why, with everything else it carried (422).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::db::applicants::{self, Scope};
use crate::domain::{RejectionReason, Stage};
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, render};
use crate::state::AppState;

/// The reason sent with a stage move: `Ok(None)` when none is needed (not
/// the rejected stage), `Err` with the message when it is missing or unknown.
pub fn reason_for(stage: Stage, raw: &str) -> Result<Option<RejectionReason>, &'static str> {
    if stage != Stage::Rejected {
        return Ok(None);
    }
    raw.trim().parse::<RejectionReason>().map(Some).map_err(|_| "Choose why they are rejected.")
}

#[derive(Template)]
#[template(path = "applicants/reject.html")]
struct ReasonPage {
    page: Page,
    /// Where the form posts (the same place as the form that asked).
    action: String,
    /// The other fields of that form, sent again as they were.
    hidden: Vec<(String, String)>,
    names: Vec<String>,
    chosen: String,
    errors: FieldErrors,
    back: String,
}

impl ReasonPage {
    fn reasons(&self) -> &'static [RejectionReason] {
        RejectionReason::ALL
    }
}

/// The page that asks why, for the applicants `ids` (404 when any is outside
/// the scope, as the move itself would be).
#[allow(clippy::too_many_arguments)]
pub async fn ask(
    page: Page,
    state: &AppState,
    scope: Scope,
    ids: Vec<i64>,
    action: String,
    hidden: Vec<(String, String)>,
    typed: &str,
    back: String,
) -> AppResult<HttpResponse> {
    let rows = state
        .db
        .run(move |c| {
            let reachable = applicants::all_in_scope(c, scope, &ids)?;
            applicants::rows_by_ids(c, &reachable)
        })
        .await?;
    let names = rows.into_iter().map(|r| r.applicant.name).collect();
    let mut errors = FieldErrors::default();
    if !typed.trim().is_empty() {
        errors.add("reason", "Choose one of the reasons.");
    }
    let tpl = ReasonPage { page, action, hidden, names, chosen: typed.trim().to_string(), errors, back };
    render(StatusCode::UNPROCESSABLE_ENTITY, &tpl)
}
