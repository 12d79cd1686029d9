#![allow(dead_code)] // helpers of the mail tests
//! A real SMTP server for the mail tests (tests/support/smtp_server.rs),
//! apps configured to send to it, and a small reader of the messages it
//! received.

use std::collections::BTreeSet;
use std::time::Duration;

use jobconnect::config::Settings;

use crate::helpers::{Backend, TestApp, test_settings};

#[path = "../support/smtp_server.rs"]
mod server;
pub use server::SmtpServer;

/// Settings for mail tests: quick polling and retries.
pub fn quick_mail(settings: &mut Settings) {
    settings.mail_delivery.poll_interval = Duration::from_millis(100);
    settings.mail_delivery.retry_base = Duration::from_millis(100);
    settings.mail_delivery.retry_max = Duration::from_millis(400);
    settings.mail_delivery.max_attempts = 50;
}

/// The app on a fresh database, with quick mail settings changed by `tweak`
/// (`smtp_url`, attempts…).
pub async fn spawn_app(backend: Backend, tweak: impl FnOnce(&mut Settings) + Send + 'static) -> TestApp {
    TestApp::builder(backend).settings(quick_mail).settings(tweak).spawn().await
}

/// A second instance of the site on the database of `app`.
pub async fn second_instance(app: &TestApp, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(dir.path(), app.settings.database_url.clone());
    settings.session_key = app.settings.session_key.clone();
    quick_mail(&mut settings);
    tweak(&mut settings);
    TestApp::start(app.backend, settings, None, dir).await
}

/// A received message: headers (unfolded) and the decoded text part.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
    headers: Vec<(String, String)>,
    pub text: String,
    pub html: Option<String>,
    /// The first calendar invite (text/calendar) it carries.
    pub calendar: Option<String>,
}

impl Mail {
    pub fn parse(raw: &[u8]) -> Mail {
        let raw = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let (headers, body) = split_head(&raw);
        let mut mail =
            Mail { raw: raw.clone(), headers: headers.clone(), text: String::new(), html: None, calendar: None };
        mail.read_part(&headers, &body);
        mail
    }

    /// Takes the text, HTML and calendar parts, however deep in multiparts.
    fn read_part(&mut self, headers: &[(String, String)], body: &str) {
        let content_type = header_in(headers, "content-type").unwrap_or("text/plain").to_string();
        if let Some(boundary) = param(&content_type, "boundary") {
            for part in body.split(&format!("--{boundary}")).skip(1) {
                if part.starts_with("--") {
                    break;
                }
                let (part_headers, part_body) = split_head(part.trim_start_matches('\n'));
                self.read_part(&part_headers, &part_body);
            }
            return;
        }
        let kind = content_type.to_lowercase();
        let decoded = decode(headers, body);
        if kind.starts_with("text/html") {
            self.html = Some(decoded);
        } else if kind.starts_with("text/calendar") {
            self.calendar.get_or_insert(decoded);
        } else if kind.starts_with("text/plain") {
            self.text = decoded;
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    pub fn subject(&self) -> &str {
        self.header("subject").unwrap_or("")
    }

    /// The envelope recipients, as the server recorded them.
    pub fn rcpt_to(&self) -> &str {
        self.header("x-rcptto").unwrap_or("")
    }

    pub fn message_id(&self) -> &str {
        self.header("message-id").unwrap_or("")
    }
}

/// Subjects with their number of occurrences greater than one.
pub fn duplicates<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    for v in values {
        if !seen.insert(v.to_string()) {
            twice.insert(v.to_string());
        }
    }
    twice.into_iter().collect()
}

fn split_head(text: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_lowercase(), value.trim().to_string()));
        }
    }
    (headers, body.to_string())
}

fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn decode(headers: &[(String, String)], body: &str) -> String {
    match header_in(headers, "content-transfer-encoding").map(str::to_lowercase).as_deref() {
        Some("quoted-printable") => quoted_printable(body),
        Some("base64") => String::from_utf8_lossy(&base64(body)).into_owned(),
        _ => body.to_string(),
    }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            if let Some(v) = joined.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(body: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in body.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else { continue };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
