//! Per-backend SQL, one idiom for all of `db` (vaultwarden's `db_run!`
//! habit). Most queries are diesel's DSL on `AnyConnection` and need
//! nothing here. For what the multi-connection cannot express (a raw query
//! with bound values, `ON CONFLICT`), [`on_backend!`] runs the same code
//! on the connection of either backend, and [`Sql`] builds raw SQL whose
//! placeholders are written for the backend it runs on. SQL that differs
//! between the backends (full-text search) is a `match` on the connection
//! with one arm each, and nothing else.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::sqlite::Sqlite;
use time::PrimitiveDateTime;

use super::AnyConnection;

/// Runs the same code on the connection of either backend: `$c` is the
/// `SqliteConnection` or the `PgConnection`.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}
pub use on_backend;

/// The backend a query is written for, when it is built before it runs
/// (a boxed query, raw SQL): read from the connection, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(conn: &AnyConnection) -> Backend {
        if conn.is_sqlite() { Backend::Sqlite } else { Backend::Postgres }
    }
}

/// A value bound to a raw query.
pub enum Arg {
    Text(String),
    Int(i64),
    Time(PrimitiveDateTime),
}

/// Raw SQL with its bound values; placeholders written for the backend.
pub struct Sql {
    backend: Backend,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(backend: Backend) -> Self {
        Sql { backend, text: String::with_capacity(1024), args: Vec::new() }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    pub fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        if self.backend == Backend::Postgres {
            self.text.push_str(&format!("${}", self.args.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    pub fn load<T>(self, conn: &mut AnyConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
    {
        match conn {
            AnyConnection::Sqlite(c) => self.bound::<Sqlite>().load(c),
            AnyConnection::Postgresql(c) => self.bound::<Pg>().load(c),
        }
    }

    pub fn execute(self, conn: &mut AnyConnection) -> QueryResult<usize> {
        match conn {
            AnyConnection::Sqlite(c) => self.bound::<Sqlite>().execute(c),
            AnyConnection::Postgresql(c) => self.bound::<Pg>().execute(c),
        }
    }

    /// The query with its values bound, for one backend (a boxed query is typed by it).
    fn bound<DB>(self) -> diesel::query_builder::BoxedSqlQuery<'static, DB, diesel::query_builder::SqlQuery>
    where
        DB: diesel::backend::Backend
            + diesel::sql_types::HasSqlType<Text>
            + diesel::sql_types::HasSqlType<BigInt>
            + diesel::sql_types::HasSqlType<Timestamp>,
        String: diesel::serialize::ToSql<Text, DB>,
        i64: diesel::serialize::ToSql<BigInt, DB>,
        PrimitiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
    {
        let mut q = diesel::sql_query(self.text).into_boxed::<DB>();
        for arg in self.args {
            q = match arg {
                Arg::Text(v) => q.bind::<Text, _>(v),
                Arg::Int(v) => q.bind::<BigInt, _>(v),
                Arg::Time(v) => q.bind::<Timestamp, _>(v),
            };
        }
        q
    }
}
