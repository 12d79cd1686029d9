//! The authorisation matrix: every route of the app's own route table
//! (`jobconnect::routes::table()`), asked by each of eight actors, against the
//! outcome written down in `MATRIX`. A route of the table without a row, or a
//! row for a route the table does not have, fails the test, so a new page can
//! never be forgotten here. A route may have more than one row when its answer
//! depends on the record (an open job, a draft, a closed job).
//!
//! How a cell is asked:
//! - GET: a plain GET (for `/ws`: with the site's own `Origin`, as a browser
//!   sends it, and no upgrade headers; without `Origin` it is checked apart).
//! - POST: an empty form (or empty multipart form) with the session's CSRF
//!   token; a permitted actor gets 303 (done), 422 (the empty form re-rendered)
//!   or 200 (a page that renders on a POST, like the e-mail composer).
//! - Every POST row is also sent once WITHOUT the token, by the first actor the
//!   row permits (or a visitor, when it permits no one): that must be 403 and
//!   leave the database as it was.
//!
//! Records: `with` names the fixture a row's path parameter is filled with
//! (made in `World::build`); a `*` makes a fresh record of that kind for every
//! cell (and for the CSRF check), so a cell that closes, deletes or withdraws
//! something cannot change what the next cell sees. `name:field` sends the
//! fixture as the form field `field` instead of in the path.
//!
//! Order: all GET rows first, then the POST rows, `/logout` last (it ends the
//! actors' sessions). Within a row the outsiders are asked first and the
//! record's owners last (visitor, other seeker, other employer, viewer,
//! recruiter, seeker, employer, admin).
//!
//! Methods: every GET cell is asked again as HEAD (the same answer, no
//! body), and every path with PUT, DELETE and OPTIONS (405, `Allow` naming
//! the methods it takes).
//!
//! Odd spellings of every path: each cell is asked again with the path's
//! first letter percent-encoded (`/%65mployer/team`: the router decodes it,
//! so the answer must be the cell's own), and each actor the cell refuses
//! also with a double slash, a trailing slash and the first segment in
//! capitals: none of those may get past a guard (nor answer 5xx).
//! Permissions are declared with the handlers, never read from the path.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::prelude::*;
use jobconnect::db;
use jobconnect::db::schema::{applicants, companies, jobs, messages, notifications, resumes, users};
use reqwest::multipart::{Form, Part};

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestClient, TestUser};

/// Codes: a status (`200`, `303`, `404`, …), or `login` (303 to `/login?next=…`,
/// a visitor on a page that needs a user). A plain `303` must not be the
/// log-in redirect.
///
/// `with`: `-` (no parameter), a fixture (`job`), a fresh fixture per cell
/// (`job*`), or a fixture sent as a form field (`applicant:ids`). Fixtures:
/// `job` an open job of the employer's company (the seeker applied to it),
/// `draft`/`closed` jobs of that company, `other_job` an open job of the other
/// employer's company, `applicant` the seeker's application to `job` (it is
/// also the message thread), `resume` the PDF it was sent with, `seeker` the
/// seeker's user id, `user` a third seeker's id (for admin pages), `company`
/// and `slug` the employer's company, `alert`, `notification` (the seeker's),
/// `template` and `step` (the employer's company's), `outbox` an e-mail, `token` a valid
/// password-reset token (of `user`), `confirm_token` a valid confirmation
/// token (of `user`), `spent_token` a well-formed token that is not (or no
/// longer) valid, `asset` a static file, `sitemap` a sitemap file.
///
/// The employer owns their company; `recruiter` and `viewer` are members of
/// the same company's team with those roles.
const MATRIX: &str = r#"
# method path                             with            body       visitor seeker other_seeker employer other_employer admin  recruiter viewer
GET      /                                -               -          200     200    200          200      200            200    200       200
GET      /healthz                         -               -          200     200    200          200      200            200    200       200
GET      /static/{path:.*}                asset           -          200     200    200          200      200            200    200       200
# feeds for crawlers and job boards: public
GET      /jobs.xml                        -               -          200     200    200          200      200            200    200       200
GET      /feeds/indeed.xml                -               -          200     200    200          200      200            200    200       200
GET      /sitemap.xml                     -               -          200     200    200          200      200            200    200       200
GET      /sitemaps/{file}                 sitemap         -          200     200    200          200      200            200    200       200

# accounts: the public forms re-render (422) an empty form for everyone
GET      /register                        -               -          200     303    303          303      303            303    303       303
POST     /register                        -               form       422     422    422          422      422            422    422       422
GET      /login                           -               -          200     303    303          303      303            303    303       303
POST     /login                           -               form       422     422    422          422      422            422    422       422
POST     /logout                          -               form       login   303    303          303      303            303    303       303
GET      /account/password                -               -          login   200    200          200      200            200    200       200
GET      /register/sent                   -               -          200     200    200          200      200            200    200       200
# the e-mailed confirmation link: its page for anyone; its button logs the
# link's account in, so the matrix posts a link that no longer works
GET      /account/confirm/{token}         confirm_token   -          200     200    200          200      200            200    200       200
POST     /account/confirm/{token}         spent_token     form       404     404    404          404      404            404    404       404
POST     /account/password                -               form       login   422    422          422      422            422    422       422
GET      /account/privacy                 -               -          login   200    200          404      404            404    404       404
GET      /account/data.zip                -               -          login   200    200          404      404            404    404       404
# erasing an account needs the password: the matrix never sends it
POST     /account/erase                   -               form       login   422    422          404      404            404    404       404

