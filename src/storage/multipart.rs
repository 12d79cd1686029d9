//! Multipart forms: every file part streams to a temporary file in
//! `UPLOAD_DIR/tmp` (same filesystem as its final place), counted while it
//! streams and cut at its limit; text fields are bounded. The client's file
//! name is kept as display text only.

use std::collections::HashMap;
use std::path::PathBuf;

use actix_multipart::Multipart;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::files::{FileKind, Upload, disk_full, no_room};
use crate::config::Settings;
use crate::error::AppError;

/// The file fields a form accepts, with their kind and size limit, and
/// where uploads go (`UPLOAD_DIR`).
pub struct UploadSpec {
    pub files: Vec<(&'static str, FileKind, u64)>,
    /// Limit for each text field and for all of them together.
    pub max_text_bytes: usize,
    pub upload_dir: PathBuf,
    /// The whole body must have arrived by then (`UPLOAD_DEADLINE_SECS`).
    pub deadline: std::time::Duration,
}

impl UploadSpec {
    /// One PDF field named `field`, limited by `MAX_UPLOAD_BYTES`.
    pub fn pdf(field: &'static str, settings: &Settings) -> Self {
        UploadSpec {
            files: vec![(field, FileKind::Pdf, settings.max_upload_bytes)],
            max_text_bytes: 256 * 1024,
            upload_dir: settings.upload_dir.clone(),
            deadline: settings.upload_deadline,
        }
    }

    /// One image field named `field`, limited by `MAX_IMAGE_BYTES`.
    pub fn image(field: &'static str, settings: &Settings) -> Self {
        UploadSpec {
            files: vec![(field, FileKind::Image, settings.max_image_bytes)],
            max_text_bytes: 64 * 1024,
            upload_dir: settings.upload_dir.clone(),
            deadline: settings.upload_deadline,
        }
    }
}

/// A multipart form read whole: text fields and the received files.
pub struct MultipartForm {
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Upload>,
}

impl MultipartForm {
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// A field's value, or None when the form did not send it at all.
    pub fn sent(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The file of a field, if one was chosen (an empty file input sends no file).
    pub fn take_file(&mut self, name: &str) -> Option<Upload> {
        self.files.remove(name)
    }
}

/// Reads a multipart form: files stream to temporary files (413 past their
/// limit), text fields are bounded. `check_text(name, value)` sees each text
/// field as it arrives, before any later part is read: its error ends the
/// read, and every temporary file goes with it (the HTTP layer checks the
/// form's token there: `auth::csrf::read_multipart`).
pub async fn read_multipart(
    payload: Multipart,
    spec: &UploadSpec,
    check_text: impl FnMut(&str, &str) -> Result<(), AppError>,
) -> Result<MultipartForm, AppError> {
    // Past the deadline the read is dropped, and its temporary files with it.
    tokio::time::timeout(spec.deadline, read_parts(payload, spec, check_text))
        .await
        .unwrap_or(Err(AppError::RequestTimeout))
}

async fn read_parts(
    mut payload: Multipart,
    spec: &UploadSpec,
    mut check_text: impl FnMut(&str, &str) -> Result<(), AppError>,
) -> Result<MultipartForm, AppError> {
    let root = spec.upload_dir.clone();
    let tmp_dir = root.join("tmp");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(|e| if no_room(&e) { AppError::InsufficientStorage } else { AppError::internal(e) })?;
    let mut form = MultipartForm { fields: HashMap::new(), files: HashMap::new() };
    let mut text_total = 0usize;
    let malformed = || AppError::Unprocessable("the upload was incomplete or malformed".into());

    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| malformed())?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_string);
        match (spec.files.iter().find(|(n, _, _)| *n == name), file_name) {
            (Some(&(_, kind, limit)), Some(file_name)) => {
                if form.files.contains_key(&name) {
                    return Err(AppError::Unprocessable(format!("more than one file in {name}")));
                }
                let temp = tmp_dir.join(format!("{}.part", uuid::Uuid::new_v4().simple()));
                let mut upload = Upload {
                    temp: Some(temp.clone()),
                    no_room: false,
                    size: 0,
                    display_name: sanitize_file_name(&file_name, kind),
                    kind,
                    head: Vec::new(),
                    root: root.clone(),
                };
                // A full disk refuses the file, not the form: the rest is
                // read (and this file's bytes dropped) so the page can keep
                // what was typed and say to try later.
                let mut out = match tokio::fs::File::create(&temp).await {
                    Ok(out) => Some(out),
                    Err(e) if no_room(&e) => None,
                    Err(e) => return Err(AppError::internal(e)),
                };
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| malformed())?;
                    upload.size += chunk.len() as u64;
                    if upload.size > limit {
                        return Err(AppError::PayloadTooLarge);
                    }
                    if upload.head.len() < 32 {
                        let take = (32 - upload.head.len()).min(chunk.len());
                        upload.head.extend_from_slice(&chunk[..take]);
                    }
                    if let Some(file) = out.as_mut() {
                        match file.write_all(&chunk).await {
                            Ok(()) => {}
                            Err(e) if no_room(&e) => out = None,
                            Err(e) => return Err(AppError::internal(e)),
                        }
                    }
                }
                let written = match out.as_mut() {
                    Some(file) => match file.flush().await.and(file.sync_all().await) {
                        Ok(()) => true,
                        Err(e) if no_room(&e) => false,
                        Err(e) => return Err(AppError::internal(e)),
                    },
                    None => false,
                };
                if !written {
                    drop(out);
                    let _ = tokio::fs::remove_file(&temp).await;
                    upload.temp = None;
                    upload.no_room = true;
                    disk_full();
                }
                // A file input left empty sends a part with no name and no bytes.
                if !(upload.size == 0 && file_name.is_empty()) {
                    form.files.insert(name, upload);
                }
            }
            (None, Some(_)) => {
                // A file where none is expected is drained and dropped.
                while let Some(chunk) = field.next().await {
                    chunk.map_err(|_| malformed())?;
                }
            }
            (_, None) => {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| malformed())?;
                    text_total += chunk.len();
                    if text_total > spec.max_text_bytes {
                        return Err(AppError::PayloadTooLarge);
                    }
                    value.extend_from_slice(&chunk);
                }
                let value = String::from_utf8_lossy(&value).into_owned();
                if !form.fields.contains_key(&name) {
                    check_text(&name, &value)?;
                }
                form.fields.entry(name).or_insert(value);
            }
        }
    }
    Ok(form)
}

/// The client's name as harmless display text: no folders, no control
/// characters, at most 120 characters.
pub fn sanitize_file_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_string();
    if clean.is_empty() {
        match kind {
            FileKind::Pdf => "resume.pdf".into(),
            FileKind::Image => "picture".into(),
        }
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_display_text_only() {
        assert_eq!(sanitize_file_name("../../etc/passwd.pdf", FileKind::Pdf), "passwd.pdf");
        assert_eq!(sanitize_file_name("..\\x.pdf", FileKind::Pdf), "x.pdf");
        assert_eq!(sanitize_file_name("cv\0\r\n.pdf", FileKind::Pdf), "cv.pdf");
        assert_eq!(sanitize_file_name("..", FileKind::Pdf), "resume.pdf");
        assert_eq!(sanitize_file_name("", FileKind::Image), "picture");
    }
}
