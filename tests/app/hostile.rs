//! Hostile input (SPEC §5): property-based tests that post random and
//! adversarial values to every form, upload and search page of the app.
//!
//! Each scenario spawns the app once (both backends) and runs a proptest
//! `TestRunner` per form with a fixed seed and a bounded number of cases. The
//! cases are generated and shrunk by proptest and driven through the real HTTP
//! server from inside the tokio test runtime (`block_in_place` +
//! `Handle::block_on`), so a failure prints the minimal failing request.
//!
//! For every case:
//! - the answer is never a 5xx, always one of 200/303/400/403/404/413/415/422/429,
//!   and a redirect never leaves the site;
//! - an HTML answer carries no unescaped markup from the input (no raw
//!   `<script>alert(1)</script>` or `<img src=x onerror=…>`, no event-handler
//!   attribute, no inline script, no `javascript:` link, JSON-LD that parses)
//!   and has its security headers;
//! - a wrong CSRF token is a 403 and a wrong content type a 415;
//! - a refused request changes nothing: the watched tables hold the same rows
//!   and the upload directory (with `tmp/`) the same files;
//! - an accepted request leaves no temporary file and no file without its row,
//!   and every page that shows what it stored still renders safely;
//! - a CSV answer has no cell a spreadsheet would run as a formula.
//!
//! Besides the forms: every route of `routes::table()` as visitor, seeker,
//! employer and admin with random ids, queries and bodies (url-encoded and
//! multipart); every other HTTP method on every route; tampered session
//! cookies and odd `Host`/`X-Forwarded-For`/`Origin` headers; markup stored
//! in every free-text field and looked for, escaped, on every page that shows
//! it; and scripts that post form after form without reading a page.
//!
//! `HOSTILE_SEED=<n>` explores other seeds; `HOSTILE_SCALE=<n>` multiplies
//! the number of cases.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use reqwest::Method;

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestClient, TestUser};

// ---------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
/// How they look escaped (askama writes numeric references).
const SCRIPT_ESCAPED: &[&str] = &["&#60;script&#62;alert(1)&#60;/script&#62;", "&lt;script&gt;alert(1)&lt;/script&gt;"];
const IMG_ESCAPED: &[&str] =
    &["&#34;&#62;&#60;img src=x onerror=alert(1)&#62;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"];

fn shows_escaped(body: &str, escaped: &[&str]) -> bool {
    escaped.iter().any(|e| body.contains(e))
}

/// Markup from the input that must never reach a page as it is.
const RAW_MARKUP: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "</textarea><script>",
];

/// Values that have broken web apps before: markup, SQL, full-text operators,
/// numbers at and past their limits, control characters, odd Unicode, enum
/// values (right and wrong), paths, redirects, dates and e-mail addresses.
const NASTY: &[&str] = &[
    "",
    " ",
    "\t",
    SCRIPT,
    IMG,
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "\" autofocus onfocus=\"alert(1)",
    "javascript:alert(1)",
    "&lt;script&gt;",
    "&amp;",
    "&#34;",
    "{{name}}",
    "{{ job }}",
    "{{company}}",
    "{{evil}}",
    "{{",
    "}}",
    "{% raw %}",
    "' OR 1=1 --",
    "' OR '1'='1",
    "\"; DROP TABLE users; --",
    "'; DROP TABLE users; --",
    "; DROP TABLE users",
    "1; DELETE FROM applicants",
    "admin'--",
    "' UNION SELECT password_hash FROM users --",
    "\\",
    "\\'",
    "%",
    "_",
    "%_%",
    "\"",
    "*",
    "rust*",
    "\"rust",
    "OR",
    "AND",
    "NOT",
    "NEAR(",
    "NEAR(a b)",
    "a NEAR/2 b",
    ":",
    "title:rust",
    "&",
    "!",
    "^",
    "^rust",
    "-rust",
    "+rust",
    "(",
    ")",
    "()",
    "rust | go",
    "<->",
    "a & b | !c",
    "''",
    "-1",
    "0",
    "1",
    "2",
    "-0",
    "007",
    "1.5",
    "1,5",
    "1e3",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999",
    "2147483648",
    "100000001",
    "60k",
    "\0",
    "a\0b",
    "\r\n",
    "line\r\nBcc: victim@example.com",
    "\r",
    "\n",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{202e}gnp.exe",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
    "\u{10ffff}",
    "😀",
    "ß",
    "İ",
    "ﬃ",
    "٣",
    "ａｄｍｉｎ",
    "e\u{301}",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "__proto__",
    "seeker",
    "employer",
    "admin",
    "ADMIN",
    "draft",
    "open",
    "closed",
    "pending",
    "applied",
    "screening",
    "interview",
    "offer",
    "hired",
    "rejected",
    "full_time",
    "part_time",
    "contract",
    "FULL_TIME",
    "remote",
    "hybrid",
    "onsite",
    "year",
    "hour",
    "EUR",
    "eur",
    "Engineering",
    "none",
    "me",
    "new",
    "stage",
    "assign",
    "export",
    "preview",
    "send",
    "template",
    "../../etc/passwd",
    "..\\..\\boot.ini",
    "/etc/passwd",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "http:evil.example",
    "/%2F%2Fevil.example",
    "/jobs?q=<script>",
    "2026-02-30",
    "2026-13-01T00:00",
    "9999-12-31T23:59",
    "1970-01-01T00:00",
    "2026-01-01T25:61",
    "a@b.c",
    "@",
    "@b.com",
    "ann@example.com",
    "ANN@EXAMPLE.COM",
    "ann@example.com\r\nBcc: x@y.z",
    "\"quoted\"@example.com",
    "ann@[127.0.0.1]",
];

/// What huge values are made of.
const HUGE_UNITS: &[&str] = &["a", "<", "\"", "é", "😀", "\0", "x y ", SCRIPT, "\r\n", "%"];

/// Pieces written into a url-encoded body as they are: broken escapes,
/// escapes of invalid UTF-8 (overlong, surrogate, stray bytes), separators.
const RAW: &[&str] = &[
    "%FF%FE",
    "%",
    "%zz",
    "%C0%AF",
    "%ED%A0%80",
    "%00",
    "%0D%0A",
    "a%",
    "%%",
    "+",
    "%2B",
    "=",
    "&",
    "==&&",
    "%E2%80%AE",
    "%F4%90%80%80",
];

/// Bytes that print readably when a case fails (and briefly when huge).
#[derive(Clone, PartialEq, Eq)]
struct Bytes(Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 120;
        match std::str::from_utf8(&self.0) {
            Ok(s) if s.chars().count() <= SHOWN => write!(f, "{s:?}"),
            Ok(s) => write!(f, "{:?}… ({} bytes)", s.chars().take(SHOWN).collect::<String>(), self.0.len()),
            Err(_) => {
                let shown: String =
                    self.0.iter().take(SHOWN).flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect();
                let more = if self.0.len() > SHOWN { format!("… ({} bytes)", self.0.len()) } else { String::new() };
                write!(f, "b\"{shown}\"{more}")
            }
        }
    }
}

/// One field of a form as sent.
#[derive(Clone, Debug)]
enum Val {
    Missing,
    One(Bytes),
    /// The field repeated (`a=1&a=2`).
    Many(Vec<Bytes>),
    /// Written into the body as it is (not encoded).
    Raw(&'static str),
    /// The value the test tracks (the user's password right now).
    Current,
}

fn hostile() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        20 => hostile_short(),
        1 => (select(HUGE_UNITS), 200usize..90_000).prop_map(|(u, n)| u.repeat(n.div_ceil(u.len())).into_bytes()),
    ]
    .boxed()
}

/// Hostile values short enough for a URL.
fn hostile_short() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        8 => select(NASTY).prop_map(|s| s.as_bytes().to_vec()),
        4 => vec(select(NASTY), 2..5).prop_map(|v| v.concat().into_bytes()),
        3 => vec(any::<char>(), 0..40).prop_map(|v| v.into_iter().collect::<String>().into_bytes()),
        2 => vec(any::<u8>(), 1..40),
        2 => "[ -~]{0,80}".prop_map(String::into_bytes),
        1 => (select(HUGE_UNITS), 20usize..400).prop_map(|(u, n)| u.repeat(n.div_ceil(u.len())).into_bytes()),
    ]
    .boxed()
}

/// A field: mostly a good value or a hostile one; sometimes missing, doubled
/// or a raw piece of body.
fn field(valid: BoxedStrategy<Vec<u8>>) -> BoxedStrategy<Val> {
    prop_oneof![
        6 => valid.clone().prop_map(|v| Val::One(Bytes(v))),
        5 => hostile().prop_map(|v| Val::One(Bytes(v))),
        1 => Just(Val::Missing),
        1 => (valid, hostile()).prop_map(|(a, b)| Val::Many(vec![Bytes(a), Bytes(b)])),
        1 => select(RAW).prop_map(Val::Raw),
    ]
    .boxed()
}

/// A form field: how a good value looks, and what may be sent instead.
#[derive(Clone)]
struct Field {
    name: &'static str,
    valid: BoxedStrategy<Val>,
    any: BoxedStrategy<Val>,
}

fn named(name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Field {
    Field { name, valid: valid.clone().prop_map(|v| Val::One(Bytes(v))).boxed(), any: field(valid) }
}

/// A field whose values the caller generates (good and bad alike).
fn named_as(name: &'static str, strategy: BoxedStrategy<Val>) -> Field {
    Field { name, valid: strategy.clone(), any: strategy }
}

/// How a case mixes good and hostile values: a form that should pass, one
/// with a single bad field (the error path of each field), or anything.
#[derive(Clone, Copy, Debug)]
enum Mix {
    AllValid,
    OneHostile(usize),
    Random,
}

fn field_values(fields: &[Field]) -> BoxedStrategy<Vec<(&'static str, Val)>> {
    let names: Vec<&'static str> = fields.iter().map(|f| f.name).collect();
    let valid: Vec<BoxedStrategy<Val>> = fields.iter().map(|f| f.valid.clone()).collect();
    let any: Vec<BoxedStrategy<Val>> = fields.iter().map(|f| f.any.clone()).collect();
    let n = fields.len();
    let mix = if n == 0 {
        Just(Mix::Random).boxed()
    } else {
        prop_oneof![2 => Just(Mix::AllValid), 3 => (0..n).prop_map(Mix::OneHostile), 3 => Just(Mix::Random)].boxed()
    };
    (valid, any, mix)
        .prop_map(move |(valid, any, mix)| {
            let chosen = valid.into_iter().zip(any).enumerate().map(|(i, (good, bad))| match mix {
                Mix::AllValid => good,
                Mix::OneHostile(j) if i == j => bad,
                Mix::OneHostile(_) => good,
                Mix::Random => bad,
            });
            names.iter().copied().zip(chosen).collect()
        })
        .boxed()
}

/// One of these values.
fn ok(values: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    select(values).prop_map(|s| s.as_bytes().to_vec()).boxed()
}

fn ok_owned(values: Vec<String>) -> BoxedStrategy<Vec<u8>> {
    select(values).prop_map(String::into_bytes).boxed()
}

/// A string matching a regular expression.
fn re(pattern: &'static str) -> BoxedStrategy<Vec<u8>> {
    pattern.prop_map(String::into_bytes).boxed()
}

/// Free text: ordinary words, or markup that is a perfectly valid value (so it
/// gets stored and shown).
fn text(pattern: &'static str) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        3 => re(pattern),
        2 => ok(&[SCRIPT, IMG, "Zoë & Co. <b>bold</b>", "O'Brien \"The Rock\"", "</textarea><script>alert(1)</script>"]),
    ]
    .boxed()
}

fn enc(bytes: &[u8]) -> String {
    url::form_urlencoded::byte_serialize(bytes).collect()
}

fn push_pairs(out: &mut Vec<String>, name: &[u8], val: &Val, current: &str) {
    let key = enc(name);
    match val {
        Val::Missing => {}
        Val::One(v) => out.push(format!("{key}={}", enc(&v.0))),
        Val::Many(list) => out.extend(list.iter().map(|v| format!("{key}={}", enc(&v.0)))),
        Val::Raw(raw) => out.push(format!("{key}={raw}")),
        Val::Current => out.push(format!("{key}={}", enc(current.as_bytes()))),
    }
}

/// A token of the right length that is not the session's.
fn wrong_token(token: &str) -> String {
    let first = if token.starts_with('a') { 'b' } else { 'a' };
    format!("{first}{}", &token[1..])
}

// ---------------------------------------------------------------------------
// Url-encoded forms
// ---------------------------------------------------------------------------

/// Where the CSRF token goes, if anywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Csrf {
    First,
    Last,
    Missing,
    Wrong,
    Empty,
    /// A wrong token, then the right one (the first counts).
    WrongThenGood,
    GoodThenWrong,
}

impl Csrf {
    fn good(self) -> bool {
        matches!(self, Csrf::First | Csrf::Last | Csrf::GoodThenWrong)
    }
}

fn csrf() -> BoxedStrategy<Csrf> {
    prop_oneof![
        10 => Just(Csrf::First),
        6 => Just(Csrf::Last),
        1 => Just(Csrf::Missing),
        1 => Just(Csrf::Wrong),
        1 => Just(Csrf::Empty),
        1 => Just(Csrf::WrongThenGood),
        1 => Just(Csrf::GoodThenWrong),
    ]
    .boxed()
}

/// The declared content type of a url-encoded body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ct {
    Form,
    FormCharset,
    Absent,
    Text,
    Json,
    Multipart,
}

impl Ct {
    fn header(self) -> Option<&'static str> {
        match self {
            Ct::Form => Some("application/x-www-form-urlencoded"),
            Ct::FormCharset => Some("application/x-www-form-urlencoded; charset=UTF-8"),
            Ct::Absent => None,
            Ct::Text => Some("text/plain"),
            Ct::Json => Some("application/json"),
            Ct::Multipart => Some("multipart/form-data; boundary=x"),
        }
    }

    fn is_form(self) -> bool {
        matches!(self, Ct::Form | Ct::FormCharset | Ct::Absent)
    }
}

fn content_type() -> BoxedStrategy<Ct> {
    prop_oneof![
        16 => Just(Ct::Form),
        1 => Just(Ct::FormCharset),
        1 => Just(Ct::Absent),
        1 => Just(Ct::Text),
        1 => Just(Ct::Json),
        1 => Just(Ct::Multipart),
    ]
    .boxed()
}

