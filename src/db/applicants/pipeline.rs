//! Changing applicants: stage, status, type, assignment and deletion, one or many at a time.

use diesel::prelude::*;

use super::{Applicant, Scope, can_hold, event, find, find_in_scope, record_event};
use crate::db::AnyConnection;
use crate::db::audit::{self, AuditRecord};
use crate::db::notifications::{self, NewNotification};
use crate::db::schema::{applicant_stages, applicants, companies, jobs, resumes, users};
use crate::db::steps::{self, Step};
use crate::domain::{ApplicantStatus, EmploymentType, RejectionReason, Stage};

/// Who must be told, after commit, that something changed for them.
#[derive(Debug, Default)]
pub struct Changed {
    /// Users with a new notification (poke them after commit).
    pub notified: Vec<i64>,
    /// How many applicants actually changed.
    pub count: usize,
    /// The ones that changed.
    pub moved: Vec<i64>,
    /// The ones among them that changed category, not only step.
    pub entered: Vec<i64>,
}

/// Where a move takes applicants: a stage category, and perhaps one of the
/// company's own steps inside it.
#[derive(Debug, Clone)]
pub struct Place {
    pub stage: Stage,
    pub step: Option<Step>,
}

impl Place {
    pub fn stage(stage: Stage) -> Place {
        Place { stage, step: None }
    }

    pub fn step(step: Step) -> Place {
        Place { stage: step.category, step: Some(step) }
    }

    pub fn step_id(&self) -> Option<i64> {
        self.step.as_ref().map(|s| s.id)
    }

    /// As the company calls it.
    pub fn label(&self) -> &str {
        self.step.as_ref().map(|s| s.name.as_str()).unwrap_or(self.stage.label())
    }
}

