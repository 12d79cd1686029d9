//! Whose records a user may reach, for every area with a company's records
//! (applicants, jobs, …): one company's (its team's) or every company's
//! (admins). Handlers get it from the session (`CurrentUser::company_scope`);
//! queries (`db::applicants::Scope`, `db::jobs::Scope`) filter by it and
//! answer NotFound outside it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyScope {
    /// Every company's (admins).
    Everything,
    /// One company's (an employer's).
    Company(i64),
}

impl CompanyScope {
    pub fn allows(&self, company_id: i64) -> bool {
        match self {
            CompanyScope::Everything => true,
            CompanyScope::Company(id) => *id == company_id,
        }
    }

    /// The one company, or none for every company.
    pub fn company(&self) -> Option<i64> {
        match self {
            CompanyScope::Everything => None,
            CompanyScope::Company(id) => Some(*id),
        }
    }
}
