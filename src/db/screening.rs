//! Screening questions a job asks on apply, and each application's answers.
//! An answer a question names as "knock-out" flags the applicant for a person
//! to decide (a tag and a timeline line): nothing is rejected by itself.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::applicants;
use super::schema::{screening_answers, screening_questions};
use crate::domain::{QuestionKind, Tag};

/// Questions one job may ask.
pub const MAX_QUESTIONS: usize = 10;
/// Characters of a text answer.
pub const TEXT_ANSWER_CHARS: usize = 500;
/// The tag a knock-out answer puts on the applicant.
pub const KNOCKOUT_TAG: &str = "knock-out";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = screening_questions)]
pub struct Question {
    pub id: i64,
    pub job_id: i64,
    pub prompt: String,
    pub kind: QuestionKind,
    /// yes/no: the answer that knocks out ("yes" or "no"); number: the
    /// minimum (a smaller answer knocks out).
    pub knockout: Option<String>,
    pub required: bool,
    pub position: i32,
    pub created_at: PrimitiveDateTime,
}

impl Question {
    /// The answer as stored (None: not answered), or what to tell the seeker.
    pub fn check(&self, raw: &str) -> Result<Option<String>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return if self.required { Err(format!("Answer “{}”.", self.prompt)) } else { Ok(None) };
        }
        match self.kind {
            QuestionKind::YesNo if raw == "yes" || raw == "no" => Ok(Some(raw.to_string())),
            QuestionKind::YesNo => Err(format!("Answer “{}” with yes or no.", self.prompt)),
            QuestionKind::Number => match raw.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Ok(Some(n.to_string())),
                _ => Err(format!("Answer “{}” with a whole number.", self.prompt)),
            },
            QuestionKind::Text if raw.chars().count() > TEXT_ANSWER_CHARS => {
                Err(format!("Answer “{}” in at most {TEXT_ANSWER_CHARS} characters.", self.prompt))
            }
            QuestionKind::Text if raw.chars().any(char::is_control) => {
                Err(format!("The answer to “{}” holds characters that are not allowed.", self.prompt))
            }
            QuestionKind::Text => Ok(Some(raw.to_string())),
        }
    }

    /// Whether a checked answer is a knock-out.
    pub fn knocks_out(&self, answer: &str) -> bool {
        match (self.kind, self.knockout.as_deref()) {
            (QuestionKind::YesNo, Some(k)) => answer == k,
            (QuestionKind::Number, Some(min)) => {
                matches!((answer.parse::<i64>(), min.parse::<i64>()), (Ok(a), Ok(m)) if a < m)
            }
            _ => false,
        }
    }

    /// What the employer set, in words.
    pub fn knockout_label(&self) -> String {
        match (self.kind, self.knockout.as_deref()) {
            (QuestionKind::YesNo, Some(k)) => format!("Flags “{k}”"),
            (QuestionKind::Number, Some(min)) => format!("Flags below {min}"),
            _ => String::new(),
        }
    }
}

pub fn of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<Question>> {
    screening_questions::table
        .filter(screening_questions::job_id.eq(job_id))
        .order((screening_questions::position.asc(), screening_questions::id.asc()))
        .select(Question::as_select())
        .load(conn)
}

/// Adds a question at the end; None when the job has `MAX_QUESTIONS`.
pub fn add(
    conn: &mut AnyConnection,
    job_id: i64,
    prompt: &str,
    kind: QuestionKind,
    knockout: Option<&str>,
    required: bool,
) -> QueryResult<Option<Question>> {
    super::transaction(conn, |conn| {
        super::lock::take(conn, super::lock::Row::Job(job_id))?;
        let existing = of_job(conn, job_id)?;
        if existing.len() >= MAX_QUESTIONS {
            return Ok(None);
        }
        let position = existing.iter().map(|q| q.position).max().unwrap_or(0) + 1;
        diesel::insert_into(screening_questions::table)
            .values((
                screening_questions::job_id.eq(job_id),
                screening_questions::prompt.eq(prompt),
                screening_questions::kind.eq(kind),
                screening_questions::knockout.eq(knockout),
                screening_questions::required.eq(required),
                screening_questions::position.eq(position),
                screening_questions::created_at.eq(super::now()),
            ))
            .returning(screening_questions::all_columns)
            .get_result(conn)
            .map(Some)
    })
}

/// Deletes a question of this job (its answers go with it).
pub fn delete(conn: &mut AnyConnection, job_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::delete(
        screening_questions::table.filter(screening_questions::id.eq(id).and(screening_questions::job_id.eq(job_id))),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// An application's answers: (question id, answer, knocked out).
fn save_answers(conn: &mut AnyConnection, applicant_id: i64, answers: &[(i64, String, bool)]) -> QueryResult<()> {
    for (question, answer, knocked_out) in answers {
        diesel::insert_into(screening_answers::table)
            .values((
                screening_answers::applicant_id.eq(applicant_id),
                screening_answers::question_id.eq(question),
                screening_answers::answer.eq(answer),
                screening_answers::knocked_out.eq(knocked_out),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Stores an application's screening answers (question, answer, knocked
/// out); knock-outs flag the applicant for a person to decide: the tag
/// `KNOCKOUT_TAG` and a timeline line. Nothing else changes: no stage, no
/// e-mail (GDPR Art. 22: no decision by machine alone). Call in the
/// application's transaction.
pub fn record(
    conn: &mut AnyConnection,
    company_id: i64,
    job_id: i64,
    applicant_id: i64,
    answers: &[(i64, String, bool)],
) -> QueryResult<()> {
    save_answers(conn, applicant_id, answers)?;
    let knocked: Vec<&(i64, String, bool)> = answers.iter().filter(|(_, _, k)| *k).collect();
    if knocked.is_empty() {
        return Ok(());
    }
    let tag = Tag::parse(KNOCKOUT_TAG).expect("a valid tag");
    // A new applicant carries no tags: there is room for this one.
    let _ = applicants::tags::add(conn, applicants::Scope::Company(company_id), &[applicant_id], &tag)?;
    let questions = of_job(conn, job_id)?;
    let which: Vec<String> = knocked
        .iter()
        .filter_map(|(id, answer, _)| {
            questions.iter().find(|q| q.id == *id).map(|q| format!("{} ({answer})", q.prompt))
        })
        .collect();
    let detail = format!("Knock-out answers, for a person to decide: {}", which.join("; "));
    applicants::record_event(conn, applicant_id, None, "screening", &detail, None)
}

/// An answer as the applicant page shows it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub prompt: String,
    pub kind: QuestionKind,
    pub answer: String,
    pub knocked_out: bool,
}

/// An applicant's answers, in the order the questions were asked.
pub fn answers(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<Answer>> {
    let rows: Vec<(String, QuestionKind, String, bool)> = screening_answers::table
        .inner_join(screening_questions::table)
        .filter(screening_answers::applicant_id.eq(applicant_id))
        .order((screening_questions::position.asc(), screening_questions::id.asc()))
        .select((
            screening_questions::prompt,
            screening_questions::kind,
            screening_answers::answer,
            screening_answers::knocked_out,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(prompt, kind, answer, knocked_out)| Answer { prompt, kind, answer, knocked_out })
        .collect())
}
