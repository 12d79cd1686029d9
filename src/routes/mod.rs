//! HTTP handlers, one module per area; `configure` is the whole route table.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod applicants;
pub mod applications;
pub mod assets;
pub mod companies;
pub mod email;
pub mod employer_home;
pub mod feeds;
pub mod health;
pub mod home;
pub mod honeypot;
pub mod jobs;
pub mod live;
pub mod messages;
pub mod notifications;
pub mod page;
pub mod profile;
pub mod query;
pub mod reports;
pub mod resumes;
pub mod steps;
pub mod table;
pub mod team;

pub use page::{FieldErrors, NextQuery, Page, html, render, safe_next, see_other};
pub use query::{Pager, Query};
pub use table::Routes;

use actix_web::web;

use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut routes = Routes::live(cfg);
    register(&mut routes);
    routes.finish();
}

/// Every route the app serves, as (method, path pattern).
pub fn table() -> Vec<(actix_web::http::Method, &'static str)> {
    let mut list = Vec::new();
    register(&mut Routes::record(&mut list));
    list
}

fn register(r: &mut Routes) {
    r.get("/", home::home).get("/healthz", health::healthz).get("/static/{path:.*}", assets::serve);
    account::routes(r);
    alerts::routes(r);
    admin::routes(r);
    // Before the CRM's patterns: its fixed paths (`/applicants/email`) must win.
    email::routes(r);
    feeds::routes(r);
    employer_home::routes(r);
    jobs::routes(r);
    companies::routes(r);
    profile::routes(r);
    resumes::routes(r);
    applications::routes(r);
    applicants::routes(r);
    steps::routes(r);
    reports::routes(r);
    team::routes(r);
    messages::routes(r);
    notifications::routes(r);
    live::routes(r);
}

pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
