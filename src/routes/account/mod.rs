//! Sign-up, log-in, log-out, password change.

mod login;
mod password;
mod register;

use crate::domain::Role;
use crate::routes::Routes;

pub fn routes(r: &mut Routes) {
    r.get("/register", register::form)
        .post("/register", register::submit)
        .get("/login", login::form)
        .post("/login", login::submit)
        .post("/logout", login::logout)
        .get("/account/password", password::form)
        .post("/account/password", password::submit);
}

/// Where a user lands after signing up or logging in.
pub fn landing_for(role: Role) -> &'static str {
    match role {
        Role::Seeker => "/jobs",
        Role::Employer => "/",
        Role::Admin => "/admin",
    }
}
