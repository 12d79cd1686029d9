//! HTTP-level tests of the real app, each on SQLite and on PostgreSQL.

mod helpers;
mod html;

mod account;
mod admin;
mod alerts;
mod applicants;
mod applications;
mod email;
mod employer_home;
mod faults;
mod feeds;
mod fixtures;
mod hostile;
mod jobs;
mod mail;
mod matrix;
mod migrations;
mod privacy;
mod profile;
mod races;
mod realtime;
mod reports;
mod resumes;
mod rules;
mod screening;
mod search;
mod seekers;
mod site;
mod smtp;
mod spam;
mod team;
mod time_zones;
mod tour;
mod uploads;
