//! Profiles of people and companies: an edit by someone else (an admin) is
//! audited in the same transaction.

use diesel::QueryResult;

use crate::db::audit::By;
use crate::db::companies::{self, Company, CompanyProfile};
use crate::db::profiles::{self, ProfileChanges};
use crate::db::{self, AnyConnection};

/// Saves a person's profile fields; audited when `by` is not that person.
pub fn edit_profile(c: &mut AnyConnection, by: &By, user_id: i64, changes: &ProfileChanges) -> QueryResult<()> {
    db::transaction(c, |c| {
        profiles::update(c, user_id, changes)?;
        if by.user_id != user_id {
            by.record(c, "user.profile_edited", ("user", user_id), String::new())?;
        }
        Ok(())
    })
}

/// Removes a person's picture; audited when `by` is not that person. Returns
/// the stored file the row no longer names (removed after the commit).
pub fn remove_avatar(c: &mut AnyConnection, by: &By, user_id: i64) -> QueryResult<Option<String>> {
    db::transaction(c, |c| {
        let old = profiles::set_avatar(c, user_id, None)?;
        if by.user_id != user_id && old.is_some() {
            by.record(c, "user.avatar_removed", ("user", user_id), String::new())?;
        }
        Ok(old)
    })
}

/// Saves a company's profile (by an employer of it or an admin), audited.
pub fn edit_company(c: &mut AnyConnection, by: &By, company_id: i64, profile: &CompanyProfile) -> QueryResult<Company> {
    db::transaction(c, |c| {
        let company = companies::update_profile(c, company_id, profile)?;
        by.record(c, "company.update", ("company", company.id), format!("profile of {} edited", company.name))?;
        Ok(company)
    })
}
