//! A company's own pipeline steps: named places inside the six stage
//! categories (`Stage`), e.g. "Phone screen" and "Take-home task" inside
//! Screening. Applicants at a step carry its category as `stage`, so every
//! filter, count and e-mail that speaks of categories keeps working.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, company_steps};
use crate::domain::applicant::stage_rank;
use crate::domain::{MoveTarget, Stage};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = company_steps)]
pub struct Step {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    pub category: Stage,
    pub position: i32,
    pub created_at: PrimitiveDateTime,
}

/// Steps one company may name.
pub const MAX_STEPS: usize = 40;

/// Why a step was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRefused {
    NameTaken,
    TooMany,
}

/// A company's steps in pipeline order: by category, then as arranged.
pub fn of_company(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<Step>> {
    let mut steps: Vec<Step> =
        company_steps::table.filter(company_steps::company_id.eq(company_id)).select(Step::as_select()).load(conn)?;
    steps.sort_by_key(|s| (stage_rank(s.category), s.position, s.id));
    Ok(steps)
}

/// A step of this company (NotFound for another company's).
pub fn find(conn: &mut AnyConnection, company_id: i64, id: i64) -> QueryResult<Step> {
    company_steps::table
        .filter(company_steps::id.eq(id).and(company_steps::company_id.eq(company_id)))
        .select(Step::as_select())
        .first(conn)
}

/// Any company's step (an admin's move; the move checks the applicants' company).
pub fn find_any(conn: &mut AnyConnection, id: i64) -> QueryResult<Step> {
    company_steps::table.find(id).select(Step::as_select()).first(conn)
}

fn name_taken(conn: &mut AnyConnection, company_id: i64, name: &str, except: Option<i64>) -> QueryResult<bool> {
    let same: Vec<(i64, String)> = company_steps::table
        .filter(company_steps::company_id.eq(company_id))
        .select((company_steps::id, company_steps::name))
        .load(conn)?;
    Ok(same.iter().any(|(id, n)| Some(*id) != except && n.to_lowercase() == name.to_lowercase()))
}

/// Adds a step at the end of its category. The company's lock makes the
/// limit and the name check hold when two people add at once.
pub fn create(
    conn: &mut AnyConnection,
    company_id: i64,
    name: &str,
    category: Stage,
) -> QueryResult<Result<Step, StepRefused>> {
    super::transaction(conn, |conn| {
        super::lock::take(conn, super::lock::Row::Company(company_id))?;
        let existing = of_company(conn, company_id)?;
        if existing.len() >= MAX_STEPS {
            return Ok(Err(StepRefused::TooMany));
        }
        if name_taken(conn, company_id, name, None)? {
            return Ok(Err(StepRefused::NameTaken));
        }
        let position = existing.iter().map(|s| s.position).max().unwrap_or(0) + 1;
        diesel::insert_into(company_steps::table)
            .values((
                company_steps::company_id.eq(company_id),
                company_steps::name.eq(name),
                company_steps::category.eq(category),
                company_steps::position.eq(position),
                company_steps::created_at.eq(super::now()),
            ))
            .returning(company_steps::all_columns)
            .get_result::<Step>(conn)
            .map(Ok)
    })
}

/// Renames a step of this company (NotFound for another company's).
pub fn rename(conn: &mut AnyConnection, company_id: i64, id: i64, name: &str) -> QueryResult<Result<(), StepRefused>> {
    super::transaction(conn, |conn| {
        super::lock::take(conn, super::lock::Row::Company(company_id))?;
        find(conn, company_id, id)?;
        if name_taken(conn, company_id, name, Some(id))? {
            return Ok(Err(StepRefused::NameTaken));
        }
        diesel::update(company_steps::table.find(id)).set(company_steps::name.eq(name)).execute(conn)?;
        Ok(Ok(()))
    })
}

/// Moves a step one place up or down within its category.
pub fn shift(conn: &mut AnyConnection, company_id: i64, id: i64, up: bool) -> QueryResult<()> {
    super::transaction(conn, |c| {
        let step = find(c, company_id, id)?;
        let siblings: Vec<Step> =
            of_company(c, company_id)?.into_iter().filter(|s| s.category == step.category).collect();
        let at = siblings.iter().position(|s| s.id == id).unwrap_or(0);
        let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < siblings.len()) };
        let Some(other) = other.map(|i| &siblings[i]) else { return Ok(()) };
        // Positions may tie (two added at once): number the category afresh, swapped.
        let mut order: Vec<i64> = siblings.iter().map(|s| s.id).collect();
        order.swap(at, siblings.iter().position(|s| s.id == other.id).unwrap_or(at));
        let base = siblings.iter().map(|s| s.position).min().unwrap_or(1);
        for (i, sid) in order.iter().enumerate() {
            diesel::update(company_steps::table.find(sid))
                .set(company_steps::position.eq(base + i as i32))
                .execute(c)?;
        }
        Ok(())
    })
}

