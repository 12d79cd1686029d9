//! JobConnect: a job portal and applicant CRM.

pub mod auth;
pub mod background;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod mail;
pub mod realtime;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod storage;
