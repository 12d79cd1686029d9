//! Queries of the admin pages: site counts, user management, job moderation,
//! companies, the audit log.

use diesel::dsl::count_star;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::audit::AuditEntry;
use super::companies::Company;
use super::jobs::Job;
use super::schema::{applicants, audit_log, companies, jobs, outbox, users};
use super::users::{User, lower};
use crate::domain::{ApplicantSource, CompanyRole, JobStatus, Role};

#[derive(Debug, Default)]
pub struct SiteCounts {
    pub seekers: i64,
    pub employers: i64,
    pub admins: i64,
    pub deactivated: i64,
    pub companies: i64,
    pub open_jobs: i64,
    pub applications_this_week: i64,
    pub applications_last_week: i64,
    pub outbox_queued: i64,
    pub outbox_failed: i64,
    pub outbox_sent: i64,
}

/// Monday 00:00 UTC of the week that holds `now`.
pub fn week_start(now: PrimitiveDateTime) -> PrimitiveDateTime {
    let days = now.weekday().number_days_from_monday() as i64;
    PrimitiveDateTime::new(now.date() - time::Duration::days(days), time::Time::MIDNIGHT)
}

pub fn site_counts(conn: &mut AnyConnection) -> QueryResult<SiteCounts> {
    let mut counts = SiteCounts::default();
    let by_role: Vec<(Role, i64)> = users::table
        .filter(users::is_active.eq(true))
        .group_by(users::role)
        .select((users::role, count_star()))
        .load(conn)?;
    for (role, n) in by_role {
        match role {
            Role::Seeker => counts.seekers = n,
            Role::Employer => counts.employers = n,
            Role::Admin => counts.admins = n,
        }
    }
    counts.deactivated = users::table.filter(users::is_active.eq(false)).count().get_result(conn)?;
    counts.companies = companies::table.count().get_result(conn)?;
    counts.open_jobs = jobs::table.filter(jobs::status.eq(JobStatus::Open)).count().get_result(conn)?;
    let this_week = week_start(super::now());
    let last_week = this_week - time::Duration::weeks(1);
    let portal = applicants::table.filter(applicants::source.eq(ApplicantSource::Portal));
    counts.applications_this_week = portal.filter(applicants::created_at.ge(this_week)).count().get_result(conn)?;
    counts.applications_last_week = portal
        .filter(applicants::created_at.ge(last_week).and(applicants::created_at.lt(this_week)))
        .count()
        .get_result(conn)?;
    let by_state: Vec<(String, i64)> =
        outbox::table.group_by(outbox::state).select((outbox::state, count_star())).load(conn)?;
    for (state, n) in by_state {
        match state.as_str() {
            "failed" => counts.outbox_failed += n,
            "sent" => counts.outbox_sent += n,
            _ => counts.outbox_queued += n,
        }
    }
    Ok(counts)
}

/// `%text%` for LIKE, with the user's own `%`, `_` and `\` taken literally.
pub fn like_pattern(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub q: String,
    pub role: Option<Role>,
    /// Some(true): active only; Some(false): deactivated only.
    pub active: Option<bool>,
}

pub struct UserRow {
    pub user: User,
    pub company: Option<String>,
}

pub fn search_users(
    conn: &mut AnyConnection,
    filter: &UserFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<UserRow>, i64)> {
    let build = || {
        let mut query = users::table.left_join(companies::table).into_boxed();
        if !filter.q.trim().is_empty() {
            let pattern = like_pattern(filter.q.trim());
            query = query.filter(
                lower(users::username)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::email).like(pattern.clone()).escape('\\'))
                    .or(lower(users::display_name).like(pattern).escape('\\')),
            );
        }
        if let Some(role) = filter.role {
            query = query.filter(users::role.eq(role));
        }
        if let Some(active) = filter.active {
            query = query.filter(users::is_active.eq(active));
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let rows: Vec<(User, Option<String>)> = build()
        .select((User::as_select(), companies::name.nullable()))
        .order(users::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows.into_iter().map(|(user, company)| UserRow { user, company }).collect(), total))
}

pub fn active_admins(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.filter(users::role.eq(Role::Admin)).filter(users::is_active.eq(true)).count().get_result(conn)
}

