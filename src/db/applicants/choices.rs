//! What the CRM's forms offer: jobs, companies and the people who may hold applicants.

use diesel::prelude::*;

use super::{Scope, lower};
use crate::db::AnyConnection;
use crate::db::schema::{companies, jobs, users};
use crate::domain::{JobStatus, Role};

/// A job offered in a select: of the company, any status.
#[derive(Debug, Clone, Queryable)]
pub struct JobChoice {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub status: JobStatus,
}

/// The jobs of a company (every company's when None, capped), newest first.
pub fn job_choices(conn: &mut AnyConnection, company_id: Option<i64>) -> QueryResult<Vec<JobChoice>> {
    let mut query = jobs::table
        .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .into_boxed();
    match company_id {
        Some(c) => query = query.filter(jobs::company_id.eq(c)),
        None => query = query.limit(0),
    }
    query.load(conn)
}

/// How many jobs the list's job filter offers: the most recent ones (and
/// the one chosen). Every job is reachable from the job overview.
pub const JOB_FILTER_CHOICES: i64 = 100;

/// The jobs the list's job filter offers, newest first, and whether the
/// company has more than those.
pub fn job_filter_choices(
    conn: &mut AnyConnection,
    company_id: Option<i64>,
    selected: Option<i64>,
) -> QueryResult<(Vec<JobChoice>, bool)> {
    let Some(company) = company_id else { return Ok((Vec::new(), false)) };
    let mut jobs: Vec<JobChoice> = jobs::table
        .filter(jobs::company_id.eq(company))
        .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
        // Not by id: PostgreSQL would walk the whole primary key backwards
        // looking for this company's jobs.
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .limit(JOB_FILTER_CHOICES + 1)
        .load(conn)?;
    let more = jobs.len() as i64 > JOB_FILTER_CHOICES;
    jobs.truncate(JOB_FILTER_CHOICES as usize);
    if let Some(job) = selected.filter(|id| !jobs.iter().any(|j| j.id == *id)) {
        if let Some(found) = jobs::table
            .find(job)
            .filter(jobs::company_id.eq(company))
            .select((jobs::id, jobs::company_id, jobs::title, jobs::status))
            .first::<JobChoice>(conn)
            .optional()?
        {
            jobs.insert(0, found);
        }
    }
    Ok((jobs, more))
}

/// A job the scope may reach (its board, its applicants).
pub fn job_in_scope(conn: &mut AnyConnection, scope: Scope, job_id: i64) -> QueryResult<JobChoice> {
    let job: JobChoice =
        jobs::table.find(job_id).select((jobs::id, jobs::company_id, jobs::title, jobs::status)).first(conn)?;
    if scope.allows(job.company_id) { Ok(job) } else { Err(diesel::result::Error::NotFound) }
}

/// Every company by name (the admin's company filter).
pub fn company_choices(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    companies::table
        .select((companies::id, companies::name))
        .order((companies::name.asc(), companies::id.asc()))
        .load(conn)
}

/// The company an admin typed into the list's company filter: one whose
/// name is that (any case), else the only one whose name starts so. Err
/// holds what to tell the admin.
pub fn company_named(conn: &mut AnyConnection, typed: &str) -> QueryResult<Result<i64, String>> {
    let wanted = typed.trim().to_lowercase();
    let exact: Vec<i64> =
        companies::table.filter(lower(companies::name).eq(&wanted)).select(companies::id).limit(2).load(conn)?;
    if let [id] = exact[..] {
        return Ok(Ok(id));
    }
    let pattern = format!("{}%", wanted.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let starting: Vec<(i64, String)> = companies::table
        .filter(lower(companies::name).like(pattern).escape('\\'))
        .select((companies::id, companies::name))
        .order((companies::name.asc(), companies::id.asc()))
        .limit(6)
        .load(conn)?;
    Ok(match &starting[..] {
        [] => Err(format!("No company's name starts with “{}”.", typed.trim())),
        [(id, _)] if exact.is_empty() => Ok(*id),
        several => {
            let names: Vec<&str> = several.iter().take(5).map(|(_, n)| n.as_str()).collect();
            let more = if several.len() > 5 { ", …" } else { "" };
            Err(format!(
                "Several companies match “{}”: {}{more}. Type more of the name.",
                typed.trim(),
                names.join(", ")
            ))
        }
    })
}

/// A person who may hold applicants.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Who applicants of a company may be assigned to: its active employers and
/// every active admin (only admins, when no company is given).
pub fn assignable_people(conn: &mut AnyConnection, company_id: Option<i64>) -> QueryResult<Vec<Person>> {
    let mut query = users::table
        .filter(users::is_active.eq(true))
        .select((users::id, users::display_name, users::username, users::role))
        .order((users::role.asc(), lower(users::username).asc()))
        .into_boxed();
    query = match company_id {
        Some(c) => {
            query.filter(users::role.eq(Role::Admin).or(users::role.eq(Role::Employer).and(users::company_id.eq(c))))
        }
        None => query.filter(users::role.eq(Role::Admin)),
    };
    let rows: Vec<(i64, String, String, Role)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, display, username, role)| Person {
            id,
            name: if display.is_empty() { username } else { display },
            role,
        })
        .collect())
}

/// True when `user_id` may hold applicants of the company: an active admin,
/// or an active employer of that company.
pub fn can_hold(conn: &mut AnyConnection, user_id: i64, company_id: i64) -> QueryResult<bool> {
    let user = users::table
        .find(user_id)
        .select((users::role, users::company_id, users::is_active))
        .first::<(Role, Option<i64>, bool)>(conn)
        .optional()?;
    Ok(match user {
        Some((Role::Admin, _, true)) => true,
        Some((Role::Employer, Some(c), true)) => c == company_id,
        _ => false,
    })
}
