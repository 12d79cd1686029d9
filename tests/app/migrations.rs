//! Every migration can be undone: all the way up, all the way down (nothing
//! of ours is left), and up again to the same schema, on both backends. A
//! `down.sql` that forgets a table, an index, a trigger or a function, or an
//! `up.sql` that cannot run twice on a clean database, fails here.

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use diesel_migrations::MigrationHarness;
use jobconnect::db::{AnyConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::helpers::{drop_postgres_database, postgres_admin, postgres_url};

#[derive(QueryableByName)]
struct Thing {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Everything of the schema but diesel's own table, one line each.
const SQLITE_SCHEMA: &str = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') AS name FROM sqlite_master \
     WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '%diesel_schema_migrations%' ORDER BY type, name";
const POSTGRES_SCHEMA: &str = "\
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || coalesce(column_default, '') \
        AS name FROM information_schema.columns WHERE table_schema = 'public' \
        AND table_name <> '__diesel_schema_migrations' \
    UNION ALL SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes \
        WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' \
    UNION ALL SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ': ' \
        || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
        WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '__diesel_schema_migrations' \
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal \
    UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p \
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' \
    UNION ALL SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') \
    UNION ALL SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = 'public' \
        AND sequencename NOT LIKE '%diesel%' \
    ORDER BY 1";

/// Runs the next migration (`up`) or reverts the last one; its name, or
/// `None` when there is none left to run.
fn step(conn: &mut AnyConnection, up: bool) -> Option<String> {
    let pending = |c: &mut AnyConnection| match c {
        AnyConnection::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).unwrap().len(),
        AnyConnection::Postgresql(c) => c.pending_migrations(POSTGRES_MIGRATIONS).unwrap().len(),
    };
    if up && pending(conn) == 0 {
        return None;
    }
    let done = match (conn, up) {
        (AnyConnection::Sqlite(c), true) => c.run_next_migration(SQLITE_MIGRATIONS),
        (AnyConnection::Sqlite(c), false) => c.revert_last_migration(SQLITE_MIGRATIONS),
        (AnyConnection::Postgresql(c), true) => c.run_next_migration(POSTGRES_MIGRATIONS),
        (AnyConnection::Postgresql(c), false) => c.revert_last_migration(POSTGRES_MIGRATIONS),
    };
    Some(done.unwrap_or_else(|e| panic!("a migration {}: {e}", if up { "up" } else { "down" })).to_string())
}

/// Up one migration at a time, then down one at a time: each down.sql leaves
/// the schema as it was before its up.sql; then up again to the same schema.
fn up_down_up(mut conn: AnyConnection) {
    let schema = if conn.is_sqlite() { SQLITE_SCHEMA } else { POSTGRES_SCHEMA };
    let read = |conn: &mut AnyConnection| -> Vec<String> {
        diesel::sql_query(schema).load::<Thing>(conn).unwrap().into_iter().map(|t| t.name).collect()
    };
    let mut before = vec![read(&mut conn)];
    assert_eq!(before[0], Vec::<String>::new(), "a new database");
    while step(&mut conn, true).is_some() {
        before.push(read(&mut conn));
    }
    let up = before.pop().expect("the schema at the top");
    assert!(before.len() > 30, "all the migrations ran ({})", before.len());
    for part in ["applicants", "REFERENCES", "TRIGGER", "INDEX"] {
        assert!(up.iter().any(|line| line.contains(part)), "the schema read has {part}: {up:?}");
    }
    while let Some(expected) = before.pop() {
        let reverted = step(&mut conn, false).expect("one to revert");
        let now = read(&mut conn);
        let (gone, left): (Vec<_>, Vec<_>) = (
            expected.iter().filter(|l| !now.contains(l)).collect(),
            now.iter().filter(|l| !expected.contains(l)).collect(),
        );
        assert!(gone.is_empty() && left.is_empty(), "down of {reverted}: missing {gone:?}, left over {left:?}");
    }
    while step(&mut conn, true).is_some() {}
    assert_eq!(read(&mut conn), up, "up again gives the same schema");
}

#[test]
fn sqlite_migrations_go_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = SqliteConnection::establish(&dir.path().join("site.db").display().to_string()).unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON").unwrap();
    up_down_up(AnyConnection::Sqlite(conn));
}

#[test]
fn postgres_migrations_go_up_down_and_up_again() {
    let Some(admin) = postgres_url() else {
        eprintln!("PostgreSQL: not run (set TEST_POSTGRES_URL to run it)");
        return;
    };
    let name = format!("jc_migrations_{}", uuid::Uuid::new_v4().simple());
    postgres_admin(&format!("CREATE DATABASE {name}"));
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    up_down_up(AnyConnection::Postgresql(PgConnection::establish(url.as_str()).unwrap()));
    drop_postgres_database(&name);
}