/// A new role (and company) also moves the session epoch: every session and
/// open socket made under the old scope ends (poke the user after commit).
pub fn set_role(
    conn: &mut AnyConnection,
    id: i64,
    role: Role,
    company_id: Option<i64>,
    company_role: CompanyRole,
) -> QueryResult<usize> {
    let changed = diesel::update(users::table.find(id))
        .set((
            users::role.eq(role),
            users::company_id.eq(company_id),
            users::company_role.eq(company_role),
            users::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    super::users::bump_session_epoch(conn, id)?;
    Ok(changed)
}

/// Deactivating (and reactivating) also moves the session epoch, so every
/// session ends at once (poke the user after commit).
pub fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> QueryResult<usize> {
    let changed = diesel::update(users::table.find(id))
        .set((users::is_active.eq(active), users::updated_at.eq(super::now())))
        .execute(conn)?;
    super::users::bump_session_epoch(conn, id)?;
    Ok(changed)
}

pub fn company_names(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    companies::table.select((companies::id, companies::name)).order(lower(companies::name)).limit(2000).load(conn)
}

#[derive(Debug, Default, Clone)]
pub struct JobFilter {
    /// Words of the title or the company name.
    pub q: String,
    pub status: Option<JobStatus>,
}

pub struct JobRow {
    pub job: Job,
    pub company: String,
    pub applicants: i64,
}

/// Jobs of every company, newest first (by creation), with their company and applicant count.
pub fn search_jobs(
    conn: &mut AnyConnection,
    filter: &JobFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<JobRow>, i64)> {
    let build = || {
        let mut query = jobs::table.inner_join(companies::table).into_boxed();
        if !filter.q.trim().is_empty() {
            let pattern = like_pattern(filter.q.trim());
            query = query.filter(
                lower(jobs::title)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(companies::name).like(pattern).escape('\\')),
            );
        }
        if let Some(status) = filter.status {
            query = query.filter(jobs::status.eq(status));
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let rows: Vec<(Job, String)> = build()
        .select((Job::as_select(), companies::name))
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let (list, names): (Vec<Job>, Vec<String>) = rows.into_iter().unzip();
    let counts = super::jobs::applicant_counts(conn, &list)?;
    let rows = list
        .into_iter()
        .zip(names)
        .zip(counts)
        .map(|((job, company), applicants)| JobRow { job, company, applicants })
        .collect();
    Ok((rows, total))
}

pub struct CompanyRow {
    pub company: Company,
    pub employers: i64,
    pub open_jobs: i64,
}

/// Companies by name (or every one), A to Z, with their employers and open jobs counted.
pub fn search_companies(
    conn: &mut AnyConnection,
    q: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<CompanyRow>, i64)> {
    let build = || {
        let mut query = companies::table.into_boxed();
        if !q.trim().is_empty() {
            query = query.filter(lower(companies::name).like(like_pattern(q.trim())).escape('\\'));
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let list: Vec<Company> = build()
        .select(Company::as_select())
        .order((lower(companies::name), companies::id))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let employers: Vec<(Option<i64>, i64)> = users::table
        .filter(users::company_id.eq_any(&ids))
        .filter(users::role.eq(Role::Employer))
        .group_by(users::company_id)
        .select((users::company_id, count_star()))
        .load(conn)?;
    let open: Vec<(i64, i64)> = jobs::table
        .filter(jobs::company_id.eq_any(&ids))
        .filter(jobs::status.eq(JobStatus::Open))
        .group_by(jobs::company_id)
        .select((jobs::company_id, count_star()))
        .load(conn)?;
    let rows = list
        .into_iter()
        .map(|company| CompanyRow {
            employers: employers.iter().find(|(id, _)| *id == Some(company.id)).map_or(0, |(_, n)| *n),
            open_jobs: open.iter().find(|(id, _)| *id == company.id).map_or(0, |(_, n)| *n),
            company,
        })
        .collect();
    Ok((rows, total))
}

/// The employers of a company, active ones first.
pub fn employers_of(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::role.eq(Role::Employer))
        .select(User::as_select())
        .order((users::is_active.desc(), lower(users::username)))
        .load(conn)
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: String,
    pub actor: String,
    pub target_type: String,
    pub from: Option<PrimitiveDateTime>,
    pub to: Option<PrimitiveDateTime>,
}

pub struct AuditRow {
    pub entry: AuditEntry,
    pub actor: Option<String>,
}

pub fn audit_entries(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let build = || {
        let mut query =
            audit_log::table.left_join(users::table.on(audit_log::actor_id.eq(users::id.nullable()))).into_boxed();
        if !filter.action.is_empty() {
            query = query.filter(audit_log::action.eq(filter.action.clone()));
        }
        if !filter.actor.is_empty() {
            query = query.filter(lower(users::username.assume_not_null()).eq(filter.actor.to_lowercase()));
        }
        if !filter.target_type.is_empty() {
            query = query.filter(audit_log::target_type.eq(filter.target_type.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_log::created_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(audit_log::created_at.lt(to));
        }
        query
    };
    let total = build().count().get_result(conn)?;
    let rows: Vec<(AuditEntry, Option<String>)> = build()
        .select((AuditEntry::as_select(), users::username.nullable()))
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows.into_iter().map(|(entry, actor)| AuditRow { entry, actor }).collect(), total))
}

pub fn audit_actions(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    audit_log::table.select(audit_log::action).distinct().order(audit_log::action).load(conn)
}