# job alerts (seekers)
GET      /alerts                          -               -          login   200    200          404      404            404    404       404
POST     /alerts                          -               form       login   422    422          404      404            404    404       404
POST     /alerts/{id}/delete              alert*          form       login   303    404          404      404            404    404       404

# admin: 404 for everyone else, visitors included
GET      /admin                           -               -          404     404    404          404      404            200    404       404
GET      /admin/users                     -               -          404     404    404          404      404            200    404       404
GET      /admin/users/{id}                user            -          404     404    404          404      404            200    404       404
POST     /admin/users/{id}/role           user*           form       404     404    404          404      404            422    404       404
POST     /admin/users/{id}/deactivate     user*           form       404     404    404          404      404            303    404       404
POST     /admin/users/{id}/reactivate     user*           form       404     404    404          404      404            303    404       404
GET      /admin/companies                 -               -          404     404    404          404      404            200    404       404
GET      /admin/companies/{id}            company         -          404     404    404          404      404            200    404       404
POST     /admin/companies/{id}            company         form       404     404    404          404      404            422    404       404
GET      /admin/jobs                      -               -          404     404    404          404      404            200    404       404
POST     /admin/jobs/{id}/close           job*            form       404     404    404          404      404            303    404       404
POST     /admin/jobs/{id}/delete          job*            form       404     404    404          404      404            303    404       404
GET      /admin/audit                     -               -          404     404    404          404      404            200    404       404
GET      /admin/audit.csv                 -               -          404     404    404          404      404            200    404       404
GET      /admin/outbox                    -               -          404     404    404          404      404            200    404       404
GET      /admin/outbox/{id}               outbox          -          404     404    404          404      404            200    404       404
POST     /admin/outbox/{id}/retry         outbox*         form       404     404    404          404      404            303    404       404

# password reset by e-mail: public
GET      /password/forgot                 -               -          200     200    200          200      200            200    200       200
POST     /password/forgot                 -               form       422     422    422          422      422            422    422       422
GET      /password/reset/{token}          token           -          200     200    200          200      200            200    200       200
POST     /password/reset/{token}          token           form       422     422    422          422      422            422    422       422

# e-mail to applicants (the composer renders its first step on an empty POST)
POST     /applicants/email                applicant:ids   form       login   404    404          200      404            200    200       404
GET      /applicants/{id}/email           applicant       -          login   404    404          200      404            200    200       200
POST     /applicants/{id}/email           applicant*      form       login   404    404          200      404            200    200       404

# e-mail templates: a company's own (admins write from them, they do not manage them)
GET      /email-templates                 -               -          login   404    404          200      200            404    200       200
GET      /email-templates/new             -               -          login   404    404          200      200            404    200       200
POST     /email-templates/new             -               form       login   404    404          422      422            404    422       404
GET      /email-templates/{id}/edit       template        -          login   404    404          200      404            404    200       200
POST     /email-templates/{id}/edit       template*       form       login   404    404          422      404            404    422       404
POST     /email-templates/{id}/delete     template*       form       login   404    404          303      404            404    303       404
GET      /employer/jobs/{id}/scorecard    job             -          login   404    404          200      404            404    200       200
POST     /employer/jobs/{id}/scorecard    job             form       login   404    404          422      404            404    422       404
POST     /employer/jobs/{id}/scorecard/delete job           form       login   404    404          422      404            404    422       404
GET      /employer/jobs/{id}/questions    job             -          login   404    404          200      404            404    200       200
POST     /employer/jobs/{id}/questions    job             form       login   404    404          422      404            404    422       404
POST     /employer/jobs/{id}/questions/delete job         form       login   404    404          422      404            404    422       404
# the company's team: owners only (the matrix's employers own their companies)
GET      /employer/team                   -               -          login   404    404          200      200            404    404       404
POST     /employer/team/invite            -               form       login   404    404          422      422            404    404       404
POST     /employer/team/revoke            -               form       login   404    404          422      422            404    404       404
POST     /employer/team/role              -               form       login   404    404          422      422            404    404       404
POST     /employer/team/remove            -               form       login   404    404          422      422            404    404       404
GET      /team/join/{token}               token           -          404     404    404          404      404            404    404       404
POST     /team/join/{token}               token           form       404     404    404          404      404            404    404       404
# the company's own pipeline steps
GET      /employer/pipeline               -               -          login   404    404          200      200            404    200       200
POST     /employer/pipeline               -               form       login   404    404          422      422            404    422       404
POST     /employer/pipeline/{id:\d+}/rename step*         form       login   404    404          422      404            404    422       404
POST     /employer/pipeline/{id:\d+}/move step*           form       login   404    404          422      404            404    422       404
POST     /employer/pipeline/{id:\d+}/delete step*         form       login   404    404          303      404            404    303       404

# jobs: open jobs are public; drafts only for their company and admins; a
# closed job is "no longer accepting applications" (410) but for them
GET      /jobs                            -               -          200     200    200          200      200            200    200       200
GET      /jobs/suggest                    -               -          200     200    200          200      200            200    200       200
GET      /jobs/places                     -               -          200     200    200          200      200            200    200       200
GET      /jobs/{id}                       job             -          200     200    200          200      200            200    200       200
GET      /jobs/{id}                       draft           -          404     404    404          200      404            200    200       200
GET      /jobs/{id}                       closed          -          410     410    410          200      410            200    200       200
POST     /jobs/{id}/save                  job*            form       login   303    303          404      404            404    404       404
POST     /jobs/{id}/unsave                job*            form       login   303    303          404      404            404    404       404
GET      /saved-jobs                      -               -          login   200    200          404      404            404    404       404

