//! A company's saved e-mails with placeholders (`{{name}}`, `{{job}}`, `{{company}}`).

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::AnyConnection;
use crate::db::schema::email_templates;
use crate::domain::Stage;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = email_templates)]
pub struct EmailTemplate {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// Sent by itself when an applicant is moved to this stage.
    pub auto_stage: Option<Stage>,
}

pub fn list(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<EmailTemplate>> {
    email_templates::table
        .filter(email_templates::company_id.eq(company_id))
        .select(EmailTemplate::as_select())
        .order((email_templates::name, email_templates::id))
        .load(conn)
}

/// Template `id` when it may be sent to every applicant of `ids`: it is
/// their company's, and of `company` when the writer is bound to one.
pub fn usable_for(
    conn: &mut AnyConnection,
    company: Option<i64>,
    applicant_ids: &[i64],
    id: i64,
) -> QueryResult<Option<EmailTemplate>> {
    use crate::db::schema::applicants;
    let mut query = email_templates::table.filter(email_templates::id.eq(id)).into_boxed();
    if let Some(company) = company {
        query = query.filter(email_templates::company_id.eq(company));
    }
    let Some(template) = query.select(EmailTemplate::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let others: i64 = applicants::table
        .filter(applicants::id.eq_any(applicant_ids))
        .filter(applicants::company_id.ne(template.company_id))
        .count()
        .get_result(conn)?;
    Ok((others == 0).then_some(template))
}

/// The template a company sends by itself on a move to `stage`.
pub fn for_stage(conn: &mut AnyConnection, company_id: i64, stage: Stage) -> QueryResult<Option<EmailTemplate>> {
    email_templates::table
        .filter(email_templates::company_id.eq(company_id))
        .filter(email_templates::auto_stage.eq(stage))
        .select(EmailTemplate::as_select())
        .first(conn)
        .optional()
}

/// A template of this company (NotFound for another company's).
pub fn find(conn: &mut AnyConnection, company_id: i64, id: i64) -> QueryResult<EmailTemplate> {
    email_templates::table
        .filter(email_templates::id.eq(id).and(email_templates::company_id.eq(company_id)))
        .select(EmailTemplate::as_select())
        .first(conn)
}

pub fn create(
    conn: &mut AnyConnection,
    company_id: i64,
    name: &str,
    subject: &str,
    body: &str,
    auto_stage: Option<Stage>,
) -> QueryResult<EmailTemplate> {
    crate::db::transaction(conn, |c| {
        release_stage(c, company_id, auto_stage)?;
        let now = crate::db::now();
        diesel::insert_into(email_templates::table)
            .values((
                email_templates::company_id.eq(company_id),
                email_templates::name.eq(name),
                email_templates::subject.eq(subject),
                email_templates::body.eq(body),
                email_templates::created_at.eq(now),
                email_templates::updated_at.eq(now),
                email_templates::auto_stage.eq(auto_stage),
            ))
            .returning(email_templates::all_columns)
            .get_result(c)
    })
}

/// A stage has one template of the company at most: the one saved last
/// takes it over. The company's lock makes "release, then take" one step
/// when two people save templates for the same stage at once.
fn release_stage(conn: &mut AnyConnection, company_id: i64, stage: Option<Stage>) -> QueryResult<()> {
    let Some(stage) = stage else { return Ok(()) };
    crate::db::lock::take(conn, crate::db::lock::Row::Company(company_id))?;
    diesel::update(
        email_templates::table
            .filter(email_templates::company_id.eq(company_id))
            .filter(email_templates::auto_stage.eq(stage)),
    )
    .set(email_templates::auto_stage.eq(None::<Stage>))
    .execute(conn)
    .map(|_| ())
}

/// Updates a template of this company; NotFound when it is not one.
pub fn update(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
    name: &str,
    subject: &str,
    body: &str,
    auto_stage: Option<Stage>,
) -> QueryResult<()> {
    crate::db::transaction(conn, |c| {
        release_stage(c, company_id, auto_stage)?;
        let changed = diesel::update(
            email_templates::table.filter(email_templates::id.eq(id).and(email_templates::company_id.eq(company_id))),
        )
        .set((
            email_templates::name.eq(name),
            email_templates::subject.eq(subject),
            email_templates::body.eq(body),
            email_templates::updated_at.eq(crate::db::now()),
            email_templates::auto_stage.eq(auto_stage),
        ))
        .execute(c)?;
        if changed == 1 { Ok(()) } else { Err(diesel::result::Error::NotFound) }
    })
}

/// Deletes a template of this company and returns its name; NotFound
/// when it is not one.
pub fn delete(conn: &mut AnyConnection, company_id: i64, id: i64) -> QueryResult<String> {
    diesel::delete(
        email_templates::table.filter(email_templates::id.eq(id).and(email_templates::company_id.eq(company_id))),
    )
    .returning(email_templates::name)
    .get_result(conn)
}