/// Deletes a step of this company; its applicants stay in its category.
/// Returns the step's name.
pub fn delete(conn: &mut AnyConnection, company_id: i64, id: i64) -> QueryResult<String> {
    super::transaction(conn, |c| {
        let step = find(c, company_id, id)?;
        // What the foreign key does too, said here so it holds whatever the backend's settings.
        diesel::update(applicants::table.filter(applicants::step_id.eq(id)))
            .set(applicants::step_id.eq(None::<i64>))
            .execute(c)?;
        diesel::delete(company_steps::table.find(id)).execute(c)?;
        Ok(step.name)
    })
}

/// One option of a move form or of the list's stage filter.
#[derive(Debug, Clone)]
pub struct Choice {
    pub target: MoveTarget,
    pub label: String,
    pub stage: Stage,
}

impl Choice {
    pub fn value(&self) -> String {
        self.target.value()
    }

    pub fn is_step(&self) -> bool {
        matches!(self.target, MoveTarget::Step(_))
    }

    /// Whether an applicant at (stage, step) is here.
    pub fn holds(&self, stage: &Stage, step: &Option<i64>) -> bool {
        match self.target {
            MoveTarget::Stage(s) => s == *stage && step.is_none(),
            MoveTarget::Step(id) => *step == Some(id),
        }
    }
}

/// Where a move may take a company's applicants, in pipeline order: its
/// steps, and each category it has named no step in.
pub fn move_choices(steps: &[Step]) -> Vec<Choice> {
    Stage::ALL
        .iter()
        .flat_map(|stage| {
            let inside: Vec<Choice> = steps
                .iter()
                .filter(|s| s.category == *stage)
                .map(|s| Choice { target: MoveTarget::Step(s.id), label: s.name.clone(), stage: *stage })
                .collect();
            if inside.is_empty() {
                vec![Choice { target: MoveTarget::Stage(*stage), label: stage.label().to_string(), stage: *stage }]
            } else {
                inside
            }
        })
        .collect()
}

/// The move choices for one applicant: the company's, and the bare stage it
/// is at when that is none of them (it reached the stage before the company
/// named steps there), so the form shows where it is and moves nothing by
/// itself.
pub fn choices_at(choices: &[Choice], stage: Stage, step: Option<i64>) -> Vec<Choice> {
    let mut out = choices.to_vec();
    if !out.iter().any(|c| c.holds(&stage, &step)) {
        let at = out.iter().position(|c| stage_rank(c.stage) >= stage_rank(stage)).unwrap_or(out.len());
        out.insert(at, Choice { target: MoveTarget::Stage(stage), label: stage.label().to_string(), stage });
    }
    out
}

/// What the list's stage filter offers: every category, each followed by its steps.
pub fn filter_choices(steps: &[Step]) -> Vec<Choice> {
    Stage::ALL
        .iter()
        .flat_map(|stage| {
            std::iter::once(Choice {
                target: MoveTarget::Stage(*stage),
                label: stage.label().to_string(),
                stage: *stage,
            })
            .chain(steps.iter().filter(|s| s.category == *stage).map(|s| Choice {
                target: MoveTarget::Step(s.id),
                label: s.name.clone(),
                stage: *stage,
            }))
            .collect::<Vec<_>>()
        })
        .collect()
}

/// The names of these steps.
pub fn names(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = company_steps::table
        .filter(company_steps::id.eq_any(ids))
        .select((company_steps::id, company_steps::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
