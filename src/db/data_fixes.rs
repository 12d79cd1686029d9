//! One-time fixes of stored data that SQL alone cannot make (they need the
//! Rust parsers), run after the migrations. Each runs in one transaction that
//! also writes its row in `data_fixes`, under a lock: several instances
//! starting at once on PostgreSQL make it once; a failure leaves no row, and
//! the next start tries again.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::data_fixes;

type Fix = fn(&mut AnyConnection) -> QueryResult<usize>;

/// The fixes, in the order they were written (never reorder or rename).
const FIXES: &[(&str, Fix)] = &[("job_places", super::jobs::structure_places)];

pub fn run(conn: &mut AnyConnection) -> QueryResult<()> {
    for (name, fix) in FIXES {
        once(conn, name, fix)?;
    }
    Ok(())
}

/// Runs `fix` unless a fix of this name ran already; Some(rows changed) when it ran.
pub fn once(
    conn: &mut AnyConnection,
    name: &str,
    fix: impl FnOnce(&mut AnyConnection) -> QueryResult<usize>,
) -> QueryResult<Option<usize>> {
    let changed = super::transaction(conn, |c| {
        if !c.is_sqlite() {
            // SQLite's transaction holds the write lock already (BEGIN IMMEDIATE).
            diesel::sql_query("LOCK TABLE data_fixes IN EXCLUSIVE MODE").execute(c)?;
        }
        if data_fixes::table.find(name).count().get_result::<i64>(c)? > 0 {
            return Ok(None);
        }
        let changed = fix(c)?;
        diesel::insert_into(data_fixes::table)
            .values((data_fixes::name.eq(name), data_fixes::done_at.eq(super::now())))
            .execute(c)?;
        Ok::<_, diesel::result::Error>(Some(changed))
    })?;
    if let Some(changed) = changed {
        tracing::info!(fix = name, changed, "data fix applied");
    }
    Ok(changed)
}
