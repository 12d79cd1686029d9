//! Multipart uploads: file contents and names, broken framings, the multipart encoder and the `Upload` driver.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;
use reqwest::Method;

use super::checks::{accepted, after_accept, check_response, snapshot, unchanged};
use super::urlencoded::pick_path;
use super::values::{Bytes, Field, SCRIPT, Val, field_values, hostile, named, wrong_token};
use super::{Stats, check_property, send};
use crate::fixtures::pdf_with_text;
use crate::helpers::{TestApp, TestClient};

// ---------------------------------------------------------------------------
// Multipart uploads
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct UploadCase {
    path: (usize, String),
    csrf: UCsrf,
    text: Vec<(&'static str, Val)>,
    files: Vec<FilePart>,
    mangle: Mangle,
}

pub(super) fn upload_case(
    paths: Vec<String>,
    field: &'static str,
    kind: Kind,
    text: &[Field],
) -> BoxedStrategy<UploadCase> {
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
pub(super) fn encode_multipart(case: &UploadCase, token: &str, limit: usize) -> (Option<String>, Vec<u8>) {
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

/// A multipart upload to fuzz.
pub(super) struct Upload<'a> {
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
    pub(super) fn new(
        label: &'static str,
        who: &'a TestClient,
        path: impl Into<String>,
        field: &'static str,
        kind: Kind,
    ) -> Self {
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

    pub(super) fn expect(mut self, statuses: &'static [u16]) -> Self {
        self.expect = Some(statuses);
        self.min_accepted = 0;
        self
    }

    pub(super) fn or_at(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.paths.extend(paths);
        self
    }

    pub(super) fn text(mut self, name: &'static str, valid: BoxedStrategy<Vec<u8>>) -> Self {
        self.text.push(named(name, valid));
        self
    }

    pub(super) fn shows(mut self, path: impl Into<String>) -> Self {
        self.views.push((None, path.into()));
        self
    }

    pub(super) fn shows_to(mut self, client: &'a TestClient, path: impl Into<String>) -> Self {
        self.views.push((Some(client), path.into()));
        self
    }

    pub(super) fn cases(mut self, n: u32) -> Self {
        self.cases = n;
        self
    }

    fn limit(&self, app: &TestApp) -> usize {
        match self.kind {
            Kind::Pdf => app.settings.max_upload_bytes as usize,
            Kind::Image => app.settings.max_image_bytes as usize,
        }
    }

    pub(super) async fn run(self, app: &TestApp) {
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