/// Fields nobody asked for: privileges, ids, prototype keys, garbage.
fn extra_fields() -> BoxedStrategy<Vec<(Bytes, Bytes)>> {
    let name = prop_oneof![
        3 => ok(&["is_admin", "role", "company_id", "user_id", "id", "admin", "__proto__", "ids[]", "", "csrf", "seeker_id"]),
        1 => hostile(),
    ];
    prop_oneof![
        4 => Just(Vec::new()),
        1 => vec((name, hostile()).prop_map(|(k, v)| (Bytes(k), Bytes(v))), 1..4),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct FormCase {
    path: (usize, String),
    fields: Vec<(&'static str, Val)>,
    extra: Vec<(Bytes, Bytes)>,
    csrf: Csrf,
    ct: Ct,
}

fn pick_path(paths: Vec<String>) -> BoxedStrategy<(usize, String)> {
    let n = paths.len();
    let index = if n == 1 { Just(0usize).boxed() } else { prop_oneof![5 => Just(0usize), 2 => 0..n].boxed() };
    index.prop_map(move |i| (i, paths[i].clone())).boxed()
}

fn form_case(paths: Vec<String>, fields: &[Field]) -> BoxedStrategy<FormCase> {
    (pick_path(paths), field_values(fields), extra_fields(), csrf(), content_type())
        .prop_map(|(path, fields, extra, csrf, ct)| FormCase { path, fields, extra, csrf, ct })
        .boxed()
}

fn encode_form(case: &FormCase, token: &str, current: &str) -> Vec<u8> {
    let mut pieces = Vec::new();
    let good = format!("csrf_token={token}");
    let bad = format!("csrf_token={}", wrong_token(token));
    match case.csrf {
        Csrf::First => pieces.push(good.clone()),
        Csrf::Wrong => pieces.push(bad.clone()),
        Csrf::Empty => pieces.push("csrf_token=".into()),
        Csrf::WrongThenGood => pieces.extend([bad.clone(), good.clone()]),
        Csrf::GoodThenWrong => pieces.extend([good.clone(), bad.clone()]),
        Csrf::Last | Csrf::Missing => {}
    }
    for (name, val) in &case.fields {
        push_pairs(&mut pieces, name.as_bytes(), val, current);
    }
    for (k, v) in &case.extra {
        pieces.push(format!("{}={}", enc(&k.0), enc(&v.0)));
    }
    if case.csrf == Csrf::Last {
        pieces.push(good);
    }
    pieces.join("&").into_bytes()
}

// ---------------------------------------------------------------------------
// Multipart uploads
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pdf,
    Image,
}

/// What a file holds; made into bytes only when sent (so a failing case
/// prints what it was, not a megabyte of it).
#[derive(Clone, Debug)]
enum Content {
    /// A small valid PDF with this text.
    Pdf(String),
    /// A signature (`%PDF-`, PNG, JPEG, …) followed by garbage.
    Magic(&'static str, Bytes),
    Random(Bytes),
    Empty,
    /// A valid 1×1 PNG.
    Png,
    Markup(&'static str),
    /// `limit + delta` bytes behind a PDF (true) or PNG (false) signature.
    Sized(bool, i64),
}

const MAGIC: &[(&str, &[u8])] = &[
    ("pdf", b"%PDF-"),
    ("pdf-1.7", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
    ("jpeg", b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
    ("webp", b"RIFF\x24\0\0\0WEBPVP8 "),
    ("gif", b"GIF89a"),
    ("zip", b"PK\x03\x04"),
    ("elf", b"\x7fELF"),
    ("utf16-bom", b"\xff\xfe%\0P\0D\0F\0"),
    ("space-pdf", b" %PDF-"),
];

const MARKUP_FILES: &[&str] = &[
    "<html><script>alert(1)</script></html>",
    "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
    "%PDF-1.4\n<script>alert(1)</script>\n%%EOF",
    "#!/bin/sh\nrm -rf /\n",
];

/// The smallest PNG there is (1×1, transparent).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

impl Content {
    fn bytes(&self, limit: usize) -> Vec<u8> {
        match self {
            Content::Pdf(text) => pdf_with_text(text),
            Content::Magic(name, tail) => {
                let magic = MAGIC.iter().find(|(n, _)| n == name).expect("a known signature").1;
                [magic, &tail.0[..]].concat()
            }
            Content::Random(b) => b.0.clone(),
            Content::Empty => Vec::new(),
            Content::Png => PNG.to_vec(),
            Content::Markup(m) => m.as_bytes().to_vec(),
            Content::Sized(is_pdf, delta) => {
                let size = (limit as i64 + delta).max(0) as usize;
                let mut out = if *is_pdf { pdf_with_text("Padded") } else { PNG.to_vec() };
                out.resize(size.max(out.len()), b'x');
                out.truncate(size.max(8));
                out
            }
        }
    }
}

fn content(kind: Kind) -> BoxedStrategy<Content> {
    let magic_tail = vec(any::<u8>(), 0..2048).prop_map(Bytes);
    let right: BoxedStrategy<Content> = match kind {
        Kind::Pdf => prop_oneof![
            3 => prop_oneof!["[A-Za-z ]{0,40}".boxed(), Just(SCRIPT.to_string()).boxed()].prop_map(Content::Pdf),
            2 => (select(&["pdf", "pdf-1.7"][..]), magic_tail.clone()).prop_map(|(m, t)| Content::Magic(m, t)),
        ]
        .boxed(),
        Kind::Image => prop_oneof![
            3 => Just(Content::Png),
            2 => (select(&["png", "jpeg", "webp"][..]), magic_tail.clone()).prop_map(|(m, t)| Content::Magic(m, t)),
        ]
        .boxed(),
    };
    prop_oneof![
        10 => right,
        2 => (select(MAGIC.iter().map(|(n, _)| *n).collect::<Vec<_>>()), magic_tail).prop_map(|(m, t)| Content::Magic(m, t)),
        2 => vec(any::<u8>(), 1..512).prop_map(|b| Content::Random(Bytes(b))),
        1 => Just(Content::Empty),
        1 => (any::<bool>(), -8i64..8192).prop_map(|(p, d)| Content::Sized(p, d)),
        1 => Just(Content::Png),
        1 => "[a-z ]{0,20}".prop_map(Content::Pdf),
        1 => select(MARKUP_FILES).prop_map(Content::Markup),
    ]
    .boxed()
}

fn file_name() -> BoxedStrategy<Option<Bytes>> {
    let named = |names: &'static [&'static [u8]]| select(names).prop_map(|n| Some(Bytes(n.to_vec())));
    prop_oneof![
        4 => named(&[b"cv.pdf", b"My CV.pdf", b"lebenslauf-\xc3\xbc.pdf", b"photo.png", b"me.jpg", b"logo.webp"]),
        4 => named(&[
            b"../../etc/passwd.pdf",
            b"..\\..\\windows\\win.ini.pdf",
            b"/etc/cron.d/x.pdf",
            b"nul\0.pdf",
            b"a\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>",
            b"\"><img src=x onerror=alert(1)>.pdf",
            b"<svg onload=alert(1)>.png",
            b"",
            b".",
            b"..",
            b"...pdf",
            b".htaccess",
            b"a\"b.pdf",
            b"%2e%2e%2fx.pdf",
            b"\xe2\x80\xaefdp.exe",
            b"CON.pdf",
            b"x.pdf\0.exe",
            b"\xf0\x9f\x98\x80.pdf",
            b"cv.pdf.exe",
            b"\xff\xfe.pdf",
            b" ",
            b"x.pdf\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd.pdf; x=\"",
            b"x.pdf\"\r\nContent-Type: text/html\r\nX: \"",
        ]),
        1 => Just(None),
        1 => hostile().prop_map(|b| Some(Bytes(b))),
        1 => (1usize..20_000).prop_map(|n| Some(Bytes(format!("{}.pdf", "a".repeat(n)).into_bytes()))),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct FilePart {
    field: &'static str,
    file_name: Option<Bytes>,
    mime: Option<&'static str>,
    content: Content,
}

/// The file a browser would send: the right field, a name, the right kind of content.
fn good_file_part(field: &'static str, kind: Kind) -> BoxedStrategy<FilePart> {
    let (names, mime, content): (&'static [&'static [u8]], _, BoxedStrategy<Content>) = match kind {
        Kind::Pdf => (
            &[
                b"cv.pdf",
                b"My CV.pdf",
                b"lebenslauf-\xc3\xbc.pdf",
                b"\"><img src=x onerror=alert(1)>.pdf",
                b"../../cv.pdf",
            ],
            "application/pdf",
            prop_oneof![
                3 => "[A-Za-z ]{0,40}".prop_map(Content::Pdf),
                1 => vec(any::<u8>(), 0..2048).prop_map(|t| Content::Magic("pdf-1.7", Bytes(t))),
            ]
            .boxed(),
        ),
        Kind::Image => (
            &[b"photo.png", b"me.jpg", b"<svg onload=alert(1)>.png", b"logo.webp"],
            "image/png",
            prop_oneof![
                3 => Just(Content::Png),
                1 => (select(&["png", "jpeg", "webp"][..]), vec(any::<u8>(), 0..2048))
                    .prop_map(|(m, t)| Content::Magic(m, Bytes(t))),
            ]
            .boxed(),
        ),
    };
    (select(names), content)
        .prop_map(move |(name, content)| FilePart {
            field,
            file_name: Some(Bytes(name.to_vec())),
            mime: Some(mime),
            content,
        })
        .boxed()
}

fn file_parts(field: &'static str, kind: Kind) -> BoxedStrategy<Vec<FilePart>> {
    let part = (
        prop_oneof![10 => Just(field), 1 => select(&["file", "resume", "avatar", "logo", "csrf_token", "", "resume[]"][..])],
        file_name(),
        select(&[
            Some("application/pdf"),
            Some("image/png"),
            None,
            Some("text/html"),
            Some("application/octet-stream"),
            Some("image/svg+xml"),
        ][..]),
        content(kind),
    )
        .prop_map(|(field, file_name, mime, content)| FilePart { field, file_name, mime, content });
    prop_oneof![
        8 => good_file_part(field, kind).prop_map(|p| vec![p]),
        6 => vec(part.clone(), 1..2),
        1 => Just(Vec::new()),
        1 => vec(part, 2..4),
    ]
    .boxed()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UCsrf {
    First,
    /// After the files (a token checked only at the end).
    AfterFiles,
    Missing,
    Empty,
    WrongFirst,
    WrongThenGood,
    GoodThenWrong,
}

impl UCsrf {
    /// The first token part is wrong: the upload stops there with a 403.
    fn refused_at_once(self) -> bool {
        matches!(self, UCsrf::Empty | UCsrf::WrongFirst | UCsrf::WrongThenGood)
    }
}

/// Ways to break the body or its framing.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mangle {
    None,
    /// Cut at this per cent of the body (the length header stays honest).
    Truncate(u8),
    NoClosingBoundary,
    WrongBoundary,
    NoBoundary,
    QuotedBoundary,
    LfOnly,
    ContentType(&'static str),
    Garbage(Bytes),
    Preamble(Bytes),
    BrokenPartHeader,
}

fn mangle() -> BoxedStrategy<Mangle> {
    prop_oneof![
        14 => Just(Mangle::None),
        2 => (1u8..100).prop_map(Mangle::Truncate),
        1 => Just(Mangle::NoClosingBoundary),
        1 => Just(Mangle::WrongBoundary),
        1 => Just(Mangle::NoBoundary),
        1 => Just(Mangle::QuotedBoundary),
        1 => Just(Mangle::LfOnly),
        1 => select(&[
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/mixed; boundary=hostile7MA4YWxkTrZu0gW",
            "application/octet-stream",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=\"\"",
            "multipart/form-data; charset=utf-8",
            "MULTIPART/FORM-DATA; boundary=hostile7MA4YWxkTrZu0gW",
        ][..])
        .prop_map(Mangle::ContentType),
        1 => vec(any::<u8>(), 0..2048).prop_map(|b| Mangle::Garbage(Bytes(b))),
        1 => vec(any::<u8>(), 1..256).prop_map(|b| Mangle::Preamble(Bytes(b))),
        1 => Just(Mangle::BrokenPartHeader),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct UploadCase {
    path: (usize, String),
    csrf: UCsrf,
    text: Vec<(&'static str, Val)>,
    files: Vec<FilePart>,
    mangle: Mangle,
}

fn upload_case(paths: Vec<String>, field: &'static str, kind: Kind, text: &[Field]) -> BoxedStrategy<UploadCase> {
    let csrf = prop_oneof![
        12 => Just(UCsrf::First),
        2 => Just(UCsrf::AfterFiles),
        1 => Just(UCsrf::Missing),
        1 => Just(UCsrf::Empty),
        1 => Just(UCsrf::WrongFirst),
        1 => Just(UCsrf::WrongThenGood),
        1 => Just(UCsrf::GoodThenWrong),
    ];
    (pick_path(paths), csrf, field_values(text), file_parts(field, kind), mangle())
        .prop_map(|(path, csrf, text, files, mangle)| UploadCase { path, csrf, text, files, mangle })
        .boxed()
}

const BOUNDARY: &str = "hostile7MA4YWxkTrZu0gW";

fn text_part(name: &str, value: &[u8]) -> Vec<u8> {
    [format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(), value].concat()
}

/// The body and content type of an upload case.
fn encode_multipart(case: &UploadCase, token: &str, limit: usize) -> (Option<String>, Vec<u8>) {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let bad = wrong_token(token);
    match case.csrf {
        UCsrf::First => parts.push(text_part("csrf_token", token.as_bytes())),
        UCsrf::Empty => parts.push(text_part("csrf_token", b"")),
        UCsrf::WrongFirst => parts.push(text_part("csrf_token", bad.as_bytes())),
        UCsrf::WrongThenGood => {
            parts.push(text_part("csrf_token", bad.as_bytes()));
            parts.push(text_part("csrf_token", token.as_bytes()));
        }
        UCsrf::GoodThenWrong => {
            parts.push(text_part("csrf_token", token.as_bytes()));
            parts.push(text_part("csrf_token", bad.as_bytes()));
        }
        UCsrf::AfterFiles | UCsrf::Missing => {}
    }
    for (name, val) in &case.text {
        match val {
            Val::Missing | Val::Current => {}
            Val::One(v) => parts.push(text_part(name, &v.0)),
            Val::Many(list) => parts.extend(list.iter().map(|v| text_part(name, &v.0))),
            Val::Raw(raw) => parts.push(text_part(name, raw.as_bytes())),
        }
    }
    for file in &case.files {
        let mut head = format!("Content-Disposition: form-data; name=\"{}\"", file.field).into_bytes();
        if let Some(name) = &file.file_name {
            head.extend_from_slice(b"; filename=\"");
            head.extend_from_slice(&name.0);
            head.extend_from_slice(b"\"");
        }
        head.extend_from_slice(b"\r\n");
        if let Some(mime) = file.mime {
            head.extend_from_slice(format!("Content-Type: {mime}\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        head.extend_from_slice(&file.content.bytes(limit));
        parts.push(head);
    }
    if case.csrf == UCsrf::AfterFiles {
        parts.push(text_part("csrf_token", token.as_bytes()));
    }
    if case.mangle == Mangle::BrokenPartHeader
        && let Some(first) = parts.first_mut()
    {
        *first = [&b"this is not a header\r\nContent-Disposition: attachment\r\n"[..], first].concat();
    }
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        body.extend_from_slice(&part);
        body.extend_from_slice(b"\r\n");
    }
    let closing = format!("--{BOUNDARY}--\r\n");
    body.extend_from_slice(closing.as_bytes());
    let mut content_type = Some(format!("multipart/form-data; boundary={BOUNDARY}"));
    match &case.mangle {
        Mangle::None | Mangle::BrokenPartHeader => {}
        Mangle::Truncate(per_cent) => body.truncate(body.len() * *per_cent as usize / 100),
        Mangle::NoClosingBoundary => body.truncate(body.len() - closing.len()),
        Mangle::WrongBoundary => content_type = Some("multipart/form-data; boundary=someOtherBoundary".into()),
        Mangle::NoBoundary => content_type = Some("multipart/form-data".into()),
        Mangle::QuotedBoundary => content_type = Some(format!("multipart/form-data; boundary=\"{BOUNDARY}\"")),
        Mangle::LfOnly => {
            let mut out = Vec::with_capacity(body.len());
            let mut i = 0;
            while i < body.len() {
                if body[i..].starts_with(b"\r\n") {
                    out.push(b'\n');
                    i += 2;
                } else {
                    out.push(body[i]);
                    i += 1;
                }
            }
            body = out;
        }
        Mangle::ContentType(ct) => content_type = (!ct.is_empty()).then(|| ct.to_string()),
        Mangle::Garbage(bytes) => body = bytes.0.clone(),
        Mangle::Preamble(bytes) => body = [&bytes.0[..], b"\r\n", &body].concat(),
    }
    (content_type, body)
}

// ---------------------------------------------------------------------------
// What a refused request must leave as it was
// ---------------------------------------------------------------------------

/// The tables forms write, with the columns that say what they hold. Not
/// watched: log-in failures and the audit log (refusals write them on
/// purpose), and read markers, presence and delivery state (the mail worker
/// changes those). One-time tokens are watched once used: the worker makes
/// them, whenever it sends a link, but only a request uses one up.
const WATCHED: &[(&str, &str)] = &[
    (
        "users",
        "id, email, username, password_hash, role, company_id, display_name, headline, location, phone, skills, \
         avatar_path, is_active, session_epoch, updated_at",
    ),
    ("companies", "id, name, slug, website, description, location, logo_path, updated_at"),
    (
        "jobs",
        "id, company_id, title, description, location, remote, employment_type, category, salary_min, salary_max, \
         salary_currency, salary_period, status, closes_at, published_at, updated_at",
    ),
    ("saved_jobs", "user_id, job_id"),
    ("job_alerts", "id, user_id, query"),
    ("seeker_preferences", "user_id, employment_types, locations, remote, salary_min, categories, updated_at"),
    ("resumes", "id, user_id, file_name, stored_name, size_bytes, text_content, deleted_at"),
    (
        "applicants",
        "id, company_id, job_id, seeker_id, resume_id, assignee_id, name, email, phone, current_company, position, \
         location, years_experience, status, employment_type, stage, source, cover_letter, withdrawn_at, updated_at",
    ),
    ("applicant_notes", "id, applicant_id, author_id, body"),
    ("applicant_events", "id, applicant_id, actor_id, kind, detail"),
    ("outbox", "id, recipient, subject, body_text, applicant_id"),
    ("email_templates", "id, company_id, name, subject, body, updated_at"),
    ("messages", "id, applicant_id, sender_id, body"),
    ("notifications", "id, user_id, kind, title, body, link"),
    ("password_resets", "id, user_id, token_hash, used_at"),
];

/// Which rows of a table are watched (all, but for one-time tokens).
fn watched_rows(table: &str) -> &'static str {
    match table {
        "password_resets" => " WHERE used_at IS NOT NULL",
        _ => "",
    }
}

/// One query that lists every watched row as text (both backends).
fn watched_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        WATCHED
            .iter()
            .map(|(table, columns)| {
                let cells = columns
                    .split(',')
                    .map(|c| format!("COALESCE(CAST({} AS TEXT), '~')", c.trim()))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!("SELECT '{table}|' || {cells} FROM {table}{}", watched_rows(table))
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    })
}

/// Every stored file name the database knows.
const REFERENCED_FILES: &str = "SELECT stored_name FROM resumes \
     UNION ALL SELECT avatar_path FROM users WHERE avatar_path IS NOT NULL \
     UNION ALL SELECT logo_path FROM companies WHERE logo_path IS NOT NULL";

async fn texts(app: &TestApp, sql: &'static str) -> Vec<String> {
    app.db
        .run(move |c| diesel::dsl::sql::<diesel::sql_types::Text>(sql).load::<String>(c))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn last_id(app: &TestApp, table: &'static str) -> i64 {
    app.db
        .run(move |c| {
            diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT MAX(id) FROM {table}")).get_result::<i64>(c)
        })
        .await
        .unwrap()
}

/// The watched rows and the files under `UPLOAD_DIR` (with `tmp/`).
#[derive(Clone, PartialEq, Eq)]
struct Snapshot {
    rows: Vec<String>,
    files: BTreeSet<String>,
}

impl Snapshot {
    fn diff(&self, now: &Snapshot) -> String {
        let before: BTreeSet<&String> = self.rows.iter().collect();
        let after: BTreeSet<&String> = now.rows.iter().collect();
        let mut out = Vec::new();
        out.extend(before.difference(&after).take(6).map(|r| format!("  - {}", cut(r, 300))));
        out.extend(after.difference(&before).take(6).map(|r| format!("  + {}", cut(r, 300))));
        out.extend(self.files.difference(&now.files).map(|f| format!("  - file {f}")));
        out.extend(now.files.difference(&self.files).map(|f| format!("  + file {f}")));
        out.join("\n")
    }
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let mut rows = texts(app, watched_sql()).await;
    rows.sort();
    Snapshot { rows, files: upload_files(&app.settings.upload_dir) }
}

/// Every file under the upload directory, relative to it.
fn upload_files(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// A refused request left every watched row and every file as it was.
async fn unchanged(app: &TestApp, before: &Snapshot, resp: &Resp) -> Result<(), String> {
    crate::helpers::poll(|| async {
        let now = snapshot(app).await;
        if now == *before {
            Ok(())
        } else {
            Err(format!("a refused request (answered {}) changed what is stored:\n{}", resp.status, before.diff(&now)))
        }
    })
    .await
}

fn generated_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((stem, ext)) => {
            stem.len() == 32
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
                && matches!(ext, "pdf" | "png" | "jpg" | "webp")
        }
        None => false,
    }
}

/// After an accepted request: no temporary file, every stored file named by
/// a row, under a generated name, holding what its folder is for; every
/// resume's display name harmless.
async fn stored_files_are_sound(app: &TestApp) -> Result<(), String> {
    let root = app.settings.upload_dir.clone();
    crate::helpers::poll(|| async {
        let tmp: Vec<String> = upload_files(&root).into_iter().filter(|f| f.starts_with("tmp/")).collect();
        if tmp.is_empty() { Ok(()) } else { Err(format!("temporary files are left behind: {tmp:?}")) }
    })
    .await?;
    let referenced: BTreeSet<String> = texts(app, REFERENCED_FILES).await.into_iter().collect();
    for file in upload_files(&root) {
        let Some((folder, name)) = file.split_once('/') else {
            return Err(format!("{file} is stored at the top of UPLOAD_DIR"));
        };
        if folder == "tmp" {
            continue;
        }
        if !matches!(folder, "resumes" | "images") || name.contains('/') {
            return Err(format!("{file} is stored outside the upload folders"));
        }
        if !referenced.contains(&file) {
            return Err(format!("{file} is stored but no row names it"));
        }
        if !generated_name(name) {
            return Err(format!("{file} is not a generated name"));
        }
        let mut head = std::fs::read(root.join(&file)).unwrap_or_default();
        head.truncate(64);
        let fits = match folder {
            "resumes" => head.starts_with(b"%PDF-"),
            _ => matches!(infer::get(&head).map(|t| t.mime_type()), Some("image/png" | "image/jpeg" | "image/webp")),
        };
        if !fits {
            return Err(format!("{file} does not hold what its folder is for: {:?}", Bytes(head)));
        }
    }
    for name in texts(app, "SELECT file_name FROM resumes").await {
        if name.contains(['/', '\\']) || name.chars().any(char::is_control) || name.chars().count() > 120 {
            return Err(format!("a resume keeps an unsafe display name: {:?}", Bytes(name.into_bytes())));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// What every answer must be
// ---------------------------------------------------------------------------

const ALLOWED: &[u16] = &[200, 303, 400, 403, 404, 413, 415, 422, 429];

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn around(s: &str, at: usize) -> String {
    let start = s[..at].char_indices().rev().nth(80).map(|(i, _)| i).unwrap_or(0);
    cut(&s[start..], 240)
}

fn same_site(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.starts_with("/\\")
        && !location.chars().any(char::is_control)
}

/// A refused request is anything but a redirect, or the redirect that asks to log in.
fn accepted(resp: &Resp) -> bool {
    resp.status == 303 && !resp.location().starts_with("/login?next=")
}

fn check_response(resp: &Resp) -> Result<(), String> {
    let status = resp.status.as_u16();
    if status >= 500 {
        return Err(format!("answered {status}: {}", cut(&resp.text(), 400)));
    }
    if !ALLOWED.contains(&status) {
        return Err(format!("answered {status}, which is none of {ALLOWED:?}"));
    }
    if status == 303 && !same_site(resp.location()) {
        return Err(format!("redirected off the site, to {:?}", resp.location()));
    }
    if resp.header("content-type").starts_with("text/html") {
        for header in ["content-security-policy", "x-content-type-options", "referrer-policy"] {
            if resp.header(header).is_empty() {
                return Err(format!("an HTML page ({status}) without {header}"));
            }
        }
        check_html(&resp.body)?;
    }
    if resp.header("content-type").starts_with("text/csv") {
        check_csv(&resp.body)?;
    }
    Ok(())
}

/// No cell of an export starts what a spreadsheet would run as a formula.
fn check_csv(body: &str) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| format!("the CSV does not parse: {e}"))?;
        if let Some(cell) = record.iter().find(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])) {
            return Err(format!("a CSV cell would run as a formula: {cell:?}"));
        }
    }
    Ok(())
}

/// No markup from the input survives into the page: the raw payloads are
/// absent, no element has an event handler, no script is inline (JSON-LD
/// aside, which must parse), no link runs script, nothing embeds a frame.
fn check_html(body: &str) -> Result<(), String> {
    for raw in RAW_MARKUP {
        if let Some(at) = body.find(raw) {
            return Err(format!("{raw:?} is in the page unescaped: …{}…", around(body, at)));
        }
    }
    let doc = scraper::Html::parse_document(body);
    let every = scraper::Selector::parse("*").expect("a valid selector");
    for el in doc.select(&every) {
        let v = el.value();
        let name = v.name();
        if matches!(name, "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base") {
            return Err(format!("the page holds a <{name}>: {}", cut(&el.html(), 200)));
        }
        for (attr, value) in v.attrs() {
            if attr.starts_with("on") {
                return Err(format!("<{name}> carries an event handler: {}", cut(&el.html(), 200)));
            }
            if matches!(attr, "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data") {
                let plain: String =
                    value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
                if ["javascript:", "vbscript:", "data:text/html"].iter().any(|p| plain.starts_with(p)) {
                    return Err(format!("<{name} {attr}> runs script: {}", cut(&el.html(), 200)));
                }
            }
        }
        if name == "meta" && v.attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh")) {
            return Err(format!("the page redirects itself: {}", el.html()));
        }
        if name == "script" {
            let text: String = el.text().collect();
            if v.attr("type") == Some("application/ld+json") {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("the JSON-LD does not parse ({e}): {}", cut(&text, 300)))?;
            } else if v.attr("src").is_none() || !text.trim().is_empty() {
                return Err(format!("the page holds an inline script: {}", cut(&el.html(), 200)));
            }
        }
    }
    Ok(())
}

async fn send(
    client: &TestClient,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Result<Resp, String> {
    let mut request = client.http.request(method.clone(), format!("{}{}", client.base, path));
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    match request.send().await {
        Ok(resp) => Ok(TestClient::read(resp).await),
        Err(e) => Err(format!(
            "{method} {}: no answer (did the server drop the connection?): {:?}",
            cut(path, 200),
            e.without_url()
        )),
    }
}

async fn get(client: &TestClient, path: &str) -> Result<Resp, String> {
    send(client, Method::GET, path, None, None).await
}

/// After an accepted post: files are sound, and the page it leads to and the
/// pages that show what it stored render (safely).
async fn after_accept(
    app: &TestApp,
    client: &TestClient,
    resp: &Resp,
    views: &[(Option<&TestClient>, String)],
) -> Result<(), String> {
    stored_files_are_sound(app).await?;
    let to = resp.location().split('#').next().unwrap_or("/").to_string();
    let next = get(client, &to).await?;
    check_response(&next).map_err(|e| format!("the page it led to ({to}): {e}"))?;
    for (who, path) in views {
        let page = get(who.unwrap_or(client), path).await?;
        check_response(&page).map_err(|e| format!("{path}: {e}"))?;
        if page.status != 200 {
            return Err(format!("{path} answers {} after an accepted post", page.status));
        }
    }
    Ok(())
}

/// Answers seen while a form was fuzzed.
#[derive(Default)]
struct Stats {
    statuses: Mutex<BTreeMap<u16, u32>>,
    accepted: AtomicU32,
}

impl Stats {
    fn record(&self, resp: &Resp) {
        *self.statuses.lock().unwrap().entry(resp.status.as_u16()).or_default() += 1;
    }

    fn accept(&self) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    fn report(&self, app: &TestApp, label: &str, elapsed: Duration, min_accepted: u32) {
        let statuses = self.statuses.lock().unwrap();
        let seen: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        let accepted = self.accepted.load(Ordering::Relaxed);
        eprintln!("hostile [{:?}] {label}: {} in {elapsed:.1?}", app.backend, seen.join(" "));
        assert!(
            accepted >= min_accepted,
            "{label}: only {accepted} accepted case(s): the generator no longer reaches the form's success path"
        );
    }
}

// ---------------------------------------------------------------------------
// Running properties inside the tokio runtime
// ---------------------------------------------------------------------------

fn scaled(cases: u32) -> u32 {
    cases * std::env::var("HOSTILE_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1)
}

/// A fixed seed per property (the same on both backends), moved by `HOSTILE_SEED`.
fn seed(label: &str) -> [u8; 32] {
    let extra: u64 = std::env::var("HOSTILE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ extra;
    for b in label.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        // splitmix64
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// Runs `test` on `cases` generated values; on a failure proptest shrinks it
/// and this panics with the smallest failing value. Called from the async
/// test, it blocks this worker while each case drives the app.
fn check_property<S>(
    app: &TestApp,
    label: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) -> Duration
where
    S: Strategy,
    S::Value: fmt::Debug,
{
    let mut config = Config::with_cases(scaled(cases));
    config.failure_persistence = None;
    // Shrinking replays requests: bounded, so a failure is reported within a minute.
    config.max_shrink_iters = 300;
    config.max_shrink_time = 60_000;
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed(label)));
    let started = Instant::now();
    let result = tokio::task::block_in_place(|| runner.run(&strategy, |case| test(case).map_err(TestCaseError::fail)));
    match result {
        Ok(()) => started.elapsed(),
        Err(TestError::Fail(reason, case)) => {
            panic!("hostile [{:?}] {label}: {reason}\nminimal failing case: {case:#?}", app.backend)
        }
        Err(TestError::Abort(reason)) => panic!("hostile [{:?}] {label}: {reason}", app.backend),
    }
}

// ---------------------------------------------------------------------------
// Drivers
// ---------------------------------------------------------------------------

/// Who sends a form.
enum Who<'a> {
    /// This client, for every case.
    Client(&'a TestClient),
    /// A new visitor for every case.
    Visitor,
    /// A new log-in of this user for every case (to log out).
    LoggedIn(&'a TestUser),
}

/// What the server reads from a password form (to follow a changed password).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct NewPassword {
    new_password: String,
}

async fn log_in(client: &TestClient, user: &TestUser) -> Result<(), String> {
    let resp = client.post_form("/login", &[("login", &user.username), ("password", &user.password)]).await;
    if resp.status != 303 {
        return Err(format!("{} could not log in: {}", user.username, resp.status));
    }
    Ok(())
}

/// The body names a field twice (or holds a piece that is not a pair).
fn repeats_a_field(body: &[u8]) -> bool {
    let mut seen = BTreeSet::new();
    body.split(|b| *b == b'&').any(|piece| !piece.contains(&b'='))
        || url::form_urlencoded::parse(body).any(|(k, _)| k != "csrf_token" && !seen.insert(k.into_owned()))
}

/// A url-encoded form to fuzz.
struct Form<'a> {
    label: &'static str,
    who: Who<'a>,
    /// The target first; then other addresses (other owners, missing and malformed ids).
    paths: Vec<String>,
    fields: Vec<Field>,
    /// Pages that show what the form stores, checked after each accepted post.
    views: Vec<(Option<&'a TestClient>, String)>,
    cases: u32,
    min_accepted: u32,
    /// The only answers to a well-formed request to the target (a form the
    /// user may not use, say).
    expect: Option<&'static [u16]>,
    /// The user's password as it is now (`Val::Current`), followed across changes.
    password: Option<&'a Mutex<String>>,
}

impl<'a> Form<'a> {
    fn new(label: &'static str, who: Who<'a>, path: impl Into<String>) -> Self {
        Form {
            label,
            who,
            paths: vec![path.into()],
            fields: Vec::new(),
            views: Vec::new(),
            cases: 32,
            min_accepted: 1,
            expect: None,
            password: None,
        }
    }

    fn or_at(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.paths.extend(paths);
        self
    }

    fn field(mut self, name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Self {
        self.fields.push(named(name, valid));
        self
    }

    fn field_as(mut self, name: &'static str, strategy: BoxedStrategy<Val>) -> Self {
        self.fields.push(named_as(name, strategy));
        self
    }

    fn with(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    fn shows(mut self, path: impl Into<String>) -> Self {
        self.views.push((None, path.into()));
        self
    }

    fn shows_to(mut self, client: &'a TestClient, path: impl Into<String>) -> Self {
        self.views.push((Some(client), path.into()));
        self
    }

    fn cases(mut self, n: u32) -> Self {
        self.cases = n;
        self
    }

    fn min_accepted(mut self, n: u32) -> Self {
        self.min_accepted = n;
        self
    }

    fn expect(mut self, statuses: &'static [u16]) -> Self {
        self.expect = Some(statuses);
        self.min_accepted = 0;
        self
    }

    fn password(mut self, current: &'a Mutex<String>) -> Self {
        self.password = Some(current);
        self
    }

    async fn run(self, app: &TestApp) {
        let handle = tokio::runtime::Handle::current();
        let stats = Stats::default();
        let strategy = form_case(self.paths.clone(), &self.fields);
        let elapsed =
            check_property(app, self.label, self.cases, strategy, |case| handle.block_on(self.one(app, &case, &stats)));
        stats.report(app, self.label, elapsed, self.min_accepted);
    }

    async fn one(&self, app: &TestApp, case: &FormCase, stats: &Stats) -> Result<(), String> {
        let fresh;
        let client = match &self.who {
            Who::Client(client) => *client,
            Who::Visitor => {
                fresh = app.client();
                &fresh
            }
            Who::LoggedIn(user) => {
                fresh = app.client();
                log_in(&fresh, user).await?;
                &fresh
            }
        };
        let token = client.csrf().await;
        let current = self.password.map(|p| p.lock().unwrap().clone()).unwrap_or_default();
        let body = encode_form(case, &token, &current);
        let before = snapshot(app).await;
        let resp = send(client, Method::POST, &case.path.1, case.ct.header(), Some(body.clone())).await?;
        stats.record(&resp);
        check_response(&resp)?;
        let status = resp.status.as_u16();
        if case.path.0 == 0 {
            // Who may not use the form is told so before the token is read.
            let refusal = self.expect.unwrap_or(&[]);
            if !case.csrf.good() && ![403, 413].contains(&status) && !refusal.contains(&status) {
                return Err(format!("a bad CSRF token got {status}, not 403"));
            }
            if case.csrf.good() && !case.ct.is_form() && ![415, 413].contains(&status) && !refusal.contains(&status) {
                return Err(format!("a body sent as {:?} got {status}, not 415", case.ct.header()));
            }
            // A body that repeats a field is refused as unreadable (422) before anything is looked up.
            if let Some(expect) = self.expect
                && case.csrf.good()
                && case.ct.is_form()
                && !expect.contains(&status)
                && !(status == 422 && repeats_a_field(&body))
            {
                return Err(format!("answered {status}, not one of {expect:?}"));
            }
        }
        if accepted(&resp) {
            stats.accept();
            if let Some(current) = self.password
                && let Ok(form) = serde_html_form::from_bytes::<NewPassword>(&body)
            {
                *current.lock().unwrap() = form.new_password;
            }
            after_accept(app, client, &resp, &self.views).await
        } else {
            unchanged(app, &before, &resp).await
        }
    }
}

/// A multipart upload to fuzz.
struct Upload<'a> {
    label: &'static str,
    who: &'a TestClient,
    paths: Vec<String>,
    field: &'static str,
    kind: Kind,
    text: Vec<Field>,
    views: Vec<(Option<&'a TestClient>, String)>,
    cases: u32,
    min_accepted: u32,
    /// The only answers to a well-formed upload to the target (someone who
    /// may not upload here is told so before the body is read).
    expect: Option<&'static [u16]>,
}

impl<'a> Upload<'a> {
    fn new(label: &'static str, who: &'a TestClient, path: impl Into<String>, field: &'static str, kind: Kind) -> Self {
        Upload {
            label,
            who,
            paths: vec![path.into()],
            field,
            kind,
            text: Vec::new(),
            views: Vec::new(),
            cases: 48,
            min_accepted: 1,
            expect: None,
        }
    }

    fn expect(mut self, statuses: &'static [u16]) -> Self {
        self.expect = Some(statuses);
        self.min_accepted = 0;
        self
    }

    fn or_at(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.paths.extend(paths);
        self
    }

    fn text(mut self, name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Self {
        self.text.push(named(name, valid));
        self
    }

    fn shows(mut self, path: impl Into<String>) -> Self {
        self.views.push((None, path.into()));
        self
    }

    fn shows_to(mut self, client: &'a TestClient, path: impl Into<String>) -> Self {
        self.views.push((Some(client), path.into()));
        self
    }

    fn cases(mut self, n: u32) -> Self {
        self.cases = n;
        self
    }

    fn limit(&self, app: &TestApp) -> usize {
        match self.kind {
            Kind::Pdf => app.settings.max_upload_bytes as usize,
            Kind::Image => app.settings.max_image_bytes as usize,
        }
    }

    async fn run(self, app: &TestApp) {
        let handle = tokio::runtime::Handle::current();
        let stats = Stats::default();
        let strategy = upload_case(self.paths.clone(), self.field, self.kind, &self.text);
        let elapsed =
            check_property(app, self.label, self.cases, strategy, |case| handle.block_on(self.one(app, &case, &stats)));
        stats.report(app, self.label, elapsed, self.min_accepted);
    }

    async fn one(&self, app: &TestApp, case: &UploadCase, stats: &Stats) -> Result<(), String> {
        let token = self.who.csrf().await;
        let (content_type, body) = encode_multipart(case, &token, self.limit(app));
        let before = snapshot(app).await;
        let resp = send(self.who, Method::POST, &case.path.1, content_type.as_deref(), Some(body)).await?;
        stats.record(&resp);
        check_response(&resp)?;
        let status = resp.status.as_u16();
        if let Some(expect) = self.expect {
            if case.path.0 == 0 && !expect.contains(&status) {
                return Err(format!("answered {status}, not one of {expect:?}"));
            }
        } else if case.path.0 == 0 && case.mangle == Mangle::None && case.csrf.refused_at_once() && status != 403 {
            return Err(format!("an upload with a bad CSRF token got {status}, not 403"));
        }
        if accepted(&resp) {
            stats.accept();
            after_accept(app, self.who, &resp, &self.views).await
        } else {
            unchanged(app, &before, &resp).await
        }
    }
}

#[derive(Clone, Debug)]
struct QueryCase {
    path: (usize, String),
    query: Vec<(Bytes, Val)>,
}

/// Numbers at the edges: paging, ids, amounts.
const NUMBERS: &[&str] = &[
    "1",
    "2",
    "0",
    "-1",
    "50",
    "99999",
    "100000",
    "100001",
    "1000000",
    "1000001",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "1e309",
    "NaN",
    "1.5",
    " 2 ",
    "60k",
    "99999999999k",
    "0x10",
];

/// Values that mean something to a query parameter of this name (so the
/// page gets past its parsing and uses them).
fn meaningful(key: &str) -> &'static [&'static str] {
    match key {
        "page" | "salary_min" | "job" | "company" | "assignee" | "template" | "actor" | "target" => NUMBERS,
        "remote" => &["onsite", "hybrid", "remote", "Remote", "none"],
        "type" | "employment_type" => TYPES,
        "stage" => STAGES,
        "status" | "state" => &["open", "pending", "closed", "draft", "queued", "sent", "failed", "active", "inactive"],
        "role" => &["seeker", "employer", "admin", "root"],
        "sort" => &["newest", "oldest", "name", "stage", "updated", "id; DROP TABLE users"],
        "category" => jobconnect::domain::CATEGORIES,
        "from" | "to" => &["2026-01-01", "1970-01-01", "9999-12-31", "2026-02-30", "-0001-01-01", "2026-1-1", "today"],
        "next" => REDIRECTS,
        "action" => &["login.throttled", "user.role_changed", "company.update", "%", "_", "'"],
        _ => {
            &["rust", "developer berlin", "Zoë", SCRIPT, IMG, "\"OR\"", "NEAR(rust", "rust*", "-rust", "%", "_", "a:b"]
        }
    }
}

fn query_value(key: &'static str) -> BoxedStrategy<Val> {
    prop_oneof![
        6 => ok(meaningful(key)).prop_map(|v| Val::One(Bytes(v))),
        4 => hostile_short().prop_map(|v| Val::One(Bytes(v))),
        1 => (ok(meaningful(key)), hostile_short()).prop_map(|(a, b)| Val::Many(vec![Bytes(a), Bytes(b)])),
        1 => select(RAW).prop_map(Val::Raw),
    ]
    .boxed()
}

fn query_pairs(keys: &'static [&'static str]) -> BoxedStrategy<Vec<(Bytes, Val)>> {
    let known = select(keys).prop_flat_map(|k| (Just(Bytes(k.as_bytes().to_vec())), query_value(k)));
    let unknown = (hostile_short().prop_map(Bytes), query_value(""));
    vec(prop_oneof![8 => known, 1 => unknown], 0..6).boxed()
}

fn encode_query(pairs: &[(Bytes, Val)]) -> String {
    let mut pieces = Vec::new();
    for (key, val) in pairs {
        push_pairs(&mut pieces, &key.0, val, "");
    }
    pieces.join("&")
}

/// Search and list pages: hostile query strings never fail them and never change anything.
async fn fuzz_queries(
    app: &TestApp,
    label: &'static str,
    who: &TestClient,
    paths: Vec<String>,
    keys: &'static [&'static str],
    cases: u32,
) {
    let handle = tokio::runtime::Handle::current();
    let stats = Stats::default();
    let strategy = (pick_path(paths), query_pairs(keys)).prop_map(|(path, query)| QueryCase { path, query }).boxed();
    let elapsed = check_property(app, label, cases, strategy, |case| {
        handle.block_on(async {
            let before = snapshot(app).await;
            let resp = get(who, &format!("{}?{}", case.path.1, encode_query(&case.query))).await?;
            stats.record(&resp);
            check_response(&resp)?;
            unchanged(app, &before, &resp).await
        })
    });
    stats.report(app, label, elapsed, 0);
}

/// Every field name any form reads.
const ALL_FIELDS: &[&str] = &[
    "email",
    "username",
    "password",
    "role",
    "company_name",
    "login",
    "next",
    "current_password",
    "new_password",
    "display_name",
    "headline",
    "location",
    "phone",
    "skills",
    "employment_types",
    "locations",
    "remote",
    "salary_min",
    "categories",
    "title",
    "description",
    "employment_type",
    "category",
    "salary_max",
    "salary_currency",
    "salary_period",
    "closes_at",
    "name",
    "website",
    "cover_letter",
    "resume_id",
    "current_company",
    "position",
    "years_experience",
    "status",
    "job",
    "company_id",
    "body",
    "stage",
    "assignee",
    "ids",
    "action",
    "subject",
    "template_id",
    "step",
    "query",
    "q",
    "page",
    "type",
    "sort",
    "state",
    "actor",
    "target",
    "from",
    "to",
    "template",
    "company",
];

/// What a path parameter of the route table is filled with.
const SWEEP_IDS: &[&str] = &[
    "1",
    "2",
    "3",
    "0",
    "-1",
    "abc",
    "9223372036854775807",
    "9223372036854775808",
    "%00",
    "%FF%FE",
    "..%2F..%2FCargo.toml",
    "1.0",
    "%2B1",
    "a%2Fb",
    "1%0D%0ASet-Cookie:%20x=y",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ghijklmnopqrstuvwxyzghijklmnopqrstuvwxyzghijklmnopqrstuvwxyzghij",
];

const STATIC_PATHS: &[&str] = &[
    "css/app.css",
    "js/live.js",
    "../Cargo.toml",
    "..%2F..%2FCargo.toml",
    "%2e%2e/%2e%2e/Cargo.toml",
    "js/../../src/main.rs",
    "%2Fetc%2Fpasswd",
    "css/app.css%00.js",
    "....//....//Cargo.toml",
    "..\\..\\Cargo.toml",
    "",
];

fn fill_pattern(pattern: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("a closed placeholder");
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug)]
enum SweepBody {
    Empty,
    Form(FormCase),
    Upload(UploadCase),
}

#[derive(Clone, Debug)]
struct SweepCase {
    path: String,
    query: Vec<(Bytes, Val)>,
    body: SweepBody,
}

fn sweep_case(pattern: &'static str, post: bool) -> BoxedStrategy<SweepCase> {
    let values = if pattern.contains("{path") { STATIC_PATHS } else { SWEEP_IDS };
    let path = select(values).prop_map(move |v| fill_pattern(pattern, v));
    let fields = vec((select(ALL_FIELDS), field(hostile())), 0..6);
    // (The sweep knows no form: its fields are any names with any values.)
    let form = (fields, extra_fields(), csrf(), content_type()).prop_map(|(fields, extra, csrf, ct)| {
        SweepBody::Form(FormCase { path: (0, String::new()), fields, extra, csrf, ct })
    });
    let text: Vec<Field> =
        ["cover_letter", "resume_id", "name", "company_id"].iter().map(|n| named_as(n, field(hostile()))).collect();
    let upload = prop_oneof![
        upload_case(vec![String::new()], "resume", Kind::Pdf, &text),
        upload_case(vec![String::new()], "avatar", Kind::Image, &text),
        upload_case(vec![String::new()], "logo", Kind::Image, &text),
    ]
    .prop_map(SweepBody::Upload);
    let body = if post {
        prop_oneof![3 => form, 1 => upload, 1 => Just(SweepBody::Empty)].boxed()
    } else {
        Just(SweepBody::Empty).boxed()
    };
    (path, query_pairs(ALL_FIELDS), body).prop_map(|(path, query, body)| SweepCase { path, query, body }).boxed()
}

/// One route of the table, as one user (None: a new visitor each time).
async fn sweep_route(
    app: &TestApp,
    method: &Method,
    pattern: &'static str,
    who: (&str, Option<&TestClient>),
    cases: u32,
    stats: &Stats,
) {
    let handle = tokio::runtime::Handle::current();
    let label = format!("{method} {pattern} as {}", who.0);
    let post = *method == Method::POST;
    check_property(app, &label, cases, sweep_case(pattern, post), |case| {
        handle.block_on(async {
            let fresh;
            let client = match who.1 {
                Some(client) => client,
                None => {
                    fresh = app.client();
                    &fresh
                }
            };
            let token = client.csrf().await;
            let query = encode_query(&case.query);
            let url = if query.is_empty() { case.path.clone() } else { format!("{}?{query}", case.path) };
            let before = snapshot(app).await;
            let resp = match &case.body {
                SweepBody::Empty => send(client, method.clone(), &url, None, None).await,
                SweepBody::Form(form) => {
                    send(client, method.clone(), &url, form.ct.header(), Some(encode_form(form, &token, ""))).await
                }
                SweepBody::Upload(upload) => {
                    let (ct, body) = encode_multipart(upload, &token, app.settings.max_upload_bytes as usize);
                    send(client, method.clone(), &url, ct.as_deref(), Some(body)).await
                }
            }?;
            stats.record(&resp);
            check_response(&resp)?;
            if pattern.starts_with("/static/")
                && resp.status == 200
                && (resp.body.contains("[package]") || resp.body.contains("fn main"))
            {
                return Err(format!("{url} served a file from outside static/"));
            }
            if !post || !accepted(&resp) {
                unchanged(app, &before, &resp).await
            } else {
                stats.accept();
                stored_files_are_sound(app).await
            }
        })
    });
}

// ---------------------------------------------------------------------------
// Shared set-up and field sets
// ---------------------------------------------------------------------------

/// The same address with ids the user may not use, missing or malformed ones.
fn elsewhere(pattern: &str, others: &[i64]) -> Vec<String> {
    others
        .iter()
        .map(|id| id.to_string())
        .chain(["999999", "0", "-1", "abc", "9223372036854775808", "%00", "1.5", "%2e%2e"].map(String::from))
        .map(|id| pattern.replace("{}", &id))
        .collect()
}

async fn scalar(app: &TestApp, sql: String) -> i64 {
    app.db.run(move |c| diesel::dsl::sql::<diesel::sql_types::BigInt>(&sql).get_result::<i64>(c)).await.unwrap()
}

/// Applies with a new PDF, as the browser form does; returns the applicant id.
async fn apply(seeker: &TestUser, job: i64) -> i64 {
    let resp = seeker
        .post_multipart(&format!("/jobs/{job}/apply"), |form| {
            form.text("cover_letter", "Hello").text("resume_id", "new").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf_with_text("A resume"))
                    .file_name("cv.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    assert_eq!(resp.status, 303, "{} applies to job {job}: {}", seeker.username, resp.text());
    resp.location().trim_start_matches("/applications/").parse().expect("the application's page")
}

async fn post_ok(user: &TestUser, path: &str, fields: &[(&str, &str)]) {
    let resp = user.post_form(path, fields).await;
    assert_eq!(resp.status, 303, "{path}: {}", resp.text());
}

const TYPES: &[&str] = &["full_time", "part_time", "contract", "internship", "temporary"];
const STAGES: &[&str] = &["applied", "screening", "interview", "offer", "hired", "rejected"];
const REDIRECTS: &[&str] = &[
    "",
    "/jobs",
    "/applicants",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "/%2F%2Fevil.example",
    "/jobs?q=é",
    "/😀",
    "/applicants?q=Zoë",
    "/jobs?q=a\u{a0}b",
];
const DESCRIPTION_MARKUP: &str =
    "<script>alert(1)</script> \"><img src=x onerror=alert(1)> — a role on a friendly team, in Berlin.";

/// Closing dates from tomorrow to about ten months ahead, as the form writes them.
fn closing_dates() -> BoxedStrategy<Vec<u8>> {
    let now = jobconnect::db::now();
    prop_oneof![
        1 => Just(Vec::new()),
        3 => (1i64..300, any::<bool>()).prop_map(move |(days, with_time)| {
            let at = now + time::Duration::days(days);
            let text = if with_time {
                at.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"))
            } else {
                at.format(time::macros::format_description!("[year]-[month]-[day]"))
            };
            text.unwrap().into_bytes()
        }),
    ]
    .boxed()
}

fn with_job_fields(form: Form<'_>) -> Form<'_> {
    form.field("title", text("[A-Z][a-z]{3,12} (Developer|Engineer|Designer)"))
        .field("description", prop_oneof![re("[A-Z][a-z ,.\\n]{40,300}"), ok(&[DESCRIPTION_MARKUP])].boxed())
        .field("location", text("(Berlin|Paris|Lisbon|Remote, Europe)"))
        .field("remote", ok(&["onsite", "hybrid", "remote"]))
        .field("employment_type", ok(TYPES))
        .field("category", ok(jobconnect::domain::CATEGORIES))
        .field("salary_min", ok(&["", "40000", "40,000", "50 000"]))
        .field("salary_max", ok(&["", "90000", "100,000"]))
        .field("salary_currency", ok(jobconnect::domain::CURRENCIES))
        .field("salary_period", ok(&["year", "month", "hour"]))
        .field("closes_at", closing_dates())
}

fn with_profile_fields(form: Form<'_>) -> Form<'_> {
    form.field("display_name", text("[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?"))
        .field("headline", text("[A-Za-z ]{0,40}"))
        .field("location", text("(Berlin|Paris|Lisbon)?"))
        .field("phone", re("(\\+49 [0-9]{2} [0-9]{5,8})?"))
        .field("skills", text("([A-Za-z]{2,8}(, [A-Za-z]{2,8}){0,4})?"))
}

fn with_template_fields(form: Form<'_>) -> Form<'_> {
    form.field("name", text("[A-Z][a-z]{2,12}( follow-up)?"))
        .field(
            "subject",
            prop_oneof![re("[A-Z][a-z ]{2,30}"), ok(&["Hello {{name}}", "About {{job}} at {{company}}", IMG])].boxed(),
        )
        .field(
            "body",
            prop_oneof![
                re("[A-Z][a-z ,.\\n]{1,200}"),
                ok(&["Dear {{name}},\n\nThank you for applying to {{job}}.", SCRIPT])
            ]
            .boxed(),
        )
}

/// The applicant fields of the CRM form (url-encoded or multipart).
fn applicant_fields() -> Vec<(&'static str, BoxedStrategy<Vec<u8>>)> {
    vec![
        ("name", text("[A-Z][a-z]{2,10} [A-Z][a-z]{2,10}")),
        ("email", prop_oneof![re("[a-z]{3,10}@example\\.com"), ok(&[""])].boxed()),
        ("phone", re("(\\+1 [0-9]{3} [0-9]{7})?")),
        ("current_company", text("([A-Z][a-z]{2,10} Inc)?")),
        ("position", text("([A-Z][a-z]{2,10} Engineer)?")),
        ("location", text("(Berlin|Austin)?")),
        ("years_experience", ok(&["", "0", "3", "12", "70"])),
        ("status", ok(&["open", "pending", "closed"])),
        ("employment_type", ok(TYPES)),
    ]
}

fn with_applicant_fields(mut form: Form<'_>) -> Form<'_> {
    for (name, valid) in applicant_fields() {
        form = form.field(name, valid);
    }
    form
}

/// A list of ids (`ids=1&ids=2`): good ones, or with others' and malformed ones among them.
fn ids_field(name: &'static str, good: Vec<String>, bad: &[&str]) -> Field {
    let many = |ids: Vec<String>| {
        vec(select(ids), 1..4).prop_map(|v| Val::Many(v.into_iter().map(|s| Bytes(s.into_bytes())).collect()))
    };
    let all: Vec<String> = good.iter().cloned().chain(bad.iter().map(|s| s.to_string())).collect();
    Field {
        name,
        valid: many(good).boxed(),
        any: prop_oneof![4 => many(all), 1 => field(hostile()), 1 => Just(Val::Missing)].boxed(),
    }
}

fn strings(ids: &[i64], more: &[&str]) -> Vec<String> {
    ids.iter().map(|i| i.to_string()).chain(more.iter().map(|s| s.to_string())).collect()
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

both_backends!(
    account_forms_survive_hostile_input,
    profile_forms_and_pictures_survive_hostile_input,
    employer_forms_and_logos_survive_hostile_input,
    seeker_forms_resumes_and_applications_survive_hostile_input,
    crm_forms_survive_hostile_input,
    admin_forms_and_search_pages_survive_hostile_input,
    every_route_survives_hostile_requests,
    stored_markup_is_shown_escaped_everywhere,
    accepted_posts_without_reading_the_pages_keep_the_session_working,
);

async fn account_forms_survive_hostile_input(app: &TestApp) {
    let root = app.admin("root").await;
    let pat = app.seeker("pat").await;
    let lou = app.seeker("lou").await;
    let lin = app.seeker("lin").await;
    let rae = app.seeker("rae").await;
    let visitor = app.client();

    Form::new("log-out", Who::LoggedIn(&lou), "/logout").cases(24).run(app).await;

    let current = Mutex::new(pat.password.clone());
    Form::new("password change", Who::Client(&pat), "/account/password")
        .field_as(
            "current_password",
            prop_oneof![5 => Just(Val::Current), 3 => field(ok(&["wrong-password-1"]))].boxed(),
        )
        .field("new_password", re("[A-Za-z0-9 !#]{10,40}"))
        .password(&current)
        .shows("/account/password")
        .cases(64)
        .run(app)
        .await;

    let tokens: Vec<String> = (1..=4u32).map(|i| format!("{i:064x}")).collect();
    for token in &tokens {
        let (id, token) = (rae.id, token.clone());
        app.db
            .run(move |c| {
                jobconnect::db::mail::tokens::create(c, jobconnect::db::mail::LinkKind::PasswordReset, id, &token)
            })
            .await
            .unwrap();
    }
    Form::new("password reset", Who::Visitor, format!("/password/reset/{}", tokens[0]))
        .or_at(tokens[1..].iter().map(|t| format!("/password/reset/{t}")))
        .or_at(
            ["abc", "%00", &"A".repeat(64), &"a".repeat(65), "..%2F..%2Fadmin", &format!("{}%0A", tokens[1])]
                .map(|t| format!("/password/reset/{t}")),
        )
        .field("new_password", re("[A-Za-z0-9 ]{10,40}"))
        .cases(48)
        .run(app)
        .await;

    Form::new("forgotten password", Who::Client(&visitor), "/password/forgot")
        .field("email", ok(&["pat@example.com", "nobody@example.com", "PAT@Example.com", "rae@example.com"]))
        .cases(48)
        .run(app)
        .await;

    Form::new("register", Who::Visitor, "/register")
        .field("email", re("[a-z]{4,12}@example\\.(com|org)"))
        .field("username", re("[a-z][a-z0-9_.-]{2,20}"))
        .field("password", re("[A-Za-z0-9 !#]{10,40}"))
        .field("role", ok(&["seeker", "employer"]))
        .field("company_name", text("[A-Z][a-z]{2,12}( GmbH| Ltd)?"))
        .shows("/")
        .shows("/register/sent")
        .shows_to(&root, "/admin/users")
        .cases(96)
        .run(app)
        .await;

    // Last: failed log-ins are throttled per address, which would stop the others.
    Form::new("log-in", Who::Visitor, "/login")
        .field(
            "login",
            ok_owned(vec![
                lin.username.clone(),
                lin.email.clone(),
                lin.email.to_uppercase(),
                format!(" {} ", lin.username),
                "nobody".into(),
            ]),
        )
        .field("password", ok_owned(vec![lin.password.clone(), "not-the-password".into()]))
        .field("next", ok(REDIRECTS))
        .min_accepted(0)
        .cases(64)
        .run(app)
        .await;
}

async fn profile_forms_and_pictures_survive_hostile_input(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let sue = app.seeker("sue").await;
    let bob = app.employer("bob", "Acme").await;
    let root = app.admin("root").await;

    with_profile_fields(Form::new("own profile (seeker)", Who::Client(&ann), "/profile"))
        .shows("/profile")
        .shows_to(&root, "/admin/users")
        .shows_to(&root, format!("/admin/users/{}", ann.id))
        .shows_to(&root, format!("/users/{}/profile", ann.id))
        .cases(80)
        .run(app)
        .await;
    with_profile_fields(Form::new("own profile (employer)", Who::Client(&bob), "/profile"))
        .shows("/profile")
        .shows("/")
        .cases(32)
        .run(app)
        .await;
    with_profile_fields(Form::new(
        "someone's profile (admin)",
        Who::Client(&root),
        format!("/users/{}/profile", sue.id),
    ))
    .or_at(elsewhere("/users/{}/profile", &[]))
    .shows(format!("/users/{}/profile", sue.id))
    .shows("/admin/audit")
    .shows_to(&sue, "/profile")
    .cases(48)
    .run(app)
    .await;
    with_profile_fields(Form::new(
        "someone else's profile (seeker)",
        Who::Client(&ann),
        format!("/users/{}/profile", sue.id),
    ))
    .or_at(elsewhere("/users/{}/profile", &[bob.id, root.id]))
    .expect(&[404, 413])
    .cases(32)
    .run(app)
    .await;

    Form::new("job preferences", Who::Client(&ann), "/profile/preferences")
        .field_as(
            "employment_types",
            prop_oneof![
                3 => vec(ok(TYPES), 0..4).prop_map(|v| Val::Many(v.into_iter().map(Bytes).collect())),
                2 => field(ok(TYPES)),
            ]
            .boxed(),
        )
        .field("locations", text("(Berlin|Paris)(\\n(Lisbon|Remote))?"))
        .field("remote", ok(&["", "onsite", "hybrid", "remote"]))
        .field("salary_min", ok(&["", "55000", "55,000", "60 000", "1_000"]))
        .field("categories", ok(&["", "Engineering", "Engineering\nDesign"]))
        .shows("/profile/preferences")
        .cases(64)
        .run(app)
        .await;
    Form::new("job preferences (employer)", Who::Client(&bob), "/profile/preferences")
        .field("remote", ok(&["remote"]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    Upload::new("profile picture (seeker)", &ann, "/profile/avatar", "avatar", Kind::Image)
        .shows("/profile")
        .shows(format!("/users/{}/avatar", ann.id))
        .shows_to(&root, format!("/users/{}/profile", ann.id))
        .cases(80)
        .run(app)
        .await;
    Upload::new("profile picture (employer)", &bob, "/profile/avatar", "avatar", Kind::Image)
        .shows("/profile")
        .cases(32)
        .run(app)
        .await;
    Form::new("remove a picture (admin)", Who::Client(&root), format!("/users/{}/avatar/delete", ann.id))
        .or_at(elsewhere("/users/{}/avatar/delete", &[]))
        .shows(format!("/users/{}/profile", ann.id))
        .cases(24)
        .run(app)
        .await;
    Form::new("remove someone's picture (seeker)", Who::Client(&sue), format!("/users/{}/avatar/delete", bob.id))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("remove own picture", Who::Client(&bob), "/profile/avatar/delete")
        .shows("/profile")
        .cases(12)
        .run(app)
        .await;
}

async fn employer_forms_and_logos_survive_hostile_input(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let open = app.open_job(acme, "Rust Developer").await;
    let draft = app.insert_job(acme, "Draft Role", "draft").await;
    let theirs = app.open_job(globex, "Globex Role").await;
    let applicant = apply(&ann, open).await;

    with_job_fields(Form::new("new job", Who::Client(&bob), "/employer/jobs/new"))
        .shows("/employer/jobs")
        .cases(80)
        .run(app)
        .await;
    with_job_fields(Form::new("edit a job", Who::Client(&bob), format!("/employer/jobs/{open}/edit")))
        .or_at([format!("/employer/jobs/{draft}/edit")])
        .or_at(elsewhere("/employer/jobs/{}/edit", &[theirs]))
        .shows(format!("/employer/jobs/{open}/preview"))
        .shows("/employer/jobs")
        .shows_to(&visitor, format!("/jobs/{open}"))
        .shows_to(&visitor, "/jobs")
        .shows_to(&visitor, "/jobs?q=developer+engineer+script")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&ann, format!("/applications/{applicant}"))
        .shows_to(&ann, "/applications")
        .cases(80)
        .run(app)
        .await;
    with_job_fields(Form::new(
        "edit another company's job",
        Who::Client(&bob),
        format!("/employer/jobs/{theirs}/edit"),
    ))
    .expect(&[404, 413])
    .cases(24)
    .run(app)
    .await;
    Form::new("publish, close, reopen", Who::Client(&bob), format!("/employer/jobs/{open}/close"))
        .or_at([
            format!("/employer/jobs/{open}/reopen"),
            format!("/employer/jobs/{draft}/publish"),
            format!("/employer/jobs/{open}/publish"),
        ])
        .or_at(elsewhere("/employer/jobs/{}/close", &[theirs]))
        .field("next", ok(REDIRECTS))
        .shows("/employer/jobs")
        .cases(48)
        .run(app)
        .await;
    post_ok(&bob, &format!("/employer/jobs/{open}/reopen"), &[]).await;

    Form::new("company profile", Who::Client(&bob), "/employer/company")
        .field("name", text("[A-Z][a-z]{2,12}( GmbH| Ltd)?"))
        .field(
            "website",
            ok(&[
                "",
                "https://acme.example",
                "acme.example",
                "http://acme.example/jobs?x=1",
                "https://acme.example/\"><b>",
            ]),
        )
        .field("description", text("([A-Z][a-z ,.]{0,60}\\n\\n){0,3}"))
        .field("location", text("(Berlin|Paris|Lisbon)?"))
        .shows("/employer/company")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&visitor, "/jobs")
        .shows_to(&visitor, format!("/jobs/{open}"))
        .shows_to(&root, "/admin/audit")
        .shows_to(&root, "/applicants")
        .cases(80)
        .run(app)
        .await;
    Upload::new("company logo", &bob, "/employer/company/logo", "logo", Kind::Image)
        .shows("/employer/company")
        .shows_to(&visitor, format!("/companies/{acme}"))
        .shows_to(&visitor, format!("/companies/{acme}/logo"))
        .cases(80)
        .run(app)
        .await;
    Upload::new("company logo (seeker)", &ann, "/employer/company/logo", "logo", Kind::Image)
        .expect(&[404])
        .cases(12)
        .run(app)
        .await;

    with_template_fields(Form::new("new e-mail template", Who::Client(&bob), "/email-templates/new"))
        .shows("/email-templates")
        .shows(format!("/applicants/{applicant}/email"))
        .cases(64)
        .run(app)
        .await;
    let template = last_id(app, "email_templates").await;
    post_ok(&carl, "/email-templates/new", &[("name", "Theirs"), ("subject", "Hi"), ("body", "Hello {{name}}")]).await;
    let their_template = last_id(app, "email_templates").await;
    with_template_fields(Form::new(
        "edit an e-mail template",
        Who::Client(&bob),
        format!("/email-templates/{template}/edit"),
    ))
    .or_at(elsewhere("/email-templates/{}/edit", &[their_template]))
    .shows("/email-templates")
    .shows(format!("/email-templates/{template}/edit"))
    .shows(format!("/applicants/{applicant}/email?template={template}"))
    .cases(64)
    .run(app)
    .await;
    Form::new(
        "delete another company's template",
        Who::Client(&bob),
        format!("/email-templates/{their_template}/delete"),
    )
    .expect(&[404, 413])
    .cases(12)
    .run(app)
    .await;
    Form::new("delete an e-mail template", Who::Client(&bob), format!("/email-templates/{template}/delete"))
        .or_at(elsewhere("/email-templates/{}/delete", &[]))
        .shows("/email-templates")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;
}

async fn seeker_forms_resumes_and_applications_survive_hostile_input(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let ben = app.seeker("ben").await;
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let mut jobs = Vec::new();
    for i in 0..6 {
        jobs.push(app.open_job(acme, &format!("Open Role {i}")).await);
    }
    let closed = app.insert_job(acme, "Closed Role", "closed").await;
    let draft = app.insert_job(acme, "Draft Role", "draft").await;
    let theirs = app.open_job(globex, "Globex Role").await;
    let mine = app.insert_resume(Some(ann.id), "Ann's resume").await;
    let bens = app.insert_resume(Some(ben.id), "Ben's resume").await;
    let ann_app = apply(&ann, jobs[0]).await;
    let ben_app = apply(&ben, jobs[1]).await;

    Upload::new("resume upload", &ann, "/resumes", "resume", Kind::Pdf).shows("/resumes").cases(80).run(app).await;
    Upload::new("resume upload (employer)", &bob, "/resumes", "resume", Kind::Pdf)
        .expect(&[404])
        .cases(12)
        .run(app)
        .await;

    Upload::new("apply", &ann, format!("/jobs/{}/apply", jobs[2]), "resume", Kind::Pdf)
        .or_at(jobs[3..].iter().map(|j| format!("/jobs/{j}/apply")))
        .or_at([closed, draft, theirs, jobs[0]].map(|j| format!("/jobs/{j}/apply")))
        .or_at(elsewhere("/jobs/{}/apply", &[]))
        .text("cover_letter", text("[A-Z][a-z ,.\\n]{0,200}"))
        .text("resume_id", ok_owned(strings(&[mine, bens], &["new", ""])))
        .shows("/applications")
        .shows_to(&bob, "/applicants")
        .shows_to(&bob, "/applicants/board")
        .shows_to(&bob, "/notifications")
        .cases(80)
        .run(app)
        .await;
    Upload::new("apply (employer)", &bob, format!("/jobs/{}/apply", jobs[3]), "resume", Kind::Pdf)
        .text("resume_id", ok(&["new"]))
        .expect(&[403])
        .cases(12)
        .run(app)
        .await;

    Form::new("save a job", Who::Client(&ann), format!("/jobs/{}/save", jobs[1]))
        .or_at([format!("/jobs/{}/unsave", jobs[1]), format!("/jobs/{draft}/save"), format!("/jobs/{closed}/save")])
        .or_at(elsewhere("/jobs/{}/save", &[]))
        .field("next", ok(REDIRECTS))
        .shows("/saved-jobs")
        .shows("/jobs")
        .cases(48)
        .run(app)
        .await;

    Form::new("job alert", Who::Client(&ann), "/alerts")
        .field(
            "query",
            ok(&[
                "q=rust",
                "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "location=Berlin&remote=remote",
                "q=%22OR%22&type=contract",
                "q=NEAR(a+b)&category=Engineering",
                "salary_min=60k",
                "q=a&q=b",
                "location=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
            ]),
        )
        .shows("/alerts")
        .cases(64)
        .run(app)
        .await;
    post_ok(&ben, "/alerts", &[("query", "q=go")]).await;
    let bens_alert = last_id(app, "job_alerts").await;
    Form::new("delete someone else's alert", Who::Client(&ann), format!("/alerts/{bens_alert}/delete"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    let own_alert = scalar(app, format!("SELECT MAX(id) FROM job_alerts WHERE user_id = {}", ann.id)).await;
    Form::new("delete an alert", Who::Client(&ann), format!("/alerts/{own_alert}/delete"))
        .or_at(elsewhere("/alerts/{}/delete", &[]))
        .shows("/alerts")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;

    Form::new("message to the employer", Who::Client(&ann), format!("/applications/{ann_app}/messages"))
        .or_at(elsewhere("/applications/{}/messages", &[ben_app]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applications/{ann_app}/messages"))
        .shows("/messages")
        .shows_to(&bob, format!("/applicants/{ann_app}/messages"))
        .shows_to(&bob, "/messages")
        .shows_to(&bob, "/notifications")
        .shows_to(&bob, format!("/applicants/{ann_app}"))
        .cases(80)
        .run(app)
        .await;
    Form::new("message on someone else's application", Who::Client(&ann), format!("/applications/{ben_app}/messages"))
        .field("body", text("[A-Za-z ]{1,20}"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    let notification = scalar(app, format!("SELECT MAX(id) FROM notifications WHERE user_id = {}", bob.id)).await;
    Form::new("read a notification", Who::Client(&bob), format!("/notifications/{notification}/read"))
        .or_at(elsewhere("/notifications/{}/read", &[]))
        .field("next", ok(REDIRECTS))
        .shows("/notifications")
        .cases(32)
        .run(app)
        .await;
    Form::new("read every notification", Who::Client(&bob), "/notifications/read-all").cases(12).run(app).await;
    Form::new("withdraw someone else's application", Who::Client(&ben), format!("/applications/{ann_app}/withdraw"))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("withdraw", Who::Client(&ben), format!("/applications/{ben_app}/withdraw"))
        .or_at(elsewhere("/applications/{}/withdraw", &[]))
        .shows("/applications")
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;
}

async fn crm_forms_survive_hostile_input(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let carl = app.employer("carl", "Globex").await;
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&carl).await;
    let job = app.open_job(acme, "Rust Developer").await;
    let their_job = app.open_job(globex, "Globex Role").await;
    let portal = apply(&ann, job).await;
    let manual = app.insert_applicant(acme, Some(job), "Mia Manual", None).await;
    // E-mailed only (the edits above may leave `manual` without an address).
    let mailee = app.insert_applicant(acme, Some(job), "Mo Mail", None).await;
    let theirs = app.insert_applicant(globex, Some(their_job), "Gus Globex", None).await;
    let mut victims = Vec::new();
    for i in 0..3 {
        victims.push(app.insert_applicant(acme, None, &format!("Victim {i}"), None).await);
    }
    post_ok(&bob, "/email-templates/new", &[("name", "Hello"), ("subject", "Hi {{name}}"), ("body", "About {{job}}")])
        .await;
    let template = last_id(app, "email_templates").await;

    let mut new_applicant = Upload::new("add an applicant (employer)", &bob, "/applicants/new", "resume", Kind::Pdf);
    for (name, valid) in applicant_fields() {
        new_applicant = new_applicant.text(name, valid);
    }
    new_applicant
        .text("job", ok_owned(strings(&[job], &[""])))
        .shows("/applicants")
        .shows("/applicants/board")
        .shows("/applicants?q=script+alert")
        .shows_to(&root, "/applicants")
        .cases(80)
        .run(app)
        .await;
    let mut new_applicant = Upload::new("add an applicant (admin)", &root, "/applicants/new", "resume", Kind::Pdf);
    for (name, valid) in applicant_fields() {
        new_applicant = new_applicant.text(name, valid);
    }
    new_applicant
        .text("company_id", ok_owned(strings(&[acme, globex], &[])))
        .text("job", ok(&[""]))
        .shows("/applicants")
        .cases(48)
        .run(app)
        .await;

    with_applicant_fields(Form::new("edit an applicant", Who::Client(&bob), format!("/applicants/{manual}/edit")))
        .or_at([format!("/applicants/{portal}/edit")])
        .or_at(elsewhere("/applicants/{}/edit", &[theirs]))
        .field("job", ok_owned(strings(&[job, their_job], &["", "abc"])))
        .shows(format!("/applicants/{manual}"))
        .shows("/applicants")
        .shows("/applicants/board")
        .shows("/applicants/export.csv")
        .shows_to(&root, format!("/applicants/{manual}"))
        .cases(80)
        .run(app)
        .await;
    with_applicant_fields(Form::new(
        "edit another company's applicant",
        Who::Client(&bob),
        format!("/applicants/{theirs}/edit"),
    ))
    .expect(&[404, 413])
    .cases(24)
    .run(app)
    .await;

    Form::new("note", Who::Client(&bob), format!("/applicants/{manual}/notes"))
        .or_at(elsewhere("/applicants/{}/notes", &[theirs]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applicants/{manual}"))
        .shows_to(&root, format!("/applicants/{manual}"))
        .cases(64)
        .run(app)
        .await;
    Form::new("stage", Who::Client(&bob), format!("/applicants/{manual}/stage"))
        .or_at([format!("/applicants/{portal}/stage")])
        .or_at(elsewhere("/applicants/{}/stage", &[theirs]))
        .field("stage", ok(STAGES))
        .field(
            "next",
            ok(&["", "/applicants", "/applicants/board?job=1", "/applicants?stage=offer", "//evil.example", "/admin"]),
        )
        .shows(format!("/applicants/{manual}"))
        .shows("/applicants/board")
        .shows_to(&ann, format!("/applications/{portal}"))
        .shows_to(&ann, "/notifications")
        .cases(64)
        .run(app)
        .await;
    Form::new("status", Who::Client(&bob), format!("/applicants/{manual}/status"))
        .or_at(elsewhere("/applicants/{}/status", &[theirs]))
        .field("status", ok(&["open", "pending", "closed"]))
        .shows(format!("/applicants/{manual}"))
        .cases(48)
        .run(app)
        .await;
    Form::new("employment type", Who::Client(&bob), format!("/applicants/{manual}/type"))
        .or_at(elsewhere("/applicants/{}/type", &[theirs]))
        .field("employment_type", ok(TYPES))
        .shows(format!("/applicants/{manual}"))
        .cases(48)
        .run(app)
        .await;
    let people = strings(&[bob.id, root.id, carl.id, ann.id], &["none", "999999", "", "me"]);
    Form::new("assign (admin)", Who::Client(&root), format!("/applicants/{manual}/assign"))
        .or_at(elsewhere("/applicants/{}/assign", &[]))
        .field("assignee", ok_owned(people.clone()))
        .shows(format!("/applicants/{manual}"))
        .shows_to(&bob, "/applicants?assignee=me")
        .cases(48)
        .run(app)
        .await;
    Form::new("assign (employer)", Who::Client(&bob), format!("/applicants/{manual}/assign"))
        .field("assignee", ok_owned(people.clone()))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;

    let ids = || {
        ids_field(
            "ids",
            strings(&[manual, portal, mailee], &[]),
            &[&theirs.to_string(), "abc", "-1", "0", "9223372036854775808", ""],
        )
    };
    for (label, who, cases) in [("bulk actions (employer)", &bob, 64), ("bulk actions (admin)", &root, 40)] {
        Form::new(label, Who::Client(who), "/applicants/bulk")
            .with(ids())
            .field("action", ok(&["stage", "assign", "export"]))
            .field("stage", ok(STAGES))
            .field("assignee", ok_owned(people.clone()))
            .field(
                "next",
                ok(&[
                    "",
                    "/applicants",
                    "/applicants?stage=offer&page=2",
                    "/applicants?q=%3Cscript%3E",
                    "/applicants?page=99999999999",
                    "//evil.example",
                ]),
            )
            .shows("/applicants")
            .cases(cases)
            .run(app)
            .await;
    }

    let subject =
        || prop_oneof![re("[A-Z][a-z ]{2,30}"), ok(&["Hello {{name}}", "About {{job}}", IMG, "{{nope}}"])].boxed();
    let body = || {
        prop_oneof![re("[A-Z][a-z ,.\\n]{1,200}"), ok(&["Dear {{name}},\n\nAbout {{job}} at {{company}}.", SCRIPT])]
            .boxed()
    };
    let steps = || ok(&["template", "preview", "send", "send", ""]);
    let templates = || ok_owned(strings(&[template], &["", "999999", "abc"]));
    Form::new("e-mail an applicant", Who::Client(&bob), format!("/applicants/{mailee}/email"))
        .or_at(elsewhere("/applicants/{}/email", &[theirs]))
        .field("subject", subject())
        .field("body", body())
        .field("template_id", templates())
        .field("step", steps())
        .shows(format!("/applicants/{mailee}/email"))
        .shows(format!("/applicants/{mailee}"))
        .shows_to(&root, "/admin/outbox")
        .cases(80)
        .run(app)
        .await;
    Form::new("e-mail a selection", Who::Client(&bob), "/applicants/email")
        .with(ids())
        .field("subject", subject())
        .field("body", body())
        .field("template_id", templates())
        .field("step", steps())
        .shows("/applicants")
        .shows_to(&root, "/admin/outbox")
        .cases(64)
        .run(app)
        .await;
    Form::new("message to a candidate", Who::Client(&bob), format!("/applicants/{portal}/messages"))
        .or_at(elsewhere("/applicants/{}/messages", &[theirs, manual]))
        .field("body", text("[A-Za-z ,.\\n]{1,200}"))
        .shows(format!("/applicants/{portal}/messages"))
        .shows_to(&ann, format!("/applications/{portal}/messages"))
        .shows_to(&ann, "/notifications")
        .shows_to(&ann, "/messages")
        .cases(64)
        .run(app)
        .await;
    Form::new("delete an applicant (employer)", Who::Client(&bob), format!("/applicants/{}/delete", victims[2]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("delete an applicant (admin)", Who::Client(&root), format!("/applicants/{}/delete", victims[0]))
        .or_at(victims[1..].iter().map(|v| format!("/applicants/{v}/delete")))
        .or_at(elsewhere("/applicants/{}/delete", &[]))
        .shows("/applicants")
        .cases(32)
        .run(app)
        .await;
}

async fn admin_forms_and_search_pages_survive_hostile_input(app: &TestApp) {
    let root = app.admin("root").await;
    let vic = app.seeker("vic").await;
    let vee = app.employer("vee", "Victim Co").await;
    let ada = app.admin("ada").await;
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;
    let victim_co = app.company_of(&vee).await;
    let job =
        app.job(acme, "Senior Rust Developer").description("Tokio, actix and diesel: build the CRM.").insert().await;
    app.job(acme, "Data Engineer")
        .location("Paris, France")
        .remote("remote")
        .employment_type("contract")
        .insert()
        .await;
    app.job(victim_co, "Designer \"UX\" & <Research>")
        .category("Design")
        .salary(Some(50_000), Some(70_000), "year")
        .insert()
        .await;
    let applicant = apply(&ann, job).await;
    app.insert_applicant(acme, Some(job), "Zoë O'Brien-Smith", None).await;
    let outbox = last_id(app, "outbox").await;

    Form::new("change a role", Who::Client(&root), format!("/admin/users/{}/role", vic.id))
        .or_at([format!("/admin/users/{}/role", vee.id), format!("/admin/users/{}/role", ada.id)])
        .or_at(elsewhere("/admin/users/{}/role", &[]))
        .field("role", ok(&["seeker", "employer", "admin"]))
        .field("company_id", ok_owned(strings(&[acme, victim_co], &["", "999999", "abc"])))
        .shows(format!("/admin/users/{}", vic.id))
        .shows("/admin/users")
        .shows("/admin/audit")
        .cases(64)
        .run(app)
        .await;
    Form::new("change a role (employer)", Who::Client(&bob), format!("/admin/users/{}/role", vic.id))
        .field("role", ok(&["admin"]))
        .expect(&[404, 413])
        .cases(12)
        .run(app)
        .await;
    Form::new("deactivate and reactivate", Who::Client(&root), format!("/admin/users/{}/deactivate", vic.id))
        .or_at([
            format!("/admin/users/{}/reactivate", vic.id),
            format!("/admin/users/{}/deactivate", vee.id),
            format!("/admin/users/{}/reactivate", vee.id),
        ])
        .or_at(elsewhere("/admin/users/{}/deactivate", &[]))
        .shows("/admin/users")
        .cases(32)
        .run(app)
        .await;
    Form::new("retry an e-mail", Who::Client(&root), format!("/admin/outbox/{outbox}/retry"))
        .or_at(elsewhere("/admin/outbox/{}/retry", &[]))
        .min_accepted(0)
        .cases(12)
        .run(app)
        .await;

    let list_keys: &[&str] = &["q", "location", "remote", "type", "category", "salary_min", "page"];
    fuzz_queries(app, "GET /jobs", &visitor, vec!["/jobs".into(), "/".into()], list_keys, 96).await;
    fuzz_queries(
        app,
        "GET seeker pages",
        &ann,
        ["/jobs", "/saved-jobs", "/alerts", "/applications", "/resumes", "/notifications", "/messages"]
            .map(String::from)
            .to_vec(),
        &["q", "page", "location", "type", "next"],
        48,
    )
    .await;
    let crm_keys: &[&str] = &["q", "job", "stage", "status", "type", "assignee", "company", "sort", "page", "template"];
    fuzz_queries(
        app,
        "GET /applicants (employer)",
        &bob,
        vec![
            "/applicants".into(),
            "/applicants/board".into(),
            "/applicants/export.csv".into(),
            "/employer/jobs".into(),
            "/applicants/new".into(),
            format!("/applicants/{applicant}/email"),
        ],
        crm_keys,
        96,
    )
    .await;
    fuzz_queries(
        app,
        "GET /applicants (admin)",
        &root,
        ["/applicants", "/applicants/board", "/applicants/export.csv", "/applicants/new"].map(String::from).to_vec(),
        crm_keys,
        64,
    )
    .await;
    fuzz_queries(
        app,
        "GET /admin/users",
        &root,
        ["/admin/users", "/admin", "/admin/jobs", "/admin/companies"].map(String::from).to_vec(),
        &["q", "role", "state", "status", "page", "company", "sort"],
        64,
    )
    .await;
    fuzz_queries(
        app,
        "GET /admin/audit",
        &root,
        vec!["/admin/audit".into(), "/admin/audit.csv".into()],
        &["action", "actor", "target", "from", "to", "page"],
        64,
    )
    .await;
    fuzz_queries(app, "GET /admin/outbox", &root, vec!["/admin/outbox".into()], &["state", "page", "q"], 32).await;
    fuzz_queries(
        app,
        "GET /login",
        &visitor,
        ["/login", "/register", "/password/forgot"].map(String::from).to_vec(),
        &["next"],
        24,
    )
    .await;
    fuzz_queries(app, "GET /login (logged in)", &ann, vec!["/login".into()], &["next"], 24).await;
}

async fn every_route_survives_hostile_requests(app: &TestApp) {
    // Made first, so the small ids the sweep fills in are theirs.
    let _victims =
        (app.seeker("victim1").await, app.employer("victim2", "Victim Co").await, app.seeker("victim3").await);
    let victim_co = scalar(app, "SELECT MIN(id) FROM companies".into()).await;
    for i in 0..3 {
        app.open_job(victim_co, &format!("Victim Role {i}")).await;
        app.insert_applicant(victim_co, None, &format!("Victim {i}"), None).await;
    }
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let root = app.admin("root").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    apply(&ann, job).await;
    post_ok(&bob, "/email-templates/new", &[("name", "Hello"), ("subject", "Hi"), ("body", "Hello {{name}}")]).await;
    post_ok(&ann, "/alerts", &[("query", "q=rust")]).await;

    let table = jobconnect::routes::table();
    assert!(table.len() > 40, "the route table lists every route");
    // Routes that take people or records away run last.
    let destructive = |p: &str| ["delete", "deactivate", "/role", "/logout", "/withdraw"].iter().any(|d| p.contains(d));
    let (last, first): (Vec<_>, Vec<_>) = table.iter().cloned().partition(|(_, p)| destructive(p));
    let users: [(&str, Option<&TestClient>); 4] = [
        ("a visitor", None),
        ("a seeker", Some(&ann.client)),
        ("an employer", Some(&bob.client)),
        ("an admin", Some(&root.client)),
    ];
    let stats = Stats::default();
    let started = Instant::now();
    for (method, pattern) in first.iter().chain(&last) {
        let method = Method::from_bytes(method.as_str().as_bytes()).expect("an HTTP method");
        for who in users {
            if *pattern == "/logout" && who.1.is_some() {
                continue; // log-out is fuzzed with fresh log-ins (accounts)
            }
            let cases = if method == Method::POST { 4 } else { 3 };
            sweep_route(app, &method, pattern, who, cases, &stats).await;
        }
    }
    stats.report(app, &format!("every route of the table ({} routes, 4 users)", table.len()), started.elapsed(), 0);

    // Every other method on every route: refused, never a failure, never a change.
    let patterns: BTreeSet<&str> = table.iter().map(|(_, p)| *p).collect();
    let methods = ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"];
    let started = Instant::now();
    for pattern in &patterns {
        for method in methods {
            let path = fill_pattern(pattern, if pattern.contains("{path") { "css/app.css" } else { "1" });
            let before = snapshot(app).await;
            let resp = send(&root, Method::from_bytes(method.as_bytes()).unwrap(), &path, None, None)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            if resp.status != 405 {
                check_response(&resp).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            }
            unchanged(app, &before, &resp).await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        }
    }
    eprintln!(
        "hostile [{:?}] {} other methods on {} paths in {:.1?}",
        app.backend,
        methods.len(),
        patterns.len(),
        started.elapsed()
    );
    hostile_cookies_and_headers(app, &ann).await;
}

/// What a session cookie is replaced with.
#[derive(Clone, Debug)]
enum Cookie {
    None,
    Real,
    /// The real value with one character changed.
    Flipped(usize),
    Truncated(usize),
    Garbage(String),
    Huge(usize),
}

#[derive(Clone, Debug)]
struct HeaderCase {
    path: &'static str,
    post: bool,
    cookie: Cookie,
    host: Option<&'static str>,
    forwarded_for: Option<&'static str>,
    origin: Option<&'static str>,
}

/// Garbage and tampered session cookies, odd Host, forwarding and Origin
/// headers: at worst a visitor, never a 500, never someone else's session.
async fn hostile_cookies_and_headers(app: &TestApp, user: &TestUser) {
    let login = app.client();
    let resp = login.post_form("/login", &[("login", &user.username), ("password", &user.password)]).await;
    assert_eq!(resp.status, 303);
    let set = resp.header("set-cookie").to_string();
    let (name, value) = set.split(';').next().unwrap().split_once('=').expect("a session cookie");
    let (name, value) = (name.to_string(), value.to_string());
    let csrf = login.csrf().await;
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let handle = tokio::runtime::Handle::current();
    let strategy = (
        select(&["/", "/profile", "/applicants", "/jobs", "/admin", "/login", "/notifications"][..]),
        any::<bool>(),
        prop_oneof![
            1 => Just(Cookie::None),
            2 => Just(Cookie::Real),
            3 => (0usize..400).prop_map(Cookie::Flipped),
            2 => (0usize..400).prop_map(Cookie::Truncated),
            2 => "[!#-+--:<-\\[-~]{0,200}".prop_map(Cookie::Garbage),
            1 => (4000usize..12000).prop_map(Cookie::Huge),
        ],
        select(&[None, Some("evil.example"), Some("127.0.0.1:1"), Some("[::1]"), Some("a..b"), Some("x:y:z")][..]),
        select(&[None, Some("1.2.3.4"), Some("<script>, 999.999.999.999"), Some("::1, unknown"), Some("")][..]),
        select(&[None, Some("https://evil.example"), Some("null"), Some("http://127.0.0.1")][..]),
    )
        .prop_map(|(path, post, cookie, host, forwarded_for, origin)| HeaderCase {
            path,
            post,
            cookie,
            host,
            forwarded_for,
            origin,
        });
    let stats = Stats::default();
    let started = Instant::now();
    check_property(app, "tampered cookies and odd headers", 96, strategy, |case| {
        handle.block_on(async {
            let cookie = match &case.cookie {
                Cookie::None => None,
                Cookie::Real => Some(value.clone()),
                Cookie::Flipped(at) => {
                    let mut v = value.clone().into_bytes();
                    let at = at % v.len();
                    v[at] = if v[at] == b'A' { b'B' } else { b'A' };
                    Some(String::from_utf8(v).unwrap())
                }
                Cookie::Truncated(n) => Some(value[..n % value.len()].to_string()),
                Cookie::Garbage(g) => Some(g.clone()),
                Cookie::Huge(n) => Some("A".repeat(*n)),
            };
            let url = format!("{}{}", app.address, case.path);
            let mut request = if case.post {
                raw.post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("csrf_token={csrf}"))
            } else {
                raw.get(&url)
            };
            if let Some(c) = &cookie {
                request = request.header("cookie", format!("{name}={c}"));
            }
            for (header, value) in
                [("host", case.host), ("x-forwarded-for", case.forwarded_for), ("origin", case.origin)]
            {
                if let Some(v) = value {
                    request = request.header(header, v);
                }
            }
            let resp = match request.send().await {
                Ok(resp) => TestClient::read(resp).await,
                Err(e) => return Err(format!("no answer: {:?}", e.without_url())),
            };
            stats.record(&resp);
            let status = resp.status.as_u16();
            // A header section too large to read is refused as such.
            if status == 431 && matches!(case.cookie, Cookie::Huge(_)) {
                return Ok(());
            }
            check_response(&resp)?;
            let tampered =
                !matches!(case.cookie, Cookie::Real | Cookie::None) && cookie.as_deref() != Some(value.as_str());
            if tampered && case.path == "/profile" && !case.post && status == 200 {
                return Err("a tampered session cookie still opens the profile".into());
            }
            Ok(())
        })
    });
    stats.report(app, "tampered cookies and odd headers", started.elapsed(), 0);
}

/// Markup typed into every free-text field is stored as typed and shown only
/// escaped, on every page that shows it, to every role.
async fn stored_markup_is_shown_escaped_everywhere(app: &TestApp) {
    use reqwest::multipart::Part;
    let root = app.admin("root").await;
    let bob = app.employer("bob", SCRIPT).await;
    let ann = app.seeker("ann").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;

    post_ok(
        &ann,
        "/profile",
        &[("display_name", IMG), ("headline", SCRIPT), ("location", IMG), ("phone", ""), ("skills", SCRIPT)],
    )
    .await;
    let description = format!("{SCRIPT}\n\n{IMG}");
    post_ok(
        &bob,
        "/employer/company",
        &[("name", SCRIPT), ("website", "https://acme.example"), ("description", &description), ("location", IMG)],
    )
    .await;
    post_ok(
        &bob,
        "/employer/jobs/new",
        &[
            ("title", SCRIPT),
            ("description", DESCRIPTION_MARKUP),
            ("location", IMG),
            ("remote", "remote"),
            ("employment_type", "full_time"),
            ("category", "Engineering"),
            ("salary_min", ""),
            ("salary_max", ""),
            ("salary_currency", "EUR"),
            ("salary_period", "year"),
            ("closes_at", ""),
        ],
    )
    .await;
    let job = last_id(app, "jobs").await;
    post_ok(&bob, &format!("/employer/jobs/{job}/publish"), &[]).await;

    let resp = ann
        .post_multipart("/resumes", |f| {
            f.part(
                "resume",
                Part::bytes(pdf_with_text(SCRIPT)).file_name(format!("{IMG}.pdf")).mime_str("application/pdf").unwrap(),
            )
        })
        .await;
    assert_eq!(resp.status, 303, "a resume named with markup: {}", resp.text());
    let resume = last_id(app, "resumes").await;
    let resp = ann
        .post_multipart(&format!("/jobs/{job}/apply"), |f| {
            f.text("cover_letter", format!("{SCRIPT}\n{IMG}")).text("resume_id", resume.to_string())
        })
        .await;
    assert_eq!(resp.status, 303, "an application: {}", resp.text());
    let application: i64 = resp.location().trim_start_matches("/applications/").parse().unwrap();
    let query = format!("q={}&location={}", enc(SCRIPT.as_bytes()), enc(IMG.as_bytes()));
    post_ok(&ann, "/alerts", &[("query", &query)]).await;
    post_ok(&ann, &format!("/applications/{application}/messages"), &[("body", SCRIPT)]).await;

    post_ok(&bob, &format!("/applicants/{application}/messages"), &[("body", IMG)]).await;
    post_ok(&bob, &format!("/applicants/{application}/notes"), &[("body", &format!("{SCRIPT} {IMG}"))]).await;
    post_ok(&bob, &format!("/applicants/{application}/stage"), &[("stage", "interview")]).await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", SCRIPT)
                .text("email", "mark@example.com")
                .text("current_company", IMG)
                .text("position", SCRIPT)
                .text("location", IMG)
                .text("years_experience", "3")
                .text("status", "open")
                .text("employment_type", "contract")
                .part(
                    "resume",
                    Part::bytes(pdf_with_text(IMG))
                        .file_name(format!("{SCRIPT}.pdf"))
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    assert_eq!(resp.status, 303, "an applicant added by hand: {}", resp.text());
    let manual: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    post_ok(&bob, "/email-templates/new", &[("name", SCRIPT), ("subject", IMG), ("body", SCRIPT)]).await;
    let template = last_id(app, "email_templates").await;
    let body = format!("Dear {{{{name}}}}, {SCRIPT}");
    post_ok(
        &bob,
        &format!("/applicants/{manual}/email"),
        &[("subject", IMG), ("body", &body), ("template_id", ""), ("step", "send")],
    )
    .await;
    let email = last_id(app, "outbox").await;

    // The log-in form shows the name back (and the audit log keeps it once throttled).
    for _ in 0..7 {
        let resp = visitor.post_form("/login", &[("login", SCRIPT), ("password", "not-the-password")]).await;
        check_response(&resp).unwrap();
        assert!(shows_escaped(&resp.body, SCRIPT_ESCAPED), "the log-in form shows the name escaped");
    }
    // A refused form shows the values back, escaped.
    let resp = bob.post_form("/employer/jobs/new", &[("title", SCRIPT), ("description", IMG)]).await;
    assert_eq!(resp.status, 422);
    check_response(&resp).unwrap();
    assert!(
        shows_escaped(&resp.body, SCRIPT_ESCAPED) && shows_escaped(&resp.body, IMG_ESCAPED),
        "the refused form keeps the values"
    );

    let pages: Vec<(&TestClient, String)> = vec![
        (&visitor, "/".into()),
        (&visitor, "/jobs".into()),
        (&visitor, format!("/jobs/{job}")),
        (&visitor, format!("/jobs?q={}", enc(SCRIPT.as_bytes()))),
        (&visitor, format!("/jobs?location={}", enc(IMG.as_bytes()))),
        (&visitor, format!("/companies/{acme}")),
        (&ann, "/profile".into()),
        (&ann, "/resumes".into()),
        (&ann, "/applications".into()),
        (&ann, format!("/applications/{application}")),
        (&ann, format!("/applications/{application}/messages")),
        (&ann, "/messages".into()),
        (&ann, "/notifications".into()),
        (&ann, "/alerts".into()),
        (&ann, format!("/jobs/{job}")),
        (&bob, "/".into()),
        (&bob, "/applicants".into()),
        (&bob, format!("/applicants?q={}", enc(SCRIPT.as_bytes()))),
        (&bob, "/applicants/board".into()),
        (&bob, format!("/applicants/{application}")),
        (&bob, format!("/applicants/{application}/messages")),
        (&bob, format!("/applicants/{application}/edit")),
        (&bob, format!("/applicants/{manual}")),
        (&bob, format!("/applicants/{manual}/edit")),
        (&bob, format!("/applicants/{manual}/email")),
        (&bob, format!("/applicants/{manual}/email?template={template}")),
        (&bob, "/messages".into()),
        (&bob, "/notifications".into()),
        (&bob, "/email-templates".into()),
        (&bob, format!("/email-templates/{template}/edit")),
        (&bob, "/employer/company".into()),
        (&bob, "/employer/jobs".into()),
        (&bob, format!("/employer/jobs/{job}/edit")),
        (&bob, format!("/employer/jobs/{job}/preview")),
        (&root, "/admin/users".into()),
        (&root, format!("/admin/users?q={}", enc(SCRIPT.as_bytes()))),
        (&root, format!("/admin/users/{}", ann.id)),
        (&root, format!("/users/{}/profile", ann.id)),
        (&root, "/admin/audit".into()),
        (&root, format!("/admin/audit?actor={}&action={}", enc(SCRIPT.as_bytes()), enc(IMG.as_bytes()))),
        (&root, "/admin/outbox".into()),
        (&root, format!("/admin/outbox/{email}")),
        (&root, "/applicants".into()),
        (&root, format!("/applicants/{manual}")),
    ];
    // The dashboard shows counts only: checked for raw markup, not for the values.
    let dashboard = root.get("/admin").await;
    check_response(&dashboard).unwrap();
    let mut blind = Vec::new();
    for (client, path) in &pages {
        let page = client.get(path).await;
        check_response(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(page.status, 200, "{path}");
        if !shows_escaped(&page.body, SCRIPT_ESCAPED) && !shows_escaped(&page.body, IMG_ESCAPED) {
            blind.push(path.clone());
        }
    }
    assert!(blind.is_empty(), "these pages should show the stored markup, escaped, and do not: {blind:?}");

    // The JSON-LD of the job page holds the title as data.
    let page = visitor.get(&format!("/jobs/{job}")).await;
    let ld = page.select(r#"script[type="application/ld+json"]"#);
    let ld: serde_json::Value = serde_json::from_str(ld.first().expect("the job page has JSON-LD")).unwrap();
    assert_eq!(ld["title"], SCRIPT, "{ld}");
    // The CSV export is data too: markup stays as typed, formulas are defused.
    let csv = bob.get("/applicants/export.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"), "{}", csv.header("content-type"));
    // E-mails with an HTML part escape what people typed.
    for html in texts(app, "SELECT body_html FROM outbox WHERE body_html IS NOT NULL").await {
        check_html(&html).unwrap_or_else(|e| panic!("an e-mail's HTML: {e}"));
    }
}

/// Flash messages carry what people typed. A script that posts form after
/// form without reading the pages in between piles them up in the session
/// cookie (the forms without a page of their own do not take them): that
/// must never break the session (a 500, or a cookie browsers drop).
async fn accepted_posts_without_reading_the_pages_keep_the_session_working(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    let other = app.open_job(acme, "Data Engineer").await;
    let handle = tokio::runtime::Handle::current();

    #[derive(Clone, Debug)]
    enum Step {
        Save,
        Unsave,
        Alert(String),
        Close,
        Reopen,
    }
    let step = prop_oneof![
        Just(Step::Save),
        Just(Step::Unsave),
        "[a-zé😀<>\"& ]{20,200}".prop_map(Step::Alert),
        Just(Step::Close),
        Just(Step::Reopen),
    ];
    check_property(app, "posts without reading a page", 6, vec(step, 40..120), |steps| {
        handle.block_on(async {
            for step in &steps {
                let (who, path, fields): (&TestUser, String, Vec<(&str, String)>) = match step {
                    // (`job` opens and closes; `other` stays open to be saved.)
                    Step::Save => (&ann, format!("/jobs/{other}/save"), vec![]),
                    Step::Unsave => (&ann, format!("/jobs/{other}/unsave"), vec![]),
                    Step::Alert(q) => (&ann, "/alerts".into(), vec![("query", format!("q={}", enc(q.as_bytes())))]),
                    Step::Close => (&bob, format!("/employer/jobs/{job}/close"), vec![]),
                    Step::Reopen => (&bob, format!("/employer/jobs/{job}/reopen"), vec![]),
                };
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let resp = who.post_form(&path, &fields).await;
                check_response(&resp).map_err(|e| format!("{step:?}: {e}"))?;
                if resp.status != 303 {
                    return Err(format!("{step:?} answered {}", resp.status));
                }
                let cookie = resp.header("set-cookie").len();
                if cookie > 4096 {
                    return Err(format!("after {step:?} the session cookie is {cookie} bytes: browsers drop it"));
                }
            }
            for who in [&ann, &bob] {
                let page = get(who, "/").await?;
                check_response(&page)?;
                if page.status != 200 {
                    return Err(format!("the next page answered {}", page.status));
                }
            }
            Ok(())
        })
    });
}
