//! A stage move and the e-mail that goes with it: the template the company
//! set for the stage (or, without one, the portal's own kind note to
//! seekers who applied here), or the one chosen for this move, written to
//! each applicant moved, in the move's transaction (all or nothing).

use diesel::prelude::*;

use crate::config::Settings;
use crate::db::applicants::{self, Changed, Place, Scope};
use crate::db::email_templates as templates;
use crate::db::outbox;
use crate::domain::{Email, RejectionReason, Stage};
use crate::mail::compose;

/// Which e-mail a move sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// The company's template for the stage; without one, the portal's
    /// note to each seeker who applied on the portal.
    ForStage,
    /// None this time.
    Nothing,
    /// This template of the applicants' company.
    Template(i64),
}

impl Letter {
    /// The bulk bar's choice: empty for the stage's own, `none`, or a template id.
    pub fn parse(raw: &str) -> Option<Letter> {
        match raw.trim() {
            "" => Some(Letter::ForStage),
            "none" => Some(Letter::Nothing),
            id => id.parse::<i64>().ok().filter(|id| *id > 0).map(Letter::Template),
        }
    }
}

/// A move done.
#[derive(Debug, Default)]
pub struct Moved {
    pub changed: Changed,
    /// E-mails queued (applicants without a valid address get none).
    pub emailed: usize,
}

/// The chosen template is not one of these applicants' company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotTheirTemplate;

/// Moves applicants to a stage (see `applicants::move_to_stage`) and writes the
/// letter to the ones that moved, replies going to `reply_to`.
#[allow(clippy::too_many_arguments)]
pub fn move_to_stage(
    c: &mut crate::db::AnyConnection,
    scope: Scope,
    ids: &[i64],
    to: &Place,
    reason: Option<RejectionReason>,
    actor_id: i64,
    reply_to: &str,
    letter: Letter,
    settings: &Settings,
) -> QueryResult<Result<Moved, NotTheirTemplate>> {
    crate::db::transaction(c, |c| {
        let chosen = match letter {
            Letter::Template(id) => match templates::usable_for(c, scope.company(), ids, id)? {
                Some(t) => Some(t),
                None => return Ok(Err(NotTheirTemplate)),
            },
            _ => None,
        };
        let changed = applicants::move_to_stage(c, scope, ids, to, reason, actor_id)?;
        let mut emailed = 0;
        // A stage's own e-mail greets those who enter it, not those moved
        // between two of the company's steps inside it.
        let written = if letter == Letter::ForStage { &changed.entered } else { &changed.moved };
        let recipients = outbox::recipients(c, None, written)?;
        let mut companies: Vec<i64> = recipients.iter().map(|r| r.company_id).collect();
        companies.sort_unstable();
        companies.dedup();
        for company in companies {
            let template = match (letter, &chosen) {
                (Letter::Template(_), Some(t)) => Some(t.clone()),
                (Letter::ForStage, _) => templates::for_stage(c, company, to.stage)?,
                _ => None,
            };
            let Some(t) = template else {
                if letter == Letter::ForStage && to.stage != Stage::Applied {
                    for r in recipients.iter().filter(|r| r.company_id == company) {
                        let told = crate::mail::notices::stage_changed(c, settings, r.id, to.stage, actor_id)?;
                        emailed += usize::from(told.is_some());
                    }
                }
                continue;
            };
            let to: Vec<_> = recipients
                .iter()
                .filter(|r| r.company_id == company && Email::parse(&r.email).is_ok())
                .cloned()
                .collect();
            compose::queue_written(c, &to, &t.subject, &t.body, actor_id, reply_to)?;
            emailed += to.len();
        }
        Ok(Ok(Moved { changed, emailed }))
    })
}