# the employer's job pages (admins moderate under /admin/jobs)
GET      /employer/jobs                   -               -          login   404    404          200      200            404    200       200
GET      /employer/jobs/new               -               -          login   404    404          200      200            404    200       200
POST     /employer/jobs/new               -               form       login   404    404          422      422            404    422       404
GET      /employer/jobs/{id}/edit         job             -          login   404    404          200      404            404    200       200
POST     /employer/jobs/{id}/edit         job*            form       login   404    404          422      404            404    422       404
GET      /employer/jobs/{id}/preview      draft           -          login   404    404          200      404            404    200       200
GET      /employer/jobs/{id}/preview      other_job       -          login   404    404          404      200            404    404       404
POST     /employer/jobs/{id}/publish      draft*          form       login   404    404          303      404            404    303       404
GET      /employer/jobs/{id}/close        job             -          login   404    404          200      404            404    200       404
POST     /employer/jobs/{id}/close        job*            form       login   404    404          303      404            404    303       404
POST     /employer/jobs/{id}/reopen       closed*         form       login   404    404          303      404            404    303       404

# companies
GET      /companies/{key}                 slug            -          200     200    200          200      200            200    200       200
GET      /companies/{key}/logo            slug            -          200     200    200          200      200            200    200       200
GET      /employer/company                -               -          login   404    404          200      200            404    404       404
POST     /employer/company                -               form       login   404    404          422      422            404    404       404
POST     /employer/company/logo           -               multipart  login   404    404          422      422            404    404       404

# profiles: one's own; someone else's only for admins; a picture also for the
# employers the seeker applied to
GET      /profile                         -               -          login   200    200          200      200            200    200       200
POST     /profile                         -               form       login   303    303          303      303            303    303       303
POST     /profile/avatar                  -               multipart  login   422    422          422      422            422    422       422
POST     /profile/avatar/delete           -               form       login   303    303          303      303            303    303       303
GET      /profile/preferences             -               -          login   200    200          404      404            404    404       404
POST     /profile/preferences             -               form       login   303    303          404      404            404    404       404
GET      /users/{id}/profile              seeker          -          login   200    404          404      404            200    404       404
POST     /users/{id}/profile              seeker          form       login   303    404          404      404            303    404       404
GET      /users/{id}/avatar               seeker          -          404     200    404          200      404            200    200       200
POST     /users/{id}/avatar/delete        seeker          form       login   303    404          404      404            303    404       404

# resumes: the owner's; the file also for the company it was sent to and admins
GET      /resumes                         -               -          login   200    200          404      404            404    404       404
POST     /resumes                         -               multipart  login   422    422          404      404            404    404       404
GET      /resumes/{id}                    resume          -          404     200    404          200      404            200    200       200
POST     /resumes/{id}/delete             resume*         form       login   303    404          404      404            404    404       404

# applying (the job is public: others than seekers are told they cannot apply, 403)
GET      /jobs/{id}/apply                 job             -          login   200    200          403      403            403    403       403
GET      /jobs/{id}/apply                 draft           -          login   404    404          404      404            404    404       404
# a closed job is hidden like its job page: 404 but for its company and admins
GET      /jobs/{id}/apply                 closed          -          login   404    404          403      404            403    403       403
POST     /jobs/{id}/apply                 job*            multipart  login   422    422          403      403            403    403       404
GET      /applications                    -               -          login   200    200          404      404            404    404       404
GET      /applications/{id}               applicant       -          login   200    404          404      404            404    404       404
POST     /applications/{id}/withdraw      applicant*      form       login   303    404          404      404            404    404       404

# the CRM: the employer's company's applicants; admins every company's
GET      /applicants                      -               -          login   404    404          200      200            200    200       200
GET      /applicants/export.csv           -               -          login   404    404          200      200            200    200       200
POST     /applicants/bulk                 -               form       login   404    404          422      422            422    422       404
GET      /applicants/board                -               -          login   404    404          200      200            200    200       200
GET      /applicants/duplicates           -               -          login   404    404          200      200            200    200       200
GET      /reports                         -               -          login   404    404          200      200            200    200       200
GET      /reports.csv                     -               -          login   404    404          200      200            404    200       200
GET      /applicants/new                  -               -          login   404    404          200      200            200    200       200
POST     /applicants/new                  -               multipart  login   404    404          422      422            422    422       404
GET      /applicants/{id:\d+}             applicant       -          login   404    404          200      404            200    200       200
POST     /applicants/{id:\d+}/stage       applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/status      applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/type        applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/notes       applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/scorecard   applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/interviews  applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/interviews/cancel applicant* form      login   404    404          422      404            422    422       404
GET      /employer/interviews             -               -          login   404    404          200      200            404    200       200
GET      /employer                        -               -          login   404    404          200      200            404    200       200
POST     /applications/{id}/interview     applicant*      form       login   422    404          404      404            404    404       404
POST     /applicants/{id:\d+}/tags        applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/tags/remove applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/assign      applicant*      form       404     404    404          404      404            422    404       404
POST     /applicants/{id:\d+}/merge       applicant*      form       login   404    404          422      404            422    422       404
POST     /applicants/{id:\d+}/unmerge     applicant*      form       login   404    404          303      404            303    303       404
POST     /applicants/{id:\d+}/delete      applicant*      form       404     404    404          404      404            303    404       404
GET      /applicants/{id:\d+}/edit        applicant       -          login   404    404          200      404            200    200       200
POST     /applicants/{id:\d+}/edit        applicant*      form       login   404    404          422      404            422    422       404

