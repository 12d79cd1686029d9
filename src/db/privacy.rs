//! Personal data (GDPR): what a seeker takes away, the erasure of an
//! account or of one applicant, and each company's retention period for
//! rejected applicants. Erasure keeps what is not personal (the stages an
//! application went through, when) so reports and audits still add up.

use diesel::prelude::*;
use serde_json::json;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::audit::{self, AuditRecord};
use super::outbox::LinkKind;
use super::schema::{
    applicant_events, applicant_notes, applicant_tags, applicants, audit_log, companies, job_alerts, jobs,
    live_presence, messages, notifications, outbox, password_resets, resumes, saved_jobs, scorecard_ratings,
    screening_answers, screening_questions, seeker_preferences, users,
};
use super::users::lower;
use crate::db::applicants::Applicant;

/// What an erased applicant is called.
pub const ERASED_NAME: &str = "Erased applicant";

/// Timeline lines whose text is not personal (stage, status, type, applied).
const KEPT_EVENT_TEXT: [&str; 6] = ["stage", "status", "type", "applied", "created", "withdrawn"];

/// Erases an applicant's personal data, in the caller's transaction. Returns
/// the stored files to remove after commit (a resume uploaded by hand for
/// it alone).
pub fn erase_applicant(conn: &mut AnyConnection, id: i64, now: PrimitiveDateTime) -> QueryResult<Vec<String>> {
    let a: Applicant = applicants::table.find(id).select(Applicant::as_select()).first(conn)?;
    if a.erased_at.is_some() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    diesel::update(applicants::table.find(id))
        .set((
            applicants::name.eq(ERASED_NAME),
            applicants::email.eq(""),
            applicants::phone.eq(""),
            applicants::current_company.eq(""),
            applicants::location.eq(""),
            applicants::years_experience.eq(None::<i32>),
            applicants::cover_letter.eq(""),
            applicants::resume_id.eq(None::<i64>),
            applicants::erased_at.eq(Some(now)),
        ))
        .execute(conn)?;
    if let Some(resume) = a.resume_id {
        let hand: Option<(Option<i64>, String)> =
            resumes::table.find(resume).select((resumes::user_id, resumes::stored_name)).first(conn).optional()?;
        let still_used: i64 = applicants::table.filter(applicants::resume_id.eq(resume)).count().get_result(conn)?;
        if let Some((None, stored)) = hand.filter(|_| still_used == 0) {
            diesel::delete(resumes::table.find(resume)).execute(conn)?;
            files.push(stored);
        }
    }
    diesel::delete(applicant_notes::table.filter(applicant_notes::applicant_id.eq(id))).execute(conn)?;
    diesel::delete(applicant_tags::table.filter(applicant_tags::applicant_id.eq(id))).execute(conn)?;
    diesel::delete(screening_answers::table.filter(screening_answers::applicant_id.eq(id))).execute(conn)?;
    diesel::delete(scorecard_ratings::table.filter(scorecard_ratings::applicant_id.eq(id))).execute(conn)?;
    diesel::delete(messages::table.filter(messages::applicant_id.eq(id))).execute(conn)?;
    // E-mails to or about the applicant hold the address, the name and the
    // text: sent or not, they go.
    diesel::delete(outbox::table.filter(outbox::applicant_id.eq(id).or(outbox::about_applicant_id.eq(id))))
        .execute(conn)?;
    // So do the notifications about it (their titles name the person, their
    // bodies quote messages): those that lead to its pages.
    let pages = [format!("/applicants/{id}"), format!("/applications/{id}")];
    let below: Vec<String> = pages.iter().flat_map(|p| ["/", "#", "?"].map(|sep| format!("{p}{sep}%"))).collect();
    let mut about = notifications::table.into_boxed().filter(notifications::link.eq_any(&pages));
    for pattern in &below {
        about = about.or_filter(notifications::link.like(pattern));
    }
    let ids: Vec<i64> = about.select(notifications::id).load(conn)?;
    diesel::delete(notifications::table.filter(notifications::id.eq_any(ids))).execute(conn)?;
    scrub_audit(conn, "applicant", id)?;
    diesel::update(
        applicant_events::table
            .filter(applicant_events::applicant_id.eq(id))
            .filter(applicant_events::kind.ne_all(KEPT_EVENT_TEXT)),
    )
    .set((applicant_events::detail.eq(""), applicant_events::outbox_id.eq(None::<i64>)))
    .execute(conn)?;
    Ok(files)
}

