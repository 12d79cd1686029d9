//! E-mail pages: composing to applicants, the companies' e-mail templates,
//! and the admin's view of the outbox.

mod compose;
mod outbox;
mod templates;

use crate::routes::Routes;

use crate::error::{AppError, AppResult};

pub fn routes(r: &mut Routes) {
    r.post("/applicants/email", compose::selection)
        .get("/applicants/{id}/email", compose::form)
        .post("/applicants/{id}/email", compose::submit)
        .get("/email-templates", templates::list)
        .get("/email-templates/new", templates::new_form)
        .post("/email-templates/new", templates::create)
        .get("/email-templates/{id}/edit", templates::edit_form)
        .post("/email-templates/{id}/edit", templates::update)
        .post("/email-templates/{id}/delete", templates::delete)
        .get("/admin/outbox", outbox::list)
        .get("/admin/outbox/{id}", outbox::show)
        .post("/admin/outbox/{id}/retry", outbox::retry);
}

/// A numeric id from the path; anything else is a page that does not exist.
fn path_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}