# messages: the thread of an application, from the company's side and the seeker's
GET      /messages                        -               -          login   200    200          200      200            200    200       200
GET      /applicants/{id}/messages        applicant       -          login   404    404          200      404            200    200       200
POST     /applicants/{id}/messages        applicant*      form       login   404    404          422      404            422    422       404
GET      /applications/{id}/messages      applicant       -          login   200    404          404      404            404    404       404
POST     /applications/{id}/messages      applicant*      form       login   422    404          404      404            404    404       404
POST     /applicants/{id}/messages/read   applicant*      form       login   404    404          303      404            303    303       404
POST     /applications/{id}/messages/read applicant*      form       login   303    404          404      404            404    404       404

# notifications and the live socket (a GET without upgrade headers: 400 once logged in)
GET      /notifications                   -               -          login   200    200          200      200            200    200       200
POST     /notifications/read-all          -               form       login   303    303          303      303            303    303       303
POST     /notifications/{id}/read         notification*   form       login   303    404          404      404            404    404       404
GET      /ws                              -               -          401     400    400          400      400            400    400       400
"#;
/// Two lines below `MATRIX`'s end: rows are named by their line in this file.
const MATRIX_END: usize = line!() as usize;

const ACTORS: [&str; 8] =
    ["visitor", "seeker", "other_seeker", "employer", "other_employer", "admin", "recruiter", "viewer"];

/// Outsiders first, the owners of the records last.
const ASK_ORDER: [usize; 8] = [0, 2, 4, 7, 6, 1, 3, 5];

/// Who sends the POST without a token: the first of these the row permits.
const CSRF_PREFERENCE: [usize; 8] = [0, 1, 3, 5, 2, 4, 6, 7];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Status(u16),
    /// 303 to the log-in page.
    Login,
}

