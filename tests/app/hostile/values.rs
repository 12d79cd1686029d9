//! Hostile values: the payloads, the byte strings that print them, and the field generators every form and query draws on.

use std::fmt;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;

// ---------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------

pub(super) const SCRIPT: &str = "<script>alert(1)</script>";
pub(super) const IMG: &str = "\"><img src=x onerror=alert(1)>";
/// How they look escaped (askama writes numeric references).
pub(super) const SCRIPT_ESCAPED: &[&str] =
    &["&#60;script&#62;alert(1)&#60;/script&#62;", "&lt;script&gt;alert(1)&lt;/script&gt;"];
pub(super) const IMG_ESCAPED: &[&str] =
    &["&#34;&#62;&#60;img src=x onerror=alert(1)&#62;", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"];

pub(super) fn shows_escaped(body: &str, escaped: &[&str]) -> bool {
    escaped.iter().any(|e| body.contains(e))
}

/// Markup from the input that must never reach a page as it is.
pub(super) const RAW_MARKUP: &[&str] = &[
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
pub(super) const RAW: &[&str] = &[
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
pub(super) struct Bytes(pub(super) Vec<u8>);

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
pub(super) enum Val {
    Missing,
    One(Bytes),
    /// The field repeated (`a=1&a=2`).
    Many(Vec<Bytes>),
    /// Written into the body as it is (not encoded).
    Raw(&'static str),
    /// The value the test tracks (the user's password right now).
    Current,
}

pub(super) fn hostile() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        20 => hostile_short(),
        1 => (select(HUGE_UNITS), 200usize..90_000).prop_map(|(u, n)| u.repeat(n.div_ceil(u.len())).into_bytes()),
    ]
    .boxed()
}

/// Hostile values short enough for a URL.
pub(super) fn hostile_short() -> BoxedStrategy<Vec<u8>> {
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
pub(super) fn field(valid: BoxedStrategy<Vec<u8>>) -> BoxedStrategy<Val> {
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
pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) valid: BoxedStrategy<Val>,
    pub(super) any: BoxedStrategy<Val>,
}

pub(super) fn named(name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Field {
    Field { name, valid: valid.clone().prop_map(|v| Val::One(Bytes(v))).boxed(), any: field(valid) }
}

/// A field whose values the caller generates (good and bad alike).
pub(super) fn named_as(name: &'static str, strategy: BoxedStrategy<Val>) -> Field {
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

pub(super) fn field_values(fields: &[Field]) -> BoxedStrategy<Vec<(&'static str, Val)>> {
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
pub(super) fn ok(values: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    select(values).prop_map(|s| s.as_bytes().to_vec()).boxed()
}

pub(super) fn ok_owned(values: Vec<String>) -> BoxedStrategy<Vec<u8>> {
    select(values).prop_map(String::into_bytes).boxed()
}

/// A string matching a regular expression.
pub(super) fn re(pattern: &'static str) -> BoxedStrategy<Vec<u8>> {
    pattern.prop_map(String::into_bytes).boxed()
}

/// Free text: ordinary words, or markup that is a perfectly valid value (so it
/// gets stored and shown).
pub(super) fn text(pattern: &'static str) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        3 => re(pattern),
        2 => ok(&[SCRIPT, IMG, "Zoë & Co. <b>bold</b>", "O'Brien \"The Rock\"", "</textarea><script>alert(1)</script>"]),
    ]
    .boxed()
}

pub(super) fn enc(bytes: &[u8]) -> String {
    url::form_urlencoded::byte_serialize(bytes).collect()
}

pub(super) fn push_pairs(out: &mut Vec<String>, name: &[u8], val: &Val, current: &str) {
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
pub(super) fn wrong_token(token: &str) -> String {
    let first = if token.starts_with('a') { 'b' } else { 'a' };
    format!("{first}{}", &token[1..])
}
