//! Notes on an applicant and their timeline.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::{Scope, find_in_scope, person_name};
use crate::db::AnyConnection;
use crate::db::schema::{applicant_events, applicant_notes, applicants, outbox, users};

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: i64,
    pub body: String,
    pub author_name: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// The notes of an applicant, oldest first.
pub fn notes(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<NoteRow>> {
    let rows: Vec<(i64, String, PrimitiveDateTime, Option<String>, Option<String>)> = applicant_notes::table
        .left_join(users::table.on(users::id.nullable().eq(applicant_notes::author_id)))
        .filter(applicant_notes::applicant_id.eq(applicant_id))
        .order(applicant_notes::id.asc())
        .select((
            applicant_notes::id,
            applicant_notes::body,
            applicant_notes::created_at,
            users::display_name.nullable(),
            users::username.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, body, created_at, display, username)| NoteRow {
            id,
            body,
            author_name: person_name(display, username),
            created_at,
        })
        .collect())
}

/// One line of the timeline, with the delivery state of its e-mail if any.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub detail: String,
    pub actor_name: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub outbox_id: Option<i64>,
    pub email_state: Option<String>,
    pub email_error: Option<String>,
}

/// The timeline, newest first.
pub fn timeline(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<EventRow>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        (i64, String, String, PrimitiveDateTime, Option<i64>),
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = applicant_events::table
        .left_join(users::table.on(users::id.nullable().eq(applicant_events::actor_id)))
        .left_join(outbox::table.on(outbox::id.nullable().eq(applicant_events::outbox_id)))
        .filter(applicant_events::applicant_id.eq(applicant_id))
        .order(applicant_events::id.desc())
        .select((
            (
                applicant_events::id,
                applicant_events::kind,
                applicant_events::detail,
                applicant_events::created_at,
                applicant_events::outbox_id,
            ),
            users::display_name.nullable(),
            users::username.nullable(),
            outbox::state.nullable(),
            outbox::last_error.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|((id, kind, detail, created_at, outbox_id), display, username, state, error)| EventRow {
            id,
            kind,
            detail,
            actor_name: person_name(display, username),
            created_at,
            outbox_id,
            email_state: state,
            email_error: error,
        })
        .collect())
}

pub fn add_note(conn: &mut AnyConnection, scope: Scope, id: i64, body: &str, author_id: i64) -> QueryResult<i64> {
    crate::db::transaction(conn, |c| {
        find_in_scope(c, scope, id)?;
        // A note is something done about the applicant (see `record_event`).
        diesel::update(applicants::table.find(id)).set(applicants::updated_at.eq(crate::db::now())).execute(c)?;
        diesel::insert_into(applicant_notes::table)
            .values((
                applicant_notes::applicant_id.eq(id),
                applicant_notes::author_id.eq(author_id),
                applicant_notes::body.eq(body),
                applicant_notes::created_at.eq(crate::db::now()),
            ))
            .returning(applicant_notes::id)
            .get_result(c)
    })
}