/// A seeker erases their account: every application's personal data, their
/// resumes, profile, saved jobs, alerts, notifications and sessions. The
/// user row stays, emptied and unusable, so the company's records keep their
/// shape; the audit log says it happened and nothing more. Returns the stored
/// files to remove after commit.
pub fn erase_account(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<String>> {
    super::transaction(conn, |c| {
        let now = super::now();
        let mut files = Vec::new();
        let applications: Vec<i64> =
            applicants::table.filter(applicants::seeker_id.eq(user_id)).select(applicants::id).load(c)?;
        for id in applications {
            files.extend(erase_applicant(c, id, now)?);
        }
        diesel::update(applicants::table.filter(applicants::seeker_id.eq(user_id)))
            .set(applicants::seeker_id.eq(None::<i64>))
            .execute(c)?;
        let own: Vec<(i64, String)> =
            resumes::table.filter(resumes::user_id.eq(user_id)).select((resumes::id, resumes::stored_name)).load(c)?;
        let ids: Vec<i64> = own.iter().map(|(id, _)| *id).collect();
        diesel::update(applicants::table.filter(applicants::resume_id.eq_any(&ids)))
            .set(applicants::resume_id.eq(None::<i64>))
            .execute(c)?;
        diesel::delete(resumes::table.filter(resumes::id.eq_any(&ids))).execute(c)?;
        files.extend(own.into_iter().map(|(_, stored)| stored));
        let avatar: Option<String> = users::table.find(user_id).select(users::avatar_path).first(c)?;
        files.extend(avatar);
        diesel::delete(saved_jobs::table.filter(saved_jobs::user_id.eq(user_id))).execute(c)?;
        diesel::delete(job_alerts::table.filter(job_alerts::user_id.eq(user_id))).execute(c)?;
        diesel::delete(seeker_preferences::table.filter(seeker_preferences::user_id.eq(user_id))).execute(c)?;
        diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(c)?;
        diesel::delete(password_resets::table.filter(password_resets::user_id.eq(user_id))).execute(c)?;
        diesel::delete(live_presence::table.filter(live_presence::user_id.eq(user_id))).execute(c)?;
        diesel::delete(messages::table.filter(messages::seeker_id.eq(user_id))).execute(c)?;
        // Every e-mail written to the address, or carrying a link for the account.
        let email: String = users::table.find(user_id).select(users::email).first(c)?;
        let links = outbox::link_kind.eq_any([LinkKind::PasswordReset, LinkKind::ConfirmEmail]);
        let to_them = lower(outbox::recipient).eq(email.to_lowercase());
        diesel::delete(outbox::table.filter(to_them.or(links.and(outbox::link_user_id.eq(user_id))))).execute(c)?;
        scrub_audit(c, "user", user_id)?;
        diesel::update(audit_log::table.filter(audit_log::actor_id.eq(user_id)))
            .set(audit_log::detail.eq(""))
            .execute(c)?;
        // Names sign-up cannot make (':' is not allowed in either), so no one
        // can take them first and make the erasure fail.
        diesel::update(users::table.find(user_id))
            .set((
                users::email.eq(format!("erased:{user_id}@erased.invalid")),
                users::username.eq(format!("erased:{user_id}")),
                users::display_name.eq(""),
                users::headline.eq(""),
                users::location.eq(""),
                users::phone.eq(""),
                users::skills.eq(""),
                users::avatar_path.eq(None::<String>),
                // No password hash matches this: nobody logs in again.
                users::password_hash.eq("!"),
                users::is_active.eq(false),
                users::session_epoch.eq(users::session_epoch + 1),
                users::updated_at.eq(now),
            ))
            .execute(c)?;
        audit::record(
            c,
            AuditRecord {
                actor_id: Some(user_id),
                action: "account.erase",
                target_type: "user",
                target_id: Some(user_id),
                detail: String::new(),
                ip: "",
            },
        )?;
        Ok(files)
    })
}

/// Deletes the sign-ups whose confirmation link expired unopened (with the
/// company an employer's sign-up made, when nothing else is in it): an
/// address or a user name is not held by someone who never proved it.
/// Returns how many.
pub fn purge_unconfirmed(conn: &mut AnyConnection, now: PrimitiveDateTime) -> QueryResult<usize> {
    let before = now - LinkKind::ConfirmEmail.valid_for();
    super::transaction(conn, |c| {
        let stale: Vec<(i64, Option<i64>)> = users::table
            .filter(users::email_confirmed.eq(false).and(users::created_at.lt(before)))
            .select((users::id, users::company_id))
            .load(c)?;
        let ids: Vec<i64> = stale.iter().map(|(id, _)| *id).collect();
        diesel::delete(
            outbox::table.filter(outbox::link_user_id.eq_any(&ids).and(outbox::link_kind.eq(LinkKind::ConfirmEmail))),
        )
        .execute(c)?;
        diesel::delete(users::table.filter(users::id.eq_any(&ids))).execute(c)?;
        for company in stale.iter().filter_map(|(_, company)| *company) {
            let members: i64 = users::table.filter(users::company_id.eq(company)).count().get_result(c)?;
            let posted: i64 = jobs::table.filter(jobs::company_id.eq(company)).count().get_result(c)?;
            if members == 0 && posted == 0 {
                diesel::delete(companies::table.find(company)).execute(c)?;
            }
        }
        Ok(ids.len())
    })
}

/// Audit lines about a record keep what was done and when, not their words
/// (older lines may name the person).
fn scrub_audit(conn: &mut AnyConnection, target_type: &str, id: i64) -> QueryResult<usize> {
    diesel::update(audit_log::table.filter(audit_log::target_type.eq(target_type).and(audit_log::target_id.eq(id))))
        .set(audit_log::detail.eq(""))
        .execute(conn)
}

/// Anonymises the rejected applicants each company keeps no longer than its
/// retention period (at most `batch` per call). Returns how many, and the
/// stored files to remove after commit.
pub fn apply_retention(
    conn: &mut AnyConnection,
    now: PrimitiveDateTime,
    batch: i64,
) -> QueryResult<(usize, Vec<String>)> {
    let periods: Vec<(i64, i32)> = companies::table
        .filter(companies::retention_days.is_not_null())
        .select((companies::id, companies::retention_days.assume_not_null()))
        .load(conn)?;
    let (mut done, mut files) = (0, Vec::new());
    for (company, days) in periods {
        let before = now - time::Duration::days(i64::from(days));
        let due: Vec<i64> = applicants::table
            .filter(applicants::company_id.eq(company))
            .filter(applicants::stage.eq(crate::domain::Stage::Rejected))
            .filter(applicants::erased_at.is_null())
            .filter(applicants::updated_at.lt(before))
            .select(applicants::id)
            .limit(batch)
            .load(conn)?;
        for id in due {
            files.extend(super::transaction(conn, |c| erase_applicant(c, id, now))?);
            done += 1;
        }
    }
    Ok((done, files))
}

/// Everything the portal keeps about a seeker, as JSON, and their files
/// (name in the archive, stored name).
pub fn export(conn: &mut AnyConnection, user_id: i64) -> QueryResult<(serde_json::Value, Vec<(String, String)>)> {
    let user = super::users::find(conn, user_id)?;
    let own: Vec<(i64, String, String, i64, PrimitiveDateTime)> = resumes::table
        .filter(resumes::user_id.eq(user_id))
        .filter(resumes::deleted_at.is_null())
        .select((resumes::id, resumes::file_name, resumes::stored_name, resumes::size_bytes, resumes::created_at))
        .load(conn)?;
    let files: Vec<(String, String)> = own
        .iter()
        .map(|(id, name, stored, ..)| (format!("resumes/{id}-{}", safe_file_name(name)), stored.clone()))
        .collect();
    let applications: Vec<(Applicant, Option<String>, String)> = applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::seeker_id.eq(user_id))
        .select((Applicant::as_select(), jobs::title.nullable(), companies::name))
        .order(applicants::id.asc())
        .load(conn)?;
    let mut apps = Vec::new();
    for (a, job, company) in applications {
        let thread: Vec<(bool, String, PrimitiveDateTime)> = messages::table
            .filter(messages::applicant_id.eq(a.id))
            .order(messages::id.asc())
            .select((messages::from_seeker, messages::body, messages::created_at))
            .load(conn)?;
        let seen = super::applicants::history_for_seeker(conn, a.id)?;
        let answers: Vec<(String, String)> = screening_answers::table
            .inner_join(screening_questions::table)
            .filter(screening_answers::applicant_id.eq(a.id))
            .order(screening_questions::position.asc())
            .select((screening_questions::prompt, screening_answers::answer))
            .load(conn)?;
        apps.push(json!({
            "id": a.id, "job": job, "company": company, "stage": a.stage.label(), "status": a.status.label(),
            "applied_at": iso(a.created_at), "withdrawn_at": a.withdrawn_at.map(iso),
            "name": a.name, "email": a.email, "phone": a.phone, "location": a.location,
            "cover_letter": a.cover_letter, "consent": a.consent, "consented_at": a.consented_at.map(iso),
            "messages": thread.into_iter().map(|(mine, body, at)| json!({"from_me": mine, "body": body, "at": iso(at)})).collect::<Vec<_>>(),
            "screening_answers": answers.into_iter().map(|(question, answer)| json!({"question": question, "answer": answer})).collect::<Vec<_>>(),
            "history": seen.into_iter().map(|e| json!({"what": e.step.describe(), "at": iso(e.created_at)})).collect::<Vec<_>>(),
        }));
    }
    let saved: Vec<(i64, PrimitiveDateTime)> = saved_jobs::table
        .filter(saved_jobs::user_id.eq(user_id))
        .select((saved_jobs::job_id, saved_jobs::created_at))
        .load(conn)?;
    let alerts: Vec<(String, PrimitiveDateTime)> = job_alerts::table
        .filter(job_alerts::user_id.eq(user_id))
        .select((job_alerts::query, job_alerts::created_at))
        .load(conn)?;
    let notes: Vec<(String, String, PrimitiveDateTime)> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .select((notifications::title, notifications::body, notifications::created_at))
        .load(conn)?;
    let preferences = super::profiles::preferences(conn, user_id)?;
    // The profile picture goes into the archive beside the resumes.
    let mut files = files;
    let picture = user.avatar_path.as_ref().map(|stored| {
        let extension = stored.rsplit_once('.').map(|(_, ext)| safe_file_name(ext)).unwrap_or_default();
        let name = if extension.is_empty() { "picture".to_string() } else { format!("picture.{extension}") };
        files.push((name.clone(), stored.clone()));
        name
    });
    let data = json!({
        "exported_at": iso(super::now()),
        "account": {
            "username": user.username, "email": user.email, "role": user.role.as_str(), "display_name": user.display_name,
            "headline": user.headline, "location": user.location, "phone": user.phone, "skills": user.skills,
            "created_at": iso(user.created_at), "last_login_at": user.last_login_at.map(iso),
            "picture_in_archive": picture,
        },
        "job_preferences": preferences.map(|p| json!({
            "titles": p.titles, "employment_types": p.employment_types, "locations": p.locations, "remote": p.remote,
            "salary_min": p.salary_min, "categories": p.categories, "updated_at": iso(p.updated_at),
        })),
        "resumes": own.iter().zip(&files).map(|((_, name, _, size, at), (file, _))| json!({"file_name": name, "size_bytes": size, "uploaded_at": iso(*at), "in_archive": file})).collect::<Vec<_>>(),
        "applications": apps,
        "saved_jobs": saved.into_iter().map(|(job, at)| json!({"job_id": job, "saved_at": iso(at)})).collect::<Vec<_>>(),
        "job_alerts": alerts.into_iter().map(|(query, at)| json!({"query": query, "created_at": iso(at)})).collect::<Vec<_>>(),
        "notifications": notes.into_iter().map(|(title, body, at)| json!({"title": title, "body": body, "at": iso(at)})).collect::<Vec<_>>(),
    });
    Ok((data, files))
}

fn iso(at: PrimitiveDateTime) -> String {
    crate::format::iso(&at)
}

/// A file name safe inside an archive: letters, digits, `. - _` only.
fn safe_file_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    if cleaned.trim_matches('.').is_empty() { "resume.pdf".into() } else { cleaned }
}
