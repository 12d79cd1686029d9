//! Rating an applicant on its job's scorecard (`POST /applicants/{id}/scorecard`)
//! and the card the applicant page shows: each criterion's average and every
//! interviewer's rating, and the viewer's own form.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};

use super::show::{pair, refuse_pairs};
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::applicants;
use crate::db::scorecards::{self, Criterion, Rating};
use crate::error::{AppError, AppResult};
use crate::routes::{Page, see_other};
use crate::state::AppState;

const COMMENT_CHARS: usize = 1000;

/// A criterion with its ratings.
pub struct CriterionView {
    pub criterion: Criterion,
    pub ratings: Vec<Rating>,
    pub average: Option<f64>,
}

/// The scorecard of one applicant as the page shows it.
pub struct Scorecard {
    pub criteria: Vec<CriterionView>,
    /// The mean of every rating.
    pub overall: Option<f64>,
    /// How many people rated.
    pub raters: usize,
    /// The viewer's own ratings: criterion → (score, comment).
    pub mine: HashMap<i64, (i32, String)>,
}

fn mean(scores: impl Iterator<Item = i32>) -> Option<f64> {
    let (sum, n) = scores.fold((0i64, 0i64), |(s, n), x| (s + i64::from(x), n + 1));
    (n > 0).then(|| sum as f64 / n as f64)
}

/// The card, when the applicant's job has criteria.
pub fn card(criteria: Vec<Criterion>, ratings: Vec<Rating>, viewer: Option<i64>) -> Option<Scorecard> {
    if criteria.is_empty() {
        return None;
    }
    let mut raters: Vec<i64> = ratings.iter().map(|r| r.rater_id).collect();
    raters.sort_unstable();
    raters.dedup();
    let mine = ratings
        .iter()
        .filter(|r| Some(r.rater_id) == viewer)
        .map(|r| (r.criterion_id, (r.score, r.comment.clone())))
        .collect();
    let overall = mean(ratings.iter().filter(|r| criteria.iter().any(|c| c.id == r.criterion_id)).map(|r| r.score));
    let criteria = criteria
        .into_iter()
        .map(|criterion| {
            let ratings: Vec<Rating> = ratings.iter().filter(|r| r.criterion_id == criterion.id).cloned().collect();
            let average = mean(ratings.iter().map(|r| r.score));
            CriterionView { criterion, ratings, average }
        })
        .collect();
    Some(Scorecard { criteria, overall, raters: raters.len(), mine })
}

/// The scores and comments of a submitted form, checked against the criteria.
fn parse(fields: &[(String, String)], criteria: &[Criterion]) -> Result<Vec<(i64, i32, String)>, String> {
    let value = |key: String| pair(fields, &key).trim().to_string();
    let mut scores = Vec::new();
    for c in criteria {
        let score = value(format!("score-{}", c.id));
        let comment = crate::domain::text::multiline(&value(format!("comment-{}", c.id)))?;
        if comment.chars().count() > COMMENT_CHARS {
            return Err(format!("A comment has at most {COMMENT_CHARS} characters."));
        }
        match score.as_str() {
            "" if comment.is_empty() => {}
            "" => return Err(format!("Give “{}” a score for your comment.", c.name)),
            raw => match raw.parse::<i32>() {
                Ok(n) if (1..=5).contains(&n) => scores.push((c.id, n, comment)),
                _ => return Err("Scores go from 1 to 5.".into()),
            },
        }
    }
    if scores.is_empty() {
        return Err("Give at least one score.".into());
    }
    Ok(scores)
}

pub async fn rate(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let criteria = state
        .db
        .run(move |c| {
            let applicant = applicants::find_in_scope(c, scope, id)?;
            match applicant.job_id {
                Some(job) => scorecards::criteria(c, job),
                None => Ok(Vec::new()),
            }
        })
        .await?;
    if criteria.is_empty() {
        return Err(AppError::Unprocessable("this applicant's job has no scorecard".into()));
    }
    let scores = match parse(&fields, &criteria) {
        Ok(scores) => scores,
        Err(message) => return refuse_pairs(page, &state, scope, id, "scorecard", message, fields).await,
    };
    let rater = user.id;
    state.db.run(move |c| crate::actions::scorecards::rate(c, id, rater, &scores)).await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "Your ratings are saved.");
    Ok(see_other(&format!("/applicants/{id}#scorecard")))
}
