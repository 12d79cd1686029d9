//! JobConnect: a job portal and applicant CRM.

pub mod actions;
pub mod auth;
pub mod background;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod format;
pub mod mail;
pub mod realtime;
pub mod routes;
pub mod search;
pub mod seed;
pub mod startup;
pub mod state;
pub mod storage;
