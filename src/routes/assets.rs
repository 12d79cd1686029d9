//! Static files, compiled into the binary so it runs from any directory.
//! URLs carry a content hash (`/static/css/app.css?v=…`), so they are cached for a year.

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    // One stylesheet made of one file per area, so areas never edit the same file.
    Asset {
        path: "css/app.css",
        content_type: "text/css; charset=utf-8",
        body: concat!(
            include_str!("../../static/css/base.css"),
            include_str!("../../static/css/jobs.css"),
            include_str!("../../static/css/seekers.css"),
            include_str!("../../static/css/applicants.css"),
            include_str!("../../static/css/mail.css"),
            include_str!("../../static/css/realtime.css"),
            include_str!("../../static/css/admin.css"),
        )
        .as_bytes(),
    },
    Asset {
        path: "js/live.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/live.js"),
    },
    Asset {
        path: "js/pages.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/pages.js"),
    },
    Asset { path: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/favicon.svg") },
];

static VERSIONS: LazyLock<Vec<String>> =
    LazyLock::new(|| ASSETS.iter().map(|a| hex::encode(&Sha256::digest(a.body)[..6])).collect());

/// The URL of an asset with its version, for templates: `{{ crate::routes::assets::url("css/app.css") }}`.
pub fn url(path: &str) -> String {
    match ASSETS.iter().position(|a| a.path == path) {
        Some(i) => format!("/static/{path}?v={}", VERSIONS[i]),
        None => format!("/static/{path}"),
    }
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(i) = ASSETS.iter().position(|a| a.path == path.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = format!("\"{}\"", VERSIONS[i]);
    let fresh = req.headers().get("If-None-Match").and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut builder = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder
        .insert_header(("ETag", etag))
        .insert_header(("Cache-Control", "public, max-age=31536000, immutable"))
        .content_type(ASSETS[i].content_type);
    if fresh { builder.finish() } else { builder.body(ASSETS[i].body) }
}
