//! Real-browser tests (headless Chromium through chromedriver), each on
//! SQLite and PostgreSQL. They share the app harness of tests/app.
//!
//! Without chromium and chromedriver they print "not run"; in CI (`CI=true`)
//! that is a failure.

#[path = "../app/helpers.rs"]
mod helpers;

#[path = "../app/fixtures.rs"]
mod fixtures;

#[path = "../app/realtime_support.rs"]
mod realtime_support;

#[path = "../app/tour.rs"]
mod tour;

#[path = "../app/smtp.rs"]
mod smtp;

mod board;
mod driver;
mod hiring;
mod journeys;
mod live;
mod phones;