fn stage_moved(
    conn: &mut AnyConnection,
    applicant: &Applicant,
    to: &Place,
    reason: Option<RejectionReason>,
    actor_id: i64,
) -> QueryResult<Option<i64>> {
    let (from, from_step) = (applicant.stage, applicant.step_id);
    let values = (
        applicants::stage.eq(to.stage),
        applicants::step_id.eq(to.step_id()),
        applicants::rejection_reason.eq(reason),
        applicants::updated_at.eq(crate::db::now()),
    );
    // Only from where it was read: a move meanwhile is not overwritten.
    let unchanged = applicants::table.find(applicant.id).filter(applicants::stage.eq(from));
    let moved = match from_step {
        Some(step) => diesel::update(unchanged.filter(applicants::step_id.eq(step))).set(values).execute(conn)?,
        None => diesel::update(unchanged.filter(applicants::step_id.is_null())).set(values).execute(conn)?,
    };
    if moved == 0 {
        // Someone moved it meanwhile (PostgreSQL, read committed): start again from what is there.
        let current = find(conn, applicant.id)?;
        let there = current.stage == to.stage && current.step_id == to.step_id();
        return if there { Ok(None) } else { stage_moved(conn, &current, to, reason, actor_id) };
    }
    let from_label = match from_step {
        Some(step) => steps::names(conn, &[step])?.remove(&step).unwrap_or_else(|| from.label().to_string()),
        None => from.label().to_string(),
    };
    let detail = match reason {
        Some(reason) => format!("{from_label} → {} ({})", to.label(), reason.label()),
        None => format!("{from_label} → {}", to.label()),
    };
    record_event(conn, applicant.id, Some(actor_id), event::STAGE, &detail, None)?;
    if from != to.stage {
        diesel::insert_into(applicant_stages::table)
            .values((
                applicant_stages::applicant_id.eq(applicant.id),
                applicant_stages::stage.eq(to.stage),
                applicant_stages::entered_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
    }
    // The seeker hears of categories only: a company's steps are its own.
    let Some(seeker_id) = applicant.seeker_id.filter(|_| applicant.withdrawn_at.is_none() && from != to.stage) else {
        return Ok(None);
    };
    let stage = to.stage;
    let job_title: Option<String> = match applicant.job_id {
        Some(job) => jobs::table.find(job).select(jobs::title).first(conn).optional()?,
        None => None,
    };
    let company: String = companies::table.find(applicant.company_id).select(companies::name).first(conn)?;
    let title = format!("Your application is now at “{}”", stage.label());
    let body = match job_title {
        Some(job) => format!("{job} at {company}"),
        None => company,
    };
    notifications::create(
        conn,
        &NewNotification {
            user_id: seeker_id,
            kind: crate::domain::NotificationKind::Stage,
            title: &title,
            body: &body,
            link: &format!("/applications/{}", applicant.id),
            data: serde_json::json!({
                "applicant_id": applicant.id,
                "stage": stage.as_str(),
                "label": stage.label(),
            })
            .to_string(),
        },
    )?;
    Ok(Some(seeker_id))
}

/// Moves applicants to a stage (or a step of their company), writing history
/// and telling seekers, all or nothing: if any id is outside the scope, or of
/// another company than the step's, nothing changes (NotFound). A move to
/// the rejected stage carries its reason (the routes ask for one).
pub fn move_to_stage(
    conn: &mut AnyConnection,
    scope: Scope,
    ids: &[i64],
    to: &Place,
    reason: Option<RejectionReason>,
    actor_id: i64,
) -> QueryResult<Changed> {
    let reason = reason.filter(|_| to.stage == Stage::Rejected);
    crate::db::transaction(conn, |c| {
        let found = load_all_in_scope(c, scope, ids)?;
        if let Some(step) = &to.step {
            if found.iter().any(|a| a.company_id != step.company_id) {
                return Err(diesel::result::Error::NotFound);
            }
        }
        let mut changed = Changed::default();
        for applicant in found.iter().filter(|a| a.stage != to.stage || a.step_id != to.step_id()) {
            changed.count += 1;
            changed.moved.push(applicant.id);
            if applicant.stage != to.stage {
                changed.entered.push(applicant.id);
            }
            if let Some(seeker) = stage_moved(c, applicant, to, reason, actor_id)? {
                changed.notified.push(seeker);
            }
        }
        Ok(changed)
    })
}

/// Every applicant of `ids` (no duplicates), or NotFound when any is missing
/// or outside the scope.
pub(super) fn load_all_in_scope(conn: &mut AnyConnection, scope: Scope, ids: &[i64]) -> QueryResult<Vec<Applicant>> {
    let mut wanted: Vec<i64> = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = Vec::with_capacity(wanted.len());
    for chunk in wanted.chunks(500) {
        let mut query =
            applicants::table.filter(applicants::id.eq_any(chunk)).select(Applicant::as_select()).into_boxed();
        if let Some(company) = scope.company() {
            query = query.filter(applicants::company_id.eq(company));
        }
        found.extend(query.load::<Applicant>(conn)?);
    }
    if found.len() != wanted.len() || wanted.is_empty() {
        return Err(diesel::result::Error::NotFound);
    }
    Ok(found)
}

/// The ids among `ids` the scope may reach (for exporting a selection).
pub fn all_in_scope(conn: &mut AnyConnection, scope: Scope, ids: &[i64]) -> QueryResult<Vec<i64>> {
    load_all_in_scope(conn, scope, ids).map(|found| found.into_iter().map(|a| a.id).collect())
}

pub fn set_status(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    status: ApplicantStatus,
    actor_id: i64,
) -> QueryResult<bool> {
    crate::db::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        if applicant.status == status {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((applicants::status.eq(status), applicants::updated_at.eq(crate::db::now())))
            .execute(c)?;
        let detail = format!("{} → {}", applicant.status.label(), status.label());
        record_event(c, id, Some(actor_id), event::STATUS, &detail, None)?;
        Ok(true)
    })
}

pub fn set_employment_type(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    kind: EmploymentType,
    actor_id: i64,
) -> QueryResult<bool> {
    crate::db::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        if applicant.employment_type == kind {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((applicants::employment_type.eq(kind), applicants::updated_at.eq(crate::db::now())))
            .execute(c)?;
        let detail = format!("{} → {}", applicant.employment_type.label(), kind.label());
        record_event(c, id, Some(actor_id), event::TYPE, &detail, None)?;
        Ok(true)
    })
}

/// Why an assignment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignRefused {
    /// The target is not an active admin or an active employer of the applicant's company.
    NotAllowedTarget,
}