impl Expect {
    fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "login" => Ok(Expect::Login),
            code => match code.parse::<u16>() {
                Ok(n) if (100..600).contains(&n) => Ok(Expect::Status(n)),
                _ => Err(format!("`{code}` is not an outcome (a status code or `login`)")),
            },
        }
    }

    /// The actor may do this: the request got past every guard.
    fn permits(self) -> bool {
        matches!(self, Expect::Status(200..=399 | 422))
    }

    fn holds(self, resp: &Resp) -> bool {
        let to_login = resp.location().starts_with("/login?next=");
        match self {
            Expect::Login => resp.status.as_u16() == 303 && to_login,
            Expect::Status(303) => resp.status.as_u16() == 303 && !to_login,
            Expect::Status(n) => resp.status.as_u16() == n,
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Login => write!(f, "login"),
            Expect::Status(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    None,
    Form,
    Multipart,
}

/// Where a row's fixture goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum With {
    Nothing,
    Path { fixture: String, fresh: bool },
    Field { fixture: String, field: String },
}

#[derive(Debug, Clone)]
struct Row {
    line: usize,
    method: String,
    path: String,
    with: With,
    with_raw: String,
    body: Body,
    cells: [Expect; 8],
}

impl Row {
    fn label(&self) -> String {
        if self.with_raw == "-" {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {} [{}]", self.method, self.path, self.with_raw)
        }
    }
}

fn parse_matrix(text: &str) -> Result<Vec<Row>, Vec<String>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let count = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        // The line in this file: the text's last line is three above `MATRIX_END`
        // (below it come the closing quote and the doc comment of `MATRIX_END`).
        let line_no = MATRIX_END - 3 - (count - 1 - i);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() != 12 {
            errors.push(format!("matrix.rs:{line_no}: 12 columns expected, found {}: {line}", t.len()));
            continue;
        }
        let method = t[0].to_string();
        let body = match (method.as_str(), t[3]) {
            ("GET", "-") => Body::None,
            ("POST", "form") => Body::Form,
            ("POST", "multipart") => Body::Multipart,
            _ => {
                errors.push(format!("matrix.rs:{line_no}: method {} with body `{}`", t[0], t[3]));
                continue;
            }
        };
        let with = match t[2] {
            "-" => With::Nothing,
            raw => match raw.split_once(':') {
                Some((fixture, field)) => With::Field { fixture: fixture.into(), field: field.into() },
                None => match raw.strip_suffix('*') {
                    Some(fixture) => With::Path { fixture: fixture.into(), fresh: true },
                    None => With::Path { fixture: raw.into(), fresh: false },
                },
            },
        };
        let has_param = t[1].contains('{');
        if has_param != matches!(with, With::Path { .. }) {
            errors.push(format!("matrix.rs:{line_no}: {} needs a path fixture exactly when it has a parameter", t[1]));
            continue;
        }
        let mut cells = [Expect::Status(0); 8];
        let mut ok = true;
        for (k, raw) in t[4..].iter().enumerate() {
            match Expect::parse(raw) {
                Ok(expect) => cells[k] = expect,
                Err(e) => {
                    errors.push(format!("matrix.rs:{line_no}: {e}"));
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        if !seen.insert((t[0], t[1], t[2])) {
            errors.push(format!("matrix.rs:{line_no}: {} {} [{}] is listed twice", t[0], t[1], t[2]));
        }
        rows.push(Row { line: line_no, method, path: t[1].to_string(), with, with_raw: t[2].to_string(), body, cells });
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// Every route of the table has a row, every row a route of the table.
fn coverage(rows: &[Row]) -> Vec<String> {
    let table: BTreeSet<(String, String)> =
        jobconnect::routes::table().into_iter().map(|(m, p)| (m.as_str().to_string(), p.to_string())).collect();
    let listed: BTreeSet<(String, String)> = rows.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    let mut problems = Vec::new();
    for (m, p) in table.difference(&listed) {
        problems.push(format!("route {m} {p} is in routes::table() but has no row in the matrix"));
    }
    for (m, p) in listed.difference(&table) {
        problems.push(format!("matrix row {m} {p} names a route that routes::table() does not have"));
    }
    problems
}

/// Fills the path's parameter segment(s) with `value`.
fn fill(pattern: &str, value: &str) -> String {
    pattern.split('/').map(|seg| if seg.starts_with('{') { value } else { seg }).collect::<Vec<_>>().join("/")
}

/// The path with its first letter percent-encoded (`/%65mployer/team`).
fn percent_encoded(path: &str) -> Option<String> {
    let first = *path.as_bytes().get(1).filter(|b| b.is_ascii_alphabetic())?;
    Some(format!("/%{first:02X}{}", &path[2..]))
}

/// Spellings of the path that the route table does not have: a double
/// slash, a trailing slash, the first segment in capitals.
fn odd_spellings(path: &str) -> Vec<String> {
    if path == "/" {
        return Vec::new();
    }
    let rest = &path[1..];
    let (first, tail) = rest.split_once('/').map_or((rest, ""), |(f, t)| (f, t));
    let double = if tail.is_empty() { format!("//{first}") } else { format!("/{first}//{tail}") };
    let capitals = if tail.is_empty() {
        format!("/{}", first.to_uppercase())
    } else {
        format!("/{}/{tail}", first.to_uppercase())
    };
    vec![double, format!("{path}/"), capitals]
}

/// The request got past every guard: a page, a re-rendered form, or a done
/// POST (a redirect that is not to the log-in page).
fn grants(resp: &Resp) -> bool {
    let status = resp.status.as_u16();
    (200..300).contains(&status) || status == 422 || (status == 303 && !resp.location().starts_with("/login?next="))
}

fn mismatch(row: &Row, actor: usize, spelled: &str, expected: Expect, resp: &Resp) -> String {
    format!(
        "matrix.rs:{}: {:<55} as {:<14}{} expected {expected:<5} got {}{}",
        row.line,
        row.label(),
        ACTORS[actor],
        if spelled.is_empty() { String::new() } else { format!(" (as {spelled})") },
        resp.status.as_u16(),
        match resp.location() {
            "" => String::new(),
            to => format!(" → {to}"),
        },
    )
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8, 0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5, 0xc3,
    0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The six actors and the records the cells are asked about.
struct World<'a> {
    app: &'a TestApp,
    visitor: TestClient,
    seeker: TestUser,
    other_seeker: TestUser,
    employer: TestUser,
    other_employer: TestUser,
    admin: TestUser,
    recruiter: TestUser,
    viewer: TestUser,
    company: i64,
    fixtures: HashMap<&'static str, String>,
    made: AtomicUsize,
}

impl<'a> World<'a> {
    async fn build(app: &'a TestApp) -> World<'a> {
        let seeker = app.seeker("ann").await;
        let other_seeker = app.seeker("cid").await;
        let employer = app.employer("bob", "Acme Matrix").await;
        let other_employer = app.employer("eve", "Globex Matrix").await;
        let admin = app.admin("root").await;
        let visitor = app.client();
        let company = app.company_of(&employer).await;
        let other_company = app.company_of(&other_employer).await;
        let recruiter = app.team_member("rita", company, "recruiter").await;
        let viewer = app.team_member("vic", company, "viewer").await;
        let slug = app.db.run(move |c| db::companies::find(c, company)).await.unwrap().slug;

        let job = app.open_job(company, "Matrix engineer").await;
        let draft = app.insert_job(company, "Matrix draft", "draft").await;
        let closed = app.insert_job(company, "Matrix closed", "closed").await;
        let other_job = app.open_job(other_company, "Globex engineer").await;

        // The seeker's resume and application go through the real forms.
        let pdf_part =
            || Part::bytes(pdf_with_text("Matrix resume")).file_name("cv.pdf").mime_str("application/pdf").unwrap();
        seeker.post_multipart("/resumes", |f| f.part("resume", pdf_part())).await.assert_status(303);
        let seeker_id = seeker.id;
        let resume = app
            .db
            .run(move |c| db::resumes::list_for_user(c, seeker_id))
            .await
            .unwrap()
            .first()
            .expect("the uploaded resume")
            .resume
            .id;
        let applied = seeker
            .post_multipart(&format!("/jobs/{job}/apply"), |f| {
                f.text("cover_letter", "I would like to work with you.")
                    .text("consent", "yes")
                    .text("resume_id", resume.to_string())
            })
            .await;
        applied.assert_status(303);
        let applicant: i64 = applied
            .location()
            .strip_prefix("/applications/")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("applying leads to the application: {}", applied.location()));

        // Pictures, so the picture routes have something to serve.
        let png = || Part::bytes(PNG.to_vec()).file_name("p.png").mime_str("image/png").unwrap();
        seeker.post_multipart("/profile/avatar", |f| f.part("avatar", png())).await.assert_status(303);
        employer.post_multipart("/employer/company/logo", |f| f.part("logo", png())).await.assert_status(303);

        let mut world = World {
            app,
            visitor,
            seeker,
            other_seeker,
            employer,
            other_employer,
            admin,
            recruiter,
            viewer,
            company,
            fixtures: HashMap::new(),
            made: AtomicUsize::new(0),
        };
        let user = world.make("user").await;
        let user_id: i64 = user.parse().unwrap();
        let token = "0123456789abcdef".repeat(4);
        let t = token.clone();
        let confirm_token = "fedcba9876543210".repeat(4);
        let ct = confirm_token.clone();
        app.db
            .run(move |c| {
                db::tokens::create(c, db::outbox::LinkKind::PasswordReset, user_id, &t)?;
                db::tokens::create(c, db::outbox::LinkKind::ConfirmEmail, user_id, &ct)
            })
            .await
            .unwrap();
        let fixtures = [
            ("asset", "css/app.css".to_string()),
            ("sitemap", "jobs-1.xml".to_string()),
            ("job", job.to_string()),
            ("draft", draft.to_string()),
            ("closed", closed.to_string()),
            ("other_job", other_job.to_string()),
            ("applicant", applicant.to_string()),
            ("resume", resume.to_string()),
            ("seeker", seeker_id.to_string()),
            ("user", user),
            ("company", company.to_string()),
            ("slug", slug),
            ("token", token),
            ("confirm_token", confirm_token),
            ("spent_token", "0".repeat(64)),
            ("alert", world.make("alert").await),
            ("notification", world.make("notification").await),
            ("template", world.make("template").await),
            ("outbox", world.make("outbox").await),
        ];
        world.fixtures.extend(fixtures);
        world
    }

    fn client(&self, actor: usize) -> &TestClient {
        match actor {
            0 => &self.visitor,
            1 => &self.seeker,
            2 => &self.other_seeker,
            3 => &self.employer,
            4 => &self.other_employer,
            5 => &self.admin,
            6 => &self.recruiter,
            _ => &self.viewer,
        }
    }

    fn fixture(&self, name: &str) -> String {
        self.fixtures.get(name).cloned().unwrap_or_else(|| panic!("the matrix names an unknown fixture `{name}`"))
    }

    /// A new record of a kind, owned like the fixture of that name.
    async fn make(&self, kind: &str) -> String {
        let n = self.made.fetch_add(1, Ordering::SeqCst);
        let app = self.app;
        let (company, seeker) = (self.company, self.seeker.id);
        let id: i64 = match kind {
            "job" => app.open_job(company, &format!("Fresh job {n}")).await,
            "draft" => app.insert_job(company, &format!("Fresh draft {n}"), "draft").await,
            "closed" => app.insert_job(company, &format!("Fresh closed job {n}"), "closed").await,
            "applicant" => {
                // One application per job and seeker: each on a job of its own.
                let job = app.open_job(company, &format!("Fresh opening {n}")).await;
                app.insert_applicant(company, Some(job), &format!("Ann Fresh {n}"), Some(seeker)).await
            }
            "resume" => app.insert_resume(Some(seeker), "a fresh resume").await,
            "notification" => app
                .db
                .run(move |c| {
                    db::notifications::create(
                        c,
                        &db::notifications::NewNotification {
                            user_id: seeker,
                            kind: jobconnect::domain::NotificationKind::Stage,
                            title: "Your application moved on",
                            body: "",
                            link: "/applications",
                            data: String::new(),
                        },
                    )
                })
                .await
                .unwrap(),
            "alert" => {
                let query = format!("q=fresh{n}");
                app.db
                    .run(move |c| {
                        db::alerts::create(c, seeker, &query)?;
                        let mine = db::alerts::list_for_user(c, seeker)?;
                        Ok::<_, diesel::result::Error>(mine.into_iter().find(|a| a.query == query).expect("made").id)
                    })
                    .await
                    .unwrap()
            }
            "template" => {
                app.db
                    .run(move |c| {
                        db::email_templates::create(
                            c,
                            company,
                            &format!("Invitation {n}"),
                            "Hello {{name}}",
                            "Dear {{name}}, about {{job}}.",
                            None,
                        )
                    })
                    .await
                    .unwrap()
                    .id
            }
            "step" => {
                let name = format!("Step {n}");
                let step =
                    app.db.run(move |c| db::steps::create(c, company, &name, jobconnect::domain::Stage::Screening));
                step.await.unwrap().expect("a fresh name").id
            }
            "outbox" => app
                .db
                .run(move |c| {
                    db::outbox::enqueue(
                        c,
                        &db::outbox::OutgoingEmail {
                            to: format!("someone{n}@example.com"),
                            to_name: "Someone".into(),
                            subject: "Hello".into(),
                            text: "Hello there.".into(),
                            html: None,
                            applicant_id: None,
                            about_applicant_id: None,
                        },
                    )
                })
                .await
                .unwrap(),
            "user" => {
                app.db
                    .run(move |c| {
                        db::users::create_account(
                            c,
                            &db::users::NewAccount {
                                email: &format!("target{n}@example.com"),
                                full_name: "",
                                username: &format!("target{n}"),
                                password_hash: "not-a-hash",
                                role: jobconnect::domain::Role::Seeker,
                                company_name: None,
                                email_confirmed: true,
                                timezone: "",
                            },
                        )
                    })
                    .await
                    .unwrap()
                    .id
            }
            other => panic!("the matrix asks for a fresh `{other}`, which the test cannot make"),
        };
        id.to_string()
    }

    /// The concrete path and form fields of a row (fresh records made now).
    async fn target(&self, row: &Row) -> (String, Vec<(String, String)>) {
        match &row.with {
            With::Nothing => (row.path.clone(), Vec::new()),
            With::Path { fixture, fresh: false } => (fill(&row.path, &self.fixture(fixture)), Vec::new()),
            With::Path { fixture, fresh: true } => (fill(&row.path, &self.make(fixture).await), Vec::new()),
            With::Field { fixture, field } => (row.path.clone(), vec![(field.clone(), self.fixture(fixture))]),
        }
    }

    async fn send(&self, actor: usize, row: &Row, path: &str, fields: &[(String, String)], token: bool) -> Resp {
        let client = self.client(actor);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let add = |mut form: Form| {
            for (k, v) in &fields {
                form = form.text(k.to_string(), v.to_string());
            }
            form
        };
        match row.body {
            Body::None if row.path == "/ws" => {
                let request = client.http.get(self.app.url(path)).header("origin", &self.app.address);
                TestClient::read(request.send().await.unwrap()).await
            }
            Body::None => client.get(path).await,
            Body::Form if token => client.post_form(path, &fields).await,
            Body::Form => client.post_raw(path, &fields).await,
            Body::Multipart if token => client.post_multipart(path, add).await,
            Body::Multipart => {
                // What a browser sends for the form, minus the token.
                let form = add(Form::new().text("comment", ""));
                TestClient::read(client.http.post(self.app.url(path)).multipart(form).send().await.unwrap()).await
            }
        }
    }

    async fn check_row(&self, row: &Row, failures: &mut Vec<String>) {
        if row.method == "POST" {
            self.check_csrf(row, failures).await;
        }
        let mut shared = None;
        for actor in ASK_ORDER {
            let (path, fields) = match (&row.with, &shared) {
                (With::Path { fresh: true, .. }, _) => self.target(row).await,
                (_, Some(target)) => Clone::clone(target),
                (_, None) => {
                    let target = self.target(row).await;
                    shared = Some(target.clone());
                    target
                }
            };
            let resp = self.send(actor, row, &path, &fields, true).await;
            let expected = row.cells[actor];
            if !expected.holds(&resp) {
                failures.push(mismatch(row, actor, "", expected, &resp));
            }
            // The router decodes `%65` as `e`: the same route, the same answer
            // (but for `/logout`, whose first answer ended the session).
            if row.path != "/logout" && percent_encoded(&path).is_some() {
                // A permitted actor may have used the record up: a fresh one.
                let (path, fields) = match row.with {
                    With::Path { fresh: true, .. } if expected.permits() => self.target(row).await,
                    _ => (path.clone(), fields.clone()),
                };
                let encoded = percent_encoded(&path).expect("a path of the same shape");
                let resp = self.send(actor, row, &encoded, &fields, true).await;
                if !expected.holds(&resp) {
                    failures.push(mismatch(row, actor, &encoded, expected, &resp));
                }
            }
            // HEAD is GET without the body, for every actor.
            if row.method == "GET" && row.path != "/ws" {
                let head = self.client(actor).http.head(self.app.url(&path)).send().await.unwrap();
                let head = TestClient::read(head).await;
                if !expected.holds(&head) || !head.body.is_empty() {
                    failures.push(mismatch(row, actor, &format!("HEAD {path}"), expected, &head));
                }
            }
            if expected.permits() {
                continue;
            }
            for odd in odd_spellings(&path) {
                let resp = self.send(actor, row, &odd, &fields, true).await;
                if grants(&resp) || resp.status.is_server_error() {
                    failures.push(format!(
                        "matrix.rs:{}: {:<55} as {:<14} is refused ({expected}), but {odd} answered {}",
                        row.line,
                        row.label(),
                        ACTORS[actor],
                        resp.status.as_u16(),
                    ));
                }
            }
        }
    }

    /// The row's POST without a CSRF token, from an actor it permits (for a
    /// row that permits no one, a spent link say, from a visitor): 403,
    /// nothing changed.
    async fn check_csrf(&self, row: &Row, failures: &mut Vec<String>) {
        let actor = CSRF_PREFERENCE.into_iter().find(|&a| row.cells[a].permits()).unwrap_or(0);
        let (path, fields) = self.target(row).await;
        let before = snapshot(self.app).await;
        let resp = self.send(actor, row, &path, &fields, false).await;
        if resp.status.as_u16() != 403 {
            failures.push(format!(
                "matrix.rs:{}: {:<55} as {:<14} without a CSRF token: expected 403, got {}",
                row.line,
                row.label(),
                ACTORS[actor],
                resp.status.as_u16()
            ));
        }
        let after = snapshot(self.app).await;
        if before != after {
            let changed: Vec<_> = after.iter().filter(|(k, v)| before.get(*k) != Some(v)).map(|(k, _)| k).collect();
            failures.push(format!(
                "matrix.rs:{}: {} as {} without a CSRF token changed the database: {changed:?}",
                row.line,
                row.label(),
                ACTORS[actor]
            ));
        }
    }
}

/// What a refused request must not change: row counts, and the columns the
/// POST routes change (roles, sessions, profiles, job and applicant states,
/// read marks, pictures, deleted resumes). Tables the background workers
/// write (outbox, presence) are left out.
async fn snapshot(app: &TestApp) -> BTreeMap<String, String> {
    app.db
        .run(|c| {
            let mut out = BTreeMap::new();
            for table in [
                "companies",
                "users",
                "audit_log",
                "jobs",
                "saved_jobs",
                "job_alerts",
                "seeker_preferences",
                "resumes",
                "applicants",
                "applicant_notes",
                "applicant_events",
                "applicant_tags",
                "email_templates",
                "password_resets",
                "notifications",
                "messages",
            ] {
                let n = diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT count(*) FROM {table}"))
                    .get_result::<i64>(c)?;
                out.insert(format!("count({table})"), n.to_string());
            }
            let rows = users::table
                .order(users::id)
                .select((
                    users::id,
                    users::role,
                    users::company_id,
                    users::is_active,
                    users::email_confirmed,
                    users::session_epoch,
                    users::password_hash,
                    (users::display_name, users::headline, users::location, users::phone, users::skills),
                    users::avatar_path,
                ))
                .load::<(
                    i64,
                    String,
                    Option<i64>,
                    bool,
                    bool,
                    i32,
                    String,
                    (String, String, String, String, String),
                    Option<String>,
                )>(c)?;
            for row in rows {
                out.insert(format!("users#{}", row.0), format!("{row:?}"));
            }
            let rows = companies::table
                .order(companies::id)
                .select((
                    companies::id,
                    companies::name,
                    companies::website,
                    companies::description,
                    companies::location,
                    companies::logo_path,
                ))
                .load::<(i64, String, String, String, String, Option<String>)>(c)?;
            for row in rows {
                out.insert(format!("companies#{}", row.0), format!("{row:?}"));
            }
            let rows = jobs::table
                .order(jobs::id)
                .select((jobs::id, jobs::status, jobs::title, jobs::description, jobs::closes_at.is_null()))
                .load::<(i64, String, String, String, bool)>(c)?;
            for row in rows {
                out.insert(format!("jobs#{}", row.0), format!("{row:?}"));
            }
            let rows = applicants::table
                .order(applicants::id)
                .select((
                    applicants::id,
                    applicants::stage,
                    applicants::status,
                    applicants::employment_type,
                    applicants::assignee_id,
                    applicants::withdrawn_at.is_null(),
                    (applicants::name, applicants::email, applicants::phone, applicants::job_id),
                ))
                .load::<(i64, String, String, String, Option<i64>, bool, (String, String, String, Option<i64>))>(c)?;
            for row in rows {
                out.insert(format!("applicants#{}", row.0), format!("{row:?}"));
            }
            let rows = notifications::table
                .order(notifications::id)
                .select((notifications::id, notifications::read_at.is_null()))
                .load::<(i64, bool)>(c)?;
            for row in rows {
                out.insert(format!("notifications#{}", row.0), format!("{row:?}"));
            }
            let rows = messages::table
                .order(messages::id)
                .select((messages::id, messages::read_at.is_null()))
                .load::<(i64, bool)>(c)?;
            for row in rows {
                out.insert(format!("messages#{}", row.0), format!("{row:?}"));
            }
            let rows =
                resumes::table
                    .order(resumes::id)
                    .select((resumes::id, resumes::deleted_at.is_null()))
                    .load::<(i64, bool)>(c)?;
            for row in rows {
                out.insert(format!("resumes#{}", row.0), format!("{row:?}"));
            }
            Ok::<_, diesel::result::Error>(out)
        })
        .await
        .unwrap()
}

async fn every_route_answers_every_actor_as_the_matrix_says(app: &TestApp) {
    let rows = match parse_matrix(MATRIX) {
        Ok(rows) => rows,
        Err(errors) => panic!("the matrix does not parse:\n{}", errors.join("\n")),
    };
    let mut failures = coverage(&rows);
    let world = World::build(app).await;

    // GETs first; then the POSTs; `/logout` last, as it ends the sessions.
    let mut order: Vec<&Row> = rows.iter().collect();
    order.sort_by_key(|r| (r.method == "POST", r.path == "/logout"));
    let (gets, posts): (Vec<&Row>, Vec<&Row>) = order.into_iter().partition(|r| r.method == "GET");
    // A GET is safe: every GET of every actor together changes nothing.
    let before = snapshot(app).await;
    for row in gets {
        world.check_row(row, &mut failures).await;
    }
    let after = snapshot(app).await;
    for (key, value) in &after {
        if before.get(key) != Some(value) {
            failures.push(format!("the GET requests changed {key}: {:?} → {value}", before.get(key)));
        }
    }
    for row in posts {
        world.check_row(row, &mut failures).await;
    }

    // A method a path does not take: 405, naming those it does (`Allow`).
    let mut methods: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in &rows {
        methods.entry(row.path.as_str()).or_default().insert(row.method.as_str());
    }
    for (pattern, taken) in &methods {
        let row = rows.iter().find(|r| r.path == *pattern).expect("a row of the path");
        let (path, _) = world.target(row).await;
        let mut allow: Vec<&str> = taken.iter().copied().collect();
        if taken.contains("GET") {
            allow.push("HEAD");
        }
        allow.sort_unstable();
        for method in [reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::OPTIONS] {
            let resp =
                TestClient::read(app.client().http.request(method.clone(), app.url(&path)).send().await.unwrap()).await;
            let mut said: Vec<&str> =
                resp.header("allow").split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
            said.sort_unstable();
            if resp.status.as_u16() != 405 || said != allow {
                failures.push(format!(
                    "{method} {path}: expected 405 with Allow {allow:?}, got {} with {said:?}",
                    resp.status.as_u16()
                ));
            }
        }
    }

    // The socket refuses a page of another site (no or a foreign Origin)
    // before anything else. The matrix's actors are logged out by now: a
    // visitor and a new seeker are asked.
    let seeker = app.seeker("origin_check").await;
    for (name, client) in [("visitor", &app.client()), ("seeker", &seeker.client)] {
        for origin in [None, Some("http://evil.example")] {
            let mut request = client.http.get(app.url("/ws"));
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let resp = TestClient::read(request.send().await.unwrap()).await;
            if resp.status.as_u16() != 403 {
                failures.push(format!(
                    "GET /ws with Origin {origin:?} as {name}: expected 403, got {}",
                    resp.status.as_u16()
                ));
            }
        }
    }

    let cells = rows.len() * ACTORS.len();
    assert!(
        failures.is_empty(),
        "{} of {cells} cells (and checks) of the authorisation matrix disagree with the app:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

both_backends!(every_route_answers_every_actor_as_the_matrix_says);
