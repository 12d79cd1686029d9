//! What admins do to jobs and accounts, each with its audit line in the
//! same transaction.

use diesel::QueryResult;

use crate::db::audit::By;
use crate::db::users::{self};
use crate::db::{self, AnyConnection, admin, companies, jobs};
use crate::domain::{CompanyRole, Role};

/// What an admin does to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Close,
    Delete,
}

/// Closes or deletes a job (any company's). Returns whether it did (a job
/// already closed is left as it is) and the job's title.
pub fn moderate_job(
    c: &mut AnyConnection,
    actor: i64,
    ip: &str,
    id: i64,
    action: Moderation,
) -> QueryResult<(bool, String)> {
    db::transaction(c, |c| {
        let (job, company) = jobs::find_with_company(c, id)?;
        let (done, name) = match action {
            Moderation::Close => (jobs::close_by_id(c, id)?, "job.closed"),
            Moderation::Delete => (jobs::delete(c, id)?, "job.deleted"),
        };
        if done {
            let detail = format!("{} ({})", job.title, company.name);
            By { user_id: actor, ip }.record(c, name, ("job", id), detail)?;
        }
        Ok((done, job.title))
    })
}

/// A role change refused: the form field and what it says.
pub type Refused = (&'static str, &'static str);

/// Gives an account another role (an employer with a company and its role
/// there). The last active admin keeps the role; an employer needs a company.
pub fn set_role(
    c: &mut AnyConnection,
    actor: i64,
    ip: &str,
    id: i64,
    role: Role,
    company_id: Option<i64>,
    company_role: Option<CompanyRole>,
) -> QueryResult<Result<(), Refused>> {
    db::transaction(c, |c| {
        let user = users::find(c, id)?;
        if user.role == Role::Admin && role != Role::Admin && user.is_active && admin::active_admins(c)? <= 1 {
            return Ok(Err(("role", "This is the last active admin: make another admin first.")));
        }
        let company_id = match role {
            Role::Employer => match company_id {
                Some(cid) if companies::find(c, cid).is_ok() => Some(cid),
                _ => return Ok(Err(("company_id", "An employer belongs to a company: choose one."))),
            },
            _ => None,
        };
        // Everyone but an employer counts as the owner of nothing.
        let company_role = match role {
            Role::Employer => company_role.unwrap_or(user.company_role),
            _ => CompanyRole::Owner,
        };
        admin::set_role(c, id, role, company_id, company_role)?;
        let company = company_id.map(|c| format!(" (company {c}, {})", company_role.as_str())).unwrap_or_default();
        let detail = format!("{} → {}{company}", user.role.as_str(), role.as_str());
        By { user_id: actor, ip }.record(c, "user.role_changed", ("user", id), detail)?;
        Ok(Ok(()))
    })
}

/// The last active admin cannot be deactivated.
pub struct LastAdmin;

/// Deactivates (every session ends) or reactivates an account.
pub fn set_active(
    c: &mut AnyConnection,
    actor: i64,
    ip: &str,
    id: i64,
    active: bool,
) -> QueryResult<Result<(), LastAdmin>> {
    db::transaction(c, |c| {
        let user = users::find(c, id)?;
        if !active && user.role == Role::Admin && user.is_active && admin::active_admins(c)? <= 1 {
            return Ok(Err(LastAdmin));
        }
        admin::set_active(c, id, active)?;
        let action = if active { "user.reactivated" } else { "user.deactivated" };
        By { user_id: actor, ip }.record(c, action, ("user", id), user.username)?;
        Ok(Ok(()))
    })
}