/// Assigns applicants to a user (or to nobody), all or nothing, with history,
/// a notification for the new assignee and an audit row per applicant.
pub fn assign(
    conn: &mut AnyConnection,
    scope: Scope,
    ids: &[i64],
    target: Option<i64>,
    actor_id: i64,
    ip: &str,
) -> QueryResult<Result<Changed, AssignRefused>> {
    crate::db::transaction(conn, |c| {
        let found = load_all_in_scope(c, scope, ids)?;
        if let Some(target) = target {
            for company in found.iter().map(|a| a.company_id).collect::<std::collections::BTreeSet<_>>() {
                if !can_hold(c, target, company)? {
                    return Ok(Err(AssignRefused::NotAllowedTarget));
                }
            }
        }
        let target_name: Option<String> = match target {
            Some(t) => users::table
                .find(t)
                .select((users::display_name, users::username))
                .first::<(String, String)>(c)
                .map(|(d, u)| if d.is_empty() { u } else { d })
                .optional()?,
            None => None,
        };
        let mut changed = Changed::default();
        for applicant in found.iter().filter(|a| a.assignee_id != target) {
            changed.count += 1;
            diesel::update(applicants::table.find(applicant.id))
                .set((applicants::assignee_id.eq(target), applicants::updated_at.eq(crate::db::now())))
                .execute(c)?;
            let detail = match &target_name {
                Some(name) => format!("Assigned to {name}"),
                None => "Unassigned".to_string(),
            };
            record_event(c, applicant.id, Some(actor_id), event::ASSIGNED, &detail, None)?;
            audit::record(
                c,
                AuditRecord {
                    actor_id: Some(actor_id),
                    action: "applicant.assign",
                    target_type: "applicant",
                    target_id: Some(applicant.id),
                    // Ids, not the applicant's name: audit lines outlive an erasure.
                    detail: format!(
                        "{} → {}",
                        user_ref(applicant.assignee_id),
                        match (&target_name, target) {
                            (Some(name), Some(id)) => format!("{name} (user {id})"),
                            _ => user_ref(target),
                        }
                    ),
                    ip,
                },
            )?;
            if let Some(t) = target.filter(|t| *t != actor_id) {
                notifications::create(
                    c,
                    &NewNotification {
                        user_id: t,
                        kind: crate::domain::NotificationKind::Assignment,
                        title: &format!("You were assigned {}", applicant.name),
                        body: "An applicant is now yours to follow up.",
                        link: &format!("/applicants/{}", applicant.id),
                        data: serde_json::json!({ "applicant_id": applicant.id }).to_string(),
                    },
                )?;
                if !changed.notified.contains(&t) {
                    changed.notified.push(t);
                }
            }
        }
        Ok(Ok(changed))
    })
}

fn user_ref(id: Option<i64>) -> String {
    id.map(|id| format!("user {id}")).unwrap_or_else(|| "nobody".into())
}

/// Deletes an applicant (notes and history go with it) and audits it.
/// Returns the stored file of a resume that belonged to this applicant alone
/// (uploaded by hand), whose row is deleted too: remove the file after commit.
pub fn delete(conn: &mut AnyConnection, scope: Scope, id: i64, actor_id: i64, ip: &str) -> QueryResult<Option<String>> {
    crate::db::transaction(conn, |c| {
        let applicant = find_in_scope(c, scope, id)?;
        diesel::delete(applicants::table.find(id)).execute(c)?;
        let mut orphan = None;
        if let Some(resume_id) = applicant.resume_id {
            let resume = crate::db::resumes::find(c, resume_id).optional()?;
            if let Some(resume) = resume.filter(|r| r.user_id.is_none()) {
                let still_used: i64 =
                    applicants::table.filter(applicants::resume_id.eq(resume_id)).count().get_result(c)?;
                if still_used == 0 {
                    diesel::delete(resumes::table.find(resume_id)).execute(c)?;
                    orphan = Some(resume.stored_name);
                }
            }
        }
        audit::record(
            c,
            AuditRecord {
                actor_id: Some(actor_id),
                action: "applicant.delete",
                target_type: "applicant",
                target_id: Some(id),
                detail: format!("applicant {id} of company {}", applicant.company_id),
                ip,
            },
        )?;
        Ok(orphan)
    })
}
