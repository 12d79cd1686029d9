//! Admin pages: every handler takes the `Admin` extractor, so everyone else
//! (visitors included) gets a 404. A test walks the route table to prove it.

mod audit;
mod companies;
mod dashboard;
mod jobs;
mod users;

use crate::routes::Routes;

pub fn routes(r: &mut Routes) {
    r.get("/admin", dashboard::show)
        .get("/admin/users", users::list)
        .get("/admin/users/{id}", users::show)
        .post("/admin/users/{id}/role", users::change_role)
        .post("/admin/users/{id}/deactivate", users::deactivate)
        .post("/admin/users/{id}/reactivate", users::reactivate)
        .get("/admin/companies", companies::list)
        .get("/admin/companies/{id}", companies::show)
        .post("/admin/companies/{id}", companies::update)
        .get("/admin/jobs", jobs::list)
        .post("/admin/jobs/{id}/close", jobs::close)
        .post("/admin/jobs/{id}/delete", jobs::delete)
        .get("/admin/audit", audit::list)
        .get("/admin/audit.csv", audit::export);
}

/// The admin section's tabs, with the current one marked.
pub struct AdminNav(&'static str);

impl AdminNav {
    pub const TABS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("dashboard", "/admin", "Dashboard"),
        ("users", "/admin/users", "Users"),
        ("companies", "/admin/companies", "Companies"),
        ("jobs", "/admin/jobs", "Jobs"),
        ("applicants", "/applicants", "Applicants"),
        ("outbox", "/admin/outbox", "Outbox"),
        ("audit", "/admin/audit", "Audit log"),
    ];

    pub fn current(&self, key: &str) -> &'static str {
        if self.0 == key { "page" } else { "false" }
    }
}
